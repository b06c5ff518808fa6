"""Formatting helpers for thread pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date

OSLO = ZoneInfo("Europe/Oslo")


def day_formatter() -> Callable[[datetime | None], str]:
    """Return a formatter for the Oslo day of a timestamp that formats each day only once."""
    formatted: dict[date, str] = {}

    def day(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(OSLO).date()
        if local not in formatted:
            formatted[local] = format_date(local, "d. MMMM y")
        return formatted[local]

    return day
