"""The archive: all approved minutes of a circle with attendance and decisions (HTML, DOCX)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
from meetings.services.common import to_oslo
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
    """Return the archive as a Word document."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(f"Referater – {circle.name}", level=0)
    if circle.institution:
        document.add_paragraph(circle.institution)
    for entry in entries:
        meeting, minutes = entry.meeting, entry.minutes
        document.add_page_break()
        document.add_heading(f"Møte {meeting.number}: {meeting.title}", level=1)
        local = to_oslo(meeting.starts_at)
        meta = f"{local:%d.%m.%Y kl. %H:%M}"
        if meeting.place:
            meta += f", {meeting.place}"
        approved = to_oslo(minutes.approved_at) if minutes.approved_at else None
        if approved:
            meta += (
                f". Godkjent {approved:%d.%m.%Y}"
                + (f" av {minutes.approved_by.name}" if minutes.approved_by else "")
                + f" (versjon {minutes.approved_version})."
            )
        document.add_paragraph(meta)
        document.add_heading("Oppmøte", level=2)
        for group in entry.attendance:
            present = [r.member.name for r in group.rows if r.status == AttendanceStatus.PRESENT]
            excused = [r.member.name for r in group.rows if r.status == AttendanceStatus.EXCUSED]
            text = f"{group.unit.name if group.unit else 'Uten enhet'}: {', '.join(present) or '–'}"
            if excused:
                text += f" (forfall: {', '.join(excused)})"
            document.add_paragraph(text, style="List Bullet")
        for row in entry.rows:
            document.add_heading(f"{row.number}. {row.item.title}", level=3 if row.depth else 2)
            note = entry.notes.get(row.item.id)
            if row.item.postponed:
                document.add_paragraph("Utsatt til neste møte.").italic = True
            if note and note.notes:
                for paragraph in note.notes.split("\n\n"):
                    document.add_paragraph(paragraph.strip())
            if note and note.decision:
                p = document.add_paragraph()
                p.add_run("Vedtak: ").bold = True
                p.add_run(note.decision)
        if entry.actions:
            document.add_heading("Oppgaver", level=2)
            table = document.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, label in zip(
                table.rows[0].cells, ("Oppgave", "Ansvarlig", "Frist"), strict=True
            ):
                cell.text = label
            for action in entry.actions:
                cells = table.add_row().cells
                cells[0].text = action.what
                cells[1].text = action.owner.name if action.owner else ""
                cells[2].text = f"{action.due_on:%d.%m.%Y}" if action.due_on else ""
        if minutes.evaluation:
            document.add_heading("Evaluering av møtet", level=2)
            document.add_paragraph(minutes.evaluation)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
