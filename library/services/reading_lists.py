"""Reading lists: a circle's ordered lists of reports, each entry with a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from circle.errors import Conflict, DomainError, NotAllowed
from circle.identity import ensure_no_identity_number
from circle.models import Circle, Member
from library.models import ReadingList, ReadingListEntry, Report
from library.permissions import can_edit_reading_lists, report_in_circle

MAX_TITLE, MAX_DESCRIPTION, MAX_NOTE, MAX_ENTRIES = 200, 4000, 2000, 200


def _guard(actor: Member, circle: Circle) -> None:
    if not can_edit_reading_lists(actor, circle):
        raise NotAllowed(_l("Bare deltakere og sirkelledere kan endre leselister."))


def _text(value: str | None, limit: int, what: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_l("%(what)s må fylles ut.", what=what))
    if len(text) > limit:
        raise DomainError(_l("%(what)s kan ha høyst %(n)d tegn.", what=what, n=limit))
    ensure_no_identity_number(text)
    return text


def _own(reading_list: ReadingList, circle: Circle) -> None:
    if reading_list.circle_id != circle.id:
        raise DomainError(_l("Leselisten hører ikke til denne sirkelen."))


def list_reading_lists(session: Session, circle: Circle) -> list[ReadingList]:
    """Return the circle's reading lists, newest first."""
    return list(
        session.scalars(
            select(ReadingList)
            .where(ReadingList.circle_id == circle.id)
            .options(selectinload(ReadingList.entries))
            .order_by(ReadingList.created_at.desc(), ReadingList.id.desc())
        )
    )


def get_reading_list(session: Session, circle: Circle, list_id: int) -> ReadingList | None:
    """Return the circle's reading list with this id, or None."""
    reading_list = session.get(ReadingList, list_id)
    if reading_list is None or reading_list.circle_id != circle.id:
        return None
    return reading_list


def visible_entries(reading_list: ReadingList, circle: Circle) -> list[ReadingListEntry]:
    """Return the entries whose report this circle's members may see, in order."""
    return [e for e in reading_list.entries if report_in_circle(e.report, circle)]


def create_reading_list(
    session: Session, circle: Circle, *, actor: Member, title: str, description: str = ""
) -> ReadingList:
    """Create an empty reading list."""
    _guard(actor, circle)
    reading_list = ReadingList(
        circle_id=circle.id,
        title=_text(title, MAX_TITLE, str(_l("Tittelen")), required=True),
        description=_text(description, MAX_DESCRIPTION, str(_l("Beskrivelsen"))),
        created_by_id=actor.id,
    )
    session.add(reading_list)
    session.flush()
    return reading_list


def update_reading_list(
    session: Session,
    reading_list: ReadingList,
    circle: Circle,
    *,
    actor: Member,
    title: str,
    description: str = "",
) -> None:
    """Rename a reading list and change its description."""
    _guard(actor, circle)
    _own(reading_list, circle)
    reading_list.title = _text(title, MAX_TITLE, str(_l("Tittelen")), required=True)
    reading_list.description = _text(description, MAX_DESCRIPTION, str(_l("Beskrivelsen")))
    session.flush()


def delete_reading_list(
    session: Session, reading_list: ReadingList, circle: Circle, *, actor: Member
) -> None:
    """Delete a reading list (the reports stay in the library)."""
    _guard(actor, circle)
    _own(reading_list, circle)
    session.delete(reading_list)
    session.flush()


def add_entry(
    session: Session,
    reading_list: ReadingList,
    circle: Circle,
    report: Report,
    *,
    actor: Member,
    note: str = "",
) -> ReadingListEntry:
    """Put a report last on the list, with a note."""
    _guard(actor, circle)
    _own(reading_list, circle)
    if not report_in_circle(report, circle):
        raise DomainError(_l("Rapporten finnes ikke."))
    if any(e.report_id == report.id for e in reading_list.entries):
        raise Conflict(_l("Rapporten står allerede på leselisten."))
    if len(reading_list.entries) >= MAX_ENTRIES:
        raise DomainError(_l("En leseliste kan ha høyst %(n)d rapporter.", n=MAX_ENTRIES))
    position = (
        session.scalar(
            select(func.max(ReadingListEntry.position)).where(
                ReadingListEntry.list_id == reading_list.id
            )
        )
        or 0
    ) + 1
    entry = ReadingListEntry(
        report_id=report.id,
        report=report,
        position=position,
        note=_text(note, MAX_NOTE, str(_l("Notatet"))),
    )
    reading_list.entries.append(entry)
    session.flush()
    return entry


def _entry(reading_list: ReadingList, entry_id: int) -> ReadingListEntry:
    entry = next((e for e in reading_list.entries if e.id == entry_id), None)
    if entry is None:
        raise DomainError(_l("Finner ikke rapporten på leselisten."))
    return entry


def set_note(
    session: Session,
    reading_list: ReadingList,
    circle: Circle,
    entry_id: int,
    *,
    actor: Member,
    note: str,
) -> None:
    """Change an entry's note."""
    _guard(actor, circle)
    _own(reading_list, circle)
    _entry(reading_list, entry_id).note = _text(note, MAX_NOTE, str(_l("Notatet")))
    session.flush()


def move_entry(
    session: Session,
    reading_list: ReadingList,
    circle: Circle,
    entry_id: int,
    *,
    actor: Member,
    direction: str,
) -> None:
    """Move an entry one place up or down (or to the top or bottom)."""
    _guard(actor, circle)
    _own(reading_list, circle)
    entries = list(reading_list.entries)
    entry = _entry(reading_list, entry_id)
    i = entries.index(entry)
    entries.pop(i)
    target = {"up": i - 1, "down": i + 1, "top": 0, "bottom": len(entries)}.get(direction)
    if target is None:
        raise DomainError(_l("Ukjent retning."))
    entries.insert(max(0, min(target, len(entries))), entry)
    for position, item in enumerate(entries, 1):
        item.position = position
    session.flush()
    session.expire(reading_list, ["entries"])


def remove_entry(
    session: Session, reading_list: ReadingList, circle: Circle, entry_id: int, *, actor: Member
) -> None:
    """Take a report off the list."""
    _guard(actor, circle)
    _own(reading_list, circle)
    entry = _entry(reading_list, entry_id)
    reading_list.entries.remove(entry)
    session.flush()
