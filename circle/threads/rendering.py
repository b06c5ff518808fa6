"""Formatting helpers for thread pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from circle.i18n import format_day, local_date


def day_formatter() -> Callable[[datetime | None], str]:
    """Return a formatter for the Oslo day of a timestamp that formats each day only once."""
    formatted: dict[date, str] = {}

    def day(value: datetime | None) -> str:
        if value is None:
            return ""
        local = local_date(value)
        if local not in formatted:
            formatted[local] = format_day(local)
        return formatted[local]

    return day
