"""`make run` serves on PORT (default 5000) and the e-mailed links follow the port."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """Run `make run` with stand-ins for flask and pybabel that log what they were given."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    # The server stand-in runs until the worker stand-in (started in the background before it)
    # has logged its call, at most 10 s, as a real server would: make stops the worker when the
    # server ends, and on a busy machine an instant exit would stop it before it ran.
    wait = (
        f'case "$*" in *" run --host "*) i=0; '
        f'while ! grep -q " worker" "{log}" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done;; '
        "esac\n"
    )
    for tool in ("flask", "pybabel"):
        stub = bin_dir / tool
        stub.write_text(
            f'#!/bin/sh\necho "{tool} BASE_URL=$BASE_URL $*" >> "{log}"\n'
            + (wait if tool == "flask" else "")
        )
        stub.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.write_text("")
    os.utime(stamp, (4_000_000_000, 4_000_000_000))  # newer than pyproject.toml
    clean = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT")}
    subprocess.run(
        ["make", "-s", "run", f"BIN={bin_dir}", f"STAMP={stamp}", *args],
        cwd=ROOT,
        env=clean | (env or {}),
        check=True,
        capture_output=True,
    )
    return [line for line in log.read_text().splitlines() if line.startswith("flask")]


def _server(calls: list[str]) -> str:
    return next(call for call in calls if " run --host " in call)


def test_run_serves_on_port_5000_by_default(tmp_path: Path) -> None:
    calls = _run(tmp_path)
    assert _server(calls).endswith("run --host 127.0.0.1 --port 5000")
    assert any(call.endswith("--app app worker") for call in calls)  # the job worker beside it
    assert all("BASE_URL=http://127.0.0.1:5000 " in call for call in calls)


def test_port_moves_the_server_and_the_links(tmp_path: Path) -> None:
    calls = _run(tmp_path, "PORT=5123")
    assert _server(calls).endswith("--port 5123")
    assert all("BASE_URL=http://127.0.0.1:5123 " in call for call in calls)


def test_a_given_base_url_is_kept(tmp_path: Path) -> None:
    calls = _run(tmp_path, "PORT=5123", env={"BASE_URL": "https://sirkel.example.no"})
    assert all("BASE_URL=https://sirkel.example.no " in call for call in calls)
