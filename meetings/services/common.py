"""Helpers shared by the meetings services: the text guard and Oslo time."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from circle.errors import DomainError
from circle.i18n import local_to_utc, to_local
from circle.identity import IDENTITY_NUMBER_MESSAGE, contains_identity_number


def guard_text(*texts: str | None) -> None:
    """Refuse texts holding a national identity number, as a DomainError the views show."""
    if any(contains_identity_number(t) for t in texts):
        raise DomainError(IDENTITY_NUMBER_MESSAGE)


def check_length(text: str, limit: int, label: str) -> None:
    """Refuse a text longer than the column or field allows."""
    if len(text) > limit:
        raise DomainError(_l("%(label)s kan ha høyst %(n)d tegn.", label=label, n=limit))


# The one time zone lives in circle.i18n; these names are what the meetings code calls it.
oslo_to_utc = local_to_utc
to_oslo = to_local


def semester_key(value: datetime) -> tuple[int, int]:
    """Return (year, 1 for spring / 2 for autumn) of a time in Oslo."""
    local = to_oslo(value)
    return local.year, 1 if local.month <= 6 else 2


def semester_label(key: tuple[int, int]) -> str:
    """Return 'Vår 2026' or 'Høst 2026'."""
    from flask_babel import gettext as _

    year, half = key
    return _("Vår %(year)d", year=year) if half == 1 else _("Høst %(year)d", year=year)
