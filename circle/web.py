"""Small helpers shared by every area's views: loading a circle, checks, error display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Response, abort, flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from circle.circles.services import get_circle_by_slug
from circle.errors import DomainError
from circle.extensions import db
from circle.models import Circle
from circle.permissions import can_view_circle


def circle_or_404(slug: str, *, structure: bool = False) -> Circle:
    """Return the circle if the current member may see it; others get 404, not a hint."""
    circle = get_circle_by_slug(db.session, slug, structure=structure)
    if circle is None or not can_view_circle(current_user, circle):
        abort(404)
    return circle


def require(allowed: bool) -> None:
    """Abort with 403 unless the check passed (used once the circle itself is visible)."""
    if not allowed:
        abort(403)


def require_that(check: Callable[[Any, Circle], bool], circle: Circle) -> None:
    """Abort with 403 unless check(current_user, circle) holds."""
    require(check(current_user, circle))


def require_visible(allowed: bool) -> None:
    """Abort with 404 unless the member may see what is asked for.

    A draft, a page outside the member's audience or a missing object all answer 404, so the
    answer never tells whether something exists; 403 is for what the member sees but may not
    change (checked with require()).
    """
    if not allowed:
        abort(404)


def deleted_meanwhile(model: type, object_id: int, target: str, message: str) -> Response | None:
    """Answer a save for something deleted since its form was opened (another member, another
    tab): roll back, say so and go back to target. None when the object still exists somewhere
    (then it is the caller's 404: it belongs to something else)."""
    if db.session.get(model, object_id) is not None:
        return None
    db.session.rollback()
    flash(message, "error")
    return redirect(target)  # type: ignore[return-value]


def require_visible_that(check: Callable[[Any, Circle], bool], circle: Circle) -> None:
    """Abort with 404 unless check(current_user, circle) holds (a page outside the audience)."""
    require_visible(check(current_user, circle))


def flash_domain_error(error: DomainError) -> None:
    """Show a domain error's message to the user and roll back what the request changed."""
    db.session.rollback()
    flash(str(error.message), "error")


def commit_or_flash(action: Callable[[], object], ok_message: str | None) -> bool:
    """Run a service call; commit and flash success, or roll back and flash the domain error."""
    try:
        action()
    except DomainError as exc:
        flash_domain_error(exc)
        return False
    db.session.commit()
    if ok_message:
        flash(ok_message, "success")
    return True


def run_and_redirect(
    target: str,
    message: str | None,
    action: Callable[[], Any],
    after: Callable[[Any], None] | None = None,
) -> WerkzeugResponse:
    """Run a service call (and `after` with its result, e.g. to queue mail), commit once, flash
    the outcome and redirect to `target` (post/redirect/get). The one way views finish a change."""

    def run() -> None:
        result = action()
        if after is not None:
            after(result)

    commit_or_flash(run, message)
    return redirect(target)


def flash_form_errors(form: Any) -> None:
    """Show every validation error of a form as a flash message (for forms on list pages)."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def attachment(body: bytes | str, content_type: str, filename: str) -> Response:
    """Return a generated file as a download under its name (RFC 6266), never sniffable.

    ``content_type`` is the whole header value ("text/csv; charset=utf-8"): it is set as it
    is, where ``mimetype=`` would add a second charset to every text/* type.
    """
    response = Response(body, content_type=content_type)
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
