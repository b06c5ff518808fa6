"""Build a circle with many projects, revisions, files and log entries (tests and benchmark)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from circle.models import Circle, Member, StoredFile
from projects.models import (
    FileVersion,
    LogEntry,
    PlanItem,
    ProgressUpdate,
    Project,
    ProjectFile,
    ProjectMember,
    ProjectSection,
    ProjectStatus,
    SectionRevision,
)
from projects.services.writeup import DEFAULT_SECTIONS

KEYS = [key for key, *_ in DEFAULT_SECTIONS if key != "obstacles"]


def fill_circle(
    session: Session,
    circle: Circle,
    author: Member,
    *,
    projects: int = 6,
    revisions: int = 50,
    files: int = 20,
    log_entries: int = 200,
) -> list[Project]:
    """Add projects with the given numbers of revisions, files and log entries each."""
    from circle.models import utcnow

    made = []
    now = utcnow()
    for n in range(projects):
        project = Project(
            circle_id=circle.id,
            unit_id=circle.units[n % len(circle.units)].id,
            title=f"Prosjekt {n + 1}",
            status=ProjectStatus.ACTIVE,
            summary="Et utviklingsprosjekt.",
            writeup_shared_at=now,
            members=[ProjectMember(member_id=author.id)],
        )
        session.add(project)
        session.flush()
        # Spread the revisions over the sections; every section has text and is ready.
        sections = {
            key: ProjectSection(project_id=project.id, key=key, ready=True, updated_by_id=author.id)
            for key in KEYS
        }
        session.add_all(sections.values())
        session.flush()
        for r in range(revisions):
            key = KEYS[r % len(KEYS)]
            section = sections[key]
            section.revision_number += 1
            section.body = (
                f"## Del {r}\n\nTekst i versjon {section.revision_number} med "
                f"**utheving** og en liste:\n\n- en\n- to\n"
            )
            session.add(
                SectionRevision(
                    section_id=section.id,
                    number=section.revision_number,
                    body=section.body,
                    author_id=author.id,
                )
            )
        for f in range(files):
            pfile = ProjectFile(
                project_id=project.id,
                title=f"Fil {f + 1}",
                description="Beskrivelse",
                is_product=f < 2,
                created_by_id=author.id,
            )
            stored = StoredFile(
                key=f"k{project.id}x{f}",
                original_name=f"fil-{f}.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                uploaded_by_id=author.id,
            )
            pfile.versions = [FileVersion(number=1, stored=stored, uploaded_by_id=author.id)]
            session.add(pfile)
        start = date(2025, 1, 1)
        session.add_all(
            LogEntry(
                project_id=project.id,
                happened_on=start + timedelta(days=i),
                text=f"Loggføring {i}",
                author_id=author.id,
            )
            for i in range(log_entries)
        )
        session.add_all(
            PlanItem(
                project_id=project.id,
                title=f"Oppgave {i}",
                due_on=start + timedelta(days=30 * i),
                owner_id=author.id,
            )
            for i in range(5)
        )
        session.add(
            ProgressUpdate(
                project_id=project.id,
                body="Status",
                author_id=author.id,
                published_at=now,
                shared_with_reference=True,
            )
        )
        made.append(project)
    session.flush()
    return made
