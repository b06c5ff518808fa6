"""Helpers shared by the projects services: text guards, activity stamps, concurrency errors."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from circle.errors import Conflict, DomainError, NotAllowed
from circle.identity import IDENTITY_NUMBER_MESSAGE, contains_identity_number
from circle.models import utcnow

MAX_BODY = 100_000


def guard_text(*texts: str | None) -> None:
    """Refuse any text holding a national identity number, as a domain error."""
    if any(contains_identity_number(text) for text in texts):
        raise DomainError(IDENTITY_NUMBER_MESSAGE)


def require_allowed(allowed: bool, message: object) -> None:
    """Raise NotAllowed with the message unless allowed."""
    if not allowed:
        raise NotAllowed(message)


def check_length(text: str, limit: int = MAX_BODY) -> None:
    """Refuse a text longer than the limit."""
    if len(text) > limit:
        raise DomainError(_l("Teksten er for lang (høyst %(n)d tegn).", n=limit))


def check_period(starts_on: date | None, ends_on: date | None) -> None:
    """Refuse an end before the start."""
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_l("Sluttdatoen kan ikke være før startdatoen."))


def touch(project) -> None:  # noqa: ANN001
    """Record activity on a project (shown on the overview)."""
    project.last_activity_at = utcnow()


class StaleEdit(Conflict):
    """Someone saved in between: the save was refused and the current text is attached."""

    def __init__(self, current_body: str, current_revision: int, author_name: str = "") -> None:
        super().__init__(
            _l(
                "Noen andre har lagret en nyere versjon mens du skrev. Ingenting er "
                "overskrevet: se forskjellen nedenfor, og lagre på nytt hvis du vil "
                "beholde din tekst."
            )
        )
        self.current_body = current_body
        self.current_revision = current_revision
        self.author_name = author_name
