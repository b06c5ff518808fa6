"""The archive: all approved minutes of a circle with attendance and decisions (HTML, DOCX)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from circle.docx_writer import add_markdown, add_table, document_bytes, new_document
from circle.i18n import format_day, format_when
from circle.models import Circle
from meetings.models import (
    AgendaItem,
    AttendanceStatus,
    Meeting,
    Minutes,
    MinutesNote,
    MinutesState,
)
from meetings.services.agenda import AgendaRow, running_times
from meetings.services.attendance import RegisterGroup, attendance_register
from meetings.services.minutes import load_actions, notes_by_item


@dataclass
class ArchiveEntry:
    """One meeting's approved minutes, ready to print."""

    meeting: Meeting
    minutes: Minutes
    rows: list[AgendaRow]
    notes: dict[int, MinutesNote]
    attendance: list[RegisterGroup]
    actions: list

    @property
    def decisions(self) -> list[tuple[AgendaRow, str]]:
        """Return (agenda row, decision) for items with a decision."""
        return [
            (row, self.notes[row.item.id].decision)
            for row in self.rows
            if row.item.id in self.notes and self.notes[row.item.id].decision
        ]


def archive_entries(session: Session, circle: Circle) -> list[ArchiveEntry]:
    """Return every approved or distributed minutes of the circle, oldest meeting first."""
    meetings = session.scalars(
        select(Meeting)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.circle_id == circle.id,
            Minutes.state.in_([MinutesState.APPROVED, MinutesState.DISTRIBUTED]),
        )
        .options(
            selectinload(Meeting.items).selectinload(AgendaItem.readings),
            selectinload(Meeting.minutes).selectinload(Minutes.notes),
            selectinload(Meeting.minutes).selectinload(Minutes.approved_by),
        )
        .order_by(Meeting.starts_at)
    )
    entries = []
    for meeting in meetings:
        minutes = meeting.minutes
        entries.append(
            ArchiveEntry(
                meeting,
                minutes,
                running_times(meeting).rows,
                notes_by_item(minutes),
                attendance_register(session, meeting),
                load_actions(session, minutes),
            )
        )
    return entries


def archive_docx(circle: Circle, entries: list[ArchiveEntry]) -> bytes:
    """Return the archive as a Word document; the minutes' Markdown becomes Word formatting."""
    title = _("Referater – %(circle)s", circle=circle.name)
    document = new_document(title=title, author=circle.institution or circle.name)
    document.add_heading(title, level=0)
    if circle.institution:
        document.add_paragraph(circle.institution)
    for entry in entries:
        meeting, minutes = entry.meeting, entry.minutes
        document.add_page_break()
        document.add_heading(
            _("Møte %(n)d: %(title)s", n=meeting.number, title=meeting.title), level=1
        )
        meta = format_when(meeting.starts_at)
        if meeting.place:
            meta += f", {meeting.place}"
        if minutes.approved_at:
            meta += ". " + (
                _(
                    "Godkjent %(day)s av %(name)s (versjon %(v)d).",
                    day=format_day(minutes.approved_at),
                    name=minutes.approved_by.name,
                    v=minutes.approved_version,
                )
                if minutes.approved_by
                else _(
                    "Godkjent %(day)s (versjon %(v)d).",
                    day=format_day(minutes.approved_at),
                    v=minutes.approved_version,
                )
            )
        document.add_paragraph(meta)
        document.add_heading(_("Oppmøte"), level=2)
        for group in entry.attendance:
            present = [r.member.name for r in group.rows if r.status == AttendanceStatus.PRESENT]
            excused = [r.member.name for r in group.rows if r.status == AttendanceStatus.EXCUSED]
            unit = group.unit.name if group.unit else _("Uten enhet")
            text = f"{unit}: {', '.join(present) or '–'}"
            if excused:
                text += " " + _("(forfall: %(names)s)", names=", ".join(excused))
            document.add_paragraph(text, style="List Bullet")
        for row in entry.rows:
            depth = 3 if row.depth else 2
            document.add_heading(f"{row.number}. {row.item.title}", level=depth)
            note = entry.notes.get(row.item.id)
            if row.item.postponed:
                document.add_paragraph().add_run(_("Utsatt til neste møte.")).italic = True
            if note and note.notes:
                add_markdown(document, note.notes, heading_offset=depth)
            if note and note.decision:
                lead = _("Vedtak:") + " "
                add_markdown(document, note.decision, heading_offset=depth, lead=lead)
        if entry.actions:
            document.add_heading(_("Oppgaver"), level=2)
            add_table(
                document,
                [_("Oppgave"), _("Ansvarlig"), _("Frist")],
                [
                    [
                        action.what,
                        action.owner.name if action.owner else "",
                        format_day(action.due_on, "short_date") if action.due_on else "",
                    ]
                    for action in entry.actions
                ],
                widths=[3, 1.5, 1],
            )
        if minutes.evaluation:
            document.add_heading(_("Evaluering av møtet"), level=2)
            add_markdown(document, minutes.evaluation, heading_offset=2)
    return document_bytes(document)
