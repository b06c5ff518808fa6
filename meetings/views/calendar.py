"""Views: the member's calendar subscription (secret feed URL) and the feed itself."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.extensions import db
from meetings.forms import CsrfForm
from meetings.services import ical
from meetings.views.common import absolute, bp, flash_form_errors, meeting_link


@bp.get("/meetings/calendar")
@login_required
def calendar() -> str:
    """Show the member's private feed URL, with a button to renew it."""
    token = ical.existing_feed_token(db.session, current_user)
    return render_template(
        "meetings/calendar.html",
        form=CsrfForm(),
        token=token,
        feed_url=absolute("meetings.feed", token=token.token) if token else "",
    )


@bp.post("/meetings/calendar/renew")
@login_required
def renew_calendar() -> Response:
    """Create or renew the feed token; the old URL stops working."""
    form = CsrfForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("meetings.calendar"))
    ical.renew_feed_token(db.session, current_user)
    db.session.commit()
    flash(_("Ny kalenderlenke er laget. Den gamle virker ikke lenger."), "success")
    return redirect(url_for("meetings.calendar"))


@bp.get("/meetings/feed/<token>.ics")
def feed(token: str) -> FlaskResponse:
    """The member's meetings as an iCalendar feed (no login: the token is the key)."""
    member = ical.member_for_token(db.session, token)
    if member is None:
        abort(404)
    body = ical.member_feed(db.session, member, meeting_link)
    return FlaskResponse(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="moter.ics"'},
    )
