"""`flask library compact`: merges segments and keeps every report searchable."""

from __future__ import annotations

import json

from tests.library.helpers import whoosh_only


def test_compact_merges_segments_and_keeps_results(app, runner, tmp_path):
    whoosh_only(app)
    files = []
    for i, word in enumerate(["bostøtte", "ettervern", "samarbeidsavtale"]):
        path = tmp_path / f"rapport-{i}.txt"
        path.write_text(f"Rapport {i} om {word} for unge voksne.\n", encoding="utf-8")
        files.append(str(path))
    for path in files:  # one import each: every upload adds a segment
        assert runner.invoke(args=["library", "import", path]).exit_code == 0
    skipped = runner.invoke(args=["library", "compact"])
    assert skipped.exit_code == 0 and "nothing to do" in skipped.output
    result = runner.invoke(args=["library", "compact", "--min-segments", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("into 1")
    found = runner.invoke(args=["library", "search", "samarbeidsavtale", "--json"])
    assert [r["filename"] for r in json.loads(found.output)] == ["rapport-2.txt"]


def test_the_nightly_compact_job_merges_once_per_night(app, runner, tmp_path):
    whoosh_only(app)
    from datetime import UTC, datetime

    from circle.hooks import hooks
    from circle.jobs.queue import enqueue_periodic
    from library.index import get_backend

    for i in range(3):
        path = tmp_path / f"natt-{i}.txt"
        path.write_text(f"Rapport {i} om bolig for unge voksne.\n", encoding="utf-8")
        assert runner.invoke(args=["library", "import", str(path)]).exit_code == 0
    spec = next(p for p in hooks(app).periodic if p.name == "library-compact")
    assert spec.schedule == {"minute": "30", "hour": "3"}
    with app.app_context():
        before = get_backend().segment_count()
    night = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
    spec_low = type(spec)(spec.name, spec.kind, spec.schedule, {"min_segments": 2})
    assert enqueue_periodic(app, spec_low, night) is True  # eager: run at the commit
    assert enqueue_periodic(app, spec_low, night) is False  # a second worker's tick: nothing
    with app.app_context():
        assert before >= 2 and get_backend().segment_count() == 1
