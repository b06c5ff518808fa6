"""Locale selection and Norwegian date formatting."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """Return the member's chosen locale, the session's, or bokmål."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _datetime(value: datetime | None, fmt: str = "EEEE d. MMMM y 'kl.' HH:mm") -> str:
    return format_datetime(value, fmt) if value else ""


def _date(value: date | None, fmt: str = "d. MMMM y") -> str:
    return format_date(value, fmt) if value else ""


def init_i18n(app: Flask) -> None:
    """Register date filters for templates."""
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["date"] = _date
    app.jinja_env.globals["get_locale"] = get_locale
