"""The one line diff between two texts: rows in order, or paired side by side."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: 'same', 'removed' or 'added', with its line numbers."""

    kind: str
    old_no: int | None
    new_no: int | None
    text: str


@dataclass(frozen=True)
class DiffPair:
    """One row of a side-by-side diff: 'same', 'replace', 'delete', 'insert' or 'skip'.

    `left` is the old line and `right` the new one; None where that side has no line.
    """

    kind: str
    left: str | None
    right: str | None


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Return the line-by-line difference between two texts."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(
                DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)
            )
            continue
        lines.extend(DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2))
        lines.extend(DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2))
    return lines


def diff_stats(lines: list[DiffLine]) -> tuple[int, int]:
    """Return how many lines were added and removed."""
    return (
        sum(1 for x in lines if x.kind == "added"),
        sum(1 for x in lines if x.kind == "removed"),
    )


def side_by_side(old: str, new: str, *, context: int = 2) -> list[DiffPair]:
    """Return the diff as old/new pairs; unchanged runs longer than 3 x context are folded
    to `context` lines each side of one 'skip' row."""
    pairs: list[DiffPair] = []
    same: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush_change() -> None:
        kind = "replace" if removed and added else ("delete" if removed else "insert")
        for k in range(max(len(removed), len(added))):
            left = removed[k] if k < len(removed) else None
            right = added[k] if k < len(added) else None
            pairs.append(DiffPair(kind, left, right))
        removed.clear()
        added.clear()

    def flush_same() -> None:
        if len(same) > 3 * context:
            kept = [*same[:context], None, *same[-context:]]
        else:
            kept = list(same)
        pairs.extend(
            DiffPair("skip", None, None) if t is None else DiffPair("same", t, t) for t in kept
        )
        same.clear()

    for line in line_diff(old, new):
        if line.kind == "same":
            if removed or added:
                flush_change()
            same.append(line.text)
            continue
        if same:
            flush_same()
        if line.kind == "added":
            added.append(line.text)
        elif added:  # a removal after additions starts a new change
            flush_change()
            removed.append(line.text)
        else:
            removed.append(line.text)
    if removed or added:
        flush_change()
    if same:
        flush_same()
    return pairs
