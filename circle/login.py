"""Flask-Login wiring: members are loaded by their rotating session token."""

from __future__ import annotations

from flask import Flask, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.models import Member
from circle.security import return_path


def _load_member(token: str) -> Member | None:
    # A rotated token (logout, password change, deactivation) no longer matches any member.
    # Every page checks the member's roles, so the memberships come in the same query.
    return db.session.scalar(
        select(Member)
        .where(Member.session_token == token, Member.active.is_(True))
        .options(joinedload(Member.memberships))
    )


def _unauthorized() -> Response:
    flash(_l("Logg inn for å se denne siden."), "info")
    return redirect(url_for("auth.login", next=return_path()))


def init_login(app: Flask, manager: LoginManager) -> None:
    """Configure Flask-Login on the app."""
    manager.init_app(app)
    manager.user_loader(_load_member)
    manager.unauthorized_handler(_unauthorized)
    manager.session_protection = "basic"
