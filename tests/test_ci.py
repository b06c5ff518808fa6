"""CI installs every program the suite starts, so a fresh machine runs it all, skipping none."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_installs_each_program_the_tests_look_for() -> None:
    """A test that looks a program up with shutil.which needs CI to install it (or its kin)."""
    script = (ROOT / ".ci" / "run").read_text()
    wanted = set()
    for path in (ROOT / "tests").rglob("*.py"):
        wanted |= set(re.findall(r'shutil\.which\("([^"]+)"\)', path.read_text()))
    assert "redis-server" in wanted  # the two-server test's queue
    kin = {"libreoffice": "soffice", "initdb": "postgresql"}  # found under another name
    missing = sorted(
        name
        for name in wanted
        if f"command -v {name}" not in script and kin.get(name, "\0") not in script
    )
    assert missing == [], f".ci/run does not install {missing}"
    assert "need+=(redis-server)" in script
