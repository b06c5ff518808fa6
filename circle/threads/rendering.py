"""A memo in front of the shared Markdown pipeline, so a 500-post thread renders quickly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import format_date
from markupsafe import Markup

from circle.text import render_markdown

# Posts are rendered by circle.text.render_markdown (Markdown, then the bleach allow-list);
# the same text always gives the same HTML, so each worker keeps the recent results. Long
# texts are rendered every time to keep the memo small (at most ~4096 x 8 KB of text).
_CACHE_LIMIT = 8_000
OSLO = ZoneInfo("Europe/Oslo")


@lru_cache(maxsize=4096)
def _cached(text: str) -> Markup:
    return render_markdown(text)


def render_post(text: str | None) -> Markup:
    """Render a post's Markdown through the shared pipeline (memoised for short texts)."""
    if not text:
        return Markup("")
    if len(text) > _CACHE_LIMIT:
        return render_markdown(text)
    return _cached(text)


def clear_cache() -> None:
    """Forget the memoised renderings (used by the benchmark to measure a cold render)."""
    _cached.cache_clear()


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
