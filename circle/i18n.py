"""Locale and time zone: the one Oslo setting, and every date, time and number through Babel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, session
from flask_babel import format_decimal, get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# The platform's one time zone: Babel's BABEL_DEFAULT_TIMEZONE and every local time here.
TIMEZONE = "Europe/Oslo"
OSLO = ZoneInfo(TIMEZONE)

# Babel patterns per locale: bokmål "torsdag 14. januar 2027 kl. 09:30", English
# "Thursday 14 January 2027 at 09:30".
_PATTERNS = {
    "nb": {
        "date": "d. MMMM y",
        "short_date": "dd.MM.y",
        "weekday_date": "EEEE d. MMMM y",
        "datetime": "EEEE d. MMMM y 'kl.' HH:mm",
        "short_datetime": "dd.MM.y 'kl.' HH:mm",
        "day_month": "d.M.",
    },
    "en": {
        "date": "d MMMM y",
        "short_date": "d MMM y",
        "weekday_date": "EEEE d MMMM y",
        "datetime": "EEEE d MMMM y 'at' HH:mm",
        "short_datetime": "d MMM y, HH:mm",
        "day_month": "d MMM",
    },
}


def select_locale() -> str:
    """Return the member's chosen locale, the session's, or bokmål."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def to_local(value: datetime) -> datetime:
    """Return an aware time in Oslo (a naive one is taken as UTC, as the database keeps it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(OSLO)


def local_to_utc(value: datetime) -> datetime:
    """Read a naive wall-clock time as Oslo time and return it as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=OSLO)
    return value.astimezone(UTC)


def local_date(value: datetime) -> date:
    """Return the calendar day in Oslo of an aware time."""
    return to_local(value).date()


def local_today(now: datetime | None = None) -> date:
    """Return today's date in Oslo (not the server's zone), or the Oslo day of `now`."""
    return local_date(now or datetime.now(UTC))


def _language(locale: str | None) -> str:
    code = locale or str(get_locale() or "nb")
    return code.split("_")[0] if code.split("_")[0] in _PATTERNS else "nb"


def _pattern(kind: str, language: str) -> str:
    return _PATTERNS[language].get(kind, kind)


@lru_cache(maxsize=8)
def _babel_locale(language: str) -> Locale:
    # Babel parses a locale given by name on every call; a page formats dozens of dates.
    return Locale.parse(language)


def format_when(value: datetime | None, kind: str = "datetime", locale: str | None = None) -> str:
    """Return a time in Oslo for the active locale (or ``locale``, for documents of record).

    ``kind`` names a pattern ("datetime", "short_datetime") or is a Babel pattern ("HH:mm").
    """
    if not value:
        return ""
    language = _language(locale)
    return babel_dates.format_datetime(
        to_local(value), _pattern(kind, language), tzinfo=OSLO, locale=_babel_locale(language)
    )


def format_day(value: date | datetime | None, kind: str = "date", locale: str | None = None) -> str:
    """Return a date for the active locale (a datetime is first taken to Oslo)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    language = _language(locale)
    return babel_dates.format_date(value, _pattern(kind, language), locale=_babel_locale(language))


def format_clock(value: datetime | time | None) -> str:
    """Return a time of day, "09:30"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_when(value, "HH:mm")
    return babel_dates.format_time(value, "HH:mm", locale=_babel_locale(_language(None)))


def format_number(value: float | int, digits: int = 1) -> str:
    """Return a number for the active locale: "35,8" in bokmål, "35.8" in English."""
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0")


def format_size(size: int) -> str:
    """Return a file size: "35,8 kB", "1,2 MB" (decimal units)."""
    if size < 1000:
        return _("%(n)s byte", n=format_number(size, 0))
    for unit, factor in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < factor * 1000 or unit == "GB":
            return f"{format_number(size / factor, 1)}\u00a0{unit}"
    return ""  # pragma: no cover


def _template_gettext(translations: Any) -> dict[str, Callable[..., str]]:
    """Return `gettext`/`ngettext` for one render, bound to its catalogue.

    Flask-Babel's template callables look the catalogue up on every call (~9 µs, a few hundred
    calls a page); bound once per render they cost a dictionary look-up. They keep Jinja's
    "newstyle" rules: the result is escaped-safe under autoescape and always %-formatted.
    Macros imported without context still use Flask-Babel's callables, with the same result.
    """

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        text = translations.ugettext(string)
        safe = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704 - our catalogue
        return safe % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        safe = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704 - our catalogue
        return safe % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_i18n(app: Flask) -> None:
    """Register the date, time, number and size filters for templates."""
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.globals["get_locale"] = get_locale
    # Run at each render_template, inside force_locale when a mail is rendered in its
    # reader's language, so the bound catalogue is always the one Flask-Babel would pick.
    app.context_processor(lambda: _template_gettext(get_translations()))
