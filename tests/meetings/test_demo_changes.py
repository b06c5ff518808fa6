"""The demo shows a cancelled and a moved meeting, and slides on an agenda item."""

from __future__ import annotations

from sqlalchemy import select

from circle.extensions import db
from circle.models import FileState
from meetings.models import Material, Meeting
from tests.pages import load_demo_world


def test_demo_has_cancelled_and_moved_meetings_and_slides(app) -> None:  # noqa: ANN001
    """One meeting cancelled with a reason, one moved (old time kept), slides read and listed."""
    load_demo_world(app)
    with app.app_context():
        meetings = list(db.session.scalars(select(Meeting)))
        cancelled = [m for m in meetings if m.cancelled_at is not None]
        moved = [m for m in meetings if m.moved_from_starts_at is not None]
        assert len(cancelled) == 1 and cancelled[0].cancel_reason
        assert len(moved) == 1 and moved[0].moved_from_starts_at != moved[0].starts_at
        assert moved[0].ical_sequence >= 1 and cancelled[0].ical_sequence >= 1
        slides = list(db.session.scalars(select(Material)))
        assert len(slides) == 1 and slides[0].item_id is not None
        assert slides[0].meeting_id == moved[0].id
        assert slides[0].stored_file.state == FileState.READY
