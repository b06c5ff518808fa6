"""Helpers shared by the meetings services: the text guard and Oslo time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l

from circle.errors import DomainError
from circle.i18n import OSLO
from circle.identity import IDENTITY_NUMBER_MESSAGE, contains_identity_number


def guard_text(*texts: str | None) -> None:
    """Refuse texts holding a national identity number, as a DomainError the views show."""
    if any(contains_identity_number(t) for t in texts):
        raise DomainError(IDENTITY_NUMBER_MESSAGE)


def check_length(text: str, limit: int, label: str) -> None:
    """Refuse a text longer than the column or field allows."""
    if len(text) > limit:
        raise DomainError(_l("%(label)s kan ha høyst %(n)d tegn.", label=label, n=limit))


def oslo_to_utc(value: datetime) -> datetime:
    """Read a naive wall-clock time as Europe/Oslo and return it as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=OSLO)
    return value.astimezone(UTC)


def to_oslo(value: datetime) -> datetime:
    """Return the time in Europe/Oslo."""
    return value.astimezone(OSLO)


def oslo_date(value: datetime) -> date:
    """Return the calendar day in Oslo of an aware time."""
    return to_oslo(value).date()


def semester_key(value: datetime) -> tuple[int, int]:
    """Return (year, 1 for spring / 2 for autumn) of a time in Oslo."""
    local = to_oslo(value)
    return local.year, 1 if local.month <= 6 else 2


def semester_label(key: tuple[int, int]) -> str:
    """Return 'Vår 2026' or 'Høst 2026'."""
    from flask_babel import gettext as _

    year, half = key
    return _("Vår %(year)d", year=year) if half == 1 else _("Høst %(year)d", year=year)
