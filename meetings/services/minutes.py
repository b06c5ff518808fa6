"""Writing minutes: notes per agenda item, revisions, optimistic locking and text diffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.errors import Conflict, DomainError, NotAllowed
from circle.i18n import format_day, format_when
from circle.models import Circle, Member, utcnow
from circle.textdiff import side_by_side
from meetings.models import (
    ActionItem,
    AttendanceStatus,
    Meeting,
    Minutes,
    MinutesNote,
    MinutesRevision,
    MinutesState,
    ReviewComment,
)
from meetings.permissions import can_edit_minutes
from meetings.services.agenda import running_times
from meetings.services.attendance import RegisterGroup, attendance_register
from meetings.services.common import check_length, guard_text

MAX_NOTES = 200_000
MAX_EVALUATION = 20_000


class EditConflict(Conflict):
    """Someone saved the minutes after this form was loaded; nothing was overwritten."""

    def __init__(
        self, message: object, *, current_text: str, their_text: str, current_version: int
    ) -> None:
        super().__init__(message)
        self.current_text = current_text
        self.their_text = their_text
        self.current_version = current_version


@dataclass(frozen=True)
class ItemContent:
    """What the minutes say under one agenda item."""

    notes: str = ""
    decision: str = ""
    postponed: bool = False


def notes_by_item(minutes: Minutes | None) -> dict[int, MinutesNote]:
    """Return the minutes' notes keyed by agenda item id."""
    return {n.item_id: n for n in minutes.notes} if minutes is not None else {}


def current_content(meeting: Meeting) -> dict[int, ItemContent]:
    """Return the saved content per agenda item."""
    notes = notes_by_item(meeting.minutes)
    return {
        item.id: ItemContent(
            notes[item.id].notes if item.id in notes else "",
            notes[item.id].decision if item.id in notes else "",
            item.postponed,
        )
        for item in meeting.items
    }


def compose_text(
    meeting: Meeting,
    content: dict[int, ItemContent],
    evaluation: str,
    attendance: list[RegisterGroup] | None = None,
    actions: list[ActionItem] | None = None,
) -> str:
    """Return the minutes as one Markdown text: what versions freeze and diffs compare."""
    # The minutes are a Norwegian document of record: its dates are written in bokmål.
    when = format_when(meeting.starts_at, "dd.MM.y HH:mm", locale="nb")
    lines = [
        f"# Referat: {meeting.title}",
        "",
        f"Møte {meeting.number}, {when}" + (f", {meeting.place}" if meeting.place else ""),
        "",
    ]
    if attendance:
        lines += ["## Oppmøte", ""]
        for group in attendance:
            unit = group.unit.name if group.unit else "Uten enhet"
            present = [r.member.name for r in group.rows if r.status == AttendanceStatus.PRESENT]
            excused = [r.member.name for r in group.rows if r.status == AttendanceStatus.EXCUSED]
            line = f"- {unit}: til stede {', '.join(present) or '–'}"
            if excused:
                line += f"; forfall {', '.join(excused)}"
            lines.append(line)
        lines.append("")
    for row in running_times(meeting).rows:
        item_content = content.get(row.item.id, ItemContent())
        heading = "###" if row.depth else "##"
        lines += [f"{heading} {row.number}. {row.item.title}", ""]
        if item_content.postponed:
            lines += ["*Utsatt til neste møte.*", ""]
        if item_content.notes.strip():
            lines += [item_content.notes.strip(), ""]
        if item_content.decision.strip():
            lines += [f"**Vedtak:** {item_content.decision.strip()}", ""]
    if actions:
        lines += ["## Oppgaver", ""]
        for action in actions:
            owner = action.owner.name if action.owner else "–"
            due = (
                f", frist {format_day(action.due_on, 'short_date', locale='nb')}"
                if action.due_on
                else ""
            )
            lines.append(f"- {action.what} ({owner}{due})")
        lines.append("")
    if evaluation.strip():
        lines += ["## Evaluering av møtet", "", evaluation.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def load_actions(session: Session, minutes: Minutes | None) -> list[ActionItem]:
    """Return the minutes' action items with owners loaded."""
    if minutes is None or minutes.id is None:
        return []
    return list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.minutes_id == minutes.id)
            .options(joinedload(ActionItem.owner), joinedload(ActionItem.unit))
            .order_by(ActionItem.id)
        )
    )


def snapshot(session: Session, meeting: Meeting) -> str:
    """Return the current minutes as text, with attendance and action items."""
    minutes = meeting.minutes
    return compose_text(
        meeting,
        current_content(meeting),
        minutes.evaluation if minutes else "",
        attendance_register(session, meeting),
        load_actions(session, minutes),
    )


def _clean_content(meeting: Meeting, content: dict[int, ItemContent]) -> dict[int, ItemContent]:
    item_ids = {i.id for i in meeting.items}
    if set(content) - item_ids:
        raise DomainError(_l("Referatet nevner et punkt som ikke står på dagsordenen."))
    clean = {}
    for item_id, value in content.items():
        notes, decision = value.notes.strip(), value.decision.strip()
        check_length(notes, MAX_NOTES, str(_l("Notatene")))
        check_length(decision, 20_000, str(_l("Vedtaket")))
        guard_text(notes, decision)
        clean[item_id] = ItemContent(notes, decision, value.postponed)
    return clean


def _bump_version(session: Session, minutes: Minutes, expected: int) -> bool:
    """Advance the edit version only if nobody else has (one atomic UPDATE)."""
    result = session.execute(
        update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.edit_version == expected)
        .values(edit_version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    minutes.edit_version = expected + 1
    return True


def _ensure_minutes(session: Session, meeting: Meeting, actor: Member) -> Minutes:
    if meeting.minutes is None:
        meeting.minutes = Minutes(
            meeting_id=meeting.id,
            circle_id=meeting.circle_id,
            state=MinutesState.DRAFT,
            edit_version=0,
            updated_by_id=actor.id,
        )
        session.flush()
    return meeting.minutes


def apply_content(
    session: Session,
    meeting: Meeting,
    minutes: Minutes,
    content: dict[int, ItemContent],
    evaluation: str | None,
) -> None:
    """Write notes, decisions, postponed flags and the evaluation (no checks)."""
    existing = notes_by_item(minutes)
    items = {i.id: i for i in meeting.items}
    for item_id, value in content.items():
        note = existing.get(item_id)
        if note is None:
            if not (value.notes or value.decision):
                items[item_id].postponed = value.postponed
                continue
            note = MinutesNote(minutes_id=minutes.id, item_id=item_id)
            minutes.notes.append(note)
        note.notes, note.decision = value.notes, value.decision
        items[item_id].postponed = value.postponed
    if evaluation is not None:
        minutes.evaluation = evaluation


def add_revision(
    session: Session, meeting: Meeting, minutes: Minutes, actor: Member, note: str = ""
) -> MinutesRevision:
    """Record the current state of the minutes as a numbered revision."""
    session.flush()
    revision = MinutesRevision(
        minutes_id=minutes.id,
        number=minutes.edit_version,
        author_id=actor.id,
        note=note[:200],
        snapshot=snapshot(session, meeting),
    )
    session.add(revision)
    session.flush()
    return revision


AUTOSAVE_NOTE = "Lagret automatisk"
CANCELLED_NO_MINUTES = _l("Møtet er avlyst, så det skrives ikke referat fra det.")
# Autosaves by one writer within this time make one revision, not one per pause in typing.
AUTOSAVE_MERGE = timedelta(minutes=15)


def _unchanged(meeting: Meeting, content: dict[int, ItemContent], evaluation: str) -> bool:
    """Return whether saving would change nothing in the minutes."""
    if meeting.minutes is None:
        return False
    saved = current_content(meeting)
    return meeting.minutes.evaluation == evaluation and all(
        saved.get(item_id) == value for item_id, value in content.items()
    )


def save_minutes(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    expected_version: int,
    content: dict[int, ItemContent],
    evaluation: str,
    autosave: bool = False,
    now: datetime | None = None,
) -> Minutes:
    """Save the draft; refuse (showing the difference) if someone saved since it was loaded.

    A save that changes nothing is no new revision; autosaves by the same writer close together
    update their revision instead of adding one each time.
    """
    if meeting.circle_id != circle.id or not can_edit_minutes(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan skrive referatet."))
    minutes = meeting.minutes
    if minutes is not None and minutes.is_public:
        raise Conflict(_l("Referatet er godkjent og låst. En rettelse lager en ny versjon."))
    if meeting.cancelled_at is not None:
        raise DomainError(CANCELLED_NO_MINUTES)
    content = _clean_content(meeting, content)
    evaluation = (evaluation or "").strip()
    check_length(evaluation, MAX_EVALUATION, str(_l("Evalueringen")))
    guard_text(evaluation)
    current_version = minutes.edit_version if minutes is not None else 0
    if minutes is not None and _unchanged(meeting, content, evaluation):
        return minutes  # nothing would be overwritten, whatever version the form had
    if expected_version != current_version:
        _raise_conflict(session, meeting, content, evaluation)
    minutes = _ensure_minutes(session, meeting, actor)
    if not _bump_version(session, minutes, expected_version):
        session.refresh(minutes)
        _raise_conflict(session, meeting, content, evaluation)
    now = now or utcnow()
    apply_content(session, meeting, minutes, content, evaluation)
    minutes.updated_at, minutes.updated_by_id = now, actor.id
    latest = _latest_revision(session, minutes)
    if (
        autosave
        and latest is not None
        and latest.author_id == actor.id
        and latest.note == AUTOSAVE_NOTE
        and now - latest.created_at < AUTOSAVE_MERGE
    ):
        session.flush()
        latest.number, latest.created_at = minutes.edit_version, now
        latest.snapshot = snapshot(session, meeting)
        session.flush()
    else:
        add_revision(session, meeting, minutes, actor, note=AUTOSAVE_NOTE if autosave else "")
    return minutes


def _latest_revision(session: Session, minutes: Minutes) -> MinutesRevision | None:
    return session.scalar(
        select(MinutesRevision)
        .where(MinutesRevision.minutes_id == minutes.id)
        .order_by(MinutesRevision.number.desc())
        .limit(1)
    )


def _raise_conflict(
    session: Session, meeting: Meeting, content: dict[int, ItemContent], evaluation: str
) -> None:
    minutes = meeting.minutes
    attendance = attendance_register(session, meeting)
    actions = load_actions(session, minutes)
    current = compose_text(
        meeting,
        current_content(meeting),
        minutes.evaluation if minutes else "",
        attendance,
        actions,
    )
    merged = current_content(meeting) | content
    theirs = compose_text(meeting, merged, evaluation, attendance, actions)
    raise EditConflict(
        _l(
            "Noen andre har lagret referatet etter at du åpnet det. Ingenting er overskrevet: "
            "se forskjellen nedenfor, ta med endringene dine og lagre på nytt."
        ),
        current_text=current,
        their_text=theirs,
        current_version=minutes.edit_version if minutes else 0,
    )


def content_from_form(meeting: Meeting, form: Any) -> dict[int, ItemContent]:
    """Read notes-<id>, decision-<id> and postponed-<id> fields of a submitted form."""
    return {
        item.id: ItemContent(
            form.get(f"notes-{item.id}", ""),
            form.get(f"decision-{item.id}", ""),
            form.get(f"postponed-{item.id}") in {"1", "y", "on"},
        )
        for item in meeting.items
    }


def list_revisions(session: Session, minutes: Minutes) -> list[MinutesRevision]:
    """Return the minutes' revisions, newest first."""
    return list(
        session.scalars(
            select(MinutesRevision)
            .where(MinutesRevision.minutes_id == minutes.id)
            .options(selectinload(MinutesRevision.author))
            .order_by(MinutesRevision.number.desc())
        )
    )


def diff_html(old: str, new: str, old_label: str, new_label: str) -> Markup:
    """Return a line diff as an HTML table; every piece of text is escaped."""
    rows = [
        Markup(
            '<table class="diff"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>'
        ).format(old_label, new_label)
    ]
    pairs = side_by_side(old, new)
    for pair in pairs:
        if pair.kind == "skip":
            rows.append(Markup('<tr class="skip"><td colspan="2">…</td></tr>'))
        else:
            rows.append(_row(pair.kind, pair.left, pair.right))
    if all(pair.kind in ("same", "skip") for pair in pairs):
        rows.append(
            Markup('<tr><td colspan="2" class="empty">{}</td></tr>').format(
                _l("Ingen forskjeller.")
            )
        )
    rows.append(Markup("</tbody></table>"))
    return Markup("").join(rows)


def _row(tag: str, left: str | None, right: str | None) -> Markup:
    def cell(text: str | None, cls: str, mark: str) -> Markup:
        if text is None:
            return Markup('<td class="none"></td>')
        body = escape(text)
        if tag != "same":
            body = Markup("<{0}>{1}</{0}>").format(mark, body) if text else body
        return Markup('<td class="{}">{}</td>').format(cls, body)

    return Markup('<tr class="{}">{}{}</tr>').format(
        tag, cell(left, "old", "del"), cell(right, "new", "ins")
    )


def comments_for(session: Session, minutes: Minutes) -> list[ReviewComment]:
    """Return the review trail with authors and deciders loaded."""
    return list(
        session.scalars(
            select(ReviewComment)
            .where(ReviewComment.minutes_id == minutes.id)
            .options(
                joinedload(ReviewComment.author),
                joinedload(ReviewComment.decided_by),
                joinedload(ReviewComment.item),
            )
            .order_by(ReviewComment.id)
        )
    )
