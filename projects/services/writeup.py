"""The write-up: the circle's template, saving sections with revisions, readiness."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from circle.errors import DomainError
from circle.models import Circle, Member, utcnow
from circle.rendered import rendered_values
from projects.models import Project, ProjectSection, ProjectStatus, SectionRevision, SectionSpec
from projects.permissions import can_edit_project, can_edit_template
from projects.services._common import (
    StaleEdit,
    check_length,
    guard_text,
    require_allowed,
    touch,
)

# (key, heading, guidance, only for discontinued projects)
DEFAULT_SECTIONS: tuple[tuple[str, object, object, bool], ...] = (
    (
        "background",
        _l("Bakgrunn"),
        _l("Hvilken utfordring i tjenestene skulle prosjektet ta tak i, og for hvilke ungdommer?"),
        False,
    ),
    (
        "goals",
        _l("Mål"),
        _l("Hva ville dere oppnå, og hvordan skulle dere vite at det lyktes?"),
        False,
    ),
    (
        "product",
        _l("Produkt eller resultat"),
        _l("Hva ble laget eller endret? Vis til produktene som ligger ved."),
        False,
    ),
    (
        "preconditions",
        _l("Forutsetninger for at produktet skal virke"),
        _l("Hva må være på plass i tjenestene for at produktet blir brukt?"),
        False,
    ),
    (
        "process",
        _l("Prosessen"),
        _l("Hvordan arbeidet dere: møter, hvem som var med, hva som ble prøvd ut."),
        False,
    ),
    (
        "advice",
        _l("Råd til andre"),
        _l("Hva vil dere si til andre som skal starte et lignende prosjekt?"),
        False,
    ),
    (
        "obstacles",
        _l("Hva sto i veien"),
        _l("For et prosjekt som ble avbrutt: hva gjorde at det ikke ble gjennomført som planlagt?"),
        True,
    ),
)
MAX_SECTIONS = 30


@dataclass(frozen=True)
class SpecView:
    """One heading of the write-up template, from the circle's rows or the defaults."""

    key: str
    heading: str
    guidance: str
    position: int
    only_discontinued: bool
    hidden: bool = False


def _defaults() -> list[SpecView]:
    return [
        SpecView(key, str(heading), str(guidance), i, only_disc)
        for i, (key, heading, guidance, only_disc) in enumerate(DEFAULT_SECTIONS)
    ]


def section_specs(
    session: Session, circle: Circle, *, include_hidden: bool = False
) -> list[SpecView]:
    """Return the circle's write-up headings in order (the defaults until leaders adjust)."""
    rows = list(
        session.scalars(
            select(SectionSpec)
            .where(SectionSpec.circle_id == circle.id)
            .order_by(SectionSpec.position, SectionSpec.id)
        )
    )
    if not rows:
        return _defaults()
    specs = [
        SpecView(r.key, r.heading, r.guidance, r.position, r.only_discontinued, r.hidden)
        for r in rows
    ]
    return specs if include_hidden else [s for s in specs if not s.hidden]


def applicable_specs(specs: list[SpecView], project: Project) -> list[SpecView]:
    """Return the headings that apply to the project (obstacles only when discontinued)."""
    discontinued = project.status == ProjectStatus.DISCONTINUED
    return [s for s in specs if not s.hidden and (discontinued or not s.only_discontinued)]


def find_spec(session: Session, circle: Circle, project: Project, key: str) -> SpecView | None:
    """Return the applicable heading with the key, if any."""
    specs = applicable_specs(section_specs(session, circle), project)
    return next((s for s in specs if s.key == key), None)


def _template_rows(session: Session, circle: Circle) -> list[SectionSpec]:
    """Return the circle's template rows, creating them from the defaults the first time."""
    rows = list(
        session.scalars(
            select(SectionSpec)
            .where(SectionSpec.circle_id == circle.id)
            .order_by(SectionSpec.position, SectionSpec.id)
        )
    )
    if rows:
        return rows
    rows = [
        SectionSpec(
            circle_id=circle.id,
            key=s.key,
            heading=s.heading,
            guidance=s.guidance,
            position=s.position,
            only_discontinued=s.only_discontinued,
        )
        for s in _defaults()
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _template_guard(actor: Member, circle: Circle, heading: str, guidance: str) -> str:
    require_allowed(
        can_edit_template(actor, circle),
        _l("Bare sirkelledere kan endre malen for prosjektskrivingen."),
    )
    heading = (heading or "").strip()
    if not heading:
        raise DomainError(_l("Overskriften kan ikke være tom."))
    if len(heading) > 200 or len(guidance or "") > 500:
        raise DomainError(_l("Overskriften eller veiledningen er for lang."))
    guard_text(heading, guidance)
    return heading


def update_spec(
    session: Session,
    circle: Circle,
    key: str,
    *,
    actor: Member,
    heading: str,
    guidance: str = "",
    hidden: bool = False,
) -> SectionSpec:
    """Rename a heading, change its guidance, or hide it."""
    heading = _template_guard(actor, circle, heading, guidance)
    row = next((r for r in _template_rows(session, circle) if r.key == key), None)
    if row is None:
        raise DomainError(_l("Fant ikke avsnittet i malen."))
    row.heading, row.guidance, row.hidden = heading, (guidance or "").strip(), hidden
    session.flush()
    return row


def move_spec(session: Session, circle: Circle, key: str, *, actor: Member, offset: int) -> None:
    """Move a heading up (-1) or down (+1) in the template."""
    require_allowed(
        can_edit_template(actor, circle),
        _l("Bare sirkelledere kan endre malen for prosjektskrivingen."),
    )
    rows = _template_rows(session, circle)
    index = next((i for i, r in enumerate(rows) if r.key == key), None)
    if index is None:
        raise DomainError(_l("Fant ikke avsnittet i malen."))
    target = index + (1 if offset > 0 else -1)
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    session.flush()


def add_spec(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    heading: str,
    guidance: str = "",
    only_discontinued: bool = False,
) -> SectionSpec:
    """Add a heading of the circle's own to the template."""
    heading = _template_guard(actor, circle, heading, guidance)
    rows = _template_rows(session, circle)
    if len(rows) >= MAX_SECTIONS:
        raise DomainError(_l("Malen kan ha høyst %(n)d avsnitt.", n=MAX_SECTIONS))
    if any(r.heading.lower() == heading.lower() for r in rows):
        raise DomainError(_l("Malen har allerede et avsnitt med den overskriften."))
    base = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")[:24] or "avsnitt"
    keys = {r.key for r in rows}
    key, n = f"egen-{base}", 2
    while key in keys:
        key, n = f"egen-{base}-{n}", n + 1
    row = SectionSpec(
        circle_id=circle.id,
        key=key,
        heading=heading,
        guidance=(guidance or "").strip(),
        position=len(rows),
        only_discontinued=only_discontinued,
    )
    session.add(row)
    session.flush()
    return row


# Sections -------------------------------------------------------------------------------------


def get_section(session: Session, project: Project, key: str) -> ProjectSection | None:
    """Return the project's section with the key, if ever saved."""
    return session.scalar(
        select(ProjectSection).where(
            ProjectSection.project_id == project.id, ProjectSection.key == key
        )
    )


def save_section(
    session: Session,
    circle: Circle,
    project: Project,
    key: str,
    *,
    actor: Member,
    body: str,
    base_revision: int,
) -> ProjectSection:
    """Save a section as a new revision, unless someone saved since base_revision."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan skrive i prosjektet."),
    )
    if find_spec(session, circle, project, key) is None:
        raise DomainError(_l("Avsnittet finnes ikke i malen for dette prosjektet."))
    body = (body or "").replace("\r\n", "\n").strip()
    check_length(body)
    guard_text(body)
    section = get_section(session, project, key)
    current = section.revision_number if section else 0
    if current != base_revision:
        raise _stale(section)
    if section is not None and section.body == body:
        return section  # nothing changed: no empty revision
    now, number = utcnow(), base_revision + 1
    if section is None:
        section = ProjectSection(
            project_id=project.id,
            key=key,
            body=body,
            revision_number=1,
            updated_at=now,
            updated_by_id=actor.id,
        )
        session.add(section)
        try:
            session.flush()
        except IntegrityError:  # someone created it at the same moment; the view rolls back
            raise StaleEdit("", 0) from None
    else:
        # Compare-and-set: two saves on the same base cannot both win, even between the
        # check above and this statement.
        result = session.execute(
            update(ProjectSection)
            .where(ProjectSection.id == section.id, ProjectSection.revision_number == base_revision)
            .values(
                **rendered_values(
                    ProjectSection,
                    body=body,
                    revision_number=number,
                    updated_at=now,
                    updated_by_id=actor.id,
                )
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.refresh(section)
            raise _stale(section)
        session.refresh(section)
    session.add(
        SectionRevision(
            section_id=section.id, number=number, body=body, author_id=actor.id, created_at=now
        )
    )
    touch(project)
    session.flush()
    return section


def _stale(section: ProjectSection | None) -> StaleEdit:
    if section is None:
        return StaleEdit("", 0)
    name = section.updated_by.name if section.updated_by else ""
    return StaleEdit(section.body, section.revision_number, name)


def set_section_ready(
    session: Session, circle: Circle, project: Project, key: str, *, actor: Member, ready: bool
) -> ProjectSection:
    """Mark a section ready (or not ready) for the final report."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan endre prosjektet."),
    )
    if find_spec(session, circle, project, key) is None:
        raise DomainError(_l("Avsnittet finnes ikke i malen for dette prosjektet."))
    section = get_section(session, project, key)
    if section is None or (ready and not section.body.strip()):
        raise DomainError(_l("Et tomt avsnitt kan ikke markeres som klart."))
    section.ready = ready
    touch(project)
    session.flush()
    return section


def mark_writeup_ready(session: Session, circle: Circle, project: Project, *, actor: Member) -> int:
    """Mark every applicable section ready; refuse (changing nothing) while any is empty."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan endre prosjektet."),
    )
    specs = applicable_specs(section_specs(session, circle), project)
    sections = {
        s.key: s
        for s in session.scalars(
            select(ProjectSection).where(ProjectSection.project_id == project.id)
        )
    }
    empty = [s.heading for s in specs if s.key not in sections or not sections[s.key].body.strip()]
    if empty:
        raise DomainError(
            _l("Disse avsnittene er ikke skrevet ennå: %(names)s.", names=", ".join(empty))
        )
    for spec in specs:
        sections[spec.key].ready = True
    touch(project)
    session.flush()
    return len(specs)


def list_revisions(session: Session, section: ProjectSection) -> list[SectionRevision]:
    """Return the section's revisions, newest first, with their authors."""
    return list(
        session.scalars(
            select(SectionRevision)
            .where(SectionRevision.section_id == section.id)
            .options(joinedload(SectionRevision.author))
            .order_by(SectionRevision.number.desc())
        )
    )
