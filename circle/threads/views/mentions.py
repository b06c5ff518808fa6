"""The mention picker's data: who in a thread's audience matches what was typed after @."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import login_required
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.threads.services.posts import audience_members
from circle.threads.views import bp
from circle.threads.views.common import thread_or_404
from circle.web import circle_or_404

MAX_QUERY = 60


@bp.get("/c/<slug>/threads/<int:thread_id>/mentions")
@login_required
def mentions(slug: str, thread_id: int) -> Response:
    """Return the names of audience members matching ?q= as JSON (404 outside the audience)."""
    circle = circle_or_404(slug)
    thread, subject = thread_or_404(circle, thread_id)
    query = request.args.get("q", "")[:MAX_QUERY]
    members = audience_members(db.session, thread, subject, query)
    return jsonify({"members": [{"id": member_id, "name": name} for member_id, name in members]})
