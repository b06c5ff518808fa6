"""The minutes workflow: draft -> in review -> approved (version N) -> distributed."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Circle, Member, Membership, Role, utcnow
from meetings.models import (
    AgendaItem,
    CommentKind,
    CommentStatus,
    Distribution,
    ItemOrigin,
    Meeting,
    Minutes,
    MinutesState,
    MinutesVersion,
    ReviewComment,
    Reviewer,
)
from meetings.notifications import (
    notify_assigned,
    notify_comment,
    notify_distributed,
    notify_review,
)
from meetings.permissions import can_approve_minutes, can_comment_minutes
from meetings.services.attendance import present_member_ids
from meetings.services.common import check_length, guard_text
from meetings.services.minutes import (
    EditConflict,
    ItemContent,
    _bump_version,
    _clean_content,
    add_revision,
    apply_content,
    notes_by_item,
    snapshot,
)

STATE_LABELS = {
    MinutesState.DRAFT: _l("Utkast"),
    MinutesState.REVIEW: _l("Til godkjenning"),
    MinutesState.APPROVED: _l("Godkjent"),
    MinutesState.DISTRIBUTED: _l("Sendt ut"),
}
TRANSITIONS: dict[MinutesState, frozenset[MinutesState]] = {
    MinutesState.DRAFT: frozenset({MinutesState.REVIEW}),
    MinutesState.REVIEW: frozenset({MinutesState.APPROVED}),
    MinutesState.APPROVED: frozenset({MinutesState.DISTRIBUTED}),
    MinutesState.DISTRIBUTED: frozenset(),
}
# Who receives approved minutes "til orientering".
DISTRIBUTION_ROLES = (Role.UNIT_LEADER, Role.REFERENCE)


def _transition(minutes: Minutes | None, target: MinutesState) -> Minutes:
    """Check that minutes may move to `target`; refuse illegal transitions plainly."""
    if minutes is None:
        raise DomainError(_l("Referatet er ikke skrevet ennå."))
    if target not in TRANSITIONS[minutes.state]:
        raise Conflict(
            _l(
                "Referatet kan ikke gå fra «%(a)s» til «%(b)s».",
                a=STATE_LABELS[minutes.state],
                b=STATE_LABELS[target],
            )
        )
    return minutes


def _leader(actor: Member, circle: Circle, meeting: Meeting, message: object) -> None:
    if meeting.circle_id != circle.id or not can_approve_minutes(actor, circle):
        raise NotAllowed(message)


def send_for_review(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    deadline: datetime,
    now: datetime | None = None,
) -> list[Member]:
    """Send the draft to those present, with a deadline; return the reviewers."""
    now = now or utcnow()
    _leader(actor, circle, meeting, _l("Bare sirkelledere sender referatet til godkjenning."))
    minutes = _transition(meeting.minutes, MinutesState.REVIEW)
    if deadline <= now:
        raise DomainError(_l("Fristen for kommentarer må være fram i tid."))
    present = [m for m in present_member_ids(session, meeting) if m != actor.id]
    if not present:
        raise DomainError(
            _l("Registrer oppmøtet først: referatet sendes til dem som var til stede.")
        )
    members = list(
        session.scalars(select(Member).where(Member.id.in_(present), Member.active.is_(True)))
    )
    already = {r.member_id for r in minutes.reviewers}
    for member in members:
        if member.id not in already:
            minutes.reviewers.append(Reviewer(member_id=member.id, invited_at=now))
    minutes.state, minutes.review_deadline, minutes.review_sent_at = (
        MinutesState.REVIEW,
        deadline,
        now,
    )
    session.flush()
    record_event(
        session,
        "minutes_sent_for_review",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, {len(members)} reviewers",
    )
    notify_review(session, meeting, members, actor, now)
    notify_assigned(session, minutes.actions, actor, circle, now)  # reviewers see theirs now
    return members


def add_comment(
    session: Session,
    minutes: Minutes,
    circle: Circle,
    *,
    actor: Member,
    kind: str,
    body: str = "",
    item_id: int | None = None,
    suggested_text: str = "",
    now: datetime | None = None,
) -> ReviewComment:
    """Comment on the minutes (or an item) or suggest a corrected text for an item's notes."""
    now = now or utcnow()
    if not can_comment_minutes(actor, minutes, circle):
        raise NotAllowed(_l("Bare de som er bedt om å lese referatet, kan kommentere det."))
    if minutes.review_deadline is not None and now > minutes.review_deadline:
        raise Conflict(_l("Fristen for kommentarer er ute."))
    try:
        kind_value = CommentKind(kind)
    except ValueError as exc:
        raise DomainError(_l("Ukjent type kommentar.")) from exc
    body, suggested_text = (body or "").strip(), (suggested_text or "").strip()
    if item_id is not None and item_id not in {i.id for i in minutes.meeting.items}:
        raise DomainError(_l("Punktet står ikke på dagsordenen."))
    if kind_value == CommentKind.CORRECTION:
        if item_id is None or not suggested_text:
            raise DomainError(_l("Et forslag til rettelse må gjelde et punkt og ha ny tekst."))
    elif not body:
        raise DomainError(_l("Kommentaren er tom."))
    check_length(body, 5000, str(_l("Kommentaren")))
    check_length(suggested_text, 100_000, str(_l("Forslaget")))
    guard_text(body, suggested_text)
    comment = ReviewComment(
        minutes_id=minutes.id,
        item_id=item_id,
        author_id=actor.id,
        kind=kind_value,
        body=body,
        suggested_text=suggested_text,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    notify_comment(session, minutes, actor, now)
    return comment


def decide_comment(
    session: Session,
    comment: ReviewComment,
    circle: Circle,
    *,
    actor: Member,
    accept: bool,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Accept or decline a comment; an accepted correction replaces the item's notes."""
    now = now or utcnow()
    minutes = session.get(Minutes, comment.minutes_id)
    if minutes is None or minutes.circle_id != circle.id or not can_approve_minutes(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere tar stilling til kommentarer."))
    if minutes.state != MinutesState.REVIEW:
        raise Conflict(_l("Referatet er ikke lenger til godkjenning."))
    if comment.status != CommentStatus.OPEN:
        raise Conflict(_l("Det er allerede tatt stilling til denne kommentaren."))
    note = (note or "").strip()
    check_length(note, 500, str(_l("Begrunnelsen")))
    guard_text(note)
    comment.status = CommentStatus.ACCEPTED if accept else CommentStatus.DECLINED
    comment.decided_by_id, comment.decided_at, comment.decision_note = actor.id, now, note
    if accept and comment.kind == CommentKind.CORRECTION and comment.item_id is not None:
        meeting = minutes.meeting
        item = next(i for i in meeting.items if i.id == comment.item_id)
        old = notes_by_item(minutes).get(item.id)
        content = {
            item.id: ItemContent(
                comment.suggested_text, old.decision if old else "", item.postponed
            )
        }
        if not _bump_version(session, minutes, minutes.edit_version):
            raise Conflict(_l("Referatet ble endret samtidig. Prøv igjen."))
        apply_content(session, meeting, minutes, content, None)
        add_revision(session, meeting, minutes, actor, note="Rettelse godtatt")
    session.flush()


def approve_minutes(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    at_meeting: Meeting | None = None,
    now: datetime | None = None,
) -> Minutes:
    """Approve the minutes as version 1: between meetings, or at a later meeting."""
    now = now or utcnow()
    _leader(actor, circle, meeting, _l("Bare sirkelledere kan godkjenne referatet."))
    minutes = _transition(meeting.minutes, MinutesState.APPROVED)
    if any(c.status == CommentStatus.OPEN for c in minutes.comments):
        raise Conflict(_l("Ta stilling til alle kommentarene før referatet godkjennes."))
    if at_meeting is not None:
        approves = session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == at_meeting.id,
                AgendaItem.origin == ItemOrigin.APPROVAL,
                AgendaItem.approves_meeting_id == meeting.id,
            )
        )
        if at_meeting.circle_id != circle.id or approves is None:
            raise DomainError(
                _l("Det møtet har ikke godkjenning av dette referatet på dagsordenen.")
            )
        minutes.approved_at_meeting_id = at_meeting.id
    minutes.approved_version = 1
    minutes.state, minutes.approved_at, minutes.approved_by_id = (
        MinutesState.APPROVED,
        now,
        actor.id,
    )
    session.add(
        MinutesVersion(
            minutes_id=minutes.id,
            number=1,
            approved_by_id=actor.id,
            approved_at=now,
            snapshot=snapshot(session, meeting),
        )
    )
    session.flush()
    record_event(
        session,
        "minutes_approved",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, version 1"
        + (f", at meeting {at_meeting.id}" if at_meeting else ""),
    )
    notify_assigned(session, minutes.actions, actor, circle, now)  # the tasks are visible now
    return minutes


def distribution_list(session: Session, circle: Circle) -> list[Member]:
    """Return the unit leaders and the reference group (active), by name."""
    return list(
        session.scalars(
            select(Member)
            .join(Membership, Membership.member_id == Member.id)
            .where(
                Membership.circle_id == circle.id,
                Membership.role.in_(DISTRIBUTION_ROLES),
                Member.active.is_(True),
            )
            .order_by(Member.name)
        )
    )


def distribute_minutes(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    now: datetime | None = None,
) -> list[Member]:
    """Send approved minutes to unit leaders and the reference group; record who got what."""
    now = now or utcnow()
    _leader(actor, circle, meeting, _l("Bare sirkelledere sender ut referatet."))
    minutes = _transition(meeting.minutes, MinutesState.DISTRIBUTED)
    recipients = distribution_list(session, circle)
    if not recipients:
        raise DomainError(
            _l("Sirkelen har ingen enhetsledere eller referansegruppe å sende referatet til.")
        )
    for member in recipients:
        session.add(
            Distribution(
                minutes_id=minutes.id,
                version=minutes.approved_version,
                member_id=member.id,
                email=member.email,
                sent_at=now,
                sent_by_id=actor.id,
            )
        )
    minutes.state, minutes.distributed_at = MinutesState.DISTRIBUTED, now
    session.flush()
    record_event(
        session,
        "minutes_distributed",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, version {minutes.approved_version}, "
        f"{len(recipients)} recipients",
    )
    notify_distributed(session, meeting, recipients, actor, now)
    return recipients


def correct_minutes(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    expected_version: int,
    content: dict[int, ItemContent],
    evaluation: str,
    reason: str,
    now: datetime | None = None,
) -> tuple[MinutesVersion, list[Member]]:
    """Correct approved minutes as version N+1 with a reason; return whom to tell."""
    now = now or utcnow()
    _leader(actor, circle, meeting, _l("Bare sirkelledere kan rette et godkjent referat."))
    minutes = meeting.minutes
    if minutes is None or not minutes.is_public:
        raise Conflict(_l("Bare et godkjent referat kan rettes; et utkast redigeres direkte."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Skriv hvorfor referatet rettes."))
    check_length(reason, 2000, str(_l("Begrunnelsen")))
    guard_text(reason, evaluation)
    content = _clean_content(meeting, content)
    before = snapshot(session, meeting)
    if expected_version != minutes.edit_version or not _bump_version(
        session, minutes, expected_version
    ):
        raise EditConflict(
            _l("Noen andre har endret referatet i mellomtiden. Ingenting er overskrevet."),
            current_text=before,
            their_text=before,
            current_version=minutes.edit_version,
        )
    apply_content(session, meeting, minutes, content, (evaluation or "").strip())
    session.flush()
    after = snapshot(session, meeting)
    if after == before:
        raise DomainError(_l("Rettelsen endrer ingenting i referatet."))
    add_revision(session, meeting, minutes, actor, note="Rettelse etter godkjenning")
    minutes.approved_version += 1
    version = MinutesVersion(
        minutes_id=minutes.id,
        number=minutes.approved_version,
        approved_by_id=actor.id,
        approved_at=now,
        reason=reason,
        snapshot=after,
    )
    session.add(version)
    earlier = list(
        session.scalars(
            select(Member)
            .where(
                Member.id.in_(
                    select(Distribution.member_id).where(Distribution.minutes_id == minutes.id)
                ),
                Member.active.is_(True),
            )
            .order_by(Member.name)
        )
    )
    for member in earlier:
        session.add(
            Distribution(
                minutes_id=minutes.id,
                version=version.number,
                member_id=member.id,
                email=member.email,
                sent_at=now,
                sent_by_id=actor.id,
                correction=True,
            )
        )
    session.flush()
    record_event(
        session,
        "minutes_corrected",
        actor=actor,
        circle=circle,
        detail=f"meeting {meeting.id}, version {version.number}",
    )
    return version, earlier


def list_versions(session: Session, minutes: Minutes) -> list[MinutesVersion]:
    """Return the approved versions, oldest first."""
    return list(
        session.scalars(
            select(MinutesVersion)
            .where(MinutesVersion.minutes_id == minutes.id)
            .options(joinedload(MinutesVersion.approved_by))
            .order_by(MinutesVersion.number)
        )
    )


def list_distributions(session: Session, minutes: Minutes) -> list[Distribution]:
    """Return who was sent which version when."""
    return list(
        session.scalars(
            select(Distribution)
            .where(Distribution.minutes_id == minutes.id)
            .options(selectinload(Distribution.member))
            .order_by(Distribution.sent_at, Distribution.id)
        )
    )
