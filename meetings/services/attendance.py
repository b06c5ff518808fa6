"""Invitations, answers (attending / forfall), the attendance register and its statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, Member, Membership, Unit, utcnow
from meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingNotice,
    Rsvp,
    RsvpAnswer,
)
from meetings.notifications import notify_invitation
from meetings.permissions import AUDIENCE, can_answer, can_manage_meetings, can_record_attendance
from meetings.services.common import check_length, guard_text

ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Til stede"),
    AttendanceStatus.ABSENT: _l("Fraværende"),
    AttendanceStatus.EXCUSED: _l("Meldt forfall"),
}
RSVP_LABELS = {RsvpAnswer.ATTENDING: _l("Kommer"), RsvpAnswer.ABSENT: _l("Forfall")}


def _invited(meeting: Meeting) -> tuple[ColumnElement[bool], ...]:
    """Return the conditions on Membership joined to Member for those the meeting invites."""
    return (
        Membership.circle_id == meeting.circle_id,
        Member.active.is_(True),
        Membership.role.in_(list(AUDIENCE[meeting.kind])),
    )


def _audience_query(meeting: Meeting) -> Select:
    return (
        select(Membership)
        .join(Member, Membership.member_id == Member.id)
        .where(*_invited(meeting))
        .options(contains_eager(Membership.member), joinedload(Membership.unit))
        .order_by(Member.name, Member.id)
    )


def audience(session: Session, meeting: Meeting) -> list[Membership]:
    """Return the active memberships invited to the meeting, by name."""
    return list(session.scalars(_audience_query(meeting)))


def record_notice(
    session: Session, meeting: Meeting, actor: Member, count: int, now: datetime, *, changed: bool
) -> None:
    """Record that an invitation or a change notice (move, cancellation) went out."""
    session.add(
        MeetingNotice(
            meeting_id=meeting.id,
            sent_at=now,
            sent_by_id=actor.id,
            changed=changed,
            sequence=meeting.ical_sequence,
            recipients=count,
        )
    )


def send_invitation(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    now: datetime | None = None,
) -> tuple[list[Member], bool]:
    """Record the invitation (or a change notice); return the recipients and whether changed."""
    now = now or utcnow()
    if meeting.circle_id != circle.id or not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan sende innkallingen."))
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Møtet er avlyst; innkallingen kan ikke sendes."))
    if meeting.starts_at <= now:
        raise DomainError(_l("Møtet har allerede startet; innkallingen kan ikke sendes."))
    if not meeting.items:
        raise DomainError(
            _l("Dagsordenen har ingen punkter. Legg til punkter før innkallingen sendes.")
        )
    recipients = [m.member for m in audience(session, meeting)]
    if not recipients:
        raise DomainError(_l("Ingen medlemmer å sende innkallingen til."))
    changed = meeting.invitation_sent_at is not None
    if meeting.invitation_sent_at is None:
        meeting.invitation_sent_at = now
    meeting.changed_since_notice = False
    record_notice(session, meeting, actor, len(recipients), now, changed=changed)
    session.flush()
    record_event(
        session,
        "meeting_change_notice" if changed else "meeting_invitation_sent",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, {len(recipients)} sent",
    )
    notify_invitation(session, meeting, recipients, actor, changed=changed, now=now)
    return recipients, changed


def answer_invitation(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    answer: str,
    message: str = "",
    now: datetime | None = None,
) -> Rsvp:
    """Record the member's answer: attending, or absent with an optional message."""
    now = now or utcnow()
    if not can_answer(actor, meeting, circle):
        raise NotAllowed(_l("Du er ikke invitert til dette møtet."))
    try:
        answer_value = RsvpAnswer(answer)
    except ValueError as exc:
        raise DomainError(_l("Velg om du kommer eller melder forfall.")) from exc
    if meeting.ends_at <= now:
        raise Conflict(_l("Møtet er over; svaret kan ikke endres."))
    if meeting.cancelled_at is not None:
        raise Conflict(_l("Møtet er avlyst."))
    message = (message or "").strip() if answer_value == RsvpAnswer.ABSENT else ""
    check_length(message, 500, str(_l("Meldingen")))
    guard_text(message)
    rsvp = session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == actor.id)
    )
    if rsvp is None:
        rsvp = Rsvp(meeting_id=meeting.id, member_id=actor.id, answer=answer_value)
        session.add(rsvp)
    rsvp.answer, rsvp.message, rsvp.answered_at = answer_value, message, now
    session.flush()
    return rsvp


@dataclass(frozen=True)
class Named:
    """A member or unit as a page names them: id and name only."""

    id: int
    name: str


@dataclass
class RsvpSummary:
    """Who answered what, and who has not answered."""

    attending: list[Rsvp] = field(default_factory=list)
    absent: list[Rsvp] = field(default_factory=list)
    unanswered: list[Named] = field(default_factory=list)


def rsvp_summary(session: Session, meeting: Meeting) -> RsvpSummary:
    """Return the answers to the meeting's invitation."""
    rsvps = list(
        session.scalars(
            select(Rsvp).where(Rsvp.meeting_id == meeting.id).options(selectinload(Rsvp.member))
        )
    )
    summary = RsvpSummary()
    for rsvp in sorted(rsvps, key=lambda r: r.member.name):
        (summary.attending if rsvp.answer == RsvpAnswer.ATTENDING else summary.absent).append(rsvp)
    # Everyone invited may be unanswered: names only, as plain rows, not the audience's
    # members and units as objects.
    summary.unanswered = [
        Named(member_id, name)
        for member_id, name in session.execute(
            select(Member.id, Member.name)
            .join(Membership, Membership.member_id == Member.id)
            .where(
                *_invited(meeting),
                ~select(Rsvp.id)
                .where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == Member.id)
                .exists(),
            )
            .order_by(Member.name, Member.id)
        )
    ]
    return summary


@dataclass(frozen=True)
class Coming:
    """Someone who said they will come, as others see them."""

    name: str
    where: str  # unit or organisation; empty when only names may be shown


def coming(session: Session, meeting: Meeting, *, details: bool) -> list[Coming]:
    """Return who said they will come, by name; details adds the unit or organisation."""
    # Plain rows (names only, the unit joined): no ORM objects or extra unit query per page.
    rows = session.execute(
        select(Member.name, Unit.name, Membership.organisation)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .join(
            Membership,
            (Membership.member_id == Member.id) & (Membership.circle_id == meeting.circle_id),
        )
        .outerjoin(Unit, Unit.id == Membership.unit_id)
        .where(
            Rsvp.meeting_id == meeting.id,
            Rsvp.answer == RsvpAnswer.ATTENDING,
            Member.active.is_(True),
        )
        .order_by(Member.name, Member.id)
    )
    if not details:
        return [Coming(name, "") for name, _unit, _organisation in rows]
    return [Coming(name, unit or organisation or "") for name, unit, organisation in rows]


def my_rsvp(session: Session, meeting: Meeting, member: Member) -> Rsvp | None:
    """Return the member's answer, if any."""
    return session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member.id)
    )


@dataclass
class RegisterRow:
    """A member in the attendance register."""

    member: Member
    unit: Unit | None
    status: AttendanceStatus | None
    rsvp: Rsvp | None


@dataclass
class RegisterGroup:
    """The register's rows for one unit (or for those without a unit)."""

    unit: Unit | None
    rows: list[RegisterRow]

    @property
    def present(self) -> int:
        """Return how many in this unit were present."""
        return sum(1 for r in self.rows if r.status == AttendanceStatus.PRESENT)


def attendance_register(session: Session, meeting: Meeting) -> list[RegisterGroup]:
    """Return the register by unit: those invited plus anyone recorded, with RSVP defaults."""

    # Each member's answer comes joined to their attendance record and to their invitation,
    # so the register costs two queries however many attend.
    def answer_of(member_id: ColumnElement[int]) -> ColumnElement[bool]:
        return and_(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member_id)

    recorded: dict[int, Attendance] = {}
    rsvps: dict[int, Rsvp] = {}
    for record, rsvp in session.execute(
        select(Attendance, Rsvp)
        .outerjoin(Rsvp, answer_of(Attendance.member_id))
        .where(Attendance.meeting_id == meeting.id)
        .options(joinedload(Attendance.member), joinedload(Attendance.unit))
    ):
        recorded[record.member_id] = record
        if rsvp is not None:
            rsvps[record.member_id] = rsvp
    invited = []
    for membership, rsvp in session.execute(
        _audience_query(meeting).add_columns(Rsvp).outerjoin(Rsvp, answer_of(Membership.member_id))
    ):
        invited.append(membership)
        if rsvp is not None:
            rsvps[membership.member_id] = rsvp
    rows: dict[int, RegisterRow] = {}
    for membership in invited:
        record = recorded.get(membership.member_id)
        rows[membership.member_id] = RegisterRow(
            membership.member,
            record.unit if record else membership.unit,
            record.status if record else None,
            rsvps.get(membership.member_id),
        )
    for member_id, record in recorded.items():
        if member_id not in rows:
            rows[member_id] = RegisterRow(
                record.member, record.unit, record.status, rsvps.get(member_id)
            )
    return _group(rows.values())


def attendance_names(session: Session, meeting: Meeting) -> list[RegisterGroup]:
    """Return the register by unit as attendance_register does, names of those recorded only.

    For pages that print who was there (the minutes): each member and unit Named, no answers
    to the invitation, and no rows for the invited left unmarked (the minutes do not name
    them); their units still come as groups without rows, as the minutes list those units.
    Two plain-row queries whose rows grow with those recorded and the units, not the circle.
    """
    recorded = []
    for member_id, name, status, unit_id, unit_name, membership_id in session.execute(
        select(
            Attendance.member_id,
            Member.name,
            Attendance.status,
            Unit.id,
            Unit.name,
            Membership.id,
        )
        .join(Member, Member.id == Attendance.member_id)
        .outerjoin(Unit, Unit.id == Attendance.unit_id)
        .outerjoin(
            Membership,
            and_(Membership.member_id == Attendance.member_id, *_invited(meeting)),
        )
        .where(Attendance.meeting_id == meeting.id)
    ):
        unit = Named(unit_id, unit_name) if unit_id else None
        # The register takes the invited by name and id, then anyone else recorded; its
        # sort by name keeps that order among equal names.
        row = RegisterRow(Named(member_id, name), unit, status, None)  # type: ignore[arg-type]
        recorded.append(((name, membership_id is None, member_id), row))
    groups = {
        group.unit.id if group.unit else None: group
        for group in _group(row for _key, row in sorted(recorded, key=lambda r: r[0]))
    }
    for unit_id, unit_name in session.execute(
        select(Unit.id, Unit.name)
        .select_from(Membership)
        .join(Member, Membership.member_id == Member.id)
        .outerjoin(Unit, Unit.id == Membership.unit_id)
        .where(
            *_invited(meeting),
            ~select(Attendance.id)
            .where(
                Attendance.meeting_id == meeting.id,
                Attendance.member_id == Membership.member_id,
            )
            .exists(),
        )
        .distinct()
    ):
        if unit_id not in groups:
            unit = Named(unit_id, unit_name) if unit_id else None
            groups[unit_id] = RegisterGroup(unit, [])  # type: ignore[arg-type]
    # Unit names are unique in a circle: the groups' order is that of _group, by unit name.
    return sorted(groups.values(), key=lambda g: (g.unit is None, g.unit.name if g.unit else ""))


def _group(rows) -> list[RegisterGroup]:  # noqa: ANN001
    groups: dict[int | None, RegisterGroup] = {}
    for row in sorted(
        rows, key=lambda r: (r.unit is None, r.unit.name if r.unit else "", r.member.name)
    ):
        key = row.unit.id if row.unit else None
        groups.setdefault(key, RegisterGroup(row.unit, [])).rows.append(row)
    return list(groups.values())


def default_status(row: RegisterRow) -> AttendanceStatus | None:
    """Return what the register form starts from: the recorded status, else the answer to the
    invitation (coming: present, forfall: excused); without either the row stays unmarked."""
    if row.status is not None:
        return row.status
    if row.rsvp is None:
        return None
    if row.rsvp.answer == RsvpAnswer.ABSENT:
        return AttendanceStatus.EXCUSED
    return AttendanceStatus.PRESENT


def record_attendance(
    session: Session, meeting: Meeting, circle: Circle, *, actor: Member, statuses: dict[int, str]
) -> None:
    """Save the register: {member id: present | absent | excused} for those invited."""
    if meeting.circle_id != circle.id or not can_record_attendance(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere fører oppmøte."))
    if meeting.minutes is not None and meeting.minutes.is_public:
        raise Conflict(_l("Referatet er godkjent; oppmøtet kan ikke lenger endres."))
    memberships = {m.member_id: m for m in audience(session, meeting)}
    existing = {
        a.member_id: a
        for a in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    clean: dict[int, AttendanceStatus] = {}
    for member_id, value in statuses.items():
        if member_id not in memberships and member_id not in existing:
            raise DomainError(_l("Oppmøtelisten nevner noen som ikke er invitert."))
        try:
            clean[member_id] = AttendanceStatus(value)
        except ValueError as exc:
            raise DomainError(_l("Ukjent oppmøtestatus.")) from exc
    for member_id, status in clean.items():
        record = existing.get(member_id)
        if record is None:
            membership = memberships[member_id]
            session.add(
                Attendance(
                    meeting_id=meeting.id,
                    member_id=member_id,
                    unit_id=membership.unit_id,
                    status=status,
                )
            )
        else:
            record.status = status
    session.flush()


def mark_all_present(session: Session, meeting: Meeting, circle: Circle, *, actor: Member) -> int:
    """Record everyone in the register as present ("alle til stede"); return how many."""
    members = [
        row.member.id for group in attendance_register(session, meeting) for row in group.rows
    ]
    record_attendance(
        session,
        meeting,
        circle,
        actor=actor,
        statuses=dict.fromkeys(members, AttendanceStatus.PRESENT.value),
    )
    return len(members)


def present_member_ids(session: Session, meeting: Meeting) -> list[int]:
    """Return the ids of those recorded as present."""
    return list(
        session.scalars(
            select(Attendance.member_id).where(
                Attendance.meeting_id == meeting.id, Attendance.status == AttendanceStatus.PRESENT
            )
        )
    )


@dataclass
class SeriesRow:
    """A member's attendance across the series."""

    member: Member
    statuses: dict[int, AttendanceStatus]

    def rate(self, meeting_ids: list[int]) -> float | None:
        """Return the share of recorded meetings the member was present at."""
        counted = [self.statuses[m] for m in meeting_ids if m in self.statuses]
        if not counted:
            return None
        return sum(1 for s in counted if s == AttendanceStatus.PRESENT) / len(counted)


@dataclass
class SeriesUnit:
    """One unit's members and its per-meeting counts."""

    unit: Unit | None
    rows: list[SeriesRow]
    present: dict[int, int]
    recorded: dict[int, int]


@dataclass
class AttendanceSeries:
    """Attendance per meeting and per unit across the circle's meetings."""

    meetings: list[Meeting]
    units: list[SeriesUnit]
    present: dict[int, int]
    recorded: dict[int, int]

    def unit_rate(self, unit: SeriesUnit) -> float | None:
        """Return the unit's share present over all recorded meetings."""
        total = sum(unit.recorded.values())
        return sum(unit.present.values()) / total if total else None


def attendance_series(session: Session, circle: Circle) -> AttendanceSeries:
    """Return attendance across all meetings that have a register, grouped by unit."""
    records = list(
        session.scalars(
            select(Attendance)
            .join(Meeting, Attendance.meeting_id == Meeting.id)
            .where(Meeting.circle_id == circle.id)
            .options(joinedload(Attendance.member), joinedload(Attendance.unit))
        )
    )
    meeting_ids = {a.meeting_id for a in records}
    meetings = (
        list(
            session.scalars(
                select(Meeting).where(Meeting.id.in_(meeting_ids)).order_by(Meeting.starts_at)
            )
        )
        if meeting_ids
        else []
    )
    members: dict[int, SeriesRow] = {}
    unit_of: dict[int, Unit | None] = {}
    present: dict[int, int] = defaultdict(int)
    recorded: dict[int, int] = defaultdict(int)
    for record in records:
        row = members.setdefault(record.member_id, SeriesRow(record.member, {}))
        row.statuses[record.meeting_id] = record.status
        unit_of.setdefault(record.member_id, record.unit)
        recorded[record.meeting_id] += 1
        if record.status == AttendanceStatus.PRESENT:
            present[record.meeting_id] += 1
    units: dict[int | None, SeriesUnit] = {}
    for member_id, row in sorted(members.items(), key=lambda kv: kv[1].member.name):
        unit = unit_of[member_id]
        group = units.setdefault(
            unit.id if unit else None, SeriesUnit(unit, [], defaultdict(int), defaultdict(int))
        )
        group.rows.append(row)
        for meeting_id, status in row.statuses.items():
            group.recorded[meeting_id] += 1
            if status == AttendanceStatus.PRESENT:
                group.present[meeting_id] += 1
    ordered = sorted(units.values(), key=lambda u: (u.unit is None, u.unit.name if u.unit else ""))
    return AttendanceSeries(meetings, ordered, dict(present), dict(recorded))
