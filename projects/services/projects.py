"""Projects: create and edit, members, sharing, the overview and the workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.elements import Label

from circle.errors import DomainError
from circle.models import Circle, Member, Membership, Role, Unit, utcnow
from circle.permissions import is_staff, role_in
from projects.models import (
    FileVersion,
    LogEntry,
    PlanItem,
    ProgressUpdate,
    Project,
    ProjectFile,
    ProjectMeeting,
    ProjectMember,
    ProjectSection,
    ProjectStatus,
)
from projects.permissions import can_create_project, can_edit_project
from projects.services._common import check_length, check_period, guard_text, require_allowed, touch
from projects.services.writeup import SpecView, applicable_specs, section_specs

MEMBER_ROLES = frozenset({Role.LEADER, Role.PARTICIPANT})
WORKSPACE_LOG_LIMIT = 10
WORKSPACE_UPDATE_LIMIT = 10


@dataclass
class ProjectData:
    """The fields of a project as a form gives them."""

    title: str
    unit_id: int | None
    summary: str = ""
    status: ProjectStatus = ProjectStatus.PLANNED
    status_reason: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    member_ids: list[int] = field(default_factory=list)


def _validate(session: Session, circle: Circle, data: ProjectData) -> tuple[Unit, list[Membership]]:
    """Check a project's fields; return its unit and the members' memberships."""
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_l("Prosjektet må ha en tittel."))
    if len(title) > 200:
        raise DomainError(_l("Tittelen kan ha høyst 200 tegn."))
    unit = next((u for u in circle.units if u.id == data.unit_id), None)
    if unit is None:
        raise DomainError(_l("Velg hvilken enhet prosjektet hører til."))
    check_period(data.starts_on, data.ends_on)
    if data.status == ProjectStatus.DISCONTINUED and not (data.status_reason or "").strip():
        raise DomainError(_l("Skriv hvorfor prosjektet ble avbrutt."))
    check_length(data.summary or "", 5000)
    check_length(data.status_reason or "", 5000)
    guard_text(title, data.summary, data.status_reason)
    ids = set(data.member_ids)
    memberships = (
        list(
            session.scalars(
                select(Membership).where(
                    Membership.circle_id == circle.id, Membership.member_id.in_(ids)
                )
            )
        )
        if ids
        else []
    )
    if len(memberships) != len(ids):
        raise DomainError(
            _l(
                "En av de valgte personene er ikke med i denne sirkelen. Bare "
                "sirkelens deltakere og ledere kan være med i et prosjekt."
            )
        )
    if any(m.role not in MEMBER_ROLES for m in memberships):
        raise DomainError(
            _l(
                "Referansegruppen og enhetsledere kan ikke være prosjektmedlemmer; "
                "de får se det prosjektet deler med dem."
            )
        )
    return unit, memberships


def _apply(project: Project, unit: Unit, data: ProjectData) -> None:
    project.title = data.title.strip()
    project.unit_id = unit.id
    project.summary = (data.summary or "").strip()
    project.status = data.status
    project.status_reason = (
        (data.status_reason or "").strip() if data.status == ProjectStatus.DISCONTINUED else ""
    )
    project.starts_on = data.starts_on
    project.ends_on = data.ends_on


def _set_members(project: Project, unit: Unit, memberships: list[Membership]) -> None:
    wanted = {m.member_id: m for m in memberships}
    for pm in list(project.members):
        if pm.member_id not in wanted:
            project.members.remove(pm)
    have = project.member_ids()
    for member_id, membership in wanted.items():
        if member_id not in have:
            project.members.append(
                ProjectMember(member_id=member_id, invited=membership.unit_id != unit.id)
            )
    for pm in project.members:
        pm.invited = wanted[pm.member_id].unit_id != unit.id


def create_project(
    session: Session, circle: Circle, data: ProjectData, *, actor: Member
) -> Project:
    """Create a project for one of the circle's units."""
    require_allowed(
        can_create_project(actor, circle),
        _l("Bare deltakere og sirkelledere kan opprette prosjekter."),
    )
    if role_in(actor, circle) == Role.PARTICIPANT and actor.id not in data.member_ids:
        data.member_ids = [*data.member_ids, actor.id]  # who starts a project takes part in it
    unit, memberships = _validate(session, circle, data)
    project = Project(circle_id=circle.id, created_by_id=actor.id, members=[])
    _apply(project, unit, data)
    _set_members(project, unit, memberships)
    session.add(project)
    session.flush()
    return project


def update_project(
    session: Session, circle: Circle, project: Project, data: ProjectData, *, actor: Member
) -> Project:
    """Change a project's fields and members."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan endre prosjektet."),
    )
    unit, memberships = _validate(session, circle, data)
    _apply(project, unit, data)
    _set_members(project, unit, memberships)
    touch(project)
    session.flush()
    return project


def set_writeup_shared(
    session: Session, circle: Circle, project: Project, *, actor: Member, shared: bool
) -> None:
    """Share the write-up with the reference group and unit leaders, or stop sharing it."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan dele skrivingen."),
    )
    project.writeup_shared_at = utcnow() if shared else None
    touch(project)
    session.flush()


def _project_options() -> tuple:
    return (
        selectinload(Project.members).joinedload(ProjectMember.member),
        joinedload(Project.unit),
    )


def get_project(session: Session, circle: Circle, project_id: int) -> Project | None:
    """Return the circle's project with its members, or None."""
    project = session.scalar(
        select(Project)
        .where(
            Project.id == project_id,
            Project.circle_id == circle.id,
        )
        .options(*_project_options())
    )
    return project


def get_circle_project(
    session: Session, slug: str, project_id: int
) -> tuple[Circle | None, Project | None]:
    """Return the circle with this slug and its project (members loaded), in one query."""
    row = session.execute(
        select(Circle, Project)
        .outerjoin(Project, (Project.circle_id == Circle.id) & (Project.id == project_id))
        .where(Circle.slug == slug)
        .options(*_project_options())
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def member_choices(session: Session, circle: Circle) -> list[tuple[int, str]]:
    """Return (member id, label) for everyone who may be a project member."""
    rows = session.execute(
        select(Member.id, Member.name, Unit.name)
        .join(Membership, Membership.member_id == Member.id)
        .outerjoin(Unit, Unit.id == Membership.unit_id)
        .where(
            Membership.circle_id == circle.id,
            Membership.role.in_(MEMBER_ROLES),
            Member.active.is_(True),
        )
        .order_by(Member.name)
    )
    return [(mid, f"{name} ({unit})" if unit else name) for mid, name, unit in rows]


def unit_participant_ids(session: Session, circle: Circle, unit_id: int | None) -> list[int]:
    """Return the ids of the unit's participants (the default members of its project)."""
    if unit_id is None:
        return []
    return list(
        session.scalars(
            select(Membership.member_id).where(
                Membership.circle_id == circle.id,
                Membership.unit_id == unit_id,
                Membership.role == Role.PARTICIPANT,
            )
        )
    )


def has_shared_updates(session: Session, project: Project) -> bool:
    """Return whether the project has published updates shared with the reference group."""
    return (
        session.scalar(
            select(func.count(ProgressUpdate.id)).where(
                ProgressUpdate.project_id == project.id,
                ProgressUpdate.published_at.is_not(None),
                ProgressUpdate.shared_with_reference.is_(True),
            )
        )
        > 0
    )


# The overview ---------------------------------------------------------------------------------


@dataclass
class ProjectCard:
    """One project on the overview."""

    project: Project
    products: list[str]
    shares: bool


@dataclass
class UnitCard:
    """One unit on the overview, with its projects."""

    unit: Unit
    projects: list[ProjectCard]


def shares_update_column() -> Label[bool]:
    """Return whether Project shares a published update, as a column of its row (EXISTS)."""
    return (
        select(ProgressUpdate.id)
        .where(
            ProgressUpdate.project_id == Project.id,
            ProgressUpdate.published_at.is_not(None),
            ProgressUpdate.shared_with_reference.is_(True),
        )
        .exists()
        .label("shares_update")
    )


def overview(
    session: Session, circle: Circle, member: object, *, details: bool = True
) -> list[UnitCard]:
    """Return one card per unit; the informed see only projects that share something.

    Without details (the home panel shows titles and status only) the projects' members and
    products are not loaded.
    """
    query = (
        select(Project, shares_update_column())
        .where(Project.circle_id == circle.id)
        .order_by(Project.title, Project.id)
    )
    if details:
        query = query.options(selectinload(Project.members).joinedload(ProjectMember.member))
    rows = session.execute(query).all()
    projects = [row[0] for row in rows]
    shared_updates = {row[0].id for row in rows if row.shares_update}
    ids = [p.id for p in projects]
    products: dict[int, list[str]] = {}
    if ids and details:
        for project_id, title in session.execute(
            select(ProjectFile.project_id, ProjectFile.title)
            .where(
                ProjectFile.project_id.in_(ids),
                ProjectFile.is_product.is_(True),
                ProjectFile.withdrawn_at.is_(None),
            )
            .order_by(ProjectFile.title)
        ):
            products.setdefault(project_id, []).append(title)
    staff = is_staff(member, circle)
    cards = {unit.id: UnitCard(unit, []) for unit in circle.units}
    for project in projects:
        shares = project.writeup_shared or project.id in shared_updates
        if not staff and not shares:
            continue
        card = cards.get(project.unit_id)
        if card is not None:
            card.projects.append(ProjectCard(project, products.get(project.id, []), shares))
    if staff:
        return list(cards.values())
    return [c for c in cards.values() if c.projects]


# The workspace --------------------------------------------------------------------------------


@dataclass
class SectionView:
    """A template heading with the project's text for it (if any)."""

    spec: SpecView
    section: ProjectSection | None

    @property
    def body(self) -> str:
        """Return the current text."""
        return self.section.body if self.section else ""

    @property
    def html(self) -> Markup:
        """Return the current text as HTML (stored with the section)."""
        return self.section.rendered("body") if self.section else Markup("")

    @property
    def ready(self) -> bool:
        """Return whether the section is marked ready for the final report."""
        return bool(self.section and self.section.ready)

    @property
    def revision(self) -> int:
        """Return the current revision number (0: never saved)."""
        return self.section.revision_number if self.section else 0


@dataclass
class Workspace:
    """Everything a project's workspace page shows."""

    project: Project
    sections: list[SectionView]
    files: list[ProjectFile]
    log: list[LogEntry]
    log_count: int
    plan: list[PlanItem]
    meetings: list[ProjectMeeting]
    updates: list[ProgressUpdate]


def section_views(session: Session, circle: Circle, project: Project) -> list[SectionView]:
    """Return the project's applicable sections in the circle's order."""
    sections = {
        s.key: s
        for s in session.scalars(
            select(ProjectSection)
            .where(ProjectSection.project_id == project.id)
            .options(joinedload(ProjectSection.updated_by))
        )
    }
    specs = applicable_specs(section_specs(session, circle), project)
    return [SectionView(spec, sections.get(spec.key)) for spec in specs]


def project_files(session: Session, project: Project) -> list[ProjectFile]:
    """Return the project's files with every version, products first."""
    # Versions come joined to their file: one query however many files and versions there are.
    return list(
        session.scalars(
            select(ProjectFile)
            .where(ProjectFile.project_id == project.id, ProjectFile.withdrawn_at.is_(None))
            .options(
                joinedload(ProjectFile.versions).options(
                    joinedload(FileVersion.stored), joinedload(FileVersion.uploaded_by)
                )
            )
            .order_by(ProjectFile.is_product.desc(), ProjectFile.title)
        ).unique()
    )


def workspace(session: Session, circle: Circle, project: Project) -> Workspace:
    """Load the workspace with a fixed number of queries, however much the project holds."""
    from projects.services.plan import list_plan, list_project_meetings

    # The total rides along with the newest entries (an uncorrelated subquery), not in a
    # query of its own.
    total = (
        select(func.count(LogEntry.id)).where(LogEntry.project_id == project.id).scalar_subquery()
    )
    rows = session.execute(
        select(LogEntry, total.label("total"))
        .where(LogEntry.project_id == project.id)
        .options(joinedload(LogEntry.author))
        .order_by(LogEntry.happened_on.desc(), LogEntry.id.desc())
        .limit(WORKSPACE_LOG_LIMIT)
    ).all()
    log = [row[0] for row in rows]
    log_count = rows[0].total if rows else 0
    updates = list(
        session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.project_id == project.id)
            .options(joinedload(ProgressUpdate.author))
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
            .limit(WORKSPACE_UPDATE_LIMIT)
        )
    )
    return Workspace(
        project=project,
        sections=section_views(session, circle, project),
        files=project_files(session, project),
        log=log,
        log_count=log_count,
        plan=list_plan(session, project),
        meetings=list_project_meetings(session, project),
        updates=updates,
    )
