"""Gather everything the circle's final report holds, with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.models import Circle, Member, Membership, Phase, Role, Unit, utcnow
from circle.themes.services import chosen_themes
from projects.models import (
    FileVersion,
    MatrixRow,
    Project,
    ProjectFile,
    ProjectMember,
    ProjectSection,
    ProjectStatus,
)
from projects.report.hooks import ReportBlockSection, contributed_sections
from projects.services.matrix import load_matrix
from projects.services.writeup import applicable_specs, section_specs

STATUS_LABELS = {
    ProjectStatus.PLANNED: _l("Planlagt"),
    ProjectStatus.ACTIVE: _l("Pågår"),
    ProjectStatus.COMPLETED: _l("Fullført"),
    ProjectStatus.DISCONTINUED: _l("Avbrutt"),
}


class ReportFlag(str):
    """Something the report still lacks: its text, and the anchor of the part it is about
    (the page links each flag to its section)."""

    anchor: str

    def __new__(cls, text: object, anchor: str) -> ReportFlag:
        flag = super().__new__(cls, str(text))
        flag.anchor = anchor
        return flag


def section_anchor(project: Project, key: str) -> str:
    """Return the id of a project's section in the report page."""
    return f"project-{project.id}-{key}"


def contributed_anchor(number: int) -> str:
    """Return the id of a contributed section (e.g. the meeting series) in the report page."""
    return f"contributed-{number}"


@dataclass
class ReportSection:
    """One section of a project's write-up as it goes into the report."""

    key: str
    heading: str
    body: str
    ready: bool
    html: Markup = Markup("")  # the body as HTML, stored with the section

    @property
    def state(self) -> str:
        """Return 'ready', 'draft' (written, not marked ready) or 'empty'."""
        if not self.body.strip():
            return "empty"
        return "ready" if self.ready else "draft"


@dataclass
class Appendix:
    """A product listed as an appendix, with its latest version."""

    number: int
    file: ProjectFile
    version: FileVersion | None


@dataclass
class ReportProject:
    """A project's chapter."""

    project: Project
    unit: Unit
    members: list[Member]
    sections: list[ReportSection]
    appendices: list[Appendix]


@dataclass
class FinalReport:
    """The compiled report."""

    circle: Circle
    generated_at: datetime
    leaders: list[Member]
    units: list[tuple[Unit, list[Member]]]
    reference_group: list[tuple[Member, str]]
    unit_leaders: list[tuple[Member, str]]
    phases: list[Phase]
    themes: list[str]
    questions: list[str]
    contributed: list[ReportBlockSection]
    projects: list[ReportProject]
    matrix: list[MatrixRow]
    flags: list[ReportFlag] = field(default_factory=list)


def _people(session: Session, circle: Circle) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(Membership.circle_id == circle.id)
            .options(joinedload(Membership.member), joinedload(Membership.unit))
            .join(Member, Member.id == Membership.member_id)
            .order_by(Member.name)
        )
    )


def compile_report(app: Flask, session: Session, circle: Circle) -> FinalReport:
    """Build the final report: background, contributed sections, projects, matrix."""
    memberships = _people(session, circle)
    units = list(circle.units)
    by_unit: dict[int, list[Member]] = {u.id: [] for u in units}
    leaders, reference, unit_leaders = [], [], []
    for m in memberships:
        if m.role == Role.LEADER:
            leaders.append(m.member)
        elif m.role == Role.PARTICIPANT and m.unit_id in by_unit:
            by_unit[m.unit_id].append(m.member)
        elif m.role == Role.REFERENCE:
            reference.append((m.member, m.organisation))
        elif m.role == Role.UNIT_LEADER:
            unit_leaders.append((m.member, m.unit.name if m.unit else m.organisation))

    unit_order = {u.id: i for i, u in enumerate(units)}
    projects = sorted(
        session.scalars(
            select(Project)
            .where(Project.circle_id == circle.id)
            .options(selectinload(Project.members).joinedload(ProjectMember.member))
        ),
        key=lambda p: (unit_order.get(p.unit_id, 999), p.title.lower(), p.id),
    )
    ids = [p.id for p in projects]
    sections: dict[tuple[int, str], ProjectSection] = {}
    files: dict[int, list[ProjectFile]] = {}
    if ids:
        for s in session.scalars(select(ProjectSection).where(ProjectSection.project_id.in_(ids))):
            sections[(s.project_id, s.key)] = s
        for f in session.scalars(
            select(ProjectFile)
            .where(ProjectFile.project_id.in_(ids), ProjectFile.is_product.is_(True))
            .options(selectinload(ProjectFile.versions).joinedload(FileVersion.stored))
            .order_by(ProjectFile.title, ProjectFile.id)
        ):
            files.setdefault(f.project_id, []).append(f)
    specs = section_specs(session, circle)
    unit_by_id = {u.id: u for u in units}
    chapters, flags, appendix_no = [], [], 0
    for project in projects:
        chapter_sections = []
        for spec in applicable_specs(specs, project):
            stored = sections.get((project.id, spec.key))
            section = ReportSection(
                spec.key,
                spec.heading,
                stored.body if stored else "",
                bool(stored and stored.ready),
                stored.rendered("body") if stored else Markup(""),
            )
            chapter_sections.append(section)
            if section.state != "ready":
                flags.append(
                    ReportFlag(
                        _l(
                            "«%(project)s»: «%(heading)s» er %(state)s.",
                            project=project.title,
                            heading=spec.heading,
                            state=_l("ikke skrevet")
                            if section.state == "empty"
                            else _l("ikke markert som klar"),
                        ),
                        section_anchor(project, spec.key),
                    )
                )
        appendices = []
        for f in files.get(project.id, []):
            appendix_no += 1
            appendices.append(Appendix(appendix_no, f, f.latest))
        chapters.append(
            ReportProject(
                project,
                unit_by_id[project.unit_id],
                [pm.member for pm in project.members],
                chapter_sections,
                appendices,
            )
        )
    contributed = contributed_sections(app, session, circle)
    for number, section in enumerate(contributed, 1):
        if not section.ready:
            flags.append(
                ReportFlag(
                    _l("«%(title)s» er ikke ferdig.", title=section.title),
                    contributed_anchor(number),
                )
            )
    if not contributed:
        flags.append(
            ReportFlag(
                _l("Møteserien mangler: møteområdet har ikke levert noen oversikt."),
                contributed_anchor(1),
            )
        )
    return FinalReport(
        circle=circle,
        generated_at=utcnow(),
        leaders=leaders,
        units=[(u, by_unit[u.id]) for u in units],
        reference_group=reference,
        unit_leaders=unit_leaders,
        phases=list(circle.phases),
        themes=[t.title for t in chosen_themes(session, circle)],
        questions=[q.text for q in circle.questions],
        contributed=contributed,
        projects=chapters,
        matrix=load_matrix(session, circle),
        flags=flags,
    )
