"""Services for proposing themes and running a dot vote on them."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from circle.audit import record_event
from circle.circles.services import set_main_questions
from circle.errors import Conflict, DomainError, NotAllowed
from circle.identity import ensure_no_identity_number
from circle.models import Circle, Member, utcnow
from circle.permissions import can_manage_circle, can_propose_theme, can_vote
from circle.themes.models import Theme, ThemeVote, VoteRound

MAX_VOTES_PER_MEMBER = 20


@dataclass(frozen=True)
class ThemeResult:
    """A theme with its total dots and number of voters."""

    theme: Theme
    dots: int
    voters: int


def list_themes(session: Session, circle: Circle) -> list[Theme]:
    """Return the circle's themes, oldest first."""
    return list(
        session.scalars(
            select(Theme).where(Theme.circle_id == circle.id).order_by(Theme.created_at, Theme.id)
        )
    )


def latest_round(session: Session, circle: Circle) -> VoteRound | None:
    """Return the circle's most recent voting round."""
    return session.scalar(
        select(VoteRound)
        .where(VoteRound.circle_id == circle.id)
        .order_by(VoteRound.opened_at.desc(), VoteRound.id.desc())
        .limit(1)
    )


def propose_theme(
    session: Session, circle: Circle, *, actor: Member, title: str, description: str = ""
) -> Theme:
    """Propose a theme for the circle."""
    if not can_propose_theme(actor, circle):
        raise NotAllowed(_l("Bare deltakere og sirkelledere kan foreslå temaer."))
    title = title.strip()
    if not title:
        raise DomainError(_l("Temaet må ha en tittel."))
    ensure_no_identity_number(title, description)
    exists = session.scalar(
        select(Theme.id).where(
            Theme.circle_id == circle.id, func.lower(Theme.title) == title.lower()
        )
    )
    if exists is not None:
        raise Conflict(_l("Temaet er allerede foreslått."))
    theme = Theme(
        circle_id=circle.id, title=title, description=description.strip(), proposed_by_id=actor.id
    )
    session.add(theme)
    session.flush()
    return theme


def open_vote(
    session: Session, circle: Circle, *, actor: Member, votes_per_member: int
) -> VoteRound:
    """Open a dot vote with the given number of dots per voter."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan åpne avstemningen."))
    if not 1 <= votes_per_member <= MAX_VOTES_PER_MEMBER:
        raise DomainError(_l("Antall stemmer må være mellom 1 og %(n)d.", n=MAX_VOTES_PER_MEMBER))
    current = latest_round(session, circle)
    if current is not None and current.is_open:
        raise Conflict(_l("En avstemning er allerede åpen."))
    if not list_themes(session, circle):
        raise DomainError(_l("Det må være foreslått minst ett tema før avstemningen åpnes."))
    vote_round = VoteRound(
        circle_id=circle.id, votes_per_member=votes_per_member, opened_by_id=actor.id
    )
    session.add(vote_round)
    session.flush()
    record_event(session, "theme_vote_opened", actor=actor, circle=circle)
    return vote_round


def cast_votes(
    session: Session,
    vote_round: VoteRound,
    circle: Circle,
    *,
    actor: Member,
    allocation: dict[int, int],
) -> None:
    """Replace the member's dots in this round; several dots on one theme are allowed."""
    if vote_round.circle_id != circle.id:
        raise DomainError(_l("Avstemningen hører ikke til denne sirkelen."))
    if not can_vote(actor, circle):
        raise NotAllowed(_l("Bare deltakere og sirkelledere kan stemme."))
    if not vote_round.is_open:
        raise Conflict(_l("Avstemningen er lukket."))
    if any(dots < 0 for dots in allocation.values()):
        raise DomainError(_l("Antall stemmer kan ikke være negativt."))
    total = sum(allocation.values())
    if total > vote_round.votes_per_member:
        raise DomainError(
            _l(
                "Du har %(n)d stemmer, men fordelte %(total)d.",
                n=vote_round.votes_per_member,
                total=total,
            )
        )
    valid_ids = {t.id for t in list_themes(session, circle)}
    if set(allocation) - valid_ids:
        raise DomainError(_l("Ukjent tema i stemmene."))
    session.execute(
        delete(ThemeVote).where(
            ThemeVote.round_id == vote_round.id, ThemeVote.member_id == actor.id
        )
    )
    for theme_id, dots in allocation.items():
        if dots:
            session.add(
                ThemeVote(round_id=vote_round.id, theme_id=theme_id, member_id=actor.id, dots=dots)
            )
    session.flush()


def my_votes(session: Session, vote_round: VoteRound, member: Member) -> dict[int, int]:
    """Return the member's dots per theme in the round."""
    rows = session.execute(
        select(ThemeVote.theme_id, ThemeVote.dots).where(
            ThemeVote.round_id == vote_round.id, ThemeVote.member_id == member.id
        )
    )
    return {theme_id: dots for theme_id, dots in rows}


def results(session: Session, vote_round: VoteRound, circle: Circle) -> list[ThemeResult]:
    """Return every theme with its dots in the round, most dots first."""
    totals = {
        theme_id: (dots, voters)
        for theme_id, dots, voters in session.execute(
            select(ThemeVote.theme_id, func.sum(ThemeVote.dots), func.count(ThemeVote.member_id))
            .where(ThemeVote.round_id == vote_round.id)
            .group_by(ThemeVote.theme_id)
        )
    }
    rows = [
        ThemeResult(t, int(totals.get(t.id, (0, 0))[0]), int(totals.get(t.id, (0, 0))[1]))
        for t in list_themes(session, circle)
    ]
    return sorted(rows, key=lambda r: (-r.dots, r.theme.title.lower()))


def voter_count(session: Session, vote_round: VoteRound) -> int:
    """Return how many members have voted in the round."""
    return (
        session.scalar(
            select(func.count(func.distinct(ThemeVote.member_id))).where(
                ThemeVote.round_id == vote_round.id
            )
        )
        or 0
    )


def close_vote(
    session: Session,
    vote_round: VoteRound,
    circle: Circle,
    *,
    actor: Member,
    chosen_theme_ids: set[int],
    main_questions: list[str] | None = None,
) -> None:
    """Close the vote and record the chosen themes (and, if given, the main questions)."""
    if vote_round.circle_id != circle.id:
        raise DomainError(_l("Avstemningen hører ikke til denne sirkelen."))
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan lukke avstemningen."))
    if not vote_round.is_open:
        raise Conflict(_l("Avstemningen er allerede lukket."))
    themes = list_themes(session, circle)
    if chosen_theme_ids - {t.id for t in themes}:
        raise DomainError(_l("Ukjent tema valgt."))
    for theme in themes:
        theme.chosen = theme.id in chosen_theme_ids
    vote_round.closed_at = utcnow()
    if main_questions is not None and any(q.strip() for q in main_questions):
        set_main_questions(session, circle, actor=actor, texts=main_questions)
    session.flush()
    record_event(
        session,
        "theme_vote_closed",
        actor=actor,
        circle=circle,
        detail=f"{len(chosen_theme_ids)} themes chosen",
    )


def chosen_themes(session: Session, circle: Circle) -> list[Theme]:
    """Return the themes the circle has chosen."""
    return list(
        session.scalars(
            select(Theme)
            .where(Theme.circle_id == circle.id, Theme.chosen.is_(True))
            .order_by(Theme.title)
        )
    )
