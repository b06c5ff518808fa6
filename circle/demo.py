"""Demo data: a circle shaped like a real one, written for this product."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from circle.auth.passwords import hash_password
from circle.hooks import DemoLoader
from circle.i18n import local_today
from circle.models import (
    Circle,
    MainQuestion,
    Member,
    Membership,
    Phase,
    PhaseKind,
    Role,
    ServiceSite,
    SiteKind,
    Unit,
    UnitKind,
)
from circle.themes.models import Theme, ThemeVote, VoteRound

DEMO_PASSWORD = "sirkel-demo-2026"  # noqa: S105 (published demo password)
DEMO_SLUG = "overganger"
DOMAIN = "demo.example"

# (unit name, kind, [(site name, site kind)])
UNITS = [
    (
        "Bydel Stovner",
        UnitKind.BYDEL,
        [("Barneverntjenesten Stovner", SiteKind.BARNEVERN), ("NAV Stovner", SiteKind.NAV)],
    ),
    (
        "Bydel Grünerløkka",
        UnitKind.BYDEL,
        [("Barneverntjenesten Grünerløkka", SiteKind.BARNEVERN), ("NAV Grünerløkka", SiteKind.NAV)],
    ),
    (
        "Bydel Bjerke",
        UnitKind.BYDEL,
        [("Barneverntjenesten Bjerke", SiteKind.BARNEVERN), ("NAV Bjerke", SiteKind.NAV)],
    ),
    (
        "Asker kommune",
        UnitKind.KOMMUNE,
        [
            ("Barnevernstjenesten i Asker", SiteKind.BARNEVERN),
            ("NAV Asker", SiteKind.NAV),
            ("Ungdomsboligen Asker", SiteKind.INSTITUTION),
        ],
    ),
]

# (local part, name, title, role, unit index or None, site index or None, organisation)
PEOPLE: list[tuple[str, str, str, Role, int | None, int | None, str]] = [
    ("ingrid.lund", "Ingrid Lund", "Førsteamanuensis", Role.LEADER, None, None, ""),
    ("henrik.aas", "Henrik Aas", "Professor", Role.LEADER, None, None, ""),
    ("sara.nilsen", "Sara Nilsen", "Barnevernspedagog", Role.PARTICIPANT, 0, 0, ""),
    ("omar.haddad", "Omar Haddad", "Veileder", Role.PARTICIPANT, 0, 1, ""),
    ("marte.berg", "Marte Berg", "Kontaktperson ettervern", Role.PARTICIPANT, 1, 0, ""),
    ("jonas.vik", "Jonas Vik", "Boligkonsulent", Role.PARTICIPANT, 1, 1, ""),
    ("amina.yusuf", "Amina Yusuf", "Sosionom", Role.PARTICIPANT, 2, 0, ""),
    ("per.strand", "Per Strand", "Veileder ungdomsteam", Role.PARTICIPANT, 2, 1, ""),
    ("linn.solberg", "Linn Solberg", "Koordinator", Role.PARTICIPANT, 3, 0, ""),
    ("erik.holm", "Erik Holm", "Veileder", Role.PARTICIPANT, 3, 1, ""),
    ("nora.dahl", "Nora Dahl", "Miljøterapeut", Role.PARTICIPANT, 3, 2, ""),
    ("kari.moen", "Kari Moen", "Avdelingsleder", Role.UNIT_LEADER, 0, 0, ""),
    ("tor.bakken", "Tor Bakken", "NAV-leder", Role.UNIT_LEADER, 1, 1, ""),
    ("hilde.ruud", "Hilde Ruud", "Barnevernleder", Role.UNIT_LEADER, 2, 0, ""),
    ("geir.foss", "Geir Foss", "Kommunalsjef", Role.UNIT_LEADER, 3, None, ""),
    (
        "lena.brekke",
        "Lena Brekke",
        "Rådgiver",
        Role.REFERENCE,
        None,
        None,
        "Landsforeningen for barnevernsbarn",
    ),
    ("mats.eide", "Mats Eide", "Proff", Role.REFERENCE, None, None, "Forandringsfabrikken"),
    ("randi.sunde", "Randi Sunde", "Seniorrådgiver", Role.REFERENCE, None, None, "Husbanken"),
    ("ola.hauge", "Ola Hauge", "Rådgiver", Role.REFERENCE, None, None, "Statsforvalteren"),
    ("siri.lie", "Siri Lie", "Seniorrådgiver", Role.REFERENCE, None, None, "Bufdir"),
    (
        "anders.rye",
        "Anders Rye",
        "Rådgiver",
        Role.REFERENCE,
        None,
        None,
        "Arbeids- og velferdsdirektoratet",
    ),
]

THEMES = [
    ("Bolig og boligsosial oppfølging", 14, True),
    ("Økonomi og overgangen til voksenytelser", 11, True),
    ("Samarbeid mellom barnevern og NAV", 17, True),
    ("Skole, arbeid og meningsfull dag", 8, True),
    ("Psykisk helse og rus", 6, False),
    ("Ungdommens medvirkning", 9, False),
    ("Nettverk og trygge voksne", 4, False),
]

QUESTIONS = [
    "Hvordan kan barnevern og NAV planlegge overgangen sammen før ungdommen fyller 18?",
    "Hva skal til for at unge som flytter for seg selv, får en trygg og varig bolig?",
    "Hvordan kan tjenestene gi oppfølging som ungdommen selv opplever som nyttig?",
]


def workday(day: date, *, before: bool = False) -> date:
    """Return the day if it is a weekday, else the Monday after (or the Friday before)."""
    if day.weekday() < 5:
        return day
    if before:
        return day - timedelta(days=day.weekday() - 4)
    return day + timedelta(days=7 - day.weekday())


def _member(session: Session, local: str, name: str, title: str, admin: bool = False) -> Member:
    email = f"{local}@{DOMAIN}"
    member = session.scalar(select(Member).where(Member.email == email))
    if member is None:
        member = Member(
            email=email,
            name=name,
            job_title=title,
            is_admin=admin,
            phone=f"9{abs(hash(local)) % 10_000_000:07d}"[:8],
            password_hash=hash_password(DEMO_PASSWORD),
        )
        session.add(member)
    return member


def load_demo(
    session: Session, loaders: Iterable[DemoLoader] = (), today: date | None = None
) -> bool:
    """Create the demo circle and its people unless it exists; return whether it was created."""
    if session.scalar(select(Circle.id).where(Circle.slug == DEMO_SLUG)) is not None:
        return False
    today = today or local_today()
    start = workday(today - timedelta(days=330))
    circle = Circle(
        slug=DEMO_SLUG,
        name="Overganger til voksenlivet",
        institution="VID vitenskapelige høgskole",
        description=(
            "En forskningssirkel der barnevern og NAV i tre bydeler og én kommune arbeider "
            "sammen med forskere om oppfølgingen av unge mellom 16 og 25 år på vei ut av "
            "barnevernet.\n\n*Demodata: alle personer og tekster er oppdiktet.*"
        ),
        starts_on=start,
        ends_on=workday(start + timedelta(days=540), before=True),
    )
    session.add(circle)
    project_phase = workday(start + timedelta(days=270))
    closing_phase = workday(start + timedelta(days=520))
    circle.phases = [
        Phase(
            kind=PhaseKind.OPENING,
            name="Innledningsfase",
            starts_on=start,
            ends_on=project_phase - timedelta(days=1),
        ),
        Phase(
            kind=PhaseKind.PROJECT,
            name="Prosjektfase",
            starts_on=project_phase,
            ends_on=closing_phase - timedelta(days=1),
        ),
        Phase(
            kind=PhaseKind.CLOSING,
            name="Avslutning og sluttrapport",
            starts_on=closing_phase,
            ends_on=circle.ends_on,
        ),
    ]
    circle.questions = [MainQuestion(position=i, text=q) for i, q in enumerate(QUESTIONS)]
    units = []
    for name, kind, sites in UNITS:
        unit = Unit(name=name, kind=kind, sites=[ServiceSite(name=s, kind=k) for s, k in sites])
        circle.units.append(unit)
        units.append(unit)
    admin = _member(session, "admin", "Administrator", "Systemansvarlig", admin=True)
    people: dict[str, Member] = {"admin": admin}
    for local, name, title, role, unit_i, site_i, org in PEOPLE:
        member = _member(session, local, name, title)
        people[local] = member
        unit = units[unit_i] if unit_i is not None else None
        site = unit.sites[site_i] if unit is not None and site_i is not None else None
        session.add(
            Membership(
                member=member,
                circle=circle,
                role=role,
                unit=unit,
                service_site=site,
                organisation=org,
            )
        )
    session.flush()
    _finished_vote(session, circle, people)
    for loader in loaders:
        loader(session, circle, people)
    session.flush()
    return True


def _finished_vote(session: Session, circle: Circle, people: dict[str, Any]) -> None:
    voters = [p for p in PEOPLE if p[3] in (Role.PARTICIPANT, Role.LEADER)]
    themes = [
        Theme(
            circle_id=circle.id,
            title=t,
            chosen=chosen,
            proposed_by_id=people[voters[i % len(voters)][0]].id,
        )
        for i, (t, _dots, chosen) in enumerate(THEMES)
    ]
    session.add_all(themes)
    vote_round = VoteRound(
        circle_id=circle.id, votes_per_member=6, opened_by_id=people["ingrid.lund"].id
    )
    session.add(vote_round)
    session.flush()
    # Spread each theme's dots over the voters without exceeding anyone's six dots.
    left = {v[0]: 6 for v in voters}
    for theme, (_t, dots, _c) in zip(themes, THEMES, strict=True):
        for local in list(left):
            if dots == 0:
                break
            give = min(2, dots, left[local])
            if give:
                session.add(
                    ThemeVote(
                        round_id=vote_round.id,
                        theme_id=theme.id,
                        member_id=people[local].id,
                        dots=give,
                    )
                )
                left[local] -= give
                dots -= give
    from circle.models import utcnow

    vote_round.closed_at = utcnow()
