"""Flask-Login wiring: members are loaded by their rotating session token."""

from __future__ import annotations

from functools import cache

from flask import Flask, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.models import Member
from circle.security import return_path


@cache
def _member_by_token() -> Select[tuple[Member]]:
    # Built once: every request runs it. A rotated token (logout, password change,
    # deactivation) no longer matches any member. Every page checks the member's roles, so
    # the memberships come in the same query.
    return (
        select(Member)
        .where(Member.session_token == bindparam("token"), Member.active.is_(True))
        .options(joinedload(Member.memberships))
    )


def _load_member(token: str) -> Member | None:
    return db.session.scalar(_member_by_token(), {"token": token})


def _unauthorized() -> Response:
    flash(_l("Logg inn for å se denne siden."), "info")
    return redirect(url_for("auth.login", next=return_path()))


def init_login(app: Flask, manager: LoginManager) -> None:
    """Configure Flask-Login on the app."""
    # Templates get the member object itself, not Flask-Login's proxy: a page reads
    # current_user a few dozen times, and each read through the proxy re-resolves it.
    manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user._get_current_object()})
    manager.user_loader(_load_member)
    manager.unauthorized_handler(_unauthorized)
    manager.session_protection = "basic"
