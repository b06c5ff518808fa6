"""View tests: status codes, redirects, database effects and the e-mails that go out."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from docx import Document
from icalendar import Calendar
from sqlalchemy import func, select

from meetings.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Meeting,
    MinutesNote,
    MinutesState,
    ReviewComment,
    Rsvp,
)
from meetings.services.actions import add_action
from meetings.services.common import to_oslo
from meetings.services.minutes import ItemContent, save_minutes
from meetings.services.workflow import approve_minutes, send_for_review
from tests.circle.test_docx_writer import check_document_setup
from tests.meetings.conftest import at

SECRET_NOTE = "Hemmelig notat om samarbeidsrutinen"


def _texts(message) -> str:  # noqa: ANN001
    """Return every text part of an e-mail, decoded."""
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            )
    return "\n".join(parts) + str(message["Subject"])


def _url(meeting: Meeting, suffix: str = "") -> str:
    return f"/c/{meeting.circle.slug}/meetings/{meeting.id}{suffix}"


def _form_time(value) -> str:  # noqa: ANN001
    return to_oslo(value).strftime("%Y-%m-%dT%H:%M")


def test_create_meeting_via_form(client, session, people, login_as) -> None:
    """A leader creates a meeting; Oslo input is stored in UTC; the agenda comes from the
    template."""
    login_as(people.leader)
    response = client.post(
        f"/c/{people.circle.slug}/meetings/new",
        data={
            "kind": "circle",
            "title": "Høstmøte",
            "starts_at": "2030-10-01T10:00",
            "ends_at": "2030-10-01T13:00",
            "place": "Høgskolen",
            "host_unit_id": "0",
        },
    )
    assert response.status_code == 302
    meeting = session.scalar(select(Meeting))
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.starts_at.hour == 8  # 10:00 in Oslo summer time
    assert len(meeting.items) == 7
    page = client.get(_url(meeting))
    assert page.status_code == 200 and "Høstmøte" in page.text
    assert "Refleksjon over arbeidet siden sist" in page.text


def test_create_meeting_with_bad_input_saves_nothing(client, session, people, login_as) -> None:
    """End before start and an identity number give clear messages; nothing is saved."""
    login_as(people.leader)
    url = f"/c/{people.circle.slug}/meetings/new"
    response = client.post(
        url,
        data={
            "kind": "circle",
            "title": "Møte",
            "starts_at": "2030-10-01T10:00",
            "ends_at": "2030-10-01T09:00",
        },
    )
    assert response.status_code == 200 and "Slutt må være etter start" in response.text
    response = client.post(
        url,
        data={
            "kind": "circle",
            "title": "Møte 15076500565",
            "starts_at": "2030-10-01T10:00",
            "ends_at": "2030-10-01T12:00",
        },
    )
    assert response.status_code == 200 and "fødselsnummer" in response.text
    assert session.scalar(select(func.count(Meeting.id))) == 0


def test_invitation_mails_have_ics_and_link_only(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """Every circle member gets title, time, place, link and an .ics; not the agenda text."""
    meeting = make_meeting(5)
    meeting.items[0].description = SECRET_NOTE
    session.commit()
    login_as(people.leader)
    assert client.post(_url(meeting, "/invite")).status_code == 302
    assert sorted(m["To"] for m in mailbox) == sorted(
        p.email for p in (people.leader, people.leader2, people.participant, people.participant2)
    )
    message = mailbox[0]
    assert message["Subject"] == f"Innkalling: {meeting.title}"
    body = _texts(message)
    assert f"http://sirkel.test{_url(meeting)}" in body and SECRET_NOTE not in body
    attachments = [p for p in message.walk() if p.get_filename()]
    assert attachments[0].get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachments[0].get_payload(decode=True))
    assert len(list(calendar.walk("VEVENT"))) == 1
    # a change after sending: the invitees are told, marked as changed, with a higher SEQUENCE
    mailbox.clear()
    response = client.post(
        _url(meeting, "/edit"),
        data={
            "kind": "circle",
            "title": meeting.title,
            "starts_at": _form_time(meeting.starts_at + timedelta(hours=1)),
            "ends_at": _form_time(meeting.ends_at + timedelta(hours=1)),
            "place": "Nytt sted",
            "host_unit_id": "0",
        },
    )
    assert response.status_code == 302
    assert len(mailbox) == 4 and mailbox[0]["Subject"].startswith("Flyttet: ")
    attachment = next(p for p in mailbox[0].walk() if p.get_filename())
    (event,) = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1
    assert not str(event["SUMMARY"]).startswith("Endret")


def test_invitation_for_past_meeting_is_refused(
    client, session, people, make_meeting, login_as, mailbox
) -> None:
    """A meeting in the past cannot be sent; nothing goes out."""
    meeting = make_meeting(-1)
    login_as(people.leader)
    response = client.post(_url(meeting, "/invite"), follow_redirects=True)
    assert "allerede startet" in response.text
    assert mailbox == []


def test_rsvp_and_attendance_register(client, session, people, make_meeting, login_as) -> None:
    """A participant answers; the leader sees the count and records attendance."""
    meeting = make_meeting(5)
    login_as(people.participant)
    response = client.post(_url(meeting, "/rsvp"), data={"answer": "absent", "message": "På kurs"})
    assert response.status_code == 302
    rsvp = session.scalar(select(Rsvp))
    assert (rsvp.member_id, rsvp.answer.value, rsvp.message) == (
        people.participant.id,
        "absent",
        "På kurs",
    )
    login_as(people.leader)
    page = client.get(_url(meeting))
    assert "1 har meldt forfall" in page.text and "På kurs" in page.text
    register = client.get(_url(meeting, "/attendance"))
    assert register.status_code == 200
    response = client.post(
        _url(meeting, "/attendance"),
        data={
            f"status-{people.participant.id}": "excused",
            f"status-{people.leader.id}": "present",
        },
    )
    assert response.status_code == 302
    assert dict(session.execute(select(Attendance.member_id, Attendance.status)).all()) == {
        people.participant.id: "excused",
        people.leader.id: "present",
    }


def test_attendance_form_starts_from_answers_and_marks_all_present(
    client, session, people, make_meeting, login_as
) -> None:
    """The form ticks what the answers say and nothing for who has not answered; "Alle til
    stede" records everyone as present and comes back to the form."""
    meeting = make_meeting(5)
    login_as(people.participant)
    client.post(_url(meeting, "/rsvp"), data={"answer": "attending"})
    login_as(people.leader)
    page = client.get(_url(meeting, "/attendance")).text
    checked = set(re.findall(r'name="status-(\d+)" value="(\w+)"[^>]*checked', page))
    assert checked == {(str(people.participant.id), "present")}
    assert "Alle til stede" in page
    response = client.post(_url(meeting, "/attendance"), data={"mark": "all_present"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(meeting, "/attendance"))
    statuses = dict(session.execute(select(Attendance.member_id, Attendance.status)).all())
    assert set(statuses.values()) == {"present"}
    assert {people.leader.id, people.participant.id, people.participant2.id} <= set(statuses)


def test_agenda_items_add_edit_reorder_delete(
    client, session, people, make_meeting, login_as
) -> None:
    """Leaders change the agenda with plain forms (no JavaScript needed)."""
    meeting = make_meeting(5)
    login_as(people.leader)
    response = client.post(
        _url(meeting, "/agenda"),
        data={
            "title": "Ny sak",
            "kind": "decision",
            "parent_id": "0",
            "minutes_planned": "10",
            "description": "Les **dette**",
            "readings": "Rapport | https://example.org/r",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    new = meeting.items[-1]
    new_id = new.id
    assert (new.title, new.readings[0].url) == ("Ny sak", "https://example.org/r")
    assert client.get(_url(meeting, f"/agenda/{new.id}")).status_code == 200
    response = client.post(
        _url(meeting, f"/agenda/{new.id}"),
        data={"title": "Ny sak (endret)", "kind": "decision", "minutes_planned": "5"},
    )
    assert response.status_code == 302
    order = {f"position-{i.id}": str(n + 2) for n, i in enumerate(meeting.items)}
    order[f"position-{new.id}"] = "1"
    assert client.post(_url(meeting, "/agenda/order"), data=order).status_code == 302
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert meeting.items[0].title == "Ny sak (endret)"
    assert client.post(_url(meeting, f"/agenda/{new_id}/delete")).status_code == 302
    session.expire_all()
    assert new_id not in {i.id for i in session.get(Meeting, meeting.id).items}


def test_minutes_edit_conflict_returns_409_and_keeps_first_save(
    client, session, people, held_meeting, login_as
) -> None:
    """The second of two saves from the same version is refused and shown the difference."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[0]
    version = meeting.minutes.edit_version
    login_as(people.leader)
    assert client.get(_url(meeting, "/minutes/edit")).status_code == 200
    first = client.post(
        _url(meeting, "/minutes/edit"),
        data={"version": str(version), f"notes-{item.id}": "Første lagring.", "evaluation": ""},
    )
    assert first.status_code == 302
    second = client.post(
        _url(meeting, "/minutes/edit"),
        data={
            "version": str(version),
            f"notes-{item.id}": "Andre <script>x</script>",
            "evaluation": "",
        },
    )
    assert second.status_code == 409
    assert "Noen andre har lagret referatet" in second.text
    assert "&lt;script&gt;x&lt;/script&gt;" in second.text and "<script>x" not in second.text
    session.expire_all()
    note = session.scalar(select(MinutesNote).where(MinutesNote.item_id == item.id))
    assert note.notes == "Første lagring."


def test_review_approval_distribution_by_mail_without_minute_text(
    client, session, people, held_meeting, login_as, mailbox
) -> None:
    """Review, correction accepted, approval, distribution: links only in every e-mail."""
    meeting = held_meeting(notes=SECRET_NOTE)
    item = meeting.items[0]
    login_as(people.leader)
    deadline = to_oslo(at(5)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(_url(meeting, "/minutes/review"), data={"deadline": deadline}).status_code
        == 302
    )
    assert sorted(m["To"] for m in mailbox) == sorted(
        [people.participant.email, people.leader2.email]
    )
    login_as(people.participant)
    assert client.get(_url(meeting, "/minutes")).status_code == 200
    response = client.post(
        _url(meeting, "/minutes/comments"),
        data={"kind": "correction", "item_id": str(item.id), "suggested_text": "Rettet tekst."},
    )
    assert response.status_code == 302
    comment = session.scalar(select(ReviewComment))
    login_as(people.leader)
    assert (
        client.post(
            _url(meeting, f"/minutes/comments/{comment.id}"), data={"decision": "accept"}
        ).status_code
        == 302
    )
    assert client.post(_url(meeting, "/minutes/approve")).status_code == 302
    assert client.post(_url(meeting, "/minutes/distribute")).status_code == 302
    session.expire_all()
    meeting = session.get(Meeting, meeting.id)
    assert meeting.minutes.state == MinutesState.DISTRIBUTED
    distributed = [m for m in mailbox if m["Subject"].startswith("Godkjent referat")]
    assert sorted(m["To"] for m in distributed) == sorted(
        [people.reference.email, people.unit_leader.email]
    )
    for message in mailbox:
        text = _texts(message)
        assert SECRET_NOTE not in text and "Rettet tekst." not in text
        assert f"http://sirkel.test{_url(meeting, '/minutes')}" in text
    # a correction: version 2, earlier recipients told with a link to the difference
    mailbox.clear()
    response = client.post(
        _url(meeting, "/minutes/correct"),
        data={
            "version": str(meeting.minutes.edit_version),
            "reason": "Skrivefeil",
            f"notes-{item.id}": "Rettet tekst, nå uten feil.",
            "evaluation": "Bra møte.",
        },
    )
    assert response.status_code == 302 and "a=1&b=2" in response.headers["Location"]
    assert sorted(m["To"] for m in mailbox) == sorted(
        [people.reference.email, people.unit_leader.email]
    )
    assert all("Rettet tekst" not in _texts(m) for m in mailbox)
    login_as(people.reference)
    diff = client.get(_url(meeting, "/minutes/versions?a=1&b=2"))
    assert diff.status_code == 200 and "<ins>Rettet tekst, nå uten feil.</ins>" in diff.text


def test_reference_group_sees_approved_but_never_draft(
    client, session, people, held_meeting, login_as
) -> None:
    """Drafts are 404 for the reference group and unit leaders; approved minutes are open."""
    meeting = held_meeting(notes=SECRET_NOTE)
    for member in (people.reference, people.unit_leader, people.participant2):
        login_as(member)
        assert client.get(_url(meeting, "/minutes")).status_code == 404
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(3))
    session.commit()
    login_as(people.reference)
    assert client.get(_url(meeting, "/minutes")).status_code == 404
    login_as(people.participant)
    assert client.get(_url(meeting, "/minutes")).status_code == 200
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    login_as(people.reference)
    page = client.get(_url(meeting, "/minutes"))
    assert page.status_code == 200 and SECRET_NOTE in page.text
    assert "Kommentarer og rettelser" not in page.text
    assert client.get(_url(meeting, "/minutes/revisions")).status_code == 404
    login_as(people.other_leader)
    assert client.get(_url(meeting, "/minutes")).status_code == 404


def test_actions_list_filters_and_toggle(client, session, people, held_meeting, login_as) -> None:
    """The list filters by owner and status; the owner marks an item done (POST)."""
    meeting = held_meeting()
    mine = add_action(
        session,
        meeting.minutes,
        people.circle,
        actor=people.leader,
        what="Skrive notat",
        owner_id=people.participant.id,
        due_on=(at(-1)).date(),
    )
    add_action(
        session,
        meeting.minutes,
        people.circle,
        actor=people.leader,
        what="Bestille rom",
        owner_id=people.leader2.id,
    )
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(3))
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    login_as(people.participant)
    slug = people.circle.slug
    page = client.get(f"/c/{slug}/actions?overdue=1")
    assert "Skrive notat" in page.text and "Bestille rom" not in page.text
    page = client.get(f"/c/{slug}/actions/mine")
    assert "Skrive notat" in page.text and "Bestille rom" not in page.text
    response = client.post(
        f"/c/{slug}/actions/{mine.id}/toggle", data={"done": "1", "next": f"/c/{slug}/actions/mine"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/mine")
    session.expire_all()
    assert session.get(ActionItem, mine.id).status == ActionStatus.DONE
    other = session.scalar(select(ActionItem).where(ActionItem.what == "Bestille rom"))
    assert (
        client.post(f"/c/{slug}/actions/{other.id}/toggle", data={"done": "1"}).status_code == 403
    )
    page = client.get(f"/c/{slug}/actions?status=done")
    assert "Skrive notat" in page.text and "Bestille rom" not in page.text


def test_archive_html_and_docx(client, session, people, held_meeting, login_as) -> None:
    """Approved minutes, with attendance and decisions, in one HTML page and one DOCX."""
    approved = held_meeting(-10, notes="Godkjent innhold.", title="Første møte")
    send_for_review(session, approved, people.circle, actor=people.leader, deadline=at(3))
    approve_minutes(session, approved, people.circle, actor=people.leader)
    held_meeting(-2, notes="Utkast som ikke skal med.", title="Andre møte")
    session.commit()
    login_as(people.reference)
    page = client.get(f"/c/{people.circle.slug}/minutes/archive")
    assert page.status_code == 200
    assert "Godkjent innhold." in page.text and "Utkast som ikke skal med." not in page.text
    assert "Pia Deltaker" in page.text and "Vedtatt." in page.text
    response = client.get(f"/c/{people.circle.slug}/minutes/archive.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Godkjent innhold." in text and "Utkast som ikke skal med." not in text
    assert "Første møte" in text and "Vedtak: Vedtatt." in text
    parts = check_document_setup(
        response.data,
        title=f"Referater – {people.circle.name}",
        author=people.circle.institution or people.circle.name,
    )
    assert "**" not in "".join(parts["word/document.xml"].itertext())


def test_print_pages_and_ics(client, session, people, held_meeting, login_as) -> None:
    """Print layouts carry the meeting's details; .ics downloads as a calendar."""
    meeting = held_meeting(notes="Til utskrift.")
    login_as(people.leader)
    agenda = client.get(_url(meeting, "/agenda/print"))
    assert agenda.status_code == 200 and meeting.title in agenda.text
    minutes = client.get(_url(meeting, "/minutes/print"))
    assert minutes.status_code == 200 and "Til utskrift." in minutes.text
    ics = client.get(_url(meeting, ".ics"))
    assert ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data


def test_home_panel_shows_next_meeting_and_latest_minutes(
    client, session, people, make_meeting, held_meeting, login_as
) -> None:
    """The circle's home page shows the next meeting and the latest approved minutes."""
    past = held_meeting(-5, title="Forrige møte")
    send_for_review(session, past, people.circle, actor=people.leader, deadline=at(3))
    approve_minutes(session, past, people.circle, actor=people.leader)
    make_meeting(4, title="Kommende møte")
    session.commit()
    login_as(people.participant)
    page = client.get(f"/c/{people.circle.slug}")
    assert page.status_code == 200
    assert "Kommende møte" in page.text and "Forrige møte" in page.text
    assert "(godkjent " in page.text  # the date says what it is
    assert "når biblioteket er på plass" not in client.get(_url(past)).text


def test_template_editing_view(client, session, people, login_as) -> None:
    """Leaders save the standard agenda through one form."""
    login_as(people.leader)
    url = f"/c/{people.circle.slug}/meetings/template"
    assert "Erfaringsdeling" in client.get(url).text
    response = client.post(
        url,
        data={
            "rows": "2",
            "title-0": "Innsjekk",
            "kind-0": "discussion",
            "minutes_planned-0": "10",
            "position-0": "1",
            "title-1": "",
            "kind-1": "discussion",
        },
    )
    assert response.status_code == 302
    assert "Innsjekk" in client.get(url).text


def test_save_minutes_service_matches_view(session, people, held_meeting) -> None:
    """A saved note shows under its agenda item (guards the form field names)."""
    meeting = held_meeting()
    item = meeting.items[2]
    save_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        expected_version=meeting.minutes.edit_version,
        content={item.id: ItemContent("Under punkt 3.")},
        evaluation="",
    )
    session.commit()
    note = session.scalar(select(MinutesNote).where(MinutesNote.item_id == item.id))
    assert note.notes == "Under punkt 3."


def test_approval_item_links_to_minutes_only_when_the_reader_may_open_them(
    client, session, people, held_meeting, make_meeting, login_as
) -> None:
    """The next meeting's approval item names draft minutes without a link for participants
    (no dead link); leaders get the link, and everyone once the minutes are approved."""
    first = held_meeting(-3)
    second = make_meeting(5)
    minutes_url = _url(first, "/minutes")
    login_as(people.participant)
    page = client.get(_url(second)).text
    assert f'href="{minutes_url}"' not in page
    assert "utkast, ikke godkjent ennå" in page
    login_as(people.leader)
    assert f'href="{minutes_url}"' in client.get(_url(second)).text
    send_for_review(session, first, people.circle, actor=people.leader, deadline=at(1))
    approve_minutes(session, first, people.circle, actor=people.leader)
    session.commit()
    login_as(people.participant)
    page = client.get(_url(second)).text
    assert f'href="{minutes_url}"' in page and "utkast, ikke godkjent ennå" not in page
    assert client.get(minutes_url).status_code == 200


def test_attendance_series_links_only_readable_minutes(
    client, session, people, held_meeting, login_as
) -> None:
    """The series table links a meeting's number to its minutes only once they may be read."""
    meeting = held_meeting(-3)
    login_as(people.participant)
    page = client.get(f"/c/{people.circle.slug}/attendance").text
    assert _url(meeting, "/minutes") not in page
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(1))
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    assert _url(meeting, "/minutes") in client.get(f"/c/{people.circle.slug}/attendance").text


def test_minutes_page_lists_its_threads_and_offers_to_start_one(
    client, session, people, held_meeting, login_as
) -> None:
    """Approved minutes carry "Start en tråd" and the threads about them, for those who see
    them; drafts offer nothing."""
    meeting = held_meeting(-3)
    login_as(people.leader)
    assert "Start en tråd" not in client.get(_url(meeting, "/minutes")).text
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(1))
    approve_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    minutes_id = meeting.minutes.id
    login_as(people.reference)
    page = client.get(_url(meeting, "/minutes")).text
    start = f"/c/{people.circle.slug}/threads/new?subject_kind=minutes&amp;subject_id={minutes_id}"
    assert start in page and "Ingen tråder om dette ennå." in page
    response = client.post(
        start.replace("&amp;", "&"),
        data={"title": "Spørsmål om referatet", "audience": "reference", "body": "Et innspill."},
    )
    assert response.status_code == 302
    page = client.get(_url(meeting, "/minutes")).text
    assert "Spørsmål om referatet" in page
    login_as(people.participant)
    assert "Spørsmål om referatet" in client.get(_url(meeting, "/minutes")).text


def test_minutes_header_shows_the_current_versions_approval(
    client, session, people, held_meeting, login_as
) -> None:
    """After a correction the header names version 2 with its own approval time, the same
    time the versions table shows."""
    from datetime import UTC, datetime

    from meetings.services.workflow import correct_minutes, list_versions

    meeting = held_meeting(-5, notes="Første tekst.")
    send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(3))
    approve_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        now=datetime(2026, 3, 2, 19, 34, 59, tzinfo=UTC),
    )
    correct_minutes(
        session,
        meeting,
        people.circle,
        actor=people.leader2,
        expected_version=meeting.minutes.edit_version,
        content={meeting.items[0].id: ItemContent("Rettet tekst.", "Vedtatt.")},
        evaluation="Bra møte.",
        reason="Skrivefeil",
        now=datetime(2026, 3, 2, 19, 35, 30, tzinfo=UTC),
    )
    session.commit()
    login_as(people.participant)
    page = client.get(_url(meeting, "/minutes")).text
    header = page.split('<div class="page-head">')[1].split("</div>")[0]
    assert "Versjon 2, godkjent" in header and "kl. 20:35" in header and "20:34" not in header
    assert "Leif Leder" in header
    assert [v.number for v in list_versions(session, meeting.minutes)] == [1, 2]
