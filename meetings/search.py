"""What the site search finds in meetings: approved minutes per agenda item, and agendas.

Only approved (or distributed) minutes are indexed, never a draft or minutes in review, and a
member finds only what the meetings area's own rules (can_view_minutes, can_view_meeting)
let them open.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.hooks import SearchEntry, SearchSource, register_search_source
from circle.search.site import place_url
from meetings.models import AgendaItem, Meeting, Minutes, MinutesNote, MinutesState
from meetings.permissions import can_view_meeting, can_view_minutes

MINUTES = "minutes"
AGENDA = "agenda"
PUBLIC_STATES = (MinutesState.APPROVED, MinutesState.DISTRIBUTED)


def _chunks(ids: Iterable[int] | None, size: int = 500) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def minutes_entries(session: Session, item_ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per agenda item with notes or a decision in approved minutes."""
    for chunk in _chunks(item_ids):
        query = (
            select(MinutesNote, AgendaItem, Meeting)
            .join(Minutes, Minutes.id == MinutesNote.minutes_id)
            .join(AgendaItem, AgendaItem.id == MinutesNote.item_id)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .where(Minutes.state.in_(PUBLIC_STATES))
            .options(joinedload(Meeting.circle))
            .order_by(MinutesNote.item_id)
        )
        if chunk is not None:
            query = query.where(MinutesNote.item_id.in_(chunk))
        for note, item, meeting in session.execute(query):
            body = "\n\n".join(t for t in (note.notes, note.decision) if t and t.strip())
            if not body:
                continue
            yield SearchEntry.of(
                MINUTES,
                item.id,
                meeting.circle_id,
                f"{meeting.title} – {item.title}",
                body,
                place_url(
                    "meetings.minutes",
                    f"item-{item.id}",
                    slug=meeting.circle.slug,
                    meeting_id=meeting.id,
                ),
                meeting.starts_at.date(),
            )


def visible_minutes(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the agenda items whose approved minutes the member may read in the circle."""
    minutes = session.scalars(
        select(Minutes)
        .where(Minutes.circle_id == circle.id, Minutes.state.in_(PUBLIC_STATES))
        .options(selectinload(Minutes.reviewers))
    )
    readable = [m.id for m in minutes if can_view_minutes(member, m, circle)]
    if not readable:
        return set()
    return set(
        session.scalars(select(MinutesNote.item_id).where(MinutesNote.minutes_id.in_(readable)))
    )


def agenda_entries(session: Session, meeting_ids: Iterable[int] | None) -> Iterator[SearchEntry]:
    """Yield one entry per meeting: its agenda items' titles and descriptions."""
    for chunk in _chunks(meeting_ids):
        query = (
            select(Meeting)
            .options(joinedload(Meeting.circle), selectinload(Meeting.items))
            .order_by(Meeting.id)
        )
        if chunk is not None:
            query = query.where(Meeting.id.in_(chunk))
        for meeting in session.scalars(query):
            lines = [meeting.theme] if meeting.theme else []
            for item in meeting.items:
                lines.append(item.title)
                lines += [t for t in (item.description, item.preparation) if t and t.strip()]
            yield SearchEntry.of(
                AGENDA,
                meeting.id,
                meeting.circle_id,
                meeting.title,
                "\n".join(lines),
                place_url(
                    "meetings.show", "agenda", slug=meeting.circle.slug, meeting_id=meeting.id
                ),
                meeting.starts_at.date(),
            )


def visible_agendas(session: Session, member: Any, circle: Any) -> set[int]:
    """Return the meetings of the circle whose page and agenda the member may see."""
    meetings = session.scalars(select(Meeting).where(Meeting.circle_id == circle.id))
    return {m.id for m in meetings if can_view_meeting(member, m, circle)}


def _items_of(session: Session, meeting_id: int | None) -> list[int]:
    if meeting_id is None:
        return []
    return list(session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)))


def changed_minutes(session: Session, obj: Any) -> list[int]:
    """Return the agenda items whose minutes entry a changed row affects."""
    if isinstance(obj, MinutesNote):
        return [obj.item_id]
    if isinstance(obj, AgendaItem):
        return [obj.id] if obj.id is not None else []
    if isinstance(obj, Minutes):
        return _items_of(session, obj.meeting_id)
    if isinstance(obj, Meeting) and obj in session.dirty:
        if inspect(obj).attrs.title.history.has_changes():  # the title is in each entry's
            return _items_of(session, obj.id)
    return []


def changed_agendas(_session: Session, obj: Any) -> list[int]:
    """Return the meetings whose agenda entry a changed row affects."""
    if isinstance(obj, Meeting):
        return [obj.id] if obj.id is not None else []
    if isinstance(obj, AgendaItem):
        return [obj.meeting_id] if obj.meeting_id is not None else []
    return []


SOURCES = (
    SearchSource(
        MINUTES, _l("Referat"), minutes_entries, visible_minutes, changed_minutes, order=10
    ),
    SearchSource(
        AGENDA, _l("Saksliste"), agenda_entries, visible_agendas, changed_agendas, order=20
    ),
)


def register_search(app: Flask) -> None:
    """Let the site search find approved minutes and agendas."""
    register_search_source(app, *SOURCES)
