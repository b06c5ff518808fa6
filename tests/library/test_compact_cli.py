"""`flask library compact`: merges segments and keeps every report searchable."""

from __future__ import annotations

import json


def test_compact_merges_segments_and_keeps_results(runner, tmp_path):
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
