"""The one text diff: rows for the workspaces, pairs for the minutes; both agree."""

from __future__ import annotations

from circle.textdiff import DiffPair, diff_stats, line_diff, side_by_side
from meetings.services.minutes import diff_html


def test_line_diff_marks_added_and_removed_lines() -> None:
    lines = line_diff("a\nb\nc", "a\nB\nc\nd")
    assert [(x.kind, x.text) for x in lines] == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
        ("added", "d"),
    ]
    assert [(x.old_no, x.new_no) for x in lines] == [
        (1, 1),
        (2, None),
        (None, 2),
        (3, 3),
        (None, 4),
    ]
    assert diff_stats(lines) == (2, 1)


def test_side_by_side_pairs_a_change_and_folds_long_unchanged_runs() -> None:
    old = "\n".join(["x", *"abcdefgh", "y", "z"])
    new = "\n".join(["X", *"abcdefgh", "z", "ny"])
    assert side_by_side(old, new) == [
        DiffPair("replace", "x", "X"),
        DiffPair("same", "a", "a"),
        DiffPair("same", "b", "b"),
        DiffPair("skip", None, None),
        DiffPair("same", "g", "g"),
        DiffPair("same", "h", "h"),
        DiffPair("delete", "y", None),
        DiffPair("same", "z", "z"),
        DiffPair("insert", None, "ny"),
    ]


def test_both_views_of_a_diff_count_the_same_changes() -> None:
    old, new = "a\nb\nc\nd", "a\nB\nc\nd\ne"
    added, removed = diff_stats(line_diff(old, new))
    pairs = side_by_side(old, new)
    assert sum(p.right is not None and p.kind != "same" for p in pairs) == added
    assert sum(p.left is not None and p.kind != "same" for p in pairs) == removed


def test_the_minutes_diff_escapes_and_says_when_nothing_changed() -> None:
    html = str(diff_html("a\n<b>x</b>", "a\n<script>alert(1)</script>", "A", "B"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<del>&lt;b&gt;x&lt;/b&gt;</del>" in html
    assert 'class="empty"' in str(diff_html("samme", "samme", "A", "B"))
