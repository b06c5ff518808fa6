"""Threads and status updates: starting them, finding the ones a member may see."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, false, select, true
from sqlalchemy.orm import Session

from circle.errors import DomainError, NotAllowed
from circle.i18n import local_today
from circle.models import Circle, Member
from circle.permissions import is_admin, role_in
from circle.threads.models import (
    Audience,
    NoticeKind,
    StatusLink,
    StatusUpdate,
    Thread,
    ThreadFollow,
    ThreadKind,
    ThreadState,
)
from circle.threads.permissions import (
    audience_roles,
    can_start_thread,
    can_view_thread,
    can_write_status,
)
from circle.threads.services.common import (
    MAX_TITLE,
    SubjectLookup,
    clean_text,
    clean_title,
    guard_identity,
)
from circle.threads.services.following import NEW_POSTS_COUNTED, follow, new_post_counts
from circle.threads.services.notifications import audience_clause, notify
from circle.threads.services.posts import add_post
from circle.threads.subjects import Subject

STATUS_KIND = "status_update"


@dataclass
class ThreadRow:
    """A thread in a list, with its subject and what is new for the member."""

    thread: Thread
    subject: Subject | None
    new_posts: int
    following: bool

    @property
    def new_posts_capped(self) -> bool:
        """Whether there are at least this many new posts (the count stops there)."""
        return self.new_posts >= NEW_POSTS_COUNTED


def _check_subject(
    member: Member, circle: Circle, audience: Audience, subject: Subject | None
) -> None:
    if subject is None:
        raise DomainError(_l("Det du vil starte en tråd om, finnes ikke eller er ikke delt."))
    if subject.circle_id not in (None, circle.id):
        raise DomainError(_l("Det du vil starte en tråd om, finnes ikke eller er ikke delt."))
    if not is_admin(member):
        role = role_in(member, circle)
        if role is None or role.value not in subject.audience_ok:
            raise DomainError(_l("Det du vil starte en tråd om, finnes ikke eller er ikke delt."))
    if not audience_roles(audience) <= subject.audience_ok:
        raise DomainError(
            _l(
                "Målgruppen for tråden kan ikke være større enn dem som kan se "
                "det tråden handler om. Velg en mindre målgruppe."
            )
        )


def create_thread(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    title: str,
    body: str,
    audience: Audience,
    kind: ThreadKind = ThreadKind.DISCUSSION,
    deadline: date | None = None,
    requested_by: str = "",
    subject: Subject | None = None,
    today: date | None = None,
) -> Thread:
    """Start a thread for an audience; everyone in it hears of the new thread."""
    audience, kind = Audience(audience), ThreadKind(kind)
    if not can_start_thread(actor, circle, audience):
        raise NotAllowed(_l("Du kan bare starte tråder for en målgruppe du selv er med i."))
    title = clean_title(title)
    body = clean_text(body, required=kind != ThreadKind.SUBJECT)
    requested_by = (requested_by or "").strip()
    if len(requested_by) > MAX_TITLE:
        raise DomainError(_l("Navnet på den som spør, er for langt."))
    guard_identity(requested_by)
    if kind == ThreadKind.SUBJECT:
        _check_subject(actor, circle, audience, subject)
    else:
        subject = None
    if kind == ThreadKind.CONSULTATION:
        if deadline is None:
            raise DomainError(_l("En høring må ha en svarfrist."))
        if deadline < (today or local_today()):
            raise DomainError(_l("Svarfristen kan ikke ha gått ut allerede."))
    else:
        deadline, requested_by = None, ""
    thread = Thread(
        circle_id=circle.id,
        circle=circle,
        kind=kind,
        audience=audience,
        state=ThreadState.OPEN,
        title=title,
        deadline=deadline,
        requested_by=requested_by,
        created_by_id=actor.id,
        subject_kind=subject.kind if subject else None,
        subject_id=subject.id if subject else None,
    )
    session.add(thread)
    session.flush()
    follow(session, thread, {actor.id})
    if body:
        # The opening post tells the audience of the thread and notifies whoever it mentions.
        add_post(session, thread, actor=actor, body=body, subject=subject, opening=True)
    else:
        notify(session, thread, subject, kind=NoticeKind.NEW_THREAD, actor=actor)
    return thread


def get_thread(session: Session, circle: Circle, thread_id: int) -> Thread | None:
    """Return the circle's thread with this id (visibility is checked by the caller)."""
    thread = session.get(Thread, thread_id)
    return thread if thread is not None and thread.circle_id == circle.id else None


def visible_threads(
    session: Session,
    circle: Circle,
    member: Member,
    lookup: SubjectLookup,
    *,
    states: tuple[ThreadState, ...] | None = None,
    kind: ThreadKind | None = None,
    only_ids: set[int] | None = None,
    followed_only: bool = False,
    limit: int = 200,
) -> list[ThreadRow]:
    """Return the circle's threads the member sees, pinned first, then by latest activity.

    With ``followed_only``, only those the member follows.
    """
    if only_ids is not None and not only_ids:
        return []
    if is_admin(member):
        visibility = "all"
    elif member is None or not getattr(member, "is_authenticated", False) or not member.active:
        visibility = "none"
    else:
        visibility = "member"
    query = _visible_threads_query(
        visibility,
        tuple(states or ()),
        kind is not None,
        only_ids is not None,
        limit,
        followed_only=followed_only,
    )
    params = {"circle_id": circle.id, "member_id": getattr(member, "id", None)}
    if kind is not None:
        params["kind"] = kind
    if only_ids is not None:
        params["ids"] = list(only_ids)
    rows = session.execute(query, params).all()
    shown: list[tuple[Thread, Subject | None, bool]] = []
    for thread, follows in rows:
        subject = lookup(thread.subject_kind, thread.subject_id) if thread.subject_kind else None
        if can_view_thread(member, circle, thread, subject):
            shown.append((thread, subject, bool(follows)))
    counts = new_post_counts(session, member, [t.id for t, _s, _f in shown])
    return [ThreadRow(t, s, counts.get(t.id, 0), f) for t, s, f in shown]


@functools.cache
def _visible_threads_query(
    visibility: str,
    states: tuple[ThreadState, ...],
    by_kind: bool,
    by_ids: bool,
    limit: int,
    *,
    followed_only: bool = False,
) -> Select:
    # Built once per shape: the lists and panels run it on every request, and building the
    # statement (the audience clause above all) cost more than the query itself.
    member_id = bindparam("member_id")
    visible = {"all": true(), "none": false()}.get(visibility)
    if visible is None:
        visible = audience_clause(member_id)
    # Whether the member follows each thread comes in the thread's row (EXISTS).
    follows = (
        select(ThreadFollow.id)
        .where(ThreadFollow.thread_id == Thread.id, ThreadFollow.member_id == member_id)
        .exists()
    )
    query = (
        select(Thread, follows.label("followed"))
        .where(Thread.circle_id == bindparam("circle_id"), visible)
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    if states:
        query = query.where(Thread.state.in_(states))
    if by_kind:
        query = query.where(Thread.kind == bindparam("kind"))
    if by_ids:
        query = query.where(Thread.id.in_(bindparam("ids", expanding=True)))
    if followed_only:
        query = query.where(follows)
    return query


def threads_on_subject(
    session: Session,
    circle: Circle,
    member: Member,
    lookup: SubjectLookup,
    kind: str,
    subject_id: int,
) -> list[Thread]:
    """Return the threads about one subject that the member sees."""
    subject = lookup(kind, subject_id)
    if subject is None:
        return []
    threads = session.scalars(
        select(Thread)
        .where(
            Thread.circle_id == circle.id,
            Thread.subject_kind == kind,
            Thread.subject_id == subject_id,
        )
        .order_by(Thread.id)
    )
    return [t for t in threads if can_view_thread(member, circle, t, subject)]


def create_status_update(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    title: str,
    body: str,
    links: list[Subject],
    lookup: SubjectLookup,
) -> StatusUpdate:
    """Publish a status update for the reference group, with its comment thread."""
    if not can_write_status(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere skriver statusoppdateringer."))
    title = clean_title(title)
    body = clean_text(body)
    seen: set[tuple[str, int]] = set()
    for link in links:
        if link.circle_id not in (None, circle.id) or "reference" not in link.audience_ok:
            raise DomainError(
                _l("En statusoppdatering kan bare lenke til det som er delt med referansegruppen.")
            )
        seen.add((link.kind, link.id))
    status = StatusUpdate(circle_id=circle.id, title=title, body=body, author_id=actor.id)
    status.links = [
        StatusLink(subject_kind=k, subject_id=i, position=n)
        for n, (k, i) in enumerate(sorted(seen))
    ]
    session.add(status)
    session.flush()
    subject = lookup(STATUS_KIND, status.id)
    create_thread(
        session,
        circle,
        actor=actor,
        title=title,
        body="",
        audience=Audience.REFERENCE,
        kind=ThreadKind.SUBJECT,
        subject=subject,
    )
    return status


def status_updates(session: Session, circle: Circle, limit: int = 10) -> list[StatusUpdate]:
    """Return the circle's latest status updates (without their authors)."""
    return list(session.scalars(_status_updates(), {"circle_id": circle.id, "limit": limit}))


@functools.cache
def _status_updates() -> Select:
    # Whole rows on purpose: a thread about one of them then finds it in the session.
    return (
        select(StatusUpdate)
        .where(StatusUpdate.circle_id == bindparam("circle_id"))
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(bindparam("limit"))
    )


def status_thread(session: Session, status: StatusUpdate) -> Thread | None:
    """Return the comment thread of a status update."""
    return session.scalar(
        select(Thread)
        .where(Thread.subject_kind == STATUS_KIND, Thread.subject_id == status.id)
        .order_by(Thread.id)
    )


def status_subject(status: StatusUpdate | None, url: str) -> Subject | None:
    """Return the registry subject for a status update (shared with the whole circle)."""
    if status is None:
        return None
    return Subject(
        kind=STATUS_KIND,
        id=status.id,
        circle_id=status.circle_id,
        title=status.title,
        url=url,
        audience_ok=frozenset(audience_roles(Audience.REFERENCE)),
    )
