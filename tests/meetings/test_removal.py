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


def test_saving_an_agenda_item_deleted_meanwhile_says_so(
    client, session, people, make_meeting, login_as
) -> None:
    """One leader has an item's edit form open while another deletes the item: the save says
    the item is gone and goes back to the agenda; no item comes back, nothing else changes."""
    from meetings.services.agenda import delete_item

    meeting = make_meeting(10)
    item = _item_with_readings(session, people, meeting)
    item_id, before = item.id, len(meeting.items)
    login_as(people.leader)
    edit = _url(people, meeting, f"/agenda/{item_id}")
    assert client.get(edit).status_code == 200
    delete_item(session, item, people.circle, actor=people.leader2)
    session.commit()
    response = client.post(edit, data={"title": "Ettervern, ny tittel", "kind": "discussion"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(people, meeting) + "#agenda")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "slettet fra dagsordenen i mellomtiden" in page
    session.expire_all()
    titles = list(
        session.scalars(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id))
    )
    assert len(titles) == before - 1 and "Ettervern, ny tittel" not in titles
    assert session.scalar(select(func.count()).select_from(AgendaReading)) == 0
    # A participant posting to an id that never existed still gets no hint beyond a refusal.
    login_as(people.participant)
    assert client.post(_url(people, meeting, "/agenda/999999")).status_code in {403, 404}


def test_ticking_off_an_action_deleted_meanwhile_says_so(
    client, session, people, held_meeting, login_as
) -> None:
    """The action list is open in one tab while the action is removed from the draft minutes
    in another: ticking it off says it is gone, and no action comes back."""
    from meetings.models import ActionItem
    from meetings.services.actions import add_action, delete_action

    meeting = held_meeting()
    action = add_action(
        session, meeting.minutes, people.circle, actor=people.leader, what="Sende ut skjema"
    )
    session.commit()
    action_id = action.id
    delete_action(session, action, people.circle, actor=people.leader)
    session.commit()
    login_as(people.leader)
    response = client.post(f"/c/{people.circle.slug}/actions/{action_id}/toggle")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Oppgaven er slettet fra referatet i mellomtiden" in page
    session.expire_all()
    assert session.get(ActionItem, action_id) is None
