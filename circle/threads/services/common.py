"""Checks shared by the thread services: text limits, the identity guard, subject lookups."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from circle.errors import DomainError, NotAllowed
from circle.identity import IDENTITY_NUMBER_MESSAGE, IdentityNumberError, ensure_no_identity_number
from circle.threads.subjects import Subject

MAX_TITLE = 200
MAX_POST = 20_000
MAX_NOTE = 5_000
MAX_REASON = 500

# (kind, id) -> the resolved subject or None; views pass one bound to the app's registry.
SubjectLookup = Callable[[str | None, int | None], Subject | None]


def no_subjects(kind: str | None, id: int | None) -> Subject | None:  # noqa: A002
    """A lookup that resolves nothing (for threads without a subject)."""
    return None


def guard_identity(*texts: str | None) -> None:
    """Raise a DomainError (never echoing the number) when a text holds an identity number."""
    try:
        ensure_no_identity_number(*texts)
    except IdentityNumberError as exc:
        raise DomainError(IDENTITY_NUMBER_MESSAGE) from exc


def clean_title(title: str | None) -> str:
    """Return the stripped title, or raise a DomainError with a clear message."""
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Tråden må ha en tittel."))
    if len(title) > MAX_TITLE:
        raise DomainError(_l("Tittelen kan ha høyst %(n)d tegn.", n=MAX_TITLE))
    guard_identity(title)
    return title


def clean_text(text: str | None, *, limit: int = MAX_POST, required: bool = True) -> str:
    """Return the text with trailing space trimmed, or raise a DomainError."""
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(_l("Innlegget er tomt. Skriv noe før du sender."))
    if len(text) > limit:
        raise DomainError(
            _l(
                "Teksten er for lang: den kan ha høyst %(n)d tegn, og denne har %(m)d.",
                n=limit,
                m=len(text),
            )
        )
    guard_identity(text)
    return text


def not_found() -> NotAllowed:
    """Return the error for an object the member may not see (same words as a missing one)."""
    return NotAllowed(_l("Fant ikke tråden."))
