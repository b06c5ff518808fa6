"""Permission matrix rows for the meetings area: every route, own and other circle, draft and
approved minutes. The reference group and unit leaders never see drafts; only leaders approve."""

from __future__ import annotations

from tests.matrix import DENIED, HIDDEN, Row, circle_view, expect, leaders_only, other_circle


def _m(key: str, suffix: str = "", other: bool = False):  # noqa: ANN202
    """Return a path builder for a meeting in world.extra."""

    def path(w) -> str:  # noqa: ANN001
        slug = w.other.slug if other else w.circle.slug
        return f"/c/{slug}/meetings/{w.extra[key].id}{suffix}"

    return path


def _withdraw(meeting: str, material: str, other: bool = False):  # noqa: ANN202
    """Return a path builder for withdrawing a material in world.extra."""
    return lambda w: _m(meeting, f"/materials/{w.extra[material].id}/withdraw", other)(w)


def _reading(meeting: str, other: bool = False):  # noqa: ANN202
    """Return a path builder for deleting the first reading of a meeting's first item."""

    def path(w) -> str:  # noqa: ANN001
        item = w.extra[meeting].items[0]
        return _m(meeting, f"/agenda/{item.id}/readings/{item.readings[0].id}/delete", other)(w)

    return path


def _c(suffix: str, other: bool = False):  # noqa: ANN202
    return lambda w: f"/c/{(w.other if other else w.circle).slug}{suffix}"


# Circle meetings and seminars: leaders and participants (and admins); reference group and
# unit leaders do not see them (404), only their approved minutes.
STAFF_MEETING = expect(200, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN)
DRAFT = expect(HIDDEN, leader=200, admin=200)
IN_REVIEW = expect(HIDDEN, participant=200, leader=200, admin=200)  # participant reviews
ALL_HIDDEN = expect(HIDDEN)
STAFF_MEETING_POST = expect(302, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN)


def manage_staff_meeting(ok: int = 200) -> dict[str, int]:
    """Leaders change a circle meeting; participants see it (403); the reference group and unit
    leaders do not see it at all (404)."""
    return expect(
        DENIED, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN, leader=ok, admin=ok
    )


def draft(ok: int = 200) -> dict[str, int]:
    """Draft minutes (and their history): only leaders know they exist."""
    return expect(HIDDEN, leader=ok, admin=ok)


def in_review_managed(ok: int = 302) -> dict[str, int]:
    """Minutes in review: the reviewing participant sees them but may not decide (403)."""
    return expect(HIDDEN, participant=DENIED, leader=ok, admin=ok)


MEETING_FORM = {
    "kind": "circle",
    "title": "Matrisemøte",
    "starts_at": "2031-03-01T10:00",
    "ends_at": "2031-03-01T12:00",
    "place": "Høgskolen",
    "host_unit_id": "0",
}
ITEM_FORM = {"title": "Nytt punkt", "kind": "discussion", "parent_id": "0", "minutes_planned": "10"}

ROWS = [
    # meeting list and planning
    Row("meetings.index", _c("/meetings"), circle_view()),
    Row("meetings.index", _c("/meetings", other=True), other_circle(), note="other circle"),
    Row("meetings.create", _c("/meetings/new"), leaders_only()),
    Row(
        "meetings.create",
        _c("/meetings/new"),
        leaders_only(302),
        method="POST",
        data=lambda w: MEETING_FORM,
    ),
    Row("meetings.create", _c("/meetings/new", other=True), other_circle(), note="other circle"),
    Row("meetings.template", _c("/meetings/template"), leaders_only()),
    Row(
        "meetings.template",
        _c("/meetings/template"),
        leaders_only(302),
        method="POST",
        data=lambda w: {
            "rows": "1",
            "title-0": "Innsjekk",
            "kind-0": "discussion",
            "minutes_planned-0": "10",
        },
    ),
    Row(
        "meetings.template",
        _c("/meetings/template", other=True),
        other_circle(),
        note="other circle",
    ),
    # a meeting's page, print view and calendar file
    Row("meetings.show", _m("m_future"), STAFF_MEETING, note="circle meeting"),
    Row("meetings.show", _m("m_ref"), circle_view(), note="reference-group meeting"),
    Row("meetings.show", _m("other_meeting"), ALL_HIDDEN, note="other circle's meeting, our slug"),
    Row("meetings.show", _m("other_meeting", other=True), other_circle(), note="other circle"),
    Row("meetings.print_agenda", _m("m_future", "/agenda/print"), STAFF_MEETING),
    Row(
        "meetings.print_agenda",
        _m("m_ref", "/agenda/print"),
        circle_view(),
        note="reference-group meeting",
    ),
    Row(
        "meetings.print_agenda",
        _m("other_meeting", "/agenda/print", other=True),
        other_circle(),
        note="other circle",
    ),
    Row("meetings.ics", _m("m_future", ".ics"), STAFF_MEETING),
    Row("meetings.ics", _m("m_ref", ".ics"), circle_view(), note="reference-group meeting"),
    Row("meetings.ics", _m("other_meeting", ".ics"), ALL_HIDDEN, note="other circle's meeting"),
    Row("meetings.edit", _m("m_future", "/edit"), manage_staff_meeting()),
    Row(
        "meetings.edit",
        _m("m_future", "/edit"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: MEETING_FORM,
    ),
    Row(
        "meetings.edit",
        _m("other_meeting", "/edit", other=True),
        other_circle(),
        note="other circle",
    ),
    Row(
        "meetings.edit",
        lambda w: f"/c/{w.circle.slug}/meetings/999999/edit",
        ALL_HIDDEN,
        note="no such meeting",
    ),
    # invitation, answers, attendance
    Row("meetings.invite", _m("m_future", "/invite"), manage_staff_meeting(302), method="POST"),
    Row(
        "meetings.invite",
        _m("other_meeting", "/invite"),
        ALL_HIDDEN,
        method="POST",
        note="other circle's meeting",
    ),
    Row(
        "meetings.rsvp",
        _m("m_future", "/rsvp"),
        expect(302, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN, admin=DENIED),
        method="POST",
        data=lambda w: {"answer": "attending"},
    ),
    Row(
        "meetings.rsvp",
        _m("m_ref", "/rsvp"),
        expect(302, outsider=HIDDEN, participant=DENIED, admin=DENIED),
        method="POST",
        data=lambda w: {"answer": "absent", "message": "Forfall"},
        note="reference-group meeting",
    ),
    Row("meetings.attendance", _m("m_draft", "/attendance"), manage_staff_meeting()),
    Row(
        "meetings.attendance",
        _m("m_draft", "/attendance"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: {f"status-{w.members['participant'].id}": "present"},
    ),
    Row(
        "meetings.attendance",
        _m("other_meeting", "/attendance"),
        ALL_HIDDEN,
        note="other circle's meeting",
    ),
    Row(
        "meetings.attendance_series",
        _c("/attendance"),
        expect(200, outsider=HIDDEN, reference=HIDDEN),
    ),
    Row(
        "meetings.attendance_series",
        _c("/attendance", other=True),
        other_circle(),
        note="other circle",
    ),
    # agenda items
    Row(
        "meetings.add_item",
        _m("m_future", "/agenda"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: ITEM_FORM,
    ),
    Row(
        "meetings.add_item",
        _m("other_meeting", "/agenda"),
        ALL_HIDDEN,
        method="POST",
        data=lambda w: ITEM_FORM,
        note="other circle's meeting",
    ),
    Row(
        "meetings.edit_item",
        lambda w: _m("m_future")(w) + f"/agenda/{w.extra['item'].id}",
        manage_staff_meeting(),
    ),
    Row(
        "meetings.edit_item",
        lambda w: _m("m_future")(w) + f"/agenda/{w.extra['item'].id}",
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: {"title": "Endret", "kind": "decision", "minutes_planned": "5"},
    ),
    Row(
        "meetings.edit_item",
        lambda w: _m("m_future")(w) + f"/agenda/{w.extra['other_item'].id}",
        ALL_HIDDEN,
        note="item of another meeting",
    ),
    Row(
        "meetings.delete_item",
        lambda w: _m("m_future")(w) + f"/agenda/{w.extra['item'].id}/delete",
        manage_staff_meeting(302),
        method="POST",
    ),
    Row(
        "meetings.reorder",
        _m("m_future", "/agenda/order"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: {f"position-{w.extra['item'].id}": "1"},
    ),
    # minutes: reading (approved, draft, in review, other circle)
    Row("meetings.minutes", _m("m_approved", "/minutes"), circle_view(), note="approved"),
    Row("meetings.minutes", _m("m_draft", "/minutes"), DRAFT, note="draft"),
    Row("meetings.minutes", _m("m_review", "/minutes"), IN_REVIEW, note="in review"),
    Row(
        "meetings.minutes",
        _m("other_meeting", "/minutes"),
        ALL_HIDDEN,
        note="other circle's minutes, our slug",
    ),
    Row(
        "meetings.minutes",
        _m("other_meeting", "/minutes", other=True),
        other_circle(),
        note="other circle",
    ),
    Row("meetings.minutes", _m("m_future", "/minutes"), ALL_HIDDEN, note="no minutes yet"),
    Row(
        "meetings.print_minutes", _m("m_approved", "/minutes/print"), circle_view(), note="approved"
    ),
    Row("meetings.print_minutes", _m("m_draft", "/minutes/print"), DRAFT, note="draft"),
    Row("meetings.versions", _m("m_approved", "/minutes/versions"), circle_view(), note="approved"),
    Row("meetings.versions", _m("m_draft", "/minutes/versions"), ALL_HIDDEN, note="draft"),
    Row(
        "meetings.revisions",
        _m("m_draft", "/minutes/revisions"),
        draft(),
        note="draft history",
    ),
    Row(
        "meetings.revisions",
        _m("m_approved", "/minutes/revisions"),
        draft(),
        note="history of approved minutes",
    ),
    # minutes: writing and the workflow
    Row("meetings.edit_minutes", _m("m_draft", "/minutes/edit"), draft()),
    Row(
        "meetings.edit_minutes",
        _m("m_draft", "/minutes/edit"),
        draft(302),
        method="POST",
        data=lambda w: {"version": "1", "evaluation": "Fint"},
    ),
    Row(
        "meetings.edit_minutes",
        _m("m_approved", "/minutes/edit"),
        expect(DENIED, outsider=HIDDEN, leader=302, admin=302),
        note="frozen: leaders are sent back",
    ),
    Row(
        "meetings.edit_minutes",
        _m("other_meeting", "/minutes/edit"),
        ALL_HIDDEN,
        note="other circle's minutes",
    ),
    Row(
        "meetings.add_action",
        _m("m_draft", "/minutes/actions"),
        draft(302),
        method="POST",
        data=lambda w: {"what": "Ny oppgave", "owner_id": "0"},
    ),
    Row(
        "meetings.delete_action",
        lambda w: _m("m_draft")(w) + f"/minutes/actions/{w.extra['draft_action'].id}/delete",
        draft(302),
        method="POST",
    ),
    Row(
        "meetings.delete_action",
        lambda w: _m("m_draft")(w) + f"/minutes/actions/{w.extra['other_action'].id}/delete",
        ALL_HIDDEN,
        method="POST",
        note="other circle's action",
    ),
    Row(
        "meetings.send_for_review",
        _m("m_draft", "/minutes/review"),
        draft(302),
        method="POST",
        data=lambda w: {"deadline": "2040-01-01T12:00"},
    ),
    Row(
        "meetings.comment",
        _m("m_review", "/minutes/comments"),
        expect(HIDDEN, participant=302, leader=302, admin=302),
        method="POST",
        data=lambda w: {"kind": "comment", "body": "En merknad"},
        note="in review",
    ),
    Row(
        "meetings.comment",
        _m("m_draft", "/minutes/comments"),
        expect(HIDDEN, leader=DENIED, admin=DENIED),
        method="POST",
        data=lambda w: {"kind": "comment", "body": "En merknad"},
        note="draft",
    ),
    Row(
        "meetings.comment",
        _m("m_approved", "/minutes/comments"),
        expect(DENIED, outsider=HIDDEN),
        method="POST",
        data=lambda w: {"kind": "comment", "body": "En merknad"},
        note="approved: closed",
    ),
    Row(
        "meetings.decide_comment",
        lambda w: _m("m_review")(w) + f"/minutes/comments/{w.extra['comment'].id}",
        in_review_managed(),
        method="POST",
        data=lambda w: {"decision": "decline"},
    ),
    Row("meetings.approve", _m("m_review", "/minutes/approve"), in_review_managed(), method="POST"),
    Row("meetings.approve", _m("m_draft", "/minutes/approve"), draft(302), method="POST"),
    Row(
        "meetings.approve",
        _m("other_meeting", "/minutes/approve"),
        ALL_HIDDEN,
        method="POST",
        note="other circle's minutes",
    ),
    Row(
        "meetings.distribute",
        _m("m_approved", "/minutes/distribute"),
        leaders_only(302),
        method="POST",
    ),
    Row("meetings.correct", _m("m_approved", "/minutes/correct"), leaders_only()),
    Row(
        "meetings.correct",
        _m("m_approved", "/minutes/correct"),
        leaders_only(302),
        method="POST",
        data=lambda w: {
            "version": str(w.extra["m_approved"].minutes.edit_version),
            "reason": "Feil",
            "evaluation": "Rettet",
        },
    ),
    Row(
        "meetings.correct",
        _m("m_draft", "/minutes/correct"),
        ALL_HIDDEN,
        note="draft: nothing to correct",
    ),
    # action items
    Row("meetings.actions", _c("/actions"), circle_view()),
    Row("meetings.actions", _c("/actions", other=True), other_circle(), note="other circle"),
    Row("meetings.my_actions", _c("/actions/mine"), circle_view()),
    Row(
        "meetings.toggle_action",
        lambda w: _c(f"/actions/{w.extra['action'].id}/toggle")(w),
        expect(DENIED, outsider=HIDDEN, participant=302, leader=302, admin=302),
        method="POST",
        data=lambda w: {"done": "1"},
        note="approved, owned by the participant",
    ),
    Row(
        "meetings.toggle_action",
        lambda w: _c(f"/actions/{w.extra['draft_action'].id}/toggle")(w),
        expect(HIDDEN, leader=302, admin=302),
        method="POST",
        data=lambda w: {"done": "1"},
        note="in draft minutes",
    ),
    Row(
        "meetings.toggle_action",
        lambda w: _c(f"/actions/{w.extra['other_action'].id}/toggle")(w),
        ALL_HIDDEN,
        method="POST",
        data=lambda w: {"done": "1"},
        note="other circle's action",
    ),
    # archive
    Row("meetings.archive", _c("/minutes/archive"), circle_view()),
    Row(
        "meetings.archive", _c("/minutes/archive", other=True), other_circle(), note="other circle"
    ),
    Row("meetings.archive_word", _c("/minutes/archive.docx"), circle_view()),
    Row(
        "meetings.archive_word",
        _c("/minutes/archive.docx", other=True),
        other_circle(),
        note="other circle",
    ),
    # calendar subscription
    Row("meetings.calendar", lambda w: "/meetings/calendar", expect(200)),
    Row(
        "meetings.renew_calendar", lambda w: "/meetings/calendar/renew", expect(302), method="POST"
    ),
    Row(
        "meetings.feed",
        lambda w: "/meetings/feed/not-a-token.ics",
        expect(HIDDEN, anonymous=HIDDEN, deactivated=HIDDEN),
        note="bad token",
    ),
    Row(
        "meetings.feed",
        lambda w: f"/meetings/feed/{w.extra['feed_token'].token}.ics",
        expect(200, anonymous=200, deactivated=200),
        note="the token is the key",
    ),
    # cancelling, moving, deleting, carrying forward; reminders; materials
    Row("meetings.cancel", _m("m_future", "/cancel"), manage_staff_meeting()),
    Row(
        "meetings.cancel",
        _m("m_future", "/cancel"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: {"reason": "Sykdom"},
    ),
    Row(
        "meetings.cancel",
        _m("other_meeting", "/cancel"),
        ALL_HIDDEN,
        method="POST",
        note="other circle's meeting",
    ),
    Row("meetings.move", _m("m_future", "/move"), manage_staff_meeting()),
    Row(
        "meetings.move",
        _m("m_future", "/move"),
        manage_staff_meeting(302),
        method="POST",
        data=lambda w: {"starts_at": "2031-03-02T10:00", "ends_at": "2031-03-02T12:00"},
    ),
    Row("meetings.move", _m("other_meeting", "/move", other=True), other_circle(), note="other"),
    Row("meetings.delete", _m("m_future", "/delete"), manage_staff_meeting(302), method="POST"),
    Row(
        "meetings.delete",
        _m("other_meeting", "/delete"),
        ALL_HIDDEN,
        method="POST",
        note="other circle's meeting",
    ),
    Row(
        "meetings.carry_forward",
        _m("m_future", "/carry-forward"),
        manage_staff_meeting(302),
        method="POST",
    ),
    Row("meetings.reminder_settings", _c("/meetings/reminders"), leaders_only()),
    Row(
        "meetings.reminder_settings",
        _c("/meetings/reminders"),
        leaders_only(302),
        method="POST",
        data=lambda w: {"days": "3"},
    ),
    Row(
        "meetings.reminder_settings",
        _c("/meetings/reminders", other=True),
        other_circle(),
        note="other circle",
    ),
    Row(
        "meetings.attach_material",
        _m("m_future", "/materials"),
        expect(302, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN),
        method="POST",
        data=lambda w: {"attach_to": str(w.extra["item"].id)},
        note="agenda item of a circle meeting (no file: form error)",
    ),
    Row(
        "meetings.attach_material",
        _m("m_ref", "/materials"),
        expect(302, outsider=HIDDEN, participant=DENIED),
        method="POST",
        data=lambda w: {"attach_to": str(w.extra["m_ref"].items[0].id)},
        note="agenda item of a reference-group meeting",
    ),
    Row(
        "meetings.attach_material",
        _m("m_draft", "/materials"),
        draft(302),
        method="POST",
        data=lambda w: {"attach_to": "0"},
        note="draft minutes",
    ),
    Row(
        "meetings.attach_material",
        _m("m_review", "/materials"),
        in_review_managed(302),
        method="POST",
        data=lambda w: {"attach_to": "0"},
        note="minutes in review",
    ),
    Row(
        "meetings.attach_material",
        _m("other_meeting", "/materials"),
        ALL_HIDDEN,
        method="POST",
        data=lambda w: {"attach_to": "0"},
        note="other circle's meeting",
    ),
    Row(
        "meetings.material",
        lambda w: _m("m_future")(w) + f"/materials/{w.extra['item_material'].id}",
        STAFF_MEETING,
        note="agenda item material",
    ),
    Row(
        "meetings.material",
        lambda w: _m("m_draft")(w) + f"/materials/{w.extra['minutes_material'].id}",
        DRAFT,
        note="draft minutes material",
    ),
    Row(
        "meetings.material",
        lambda w: _m("m_approved")(w) + f"/materials/{w.extra['approved_material'].id}",
        circle_view(),
        note="approved minutes material",
    ),
    Row(
        "meetings.material",
        lambda w: _m("m_future")(w) + f"/materials/{w.extra['minutes_material'].id}",
        ALL_HIDDEN,
        note="another meeting's material",
    ),
    Row(
        "meetings.delete_reading",
        _reading("m_future"),
        manage_staff_meeting(302),
        method="POST",
    ),
    Row(
        "meetings.delete_reading",
        _reading("m_approved"),
        manage_staff_meeting(302),
        method="POST",
        note="approved minutes: a leader gets the message that the agenda is locked",
    ),
    Row(
        "meetings.delete_reading",
        _reading("m_future", other=True),
        ALL_HIDDEN,
        method="POST",
        note="under the other circle's address",
    ),
    *(
        Row(
            "meetings.withdraw_material",
            _withdraw(meeting, material, other=meeting == "other_meeting"),
            expectation,
            method="POST",
            note=note,
        )
        for meeting, material, expectation, note in (
            ("m_future", "own_material", STAFF_MEETING_POST, "the participant's own slides"),
            ("m_future", "item_material", manage_staff_meeting(302), "someone else's slides"),
            ("m_draft", "minutes_material", draft(302), "draft minutes material"),
            ("m_approved", "own_approved", leaders_only(302), "approved minutes, own file"),
            ("m_future", "minutes_material", ALL_HIDDEN, "another meeting's material"),
            ("other_meeting", "other_material", other_circle(302), "other circle's meeting"),
        )
    ),
]


def _material(session, meeting, item_id, name: str, by=None):  # noqa: ANN001, ANN202
    """A read material with its bytes in storage."""
    import hashlib
    import uuid

    from circle.models import FileState, StoredFile
    from circle.storage import get_storage
    from meetings.models import Material
    from meetings.services.materials import MATERIALS

    data, key = b"%PDF-1.4 matrise", uuid.uuid4().hex
    storage = get_storage()
    storage.put_pending(key, data)
    storage.publish(key)
    stored = StoredFile(
        key=key,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        state=FileState.READY,
        purpose=MATERIALS,
    )
    session.add(stored)
    session.flush()
    material = Material(
        meeting_id=meeting.id,
        item_id=item_id,
        stored_file_id=stored.id,
        uploaded_by_id=by.id if by is not None else None,
    )
    session.add(material)
    session.flush()
    return material


def build(session, world) -> None:  # noqa: ANN001
    """Add meetings with approved, draft and in-review minutes, and the other circle's."""
    from datetime import timedelta

    from circle.models import utcnow
    from meetings.models import ActionItem, AgendaItem, AgendaReading, Minutes, MinutesState
    from meetings.services import attendance, ical, meetings, minutes, workflow
    from meetings.services.actions import add_action

    leader, participant = world.members["leader"], world.members["participant"]
    circle, now = world.circle, utcnow()

    def meeting(days: float, kind: str = "circle", title: str = "Møte", c=None, actor=None):  # noqa: ANN001, ANN202
        start = now + timedelta(days=days)
        return meetings.create_meeting(
            session,
            c or circle,
            actor=actor or leader,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )

    def held(days: float):  # noqa: ANN202
        m = meeting(days)
        attendance.record_attendance(
            session,
            m,
            circle,
            actor=leader,
            statuses={participant.id: "present", leader.id: "present"},
        )
        minutes.save_minutes(
            session,
            m,
            circle,
            actor=leader,
            expected_version=0,
            content={},
            evaluation="Godt møte.",
        )
        return m

    approved = held(-30)
    world.extra["action"] = add_action(
        session, approved.minutes, circle, actor=leader, what="Oppgave", owner_id=participant.id
    )
    workflow.send_for_review(
        session, approved, circle, actor=leader, deadline=now + timedelta(days=1)
    )
    workflow.approve_minutes(session, approved, circle, actor=leader)
    review = held(-10)
    workflow.send_for_review(
        session, review, circle, actor=leader, deadline=now + timedelta(days=5)
    )
    world.extra["comment"] = workflow.add_comment(
        session, review.minutes, circle, actor=participant, kind="comment", body="Rett navnet"
    )
    draft = held(-2)
    world.extra["draft_action"] = add_action(
        session, draft.minutes, circle, actor=leader, what="Utkastoppgave", owner_id=participant.id
    )
    future = meeting(10)
    for m in (future, approved):
        m.items[0].readings.append(AgendaReading(title="Rapport", url="https://example.org/r"))
    ref = meeting(12, kind="reference", title="Referansegruppe")
    ref.items.append(AgendaItem(kind="information", title="Orientering", position=0))
    other = meeting(-5, c=world.other, actor=world.members["outsider"], title="Annen")
    other.minutes = Minutes(
        circle_id=world.other.id, state=MinutesState.APPROVED, approved_version=1, approved_at=now
    )
    session.flush()
    world.extra["other_action"] = ActionItem(
        circle_id=world.other.id, minutes_id=other.minutes.id, what="Annen oppgave"
    )
    session.add(world.extra["other_action"])
    world.extra.update(
        m_approved=approved,
        m_review=review,
        m_draft=draft,
        m_future=future,
        m_ref=ref,
        other_meeting=other,
        item=future.items[-1],
        other_item=other.items[0],
        feed_token=ical.feed_token(session, participant),
        item_material=_material(session, future, future.items[0].id, "lysark.pdf"),
        minutes_material=_material(session, draft, None, "utkast.pdf"),
        approved_material=_material(session, approved, None, "vedlegg.pdf"),
        own_material=_material(session, future, future.items[0].id, "mine.pdf", participant),
        own_approved=_material(session, approved, None, "handout.pdf", participant),
        other_material=_material(session, other, other.items[0].id, "annen.pdf"),
    )
    session.flush()
