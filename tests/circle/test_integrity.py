"""`flask check` runs every area's registered check and, with --repair, the repairs offered."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from circle.hooks import hooks, register_check


def test_repair_runs_only_where_offered_and_check_runs_again(app: Flask) -> None:
    broken = {"mendable": True, "stuck": True}
    calls: list[str] = []

    def mendable(session: Session) -> list[str]:
        calls.append("check mendable")
        return ["area: mendable thing is off"] if broken["mendable"] else []

    def mend(session: Session) -> list[str]:
        calls.append("repair")
        broken["mendable"] = False
        return ["area: mended the thing"]

    def stuck(session: Session) -> list[str]:
        return ["other: stuck thing is off"] if broken["stuck"] else []

    register_check(app, "mendable", mendable, mend)
    register_check(app, "stuck", stuck)  # a check without a repair
    assert [c.repair for c in hooks(app).checks][-2:] == [mend, None]

    runner = app.test_cli_runner()
    plain = runner.invoke(args=["check"])
    assert plain.exit_code != 0 and "repair" not in calls
    assert "area: mendable thing is off" in plain.output and "2 problem(s) found" in plain.output

    repaired = runner.invoke(args=["check", "--repair"])
    assert calls.count("repair") == 1
    assert "repaired: area: mended the thing" in repaired.output
    assert repaired.exit_code != 0 and "1 problem(s) found" in repaired.output
    assert "other: stuck thing is off" in repaired.output

    broken["stuck"] = False
    ok = runner.invoke(args=["check", "--repair"])
    assert ok.exit_code == 0, ok.output
    assert calls.count("repair") == 1  # nothing left to mend
    assert "ok: database, files and indexes agree" in ok.output
