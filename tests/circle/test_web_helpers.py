"""The one way a view finishes a change: run the service, commit once, flash, redirect."""

from __future__ import annotations

from flask import Flask, get_flashed_messages
from sqlalchemy import func, select

from circle.errors import DomainError
from circle.extensions import db
from circle.models import Circle
from circle.web import run_and_redirect


def _add_circle(slug: str) -> Circle:
    circle = Circle(slug=slug, name=slug.title(), institution="")
    db.session.add(circle)
    db.session.flush()
    return circle


def _circles() -> int:
    with db.engine.connect() as conn:  # another connection: sees only what was committed
        return conn.scalar(select(func.count()).select_from(Circle))


def test_success_commits_flashes_and_redirects(app: Flask) -> None:
    seen = []
    with app.test_request_context("/", method="POST"):
        response = run_and_redirect("/c/ny", "Lagret.", lambda: _add_circle("ny"), seen.append)
        assert response.status_code == 302 and response.location == "/c/ny"
        assert get_flashed_messages(with_categories=True) == [("success", "Lagret.")]
        assert [c.slug for c in seen] == ["ny"]  # `after` gets the service's result
        assert _circles() == 1


def test_a_domain_error_rolls_back_and_is_shown(app: Flask) -> None:
    def fail() -> None:
        _add_circle("halv")
        raise DomainError("Det gikk ikke.")

    with app.test_request_context("/", method="POST"):
        response = run_and_redirect("/tilbake", "Lagret.", fail)
        assert response.location == "/tilbake"
        assert get_flashed_messages(with_categories=True) == [("error", "Det gikk ikke.")]
        assert db.session.scalar(select(func.count()).select_from(Circle)) == 0
        assert _circles() == 0


def test_an_error_in_after_undoes_the_change_too(app: Flask) -> None:
    def after(_circle: Circle) -> None:
        raise DomainError("Posten kunne ikke køes.")

    with app.test_request_context("/", method="POST"):
        run_and_redirect("/", None, lambda: _add_circle("ny"), after)
        assert get_flashed_messages() == ["Posten kunne ikke køes."]
        assert _circles() == 0


def test_no_message_flashes_nothing(app: Flask) -> None:
    with app.test_request_context("/", method="POST"):
        run_and_redirect("/", None, lambda: _add_circle("stille"))
        assert get_flashed_messages() == []
        assert _circles() == 1
