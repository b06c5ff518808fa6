"""Checks on what enters from outside: control characters, links, ids and integers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from circle.errors import DomainError

# Ids and counts live in Integer columns: 32-bit in PostgreSQL (SQLite would take 64 bits), so
# a larger number cannot even be looked up there without a database error.
MAX_INT = 2**31 - 1
_ASCII_INT_RE = re.compile(r"[0-9]{1,10}")
# Control characters (Unicode Cc); the line and paragraph separators end a line in most
# readers, like CR and LF. A multi-line text keeps tab, LF and CR (and those separators).
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTILINE_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_message(label: Any) -> Any:
    """Return the message for a single-line field holding a control character."""
    return _l(
        "Feltet «%(field)s» kan ikke inneholde linjeskift, tabulatorer eller andre kontrolltegn. "
        "Skriv teksten på én linje.",
        field=label,
    )


def multiline_control_message(label: Any) -> Any:
    """Return the message for a multi-line field holding a control character."""
    return _l(
        "Feltet «%(field)s» inneholder kontrolltegn som ikke kan lagres. Fjern dem og prøv igjen.",
        field=label,
    )


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Tell whether text holds a control character (line breaks count unless multiline)."""
    return (_MULTILINE_CONTROL_RE if multiline else _CONTROL_RE).search(text) is not None


class ControlCharacterError(DomainError):
    """A text holds a control character where it cannot be kept (a line break in a title)."""


def holds_control_characters(value: Any, *, multiline: bool) -> bool:
    """Tell whether a value (text, or lists and mappings of text) holds a control character."""
    if isinstance(value, str):
        return has_control_characters(value, multiline=multiline)
    if isinstance(value, dict):
        return any(
            holds_control_characters(k, multiline=multiline)
            or holds_control_characters(v, multiline=multiline)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_control_characters(item, multiline=multiline) for item in value)
    return False


def ensure_single_line(value: str | None, *, label: Any) -> None:
    """Raise ControlCharacterError if a single-line value holds a line break or a control."""
    if value and has_control_characters(value):
        raise ControlCharacterError(control_character_message(label))


def parse_id(raw: Any) -> int | None:
    """Return a positive id (up to MAX_INT) written in ASCII digits, else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_INT else None
    if not isinstance(raw, str) or not _ASCII_INT_RE.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_INT else None


def parse_int(raw: Any, default: int | None = None) -> int | None:
    """Return a non-negative integer (up to MAX_INT) written in ASCII digits, else the default."""
    if not isinstance(raw, str) or not _ASCII_INT_RE.fullmatch(raw):
        return default
    value = int(raw)
    return value if value <= MAX_INT else default


def is_safe_link(url: str | None) -> bool:
    """Tell whether url may become a link: an absolute http(s) URL or a path on this site."""
    if not url or url != url.strip() or any(c.isspace() or not c.isprintable() for c in url):
        return False
    if "\\" in url:  # browsers read a backslash as a slash: "/\evil" and "http:/\evil" go away
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in {"http", "https"}
        and bool(parts.hostname)
        and (url.lower().startswith(("http://", "https://")))
    )


_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")


def looks_like_link(text: str) -> bool:
    """Tell whether text is meant as a link (a scheme, a path, //host or a backslash start)."""
    return bool(
        text.startswith(("/", "\\")) or "://" in text or _SCHEME_RE.match(text)
    ) and not any(c.isspace() for c in text)


def safe_link(url: str | None) -> str | None:
    """Return url if it may be shown as a link (for templates), else None."""
    return url if is_safe_link(url) else None
