"""The one Oslo zone: today's date and local times are Oslo's, whatever the server's zone."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from circle.i18n import OSLO, local_date, local_today

ROOT = Path(__file__).resolve().parents[2]


def test_today_is_the_oslo_day() -> None:
    assert local_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert local_today(datetime(2026, 6, 30, 21, 59, tzinfo=UTC)) == date(2026, 6, 30)
    assert local_today(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == date(2026, 7, 1)  # CEST
    assert local_today() == datetime.now(OSLO).date()


def test_a_naive_time_is_read_as_utc() -> None:
    assert local_date(datetime(2026, 3, 1, 23, 30)) == date(2026, 3, 2)


def _calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in {("date", "today"), ("datetime", "today")}:
                found.append(f"{name}.{node.func.attr}()")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ZoneInfo":
            found.append("ZoneInfo()")
    return found


def test_the_code_asks_only_circle_i18n_for_the_zone_and_the_day() -> None:
    """No `date.today()` (the server's zone) and no second ZoneInfo outside circle/i18n.py."""
    offenders = []
    for area in ("circle", "library", "meetings", "projects"):
        for path in sorted((ROOT / area).rglob("*.py")):
            if path == ROOT / "circle" / "i18n.py":
                continue
            calls = _calls(ast.parse(path.read_text(encoding="utf-8")))
            offenders += [f"{path.relative_to(ROOT)}: {call}" for call in calls]
    assert not offenders, "\n".join(offenders)
