"""Deleting pre-reading entries with a trail, and saving a form for something another member
deleted meanwhile: a clear message, nothing half-done."""

from __future__ import annotations

from sqlalchemy import func, select

from circle.models import AuditEvent
from meetings.models import AgendaItem, AgendaReading
from meetings.services.agenda import add_item


def _url(people, meeting, tail: str = "") -> str:  # noqa: ANN001
    return f"/c/{people.circle.slug}/meetings/{meeting.id}{tail}"


def _item_with_readings(session, people, meeting) -> AgendaItem:  # noqa: ANN001
    item = add_item(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        title="Ettervern",
        kind="discussion",
        readings="Rapport A | https://a.example.org/r\nRapport B | https://b.example.org/r",
    )
    session.commit()
    return item


def test_a_leader_deletes_a_reading_entry_with_a_trail(
    client, session, people, make_meeting, login_as
) -> None:
    """The item's edit page lists the entries with a delete button; deleting one leaves the
    other in first place and an audit event; a participant may not; a second delete of the
    same entry says it is gone."""
    meeting = make_meeting(10)
    item = _item_with_readings(session, people, meeting)
    first, second = item.readings
    delete = _url(people, meeting, f"/agenda/{item.id}/readings/{first.id}/delete")
    login_as(people.participant)
    assert client.post(delete).status_code == 403
    login_as(people.leader)
    page = client.get(_url(people, meeting, f"/agenda/{item.id}")).get_data(as_text=True)
    assert "Rapport A" in page and f"/readings/{first.id}/delete" in page
    response = client.post(delete, follow_redirects=True)
    assert "Forhåndslesingen er slettet." in response.get_data(as_text=True)
    session.expire_all()
    left = list(session.scalars(select(AgendaReading).where(AgendaReading.item_id == item.id)))
    assert [(r.id, r.position) for r in left] == [(second.id, 0)]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.reading_deleted"))
    assert event.actor_id == people.leader.id and "title=Rapport A" in event.detail
    response = client.post(delete, follow_redirects=True)
    assert "allerede slettet" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AgendaReading)) == 1
    assert (
        session.scalar(select(func.count()).where(AuditEvent.action == "meeting.reading_deleted"))
        == 1
    )


def test_a_cancelled_meetings_readings_stay(
    client, session, people, make_meeting, login_as
) -> None:
    """A cancelled meeting's agenda is kept as it was: its entries cannot be deleted."""
    from meetings.services.changes import cancel_meeting

    meeting = make_meeting(10)
    item = _item_with_readings(session, people, meeting)
    reading_id = item.readings[0].id
    cancel_meeting(session, meeting, people.circle, actor=people.leader)
    session.commit()
    login_as(people.leader)
    response = client.post(
        _url(people, meeting, f"/agenda/{item.id}/readings/{reading_id}/delete"),
        follow_redirects=True,
    )
    assert "avlyst" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(AgendaReading, reading_id) is not None
