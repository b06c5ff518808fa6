"""Line diffs between two revisions, as rows a template renders (text is always escaped)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: 'same', 'removed' or 'added', with its line numbers."""

    kind: str
    old_no: int | None
    new_no: int | None
    text: str


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


def diff_html(old: str, new: str) -> Markup:
    """Return the diff as an HTML table; every piece of user text is escaped."""
    marks = {"same": " ", "removed": "−", "added": "+"}
    rows = [
        Markup(
            '<tr class="diff-{kind}"><td class="ln">{o}</td><td class="ln">{n}</td>'
            '<td class="mark">{m}</td><td class="text">{t}</td></tr>'
        ).format(
            kind=line.kind,
            o=line.old_no or "",
            n=line.new_no or "",
            m=marks[line.kind],
            t=escape(line.text),
        )
        for line in line_diff(old, new)
    ]
    return Markup('<table class="diff">') + Markup("").join(rows) + Markup("</table>")
