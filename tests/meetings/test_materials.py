"""Materials on agenda items and minutes: stored through circle.files, read in the job,
visible as the meeting or the minutes' state allows, downloaded under their name."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from circle.errors import NotAllowed
from circle.models import AuditEvent, FileState, Role
from meetings.models import Material, MeetingKind
from meetings.services import materials
from meetings.services.workflow import approve_minutes, send_for_review
from tests.meetings.conftest import at
from tests.projects.conftest import FNR, pdf_bytes


def _attach(client, people, meeting, item_id: int, data: bytes, name: str, **kw):  # noqa: ANN001, ANN202
    return client.post(
        f"/c/{people.circle.slug}/meetings/{meeting.id}/materials",
        data={"attach_to": str(item_id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kw,
    )


def test_a_participant_attaches_slides_to_an_agenda_item(
    client, session, people, make_meeting, login_as
) -> None:
    """Listed under the item on the meeting and print pages; downloaded under its name; the
    reference group does not see a circle meeting's materials."""
    meeting = make_meeting(10)
    item = meeting.items[0]
    login_as(people.participant)
    response = _attach(client, people, meeting, item.id, pdf_bytes("Lysark"), "Lysark møte.pdf")
    assert response.status_code == 302
    material = session.scalar(select(Material))
    assert material.item_id == item.id and material.stored_file.state == FileState.READY
    url = f"/c/{people.circle.slug}/meetings/{meeting.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Møtemateriell" in page and "Lysark møte.pdf" in page
    assert "Lysark møte.pdf" in client.get(url + "/agenda/print").get_data(as_text=True)
    download = client.get(f"{url}/materials/{material.id}")
    assert download.status_code == 200
    assert "Lysark%20m%C3%B8te.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    login_as(people.reference)
    assert client.get(f"{url}/materials/{material.id}").status_code == 404


def test_wrong_type_and_identity_numbers_are_refused(
    client, session, people, make_meeting, login_as
) -> None:
    """An HTML file is refused at once; a text holding an identity number is refused by the
    reading job and never downloadable."""
    meeting = make_meeting(10)
    item = meeting.items[0]
    login_as(people.participant)
    response = _attach(
        client, people, meeting, item.id, b"<html></html>", "x.html", follow_redirects=True
    )
    assert "kan ikke lastes opp" in response.get_data(as_text=True)
    assert session.scalar(select(Material)) is None
    _attach(client, people, meeting, item.id, f"Deltaker {FNR}".encode(), "notat.txt")
    material = session.scalar(select(Material))
    assert material.stored_file.state == FileState.REFUSED
    url = f"/c/{people.circle.slug}/meetings/{meeting.id}"
    assert client.get(f"{url}/materials/{material.id}").status_code == 404


def test_only_the_invited_attach_to_items_and_leaders_to_the_minutes(
    client, session, people, make_meeting, held_meeting, login_as
) -> None:
    """The reference group may not attach to a circle meeting's items (404: not its page);
    a participant may not attach to the minutes."""
    meeting = make_meeting(10)
    login_as(people.reference)
    response = _attach(client, people, meeting, meeting.items[0].id, pdf_bytes("x"), "x.pdf")
    assert response.status_code == 404
    held = held_meeting()
    login_as(people.participant)
    response = _attach(client, people, held, 0, pdf_bytes("x"), "x.pdf")
    assert response.status_code == 404  # draft minutes are not the participant's to see
    ref = make_meeting(12, kind=MeetingKind.REFERENCE)
    from meetings.services.agenda import add_item

    item = add_item(
        session, ref, people.circle, actor=people.leader, title="Status", kind="information"
    )
    session.commit()
    login_as(people.reference)
    assert _attach(client, people, ref, item.id, pdf_bytes("ok"), "ok.pdf").status_code == 302
    assert session.scalar(select(Material)).uploaded_by_id == people.reference.id


def test_minutes_materials_follow_the_minutes_state(
    client, session, people, held_meeting, login_as
) -> None:
    """A leader attaches a handout to draft minutes: hidden from the reference group and from
    participants until approved, then listed on the minutes page for all."""
    meeting = held_meeting()
    login_as(people.leader)
    assert (
        _attach(client, people, meeting, 0, pdf_bytes("Vedlegg"), "vedlegg.pdf").status_code == 302
    )
    material = session.scalar(select(Material))
    assert material.item_id is None
    minutes_url = f"/c/{people.circle.slug}/meetings/{meeting.id}/minutes"
    assert "vedlegg.pdf" in client.get(minutes_url).get_data(as_text=True)
    download = f"/c/{people.circle.slug}/meetings/{meeting.id}/materials/{material.id}"
    login_as(people.participant)
    assert client.get(download).status_code == 404
    assert "vedlegg.pdf" not in client.get(
        f"/c/{people.circle.slug}/meetings/{meeting.id}"
    ).get_data(as_text=True)
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(5))
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    login_as(people.reference)
    assert "vedlegg.pdf" in client.get(minutes_url).get_data(as_text=True)
    assert client.get(download).status_code == 200


def test_the_meeting_page_costs_the_same_queries_with_one_or_six_materials(
    app, client, session, people, make_meeting, login_as
) -> None:
    """Materials are loaded in one query with their files and uploaders."""
    from tests.meetings.test_queries import count_queries

    meeting = make_meeting(10)
    url = f"/c/{people.circle.slug}/meetings/{meeting.id}"
    login_as(people.participant)

    def count() -> int:
        client.get(url)
        with count_queries(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    _attach(client, people, meeting, meeting.items[0].id, pdf_bytes("1"), "en.pdf")
    one = count()
    for n in range(5):
        _attach(client, people, meeting, meeting.items[1].id, pdf_bytes(str(n)), f"f{n}.pdf")
    assert "f4.pdf" in client.get(url).get_data(as_text=True)
    assert count() == one


def test_withdrawing_a_material_hides_it_from_all_but_the_leaders(
    client, session, people, make_meeting, login_as
) -> None:
    """The participant who attached the slides withdraws them: gone from the meeting page and
    the download for participants; leaders still see them, marked withdrawn, and can download;
    the audit log has it; another participant could not have withdrawn them."""
    meeting = make_meeting(10)
    item = meeting.items[0]
    login_as(people.participant)
    _attach(client, people, meeting, item.id, pdf_bytes("Lysark"), "mine lysark.pdf")
    material = session.scalar(select(Material))
    url = f"/c/{people.circle.slug}/meetings/{meeting.id}"
    withdraw = f"{url}/materials/{material.id}/withdraw"
    assert "Trekk tilbake" in client.get(url).get_data(as_text=True)
    login_as(people.participant2)
    assert "Trekk tilbake" not in client.get(url).get_data(as_text=True)
    assert client.post(withdraw).status_code == 403
    login_as(people.participant)
    response = client.post(withdraw, follow_redirects=True)
    assert "«mine lysark.pdf» er trukket tilbake." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Material, material.id).withdrawn_at is not None
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "meeting.material_withdrawn")
    )
    assert event.actor_id == people.participant.id and f"material={material.id}" in event.detail
    for member in (people.participant, people.participant2):
        login_as(member)
        assert "mine lysark.pdf" not in client.get(url).get_data(as_text=True)
        assert client.get(f"{url}/materials/{material.id}").status_code == 404
        assert client.post(withdraw).status_code == 404  # not theirs to see any more
    login_as(people.leader)
    page = client.get(url).get_data(as_text=True)
    assert "mine lysark.pdf" in page and "trukket tilbake" in page
    assert client.get(f"{url}/materials/{material.id}").status_code == 200
    response = client.post(withdraw, follow_redirects=True)
    assert "Filen er allerede trukket tilbake." in response.get_data(as_text=True)
    assert (
        session.scalar(
            select(func.count()).where(AuditEvent.action == "meeting.material_withdrawn")
        )
        == 1
    )


def test_approved_minutes_materials_are_withdrawn_by_leaders_only(
    client, session, people, held_meeting, login_as
) -> None:
    """A handout on approved minutes: its uploader, now a participant, may not withdraw it;
    a leader may, and keeps it."""
    meeting = held_meeting()
    login_as(people.leader2)
    _attach(client, people, meeting, 0, pdf_bytes("Vedlegg"), "vedlegg.pdf")
    material = session.scalar(select(Material))
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(5))
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    membership = next(m for m in people.leader2.memberships if m.circle_id == people.circle.id)
    membership.role = Role.PARTICIPANT
    session.commit()
    withdraw = f"/c/{people.circle.slug}/meetings/{meeting.id}/materials/{material.id}/withdraw"
    login_as(people.leader2)
    assert client.post(withdraw).status_code == 403
    session.expire_all()
    assert session.get(Material, material.id).withdrawn_at is None
    with pytest.raises(NotAllowed):
        materials.withdraw_material(session, meeting, people.circle, material, actor=people.leader2)
    session.rollback()
    login_as(people.leader)
    assert client.post(withdraw).status_code == 302
    session.expire_all()
    assert session.get(Material, material.id).withdrawn_at is not None
    minutes_page = client.get(f"/c/{people.circle.slug}/meetings/{meeting.id}/minutes")
    assert "vedlegg.pdf" in minutes_page.get_data(as_text=True)
