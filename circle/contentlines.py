"""Content lines of iCalendar (RFC 5545) and vCard (RFC 6350): escaping and folding."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape_text(value: str, *, component: bool = False) -> str:
    """Escape a TEXT value: backslash, comma and every line break (CR LF, lone CR, lone LF).

    A semicolon separates components only in structured values (vCard N, ORG, ADR; it has
    no meaning in a single TEXT value), so it is escaped only when ``component`` is true.
    iCalendar escapes it always (RFC 5545 3.3.11), which is ``component=True`` too.
    """
    value = value.replace("\\", "\\\\").replace(",", "\\,")
    if component:
        value = value.replace(";", "\\;")
    return _LINE_BREAK.sub("\\\\n", value)


def structured(*components: str) -> str:
    """Return a structured value: components escaped and joined by semicolons."""
    return ";".join(escape_text(c, component=True) for c in components)


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    if len(line.encode()) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def content_lines(lines: list[str]) -> str:
    """Return lines folded and joined with CRLF, ending with CRLF."""
    return "".join(fold(line) + "\r\n" for line in lines)
