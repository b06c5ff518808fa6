"""Service tests: invitations, answers, the attendance register and its statistics."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Role, Unit
from meetings.models import Attendance, AttendanceStatus, MeetingKind, MeetingNotice
from meetings.services import attendance


def test_invitation_goes_to_the_meeting_audience(session, people, make_meeting) -> None:
    """Circle meetings: leaders and participants; reference meetings: the reference group."""
    meeting = make_meeting(5)
    recipients, changed = attendance.send_invitation(
        session, meeting, people.circle, actor=people.leader
    )
    assert not changed
    assert {m.id for m in recipients} == {
        people.leader.id,
        people.leader2.id,
        people.participant.id,
        people.participant2.id,
    }
    again, changed = attendance.send_invitation(
        session, meeting, people.circle, actor=people.leader
    )
    assert changed and len(again) == 4
    notices = session.scalars(select(MeetingNotice).order_by(MeetingNotice.id)).all()
    assert [n.changed for n in notices] == [False, True]
    ref = make_meeting(6, kind=MeetingKind.REFERENCE)
    ref.items.append(meeting.items[0].__class__(kind="information", title="Orientering"))
    recipients, _ = attendance.send_invitation(session, ref, people.circle, actor=people.leader)
    assert {m.id for m in recipients} == {
        people.leader.id,
        people.leader2.id,
        people.reference.id,
        people.unit_leader.id,
    }


def test_bad_invitations_are_refused(session, people, make_meeting) -> None:
    """A meeting in the past, an empty agenda, or a non-leader: refused, nothing recorded."""
    past = make_meeting(-1)
    with pytest.raises(DomainError):
        attendance.send_invitation(session, past, people.circle, actor=people.leader)
    empty = make_meeting(4, kind=MeetingKind.REFERENCE)
    with pytest.raises(DomainError):
        attendance.send_invitation(session, empty, people.circle, actor=people.leader)
    future = make_meeting(5)
    with pytest.raises(NotAllowed):
        attendance.send_invitation(session, future, people.circle, actor=people.participant)
    assert session.scalars(select(MeetingNotice)).all() == []
    assert future.invitation_sent_at is None


def test_answers_and_summary(session, people, make_meeting) -> None:
    """Attending, or absent with a message; the reference group cannot answer circle meetings."""
    meeting = make_meeting(5)
    attendance.answer_invitation(
        session, meeting, people.circle, actor=people.participant, answer="attending"
    )
    attendance.answer_invitation(
        session, meeting, people.circle, actor=people.participant2, answer="absent", message="Kurs"
    )
    attendance.answer_invitation(
        session, meeting, people.circle, actor=people.participant, answer="absent"
    )  # changing one's mind replaces the answer
    with pytest.raises(NotAllowed):
        attendance.answer_invitation(
            session, meeting, people.circle, actor=people.reference, answer="attending"
        )
    with pytest.raises(DomainError):
        attendance.answer_invitation(
            session, meeting, people.circle, actor=people.leader, answer="maybe"
        )
    summary = attendance.rsvp_summary(session, meeting)
    assert summary.attending == []
    assert [(r.member_id, r.message) for r in summary.absent] == [
        (people.participant2.id, "Kurs"),
        (people.participant.id, ""),
    ]
    assert {m.id for m in summary.unanswered} == {people.leader.id, people.leader2.id}
    # By name; a deactivated member is no longer waited for.
    assert [m.name for m in summary.unanswered] == ["Lea Leder", "Leif Leder"]
    people.leader2.active = False
    session.flush()
    assert [m.id for m in attendance.rsvp_summary(session, meeting).unanswered] == [
        people.leader.id
    ]
    past = make_meeting(-1)
    with pytest.raises(Conflict):
        attendance.answer_invitation(
            session, past, people.circle, actor=people.participant, answer="attending"
        )


def test_register_defaults_from_answers_and_records(session, people, make_meeting) -> None:
    """The register suggests from RSVPs, groups by unit, and saves per member."""
    meeting = make_meeting(-1)
    attendance.answer_invitation(
        session,
        meeting,
        people.circle,
        actor=people.participant2,
        answer="absent",
        message="Syk",
        now=meeting.starts_at.replace(year=meeting.starts_at.year - 1),
    )
    groups = attendance.attendance_register(session, meeting)
    assert [g.unit.name if g.unit else None for g in groups] == [people.circle.units[0].name, None]
    by_member = {r.member.id: r for g in groups for r in g.rows}
    assert attendance.default_status(by_member[people.participant2.id]) == (
        AttendanceStatus.EXCUSED
    )
    # No answer: unmarked until set, the leader included.
    assert attendance.default_status(by_member[people.participant.id]) is None
    assert attendance.default_status(by_member[people.leader.id]) is None
    attendance.record_attendance(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        statuses={
            people.participant.id: "present",
            people.participant2.id: "excused",
            people.leader.id: "present",
            people.leader2.id: "absent",
        },
    )
    groups = attendance.attendance_register(session, meeting)
    assert groups[0].present == 1
    with pytest.raises(DomainError):
        attendance.record_attendance(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            statuses={people.reference.id: "present"},
        )
    with pytest.raises(DomainError):
        attendance.record_attendance(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            statuses={people.participant.id: "sleeping"},
        )
    with pytest.raises(NotAllowed):
        attendance.record_attendance(
            session,
            meeting,
            people.circle,
            actor=people.participant,
            statuses={people.participant.id: "present"},
        )


def test_register_names_match_the_register(session, people, make_meeting, make_member) -> None:
    """The minutes' register: the full register's groups in its order, recorded rows only."""
    meeting = make_meeting(-1)
    unit = people.circle.units[0]
    # A second unit whose only invited member is left unmarked: a group without rows.
    quiet = Unit(name="Asker kommune", circle=people.circle)
    session.add(quiet)
    make_member("Kim Stille", circle=people.circle, role=Role.PARTICIPANT, unit=quiet)
    # Namesakes: the register orders them by id, recorded or not.
    twins = [
        make_member("Ola Tvilling", circle=people.circle, role=Role.PARTICIPANT, unit=unit)
        for _ in range(3)
    ]
    attendance.record_attendance(
        session,
        meeting,
        people.circle,
        actor=people.leader,
        statuses={
            people.participant.id: "present",
            people.leader2.id: "absent",
            twins[2].id: "excused",
            twins[0].id: "present",
        },
    )
    # Recorded, then no longer invited: still named, after the invited of the same name.
    people.participant.active = False
    namesake = make_member("Pia Deltaker", circle=people.circle, role=Role.PARTICIPANT, unit=unit)
    session.add(
        Attendance(
            meeting_id=meeting.id,
            member_id=namesake.id,
            unit_id=unit.id,
            status=AttendanceStatus.EXCUSED,
        )
    )
    session.commit()

    def shape(groups: list, *, recorded_only: bool = False) -> list:
        return [
            (g.unit.id if g.unit else None, g.unit.name if g.unit else None)
            + tuple(
                (r.member.id, r.member.name, r.status)
                for r in g.rows
                if r.status is not None or not recorded_only
            )
            for g in groups
        ]

    full = attendance.attendance_register(session, meeting)
    names = shape(attendance.attendance_names(session, meeting))
    assert names == shape(full, recorded_only=True)
    assert names[0] == (quiet.id, "Asker kommune")
    assert names[1] == (
        unit.id,
        unit.name,
        (twins[0].id, "Ola Tvilling", AttendanceStatus.PRESENT),
        (twins[2].id, "Ola Tvilling", AttendanceStatus.EXCUSED),
        (namesake.id, "Pia Deltaker", AttendanceStatus.EXCUSED),
        (people.participant.id, "Pia Deltaker", AttendanceStatus.PRESENT),
    )
    assert names[2] == (None, None, (people.leader2.id, "Leif Leder", AttendanceStatus.ABSENT))
    # The full register also holds the unmarked, which the minutes leave out.
    assert {r.status for g in full for r in g.rows} >= {AttendanceStatus.PRESENT, None}


def test_register_starts_from_the_answers(session, people, make_meeting) -> None:
    """Coming: present; forfall: excused; no answer: unmarked."""
    meeting = make_meeting(1)
    for member, answer in ((people.participant, "attending"), (people.participant2, "absent")):
        attendance.answer_invitation(session, meeting, people.circle, actor=member, answer=answer)
    rows = {
        r.member.id: r for g in attendance.attendance_register(session, meeting) for r in g.rows
    }
    assert attendance.default_status(rows[people.participant.id]) == AttendanceStatus.PRESENT
    assert attendance.default_status(rows[people.participant2.id]) == AttendanceStatus.EXCUSED
    assert attendance.default_status(rows[people.leader2.id]) is None


def test_mark_all_present(session, people, make_meeting) -> None:
    """ "Alle til stede" records everyone in the register as present."""
    meeting = make_meeting(-1)
    count = attendance.mark_all_present(session, meeting, people.circle, actor=people.leader)
    rows = [r for g in attendance.attendance_register(session, meeting) for r in g.rows]
    assert count == len(rows) >= 4
    assert {r.status for r in rows} == {AttendanceStatus.PRESENT}
    with pytest.raises(NotAllowed):
        attendance.mark_all_present(session, meeting, people.circle, actor=people.participant)


def test_attendance_statistics_per_meeting_and_unit(session, people, make_meeting) -> None:
    """Rates per member, per unit and totals per meeting across the series."""
    first, second = make_meeting(-20), make_meeting(-10)
    attendance.record_attendance(
        session,
        first,
        people.circle,
        actor=people.leader,
        statuses={
            people.participant.id: "present",
            people.participant2.id: "present",
            people.leader.id: "present",
        },
    )
    attendance.record_attendance(
        session,
        second,
        people.circle,
        actor=people.leader,
        statuses={
            people.participant.id: "present",
            people.participant2.id: "excused",
            people.leader.id: "absent",
        },
    )
    series = attendance.attendance_series(session, people.circle)
    assert [m.id for m in series.meetings] == [first.id, second.id]
    assert series.present == {first.id: 3, second.id: 1}
    assert series.recorded == {first.id: 3, second.id: 3}
    unit = next(u for u in series.units if u.unit is not None)
    assert unit.present == {first.id: 2, second.id: 1}
    assert series.unit_rate(unit) == pytest.approx(3 / 4)
    rows = {r.member.id: r for u in series.units for r in u.rows}
    ids = [first.id, second.id]
    assert rows[people.participant.id].rate(ids) == 1.0
    assert rows[people.participant2.id].rate(ids) == 0.5
    assert rows[people.leader.id].rate(ids) == 0.5
