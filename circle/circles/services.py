"""Services for circles, their units, service sites, phases and main questions."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.identity import ensure_no_identity_number
from circle.models import (
    Circle,
    MainQuestion,
    Member,
    Membership,
    Phase,
    PhaseKind,
    ServiceSite,
    SiteKind,
    Unit,
    UnitKind,
)
from circle.permissions import can_create_circle, can_manage_circle, is_admin

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")


def _check_period(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_l("Sluttdatoen kan ikke være før startdatoen."))


def get_circle_by_slug(session: Session, slug: str, *, structure: bool = False) -> Circle | None:
    """Return the circle with this slug; with structure, its phases, questions and units too.

    Without it they load when first used: most circle pages show none of them, and loading
    them eagerly cost four queries on each page. With it they come joined in one query (a
    circle has a handful of each, so the product of rows stays small).
    """
    return session.execute(_circle_by_slug(structure), {"slug": slug}).unique().scalar_one_or_none()


@cache
def _circle_by_slug(structure: bool) -> Select[tuple[Circle]]:
    # Built once per variant: nearly every page starts with it.
    stmt = select(Circle).where(Circle.slug == bindparam("slug"))
    if structure:
        stmt = stmt.options(
            joinedload(Circle.phases), joinedload(Circle.questions), joinedload(Circle.units)
        )
    return stmt


def list_circles_for(session: Session, member: Member) -> list[Circle]:
    """Return the circles the member belongs to (all of them for administrators)."""
    stmt = select(Circle).order_by(Circle.name)
    if not is_admin(member):
        stmt = stmt.join(Membership).where(Membership.member_id == member.id)
    return list(session.scalars(stmt))


def create_circle(
    session: Session,
    *,
    actor: Member,
    name: str,
    slug: str,
    institution: str = "",
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Circle:
    """Create a circle; the creating administrator does not become a member by this."""
    if not can_create_circle(actor):
        raise NotAllowed(_l("Bare administratorer kan opprette sirkler."))
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_l("Kortnavnet kan bare ha små bokstaver a-z, tall og bindestrek."))
    if session.scalar(select(Circle.id).where(Circle.slug == slug)) is not None:
        raise Conflict(_l("Kortnavnet er allerede i bruk."))
    ensure_no_identity_number(name, institution, description)
    _check_period(starts_on, ends_on)
    circle = Circle(
        name=name.strip(),
        slug=slug,
        institution=institution.strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(circle)
    session.flush()
    record_event(session, "circle_created", actor=actor, circle=circle)
    return circle


def update_circle(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    name: str,
    institution: str,
    description: str,
    starts_on: date | None,
    ends_on: date | None,
) -> Circle:
    """Update the circle's name, institution, description and period."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre sirkelen."))
    ensure_no_identity_number(name, institution, description)
    _check_period(starts_on, ends_on)
    circle.name, circle.institution, circle.description = (
        name.strip(),
        institution.strip(),
        description,
    )
    circle.starts_on, circle.ends_on = starts_on, ends_on
    session.flush()
    return circle


def add_phase(
    session: Session,
    circle: Circle,
    *,
    actor: Member,
    kind: PhaseKind,
    name: str,
    starts_on: date,
    ends_on: date,
) -> Phase:
    """Add a dated phase to the circle."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre fasene."))
    ensure_no_identity_number(name)
    _check_period(starts_on, ends_on)
    for other in circle.phases:
        if starts_on <= other.ends_on and other.starts_on <= ends_on:
            raise Conflict(_l("Fasen overlapper med «%(name)s».", name=other.name))
    phase = Phase(circle=circle, kind=kind, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    session.add(phase)
    session.flush()
    return phase


def delete_phase(session: Session, phase: Phase, *, actor: Member) -> None:
    """Remove a phase."""
    if not can_manage_circle(actor, phase.circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre fasene."))
    session.delete(phase)
    session.flush()


def set_main_questions(
    session: Session, circle: Circle, *, actor: Member, texts: list[str]
) -> list[MainQuestion]:
    """Replace the circle's main questions with the given texts, in order."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan endre problemstillingene."))
    cleaned = [t.strip() for t in texts if t.strip()]
    ensure_no_identity_number(*cleaned)
    if any(len(t) > 1000 for t in cleaned):
        raise DomainError(_l("En problemstilling kan ha høyst 1000 tegn."))
    circle.questions.clear()
    session.flush()
    circle.questions.extend(MainQuestion(position=i, text=t) for i, t in enumerate(cleaned))
    session.flush()
    return list(circle.questions)


def add_unit(session: Session, circle: Circle, *, actor: Member, name: str, kind: UnitKind) -> Unit:
    """Add a city district or municipality to the circle."""
    if not can_manage_circle(actor, circle):
        raise NotAllowed(_l("Bare sirkelledere kan legge til enheter."))
    ensure_no_identity_number(name)
    if any(u.name.lower() == name.strip().lower() for u in circle.units):
        raise Conflict(_l("Enheten finnes allerede."))
    unit = Unit(circle=circle, name=name.strip(), kind=kind)
    session.add(unit)
    session.flush()
    return unit


def add_service_site(
    session: Session, unit: Unit, *, actor: Member, name: str, kind: SiteKind
) -> ServiceSite:
    """Add a service site to a unit."""
    if not can_manage_circle(actor, unit.circle):
        raise NotAllowed(_l("Bare sirkelledere kan legge til tjenestesteder."))
    ensure_no_identity_number(name)
    if any(s.name.lower() == name.strip().lower() for s in unit.sites):
        raise Conflict(_l("Tjenestestedet finnes allerede."))
    site = ServiceSite(unit=unit, name=name.strip(), kind=kind)
    session.add(site)
    session.flush()
    return site
