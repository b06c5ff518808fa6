"""Agenda services: the standard template, the initial agenda, items, order, running times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from circle.audit import record_event
from circle.errors import DomainError, NotAllowed
from circle.inputs import ensure_single_line, is_safe_link, looks_like_link
from circle.models import Circle, Member
from circle.permissions import as_member
from meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaReading,
    AgendaTemplateItem,
    ItemKind,
    ItemOrigin,
    Meeting,
    MeetingKind,
    Minutes,
    Reviewer,
)
from meetings.permissions import can_manage_meetings, can_view_minutes_in_state
from meetings.services.common import check_length, guard_text

KIND_LABELS = {
    ItemKind.INFORMATION: _l("Orientering"),
    ItemKind.DISCUSSION: _l("Drøfting"),
    ItemKind.DECISION: _l("Beslutning"),
    ItemKind.PRESENTATION: _l("Fagpresentasjon"),
}
MAX_MINUTES = 600
MAX_READINGS = 20
MAX_TEMPLATE_ROWS = 100

# The fixed agenda the circles follow; a circle's leaders adapt it as its template.
DEFAULT_TEMPLATE: list[tuple[ItemKind, str, int, str]] = [
    (
        ItemKind.DISCUSSION,
        "Refleksjon over arbeidet siden sist",
        20,
        "Kort runde: hva har skjedd i tjenestene siden forrige gang?",
    ),
    (
        ItemKind.DISCUSSION,
        "Lokal forankring av prosjektene",
        20,
        "Hvordan er arbeidet forankret hos lederne i enhetene?",
    ),
    (ItemKind.DISCUSSION, "Erfaringsdeling", 30, ""),
    (ItemKind.DISCUSSION, "Hvilken kunnskap trenger vi fortsatt?", 15, ""),
    (
        ItemKind.PRESENTATION,
        "Fagpresentasjon",
        45,
        "Presentasjon av forskning valgt på forrige møte.",
    ),
    (ItemKind.DECISION, "Tema for neste møte", 10, ""),
    (ItemKind.INFORMATION, "Praktiske avklaringer", 10, ""),
]


@dataclass(frozen=True)
class TemplateRow:
    """One row of the standard agenda, saved or default."""

    kind: ItemKind
    title: str
    minutes_planned: int
    description: str = ""


def template_rows(session: Session, circle: Circle) -> list[TemplateRow]:
    """Return the circle's standard agenda (the domain's fixed agenda until leaders edit it)."""
    saved = list(
        session.scalars(
            select(AgendaTemplateItem)
            .where(AgendaTemplateItem.circle_id == circle.id)
            .order_by(AgendaTemplateItem.position)
        )
    )
    if saved:
        return [TemplateRow(t.kind, t.title, t.minutes_planned, t.description) for t in saved]
    return [TemplateRow(k, t, m, d) for k, t, m, d in DEFAULT_TEMPLATE]


def save_template(
    session: Session, circle: Circle, *, actor: Member, rows: list[dict[str, Any]]
) -> None:
    """Replace the circle's standard agenda; rows without a title are dropped."""
    if not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre standarddagsordenen."))
    clean = []
    for row in sorted(rows, key=lambda r: r.get("position") or 0):
        title = (row.get("title") or "").strip()
        if not title:
            continue
        description = (row.get("description") or "").strip()
        check_length(title, 200, str(_l("Tittelen")))
        check_length(description, 5000, str(_l("Beskrivelsen")))
        ensure_single_line(title, label=_l("Tittel"))
        guard_text(title, description)
        clean.append(
            TemplateRow(
                _kind(row.get("kind")), title, _minutes(row.get("minutes_planned")), description
            )
        )
    if not clean:
        raise DomainError(_l("Standarddagsordenen må ha minst ett punkt."))
    session.execute(delete(AgendaTemplateItem).where(AgendaTemplateItem.circle_id == circle.id))
    for i, row in enumerate(clean):
        session.add(
            AgendaTemplateItem(
                circle_id=circle.id,
                position=i,
                kind=row.kind,
                title=row.title,
                minutes_planned=row.minutes_planned,
                description=row.description,
            )
        )
    session.flush()


def _kind(value: Any) -> ItemKind:
    try:
        return ItemKind(value or ItemKind.DISCUSSION)
    except ValueError as exc:
        raise DomainError(_l("Ukjent type saksliste-punkt.")) from exc


def _minutes(value: Any) -> int:
    try:
        minutes = int(value or 0)
    except (TypeError, ValueError) as exc:
        raise DomainError(_l("Varigheten må være et helt antall minutter.")) from exc
    if not 0 <= minutes <= MAX_MINUTES:
        raise DomainError(_l("Varigheten må være mellom 0 og %(n)d minutter.", n=MAX_MINUTES))
    return minutes


def _open_before(stmt: Any, meeting: Meeting) -> Any:
    """Narrow a select over action items to the circle's open ones from earlier meetings."""
    return (
        stmt.join(Minutes, ActionItem.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            ActionItem.circle_id == meeting.circle_id,
            ActionItem.status == ActionStatus.OPEN,
            Meeting.starts_at < meeting.starts_at,
        )
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )


def open_actions_before(session: Session, meeting: Meeting) -> list[ActionItem]:
    """Return the circle's open action items agreed at meetings before this one."""
    return list(
        session.scalars(
            _open_before(select(ActionItem), meeting).options(
                # The joined minutes and meeting arrive in the same row as each action item.
                joinedload(ActionItem.owner),
                contains_eager(ActionItem.minutes).contains_eager(Minutes.meeting),
                contains_eager(ActionItem.minutes).selectinload(Minutes.reviewers),
            )
        )
    )


def postponed_from_numbers(session: Session, items: list[AgendaItem]) -> dict[int, int]:
    """Return, for the postponed items' earlier items, the number of the meeting they were on."""
    ids = {
        i.postponed_from_id
        for i in items
        if i.origin == ItemOrigin.POSTPONED and i.postponed_from_id is not None
    }
    if not ids:
        return {}
    rows = session.execute(
        select(AgendaItem.id, Meeting.number)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.id.in_(ids))
    )
    return {item_id: number for item_id, number in rows}


@dataclass(frozen=True)
class ReviewAction:
    """An open action item as the review item lists it."""

    what: str
    owner_name: str | None  # None: nobody is responsible
    due_on: date | None
    meeting_number: int


def actions_for_review(
    session: Session, meeting: Meeting, circle: Circle, member: Any
) -> list[ReviewAction]:
    """Return the open action items shown under the meeting's review item, as member sees them."""
    # The same items as open_actions_before, as plain rows: the review item shows four values.
    rows = session.execute(
        _open_before(
            select(
                ActionItem.circle_id,
                ActionItem.what,
                Member.name,
                ActionItem.due_on,
                Meeting.number,
                Minutes.id,
                Minutes.circle_id,
                Minutes.state,
            ),
            meeting,
        ).outerjoin(Member, Member.id == ActionItem.owner_id)
    ).all()
    reviewing: set[int] | None = None

    def reviews(minutes_id: int) -> bool:
        # Asked only for minutes in review that the member does not lead: one query at most.
        nonlocal reviewing
        if reviewing is None:
            me = as_member(member)
            reviewing = (
                set(
                    session.scalars(
                        select(Reviewer.minutes_id).where(
                            Reviewer.member_id == me.id,
                            Reviewer.minutes_id.in_({r[5] for r in rows}),
                        )
                    )
                )
                if me is not None
                else set()
            )
        return minutes_id in reviewing

    return [
        ReviewAction(what, owner, due_on, number)
        for action_circle, what, owner, due_on, number, minutes_id, minutes_circle, state in rows
        if action_circle == circle.id
        and can_view_minutes_in_state(
            member,
            circle,
            minutes_circle_id=minutes_circle,
            state=state,
            reviewing=lambda m=minutes_id: reviews(m),
        )
    ]


def _copy_postponed(item: AgendaItem, position: int) -> AgendaItem:
    return AgendaItem(
        position=position,
        kind=item.kind,
        origin=ItemOrigin.POSTPONED,
        title=item.title,
        presenter=item.presenter,
        minutes_planned=item.minutes_planned,
        description=item.description,
        preparation=item.preparation,
        postponed_from_id=item.id,
        readings=[
            AgendaReading(position=r.position, title=r.title, url=r.url, report_id=r.report_id)
            for r in item.readings
        ],
    )


def copy_carried(item: AgendaItem, position: int) -> AgendaItem:
    """Copy an item of a cancelled meeting onto the next agenda (an approval stays one)."""
    if item.origin == ItemOrigin.APPROVAL:
        return AgendaItem(
            position=position,
            kind=item.kind,
            origin=ItemOrigin.APPROVAL,
            title=item.title,
            minutes_planned=item.minutes_planned,
            approves_meeting_id=item.approves_meeting_id,
        )
    return _copy_postponed(item, position)


def _stands_for(item: AgendaItem, row: TemplateRow) -> bool:
    """Return whether a carried item is the template row's item (e.g. "Fagpresentasjon: X")."""
    if item.kind != row.kind:
        return False
    title, standard = item.title.strip().casefold(), row.title.strip().casefold()
    if title == standard:
        return True
    rest = title[len(standard) :] if title.startswith(standard) else ""
    return rest[:1] in {":", "–", "-", "(", " "} and bool(standard)


def build_initial_agenda(session: Session, meeting: Meeting) -> None:
    """Fill a new meeting's agenda: approval of the last minutes, postponed items,
    open action items and (for circle meetings and seminars) the standard agenda."""
    from meetings.services.changes import carried_items
    from meetings.services.meetings import previous_meeting

    previous = previous_meeting(session, meeting)
    items: list[AgendaItem] = []
    carried: list[AgendaItem] = []
    if previous is not None and previous.cancelled_at is not None:
        # A cancelled meeting was never held: its open items (and its approval of the
        # minutes before it) come to this meeting instead.
        carried = [copy_carried(item, 0) for item in carried_items(session, previous)]
        items.extend(carried)
    elif previous is not None:
        # Minutes approved between the meetings need no approval item.
        if previous.minutes is None or not previous.minutes.is_public:
            items.append(
                AgendaItem(
                    kind=ItemKind.DECISION,
                    origin=ItemOrigin.APPROVAL,
                    minutes_planned=5,
                    title=f"Godkjenning av referat fra møte {previous.number}: {previous.title}"[
                        :200
                    ],
                    approves_meeting_id=previous.id,
                )
            )
        postponed = session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == previous.id, AgendaItem.postponed.is_(True))
            .options(selectinload(AgendaItem.readings))
            .order_by(AgendaItem.position)
        )
        carried = [_copy_postponed(item, 0) for item in postponed]
        items.extend(carried)
    if meeting.kind != MeetingKind.REFERENCE:
        if open_actions_before(session, meeting):
            items.append(
                AgendaItem(
                    kind=ItemKind.DISCUSSION,
                    origin=ItemOrigin.ACTIONS,
                    title="Oppfølging av åpne oppgaver",
                    minutes_planned=10,
                )
            )
        circle = session.get(Circle, meeting.circle_id)
        for row in template_rows(session, circle):
            if any(_stands_for(item, row) for item in carried):
                continue  # the postponed item takes this row's place on the agenda
            items.append(
                AgendaItem(
                    kind=row.kind,
                    origin=ItemOrigin.TEMPLATE,
                    title=row.title,
                    minutes_planned=row.minutes_planned,
                    description=row.description,
                )
            )
    for position, item in enumerate(items):
        item.position = position
        meeting.items.append(item)
    session.flush()


def parse_readings(
    text: str, match_report: Callable[[str], int | None] | None = None
) -> list[AgendaReading]:
    """Read pre-reading lines 'Title | https://…' (or a bare URL, or a bare title)."""
    readings = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        title, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
        title, url = title.strip(), url.strip()
        if not looks_like_link(url):
            title, url = (title + " " + url).strip(), ""
        elif not is_safe_link(url):
            raise DomainError(
                _l(
                    "Lenken til forhåndslesing må være en fullstendig nettadresse (https://…) "
                    "eller en adresse på dette nettstedet (/…)."
                )
            )
        check_length(title or url, 300, str(_l("Tittelen på forhåndslesingen")))
        check_length(url, 500, str(_l("Lenken til forhåndslesingen")))
        report_id = match_report(url) if match_report and url else None
        readings.append(
            AgendaReading(position=len(readings), title=title or url, url=url, report_id=report_id)
        )
    if len(readings) > MAX_READINGS:
        raise DomainError(_l("Høyst %(n)d lenker til forhåndslesing per punkt.", n=MAX_READINGS))
    return readings


def _item_values(values: dict[str, Any]) -> dict[str, Any]:
    title = (values.get("title") or "").strip()
    if not title:
        raise DomainError(_l("Punktet må ha en tittel."))
    clean = {
        "title": title,
        "kind": _kind(values.get("kind")),
        "presenter": (values.get("presenter") or "").strip(),
        "minutes_planned": _minutes(values.get("minutes_planned")),
        "description": (values.get("description") or "").strip(),
        "preparation": (values.get("preparation") or "").strip(),
    }
    for key, limit, label in (
        ("title", 200, _l("Tittelen")),
        ("presenter", 120, _l("Innleder")),
        ("description", 20000, _l("Beskrivelsen")),
        ("preparation", 5000, _l("Forberedelsesspørsmålene")),
    ):
        check_length(clean[key], limit, str(label))
    guard_text(
        clean["title"],
        clean["presenter"],
        clean["description"],
        clean["preparation"],
        values.get("readings") or "",
    )
    return clean


def _check_parent(meeting: Meeting, parent_id: int | None, item: AgendaItem | None) -> None:
    if parent_id is None:
        return
    parent = next((i for i in meeting.items if i.id == parent_id), None)
    if parent is None or parent.parent_id is not None:
        raise DomainError(_l("Underpunkter kan bare ligge under et hovedpunkt."))
    if item is not None and (
        parent.id == item.id or any(i.parent_id == item.id for i in meeting.items)
    ):
        raise DomainError(_l("Et punkt med underpunkter kan ikke selv bli et underpunkt."))


READING_GONE = _l("Forhåndslesingen er allerede slettet (av en annen eller i en annen fane).")


def _ensure_editable(meeting: Meeting, circle: Circle, actor: Member) -> None:
    if meeting.circle_id != circle.id or not can_manage_meetings(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre dagsordenen."))
    if meeting.cancelled_at is not None:
        raise DomainError(_l("Møtet er avlyst; dagsordenen kan ikke endres."))
    if meeting.minutes is not None and meeting.minutes.is_public:
        raise DomainError(_l("Referatet er godkjent; dagsordenen kan ikke lenger endres."))


def add_item(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    parent_id: int | None = None,
    match_report: Callable[[str], int | None] | None = None,
    **values: Any,
) -> AgendaItem:
    """Add an item at the end of the agenda (or at the end of a top item's sub-items)."""
    _ensure_editable(meeting, circle, actor)
    clean = _item_values(values)
    _check_parent(meeting, parent_id, None)
    item = AgendaItem(
        meeting_id=meeting.id,
        parent_id=parent_id,
        origin=ItemOrigin.MANUAL,
        readings=parse_readings(values.get("readings") or "", match_report),
        **clean,
    )
    item.position = len(meeting.items) + 1
    meeting.items.append(item)
    session.flush()
    _renumber(meeting)
    session.flush()
    return item


def update_item(
    session: Session,
    item: AgendaItem,
    circle: Circle,
    *,
    actor: Member,
    match_report: Callable[[str], int | None] | None = None,
    **values: Any,
) -> None:
    """Change an agenda item's content and pre-reading."""
    _ensure_editable(item.meeting, circle, actor)
    clean = _item_values(values)
    readings = parse_readings(values.get("readings") or "", match_report)
    for key, value in clean.items():
        setattr(item, key, value)
    item.readings = readings
    session.flush()


def delete_item(session: Session, item: AgendaItem, circle: Circle, *, actor: Member) -> None:
    """Remove an agenda item (and its sub-items)."""
    meeting = item.meeting
    _ensure_editable(meeting, circle, actor)
    for child in [i for i in meeting.items if i.parent_id == item.id]:
        meeting.items.remove(child)
    meeting.items.remove(item)
    session.flush()
    _renumber(meeting)
    session.flush()


def delete_reading(
    session: Session, item: AgendaItem, reading_id: int, circle: Circle, *, actor: Member
) -> AgendaReading:
    """Delete one pre-reading entry of an agenda item; the audit log keeps its title."""
    meeting = item.meeting
    _ensure_editable(meeting, circle, actor)
    reading = next((r for r in item.readings if r.id == reading_id), None)
    if reading is None:
        raise DomainError(READING_GONE)
    item.readings.remove(reading)
    for position, rest in enumerate(item.readings):
        rest.position = position
    session.flush()
    record_event(
        session,
        "meeting.reading_deleted",
        actor=actor,
        circle=circle,
        detail=f"meeting={meeting.id} item={item.id} reading={reading.id} title={reading.title}",
    )
    return reading


def reorder_items(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    order: dict[int, tuple[float, int | None]],
) -> None:
    """Set each item's place: {item id: (position number, parent id or None)}."""
    _ensure_editable(meeting, circle, actor)
    by_id = {i.id: i for i in meeting.items}
    if set(order) != set(by_id):
        raise DomainError(_l("Rekkefølgen må gjelde alle punktene på dagsordenen."))
    parents = {item_id: parent for item_id, (_pos, parent) in order.items()}
    for item_id, parent in parents.items():
        if parent is None:
            continue
        if parent not in by_id or parent == item_id or parents[parent] is not None:
            raise DomainError(_l("Underpunkter kan bare ligge under et hovedpunkt."))
    for item_id, parent in parents.items():
        by_id[item_id].parent_id = parent
    for item_id, (pos, _parent) in order.items():
        by_id[item_id].position = pos  # type: ignore[assignment]
    _renumber(meeting)
    session.flush()


def _renumber(meeting: Meeting) -> None:
    """Store positions as the flattened order: each top item followed by its sub-items."""
    for index, (item, _depth) in enumerate(flatten(meeting.items)):
        item.position = index
    meeting.items.sort(key=lambda i: i.position)


def flatten(items: list[AgendaItem]) -> list[tuple[AgendaItem, int]]:
    """Return (item, depth) with each top item followed by its sub-items, in position order."""
    ordered = sorted(items, key=lambda i: (i.position, i.id or 0))
    ids = {i.id for i in ordered}
    children: dict[int, list[AgendaItem]] = {}
    for item in ordered:
        if item.parent_id is not None and item.parent_id in ids:
            children.setdefault(item.parent_id, []).append(item)
    result = []
    for item in ordered:
        if item.parent_id is None or item.parent_id not in ids:
            result.append((item, 0))
            result.extend((child, 1) for child in children.get(item.id, []))
    return result


@dataclass(frozen=True)
class AgendaRow:
    """An agenda item with its number and computed planned time."""

    item: AgendaItem
    depth: int
    number: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RunningTimes:
    """The agenda with computed times, the total and whether it overruns the meeting."""

    rows: list[AgendaRow]
    total_minutes: int
    ends_at: datetime
    overrun_minutes: int


def running_times(meeting: Meeting) -> RunningTimes:
    """Compute each item's planned start from the durations; warn when the agenda overruns."""
    rows = []
    clock = meeting.starts_at
    top = sub = 0
    for item, depth in flatten(meeting.items):
        if depth == 0:
            top, sub = top + 1, 0
            number = str(top)
        else:
            sub += 1
            number = f"{top}.{sub}"
        end = clock + timedelta(minutes=item.minutes_planned)
        rows.append(AgendaRow(item, depth, number, clock, end))
        clock = end
    total = sum(i.minutes_planned for i in meeting.items)
    overrun = max(0, int((clock - meeting.ends_at).total_seconds() // 60))
    return RunningTimes(rows, total, clock, overrun)
