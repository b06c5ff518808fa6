"""Views: the draft's revision history and the approved versions, with diffs."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from circle.extensions import db
from circle.inputs import parse_int
from circle.web import circle_or_404, require_visible_that
from meetings.permissions import can_view_draft_history
from meetings.services import minutes as services
from meetings.services import workflow
from meetings.views.common import bp, meeting_or_404, minutes_meeting_or_404


def _int_arg(name: str) -> int | None:
    return parse_int(request.args.get(name))


@bp.get("/c/<slug>/meetings/<int:meeting_id>/minutes/revisions")
@login_required
def revisions(slug: str, meeting_id: int) -> str:
    """The draft's revisions (who, when), and a comparison of two of them."""
    circle = circle_or_404(slug)
    # The revisions hold draft text: only those who may see drafts learn that they exist.
    require_visible_that(can_view_draft_history, circle)
    meeting = meeting_or_404(circle, meeting_id, page=False)
    if meeting.minutes is None:
        abort(404)
    items = services.list_revisions(db.session, meeting.minutes)
    by_number = {r.number: r for r in items}
    a, b = _int_arg("a"), _int_arg("b")
    diff = None
    if a is not None and b is not None:
        if a not in by_number or b not in by_number:
            abort(404)
        diff = services.diff_html(
            by_number[a].snapshot,
            by_number[b].snapshot,
            _("Revisjon %(n)d", n=a),
            _("Revisjon %(n)d", n=b),
        )
    return render_template(
        "meetings/revisions.html",
        circle=circle,
        meeting=meeting,
        revisions=items,
        diff=diff,
        a=a,
        b=b,
    )


@bp.get("/c/<slug>/meetings/<int:meeting_id>/minutes/versions")
@login_required
def versions(slug: str, meeting_id: int) -> str:
    """The approved versions, one shown in full, or two compared."""
    circle = circle_or_404(slug)
    meeting = minutes_meeting_or_404(circle, meeting_id)
    if not meeting.minutes.is_public:
        abort(404)
    items = workflow.list_versions(db.session, meeting.minutes)
    by_number = {v.number: v for v in items}
    a, b = _int_arg("a"), _int_arg("b")
    diff = shown = None
    if a is not None and b is not None:
        if a not in by_number or b not in by_number:
            abort(404)
        diff = services.diff_html(
            by_number[a].snapshot,
            by_number[b].snapshot,
            _("Versjon %(n)d", n=a),
            _("Versjon %(n)d", n=b),
        )
    elif _int_arg("v") is not None:
        shown = by_number.get(_int_arg("v"))  # type: ignore[arg-type]
        if shown is None:
            abort(404)
    return render_template(
        "meetings/versions.html",
        circle=circle,
        meeting=meeting,
        versions=items,
        diff=diff,
        shown=shown,
        a=a,
        b=b,
    )
