"""Demo meetings: a circle mid-way, with approved, distributed, in-review and coming meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from circle.demo import workday
from circle.i18n import OSLO
from circle.models import Circle, Member, utcnow
from circle.storage import get_storage
from meetings.models import (
    AgendaItem,
    AgendaReading,
    ItemKind,
    ItemOrigin,
    Meeting,
    MeetingKind,
    RsvpAnswer,
)
from meetings.services import actions, attendance, changes, materials, meetings, minutes, workflow

# (day offset from the circle's start, kind, title, theme, host unit index or None,
#  presenter of the research presentation, presentation title)
PLAN: list[tuple[int, MeetingKind, str, str, int | None, str, str]] = [
    (
        10,
        MeetingKind.CIRCLE,
        "Oppstartsmøte",
        "Forventninger og arbeidsform",
        None,
        "Ingrid Lund",
        "Hva er en forskningssirkel?",
    ),
    (
        52,
        MeetingKind.CIRCLE,
        "Barnevern og NAV – to systemer",
        "Samarbeid mellom barnevern og NAV",
        None,
        "Henrik Aas",
        "Ansvarsdeling ved 18 år: hva sier regelverket?",
    ),
    (
        95,
        MeetingKind.CIRCLE,
        "Bolig for unge voksne",
        "Bolig og boligsosial oppfølging",
        0,
        "Gjest fra Husbanken",
        "Virkemidler for unge i etableringsfasen",
    ),
    (
        140,
        MeetingKind.CIRCLE,
        "Økonomi og ytelser",
        "Økonomi og overgangen til voksenytelser",
        3,
        "Ingrid Lund",
        "Når sosialstønad erstatter tiltak fra barnevernet",
    ),
    (
        165,
        MeetingKind.REFERENCE,
        "Referansegruppemøte",
        "Orientering om framdrift",
        None,
        "Henrik Aas",
        "Status i sirkelen",
    ),
    (
        185,
        MeetingKind.CIRCLE,
        "Skole, arbeid og en meningsfull dag",
        "Skole og arbeid",
        2,
        "Henrik Aas",
        "Frafall og kvalifisering – hva virker?",
    ),
    (
        272,
        MeetingKind.SEMINAR,
        "Midtveisseminar",
        "Fra tema til lokale prosjekter",
        None,
        "Ingrid Lund",
        "Aksjonsforskning i praksis",
    ),
]

NOTES = {
    "Refleksjon over arbeidet siden sist": (
        "Runden viste at flere har tatt opp temaet fra forrige gang på avdelingsmøter. "
        "Det ble pekt på at tiden før ungdommen fyller 18 ofte blir for kort til god planlegging."
    ),
    "Lokal forankring av prosjektene": (
        "Enhetene orienterte om hvordan lederne følger arbeidet. I to enheter er sirkelen tatt "
        "inn i virksomhetsplanen; de andre ønsker et kort notat å legge fram for ledergruppen."
    ),
    "Erfaringsdeling": (
        "Deltakerne delte eksempler på overføringsmøter som fungerte, og på saker der "
        "ungdommen falt mellom to stoler. Felles trekk: uklare roller og for sene møter."
    ),
    "Hvilken kunnskap trenger vi fortsatt?": (
        "Ønske om mer kunnskap om unges egne erfaringer, og om hvordan andre kommuner har "
        "organisert samarbeidet."
    ),
    "Tema for neste møte": "Forslag til tema og innleder ble drøftet.",
    "Praktiske avklaringer": "Neste møtested og tidspunkt ble avklart.",
}
EVALUATION = (
    "Deltakerne syntes møtet hadde god balanse mellom fag og erfaringsdeling. "
    "Noen ønsket mer tid til diskusjon i mindre grupper."
)
# One task per held meeting, each agreed once: (what, owner, days to the due date).
ACTIONS = [
    ("Lage oversikt over kontaktpersoner i NAV per bydel", "omar.haddad", 30),
    ("Sende ut lenke til rapporten som ble presentert", "henrik.aas", 7),
    ("Forberede kort innlegg om ettervernsrutinen i Asker", "linn.solberg", 40),
    ("Kartlegge hvor mange unge i ettervern som bor i midlertidig bolig", "marte.berg", 45),
    ("Avtale møte med boligkontoret om tildelingspraksis", "jonas.vik", 35),
    ("Samle eksempler på samarbeidsavtaler mellom barnevern og NAV", "amina.yusuf", 50),
    ("Spørre skolene om hvordan de varsler ved fravær blant unge i ettervern", "per.strand", 40),
    ("Lage forslag til felles sjekkliste for første møte med NAV", "sara.nilsen", 30),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def _after(moment: datetime, days: int, hour: int) -> datetime:
    """Return the first weekday at least `days` after `moment`, at `hour` (Oslo time)."""
    return _at(workday(moment.astimezone(OSLO).date() + timedelta(days=days)), hour)


def _held_meeting(
    session: Session,
    circle: Circle,
    people: dict[str, Member],
    index: int,
    meeting: Meeting,
    presenter: str,
    talk: str,
    now: datetime,
) -> None:
    leader = people["ingrid.lund"]
    meeting.invitation_sent_at = meeting.starts_at - timedelta(days=14)
    for item in meeting.items:
        if item.kind == ItemKind.PRESENTATION:
            item.title, item.presenter = f"Fagpresentasjon: {talk}"[:200], presenter
    session.flush()
    register = attendance.audience(session, meeting)
    statuses = {}
    for n, membership in enumerate(register):
        skip = (n + index) % 7 == 0
        statuses[membership.member_id] = "excused" if skip else "present"
    attendance.record_attendance(session, meeting, circle, actor=leader, statuses=statuses)
    content = {}
    for item in meeting.items:
        text = NOTES.get(item.title, "")
        decision = ""
        if item.title == "Tema for neste møte":
            decision = "Neste møte får tema fra listen over prioriterte temaer."
        if item.origin == ItemOrigin.APPROVAL:
            decision = "Referatet fra forrige møte ble godkjent uten merknader."
        postponed = index == 3 and item.title == "Hvilken kunnskap trenger vi fortsatt?"
        content[item.id] = minutes.ItemContent(text, decision, postponed)
    minutes.save_minutes(
        session,
        meeting,
        circle,
        actor=leader,
        expected_version=0,
        content=content,
        evaluation=EVALUATION,
        now=meeting.ends_at,
    )


def _add_actions(
    session: Session, circle: Circle, people: dict[str, Member], meeting: Meeting, index: int
) -> None:
    leader = people["ingrid.lund"]
    for what, owner, days in ACTIONS[index : index + 1]:
        actions.add_action(
            session,
            meeting.minutes,
            circle,
            actor=leader,
            what=what,
            owner_id=people[owner].id,
            due_on=workday((meeting.starts_at + timedelta(days=days)).date()),
        )


def load_demo_meetings(session: Session, circle: Circle, people: dict[str, Any]) -> None:
    """Add the demo circle's meetings, minutes, answers and action items."""
    leader = people["ingrid.lund"]
    now = utcnow()
    start = circle.starts_on or (now.date() - timedelta(days=330))
    held: list[Meeting] = []
    for index, (offset, kind, title, theme, host, presenter, talk) in enumerate(PLAN):
        day = workday(start + timedelta(days=offset))
        starts = _at(day, 9, 30)
        ends = (
            starts + timedelta(hours=3, minutes=30)
            if kind != MeetingKind.SEMINAR
            else (starts + timedelta(hours=6))
        )
        unit = circle.units[host] if host is not None else None
        meeting = meetings.create_meeting(
            session,
            circle,
            actor=leader,
            kind=kind,
            title=title,
            theme=theme,
            starts_at=starts,
            ends_at=ends,
            host_unit_id=unit.id if unit else None,
            place=unit.name if unit else circle.institution,
            address="Diakonveien 14, Oslo" if unit is None else "",
        )
        if kind == MeetingKind.REFERENCE:
            meeting.items.clear()
            session.flush()
            for n, (item_title, minutes_planned) in enumerate(
                [
                    ("Orientering om framdrift i sirkelen", 30),
                    ("Innspill fra referansegruppens virksomheter", 40),
                    ("Spørsmål fra deltakerne", 20),
                ]
            ):
                meeting.items.append(
                    AgendaItem(
                        position=n,
                        kind=ItemKind.INFORMATION if n == 0 else ItemKind.DISCUSSION,
                        title=item_title,
                        minutes_planned=minutes_planned,
                    )
                )
            session.flush()
        _held_meeting(session, circle, people, index, meeting, presenter, talk, now)
        _add_actions(session, circle, people, meeting, index)
        held.append(meeting)
        # The leaders work on weekdays: minutes go out two days later, are approved after a
        # week of reading and distributed the next working day.
        sent = _after(meeting.ends_at, 2, 10)
        approved = _after(sent, 8, 9)
        distributed = _after(approved, 1, 9)
        workflow.send_for_review(
            session,
            meeting,
            circle,
            actor=leader,
            deadline=max(sent + timedelta(days=7), now + timedelta(days=5))
            if index == len(PLAN) - 1
            else sent + timedelta(days=7),
            now=sent,
        )
        if index == len(PLAN) - 1:
            reviewer = meeting.minutes.reviewers[0].member
            first = next(i for i in meeting.items if i.title == "Erfaringsdeling")
            workflow.add_comment(
                session,
                meeting.minutes,
                circle,
                actor=reviewer,
                kind="correction",
                item_id=first.id,
                now=_after(sent, 1, 14),
                suggested_text=NOTES["Erfaringsdeling"] + " Det ble også nevnt "
                "at ungdommene selv sjelden er med i overføringsmøtene.",
            )
            continue  # the mid-term seminar's minutes stay in review
        workflow.approve_minutes(session, meeting, circle, actor=leader, now=approved)
        workflow.distribute_minutes(session, meeting, circle, actor=leader, now=distributed)
    # Some of the older action items are done.
    for meeting in held[:3]:
        for action in meeting.minutes.actions[:1]:
            actions.toggle_action(
                session,
                action,
                circle,
                actor=leader,
                done=True,
                now=_after(meeting.ends_at, 20, 15),
            )
    _upcoming(session, circle, people, now)


def _slides(session: Session, meeting: Meeting, circle: Circle, people: dict[str, Any]) -> None:
    """The presenter's slides on the presentation item (read by the file job like any upload)."""
    import io

    import docx

    presenter = people.get("henrik.aas") or people["ingrid.lund"]
    item = next((i for i in meeting.items if i.kind == ItemKind.PRESENTATION), meeting.items[0])
    document = docx.Document()
    document.add_heading("Ungdommens stemme i overgangsarbeidet", 0)
    for line in (
        "Hva sier forskningen om medvirkning ved overgang til voksenlivet?",
        "Tre funn fra intervjustudiene",
        "Spørsmål til drøfting i sirkelen",
    ):
        document.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    materials.attach_material(
        session,
        meeting,
        circle,
        actor=presenter,
        storage=get_storage(),
        data=out.getvalue(),
        filename="Lysark – Ungdommens stemme.docx",
        item_id=item.id,
    )


def _cancelled(session: Session, circle: Circle, leader: Member, now: datetime) -> None:
    """A reference-group meeting that was invited to and then cancelled."""
    day = workday((now + timedelta(days=26)).astimezone(OSLO).date())
    meeting = meetings.create_meeting(
        session,
        circle,
        actor=leader,
        kind=MeetingKind.REFERENCE,
        title="Referansegruppemøte: status i prosjektene",
        starts_at=_at(day, 12, 0),
        ends_at=_at(day, 14, 0),
        place="Høgskolen",
    )
    meeting.items.append(
        AgendaItem(kind=ItemKind.INFORMATION, title="Status i de fire prosjektene", position=0)
    )
    session.flush()
    attendance.send_invitation(session, meeting, circle, actor=leader, now=now)
    changes.cancel_meeting(
        session,
        meeting,
        circle,
        actor=leader,
        reason="For mange i referansegruppen har meldt forfall. Statusen tas på neste møte.",
        now=now,
    )


def _upcoming(session: Session, circle: Circle, people: dict[str, Member], now: datetime) -> None:
    leader = people["ingrid.lund"]
    day = workday((now + timedelta(days=12)).astimezone(OSLO).date())
    unit = circle.units[1] if len(circle.units) > 1 else None
    meeting = meetings.create_meeting(
        session,
        circle,
        actor=leader,
        kind=MeetingKind.CIRCLE,
        title="Prosjektarbeid: samarbeidsrutiner",
        theme="Lokale utviklingsprosjekter",
        starts_at=_at(day, 9, 30),
        ends_at=_at(day, 13, 0),
        host_unit_id=unit.id if unit else None,
        place=unit.name if unit else "",
        address="Markveien 57, Oslo",
        video_url="https://video.example/sirkel-8",
    )
    for item in meeting.items:
        if item.kind == ItemKind.PRESENTATION:
            item.title = "Fagpresentasjon: Ungdommens stemme i overgangsarbeidet"
            item.presenter = "Henrik Aas"
            item.preparation = (
                "Tenk på en ungdom du har fulgt: når ble hun eller han spurt "
                "om hva som var viktig i overgangen?"
            )
            item.readings = [
                AgendaReading(
                    position=0, title="Bufdir: Ettervern – veileder", url="https://www.bufdir.no/"
                )
            ]
    session.flush()
    attendance.send_invitation(session, meeting, circle, actor=leader, now=now)
    for local, answer, message in [
        ("sara.nilsen", RsvpAnswer.ATTENDING, ""),
        ("omar.haddad", RsvpAnswer.ATTENDING, ""),
        ("marte.berg", RsvpAnswer.ABSENT, "Kurs den dagen."),
        ("linn.solberg", RsvpAnswer.ATTENDING, ""),
    ]:
        if local in people:
            attendance.answer_invitation(
                session,
                meeting,
                circle,
                actor=people[local],
                answer=answer.value,
                message=message,
                now=now,
            )
    _slides(session, meeting, circle, people)
    # The leaders moved the meeting two working days later after the invitation went out.
    moved_day = workday(day + timedelta(days=2))
    changes.move_meeting(
        session,
        meeting,
        circle,
        actor=leader,
        starts_at=_at(moved_day, 9, 30),
        ends_at=_at(moved_day, 13, 0),
        now=now,
    )
    _cancelled(session, circle, leader, now)
    # Two days in a row, both weekdays: at the latest a Thursday and the Friday after.
    closing_day = workday(
        (circle.ends_on or (now.date() + timedelta(days=200))) - timedelta(days=3), before=True
    )
    if closing_day.weekday() == 4:
        closing_day -= timedelta(days=1)
    meetings.create_meeting(
        session,
        circle,
        actor=leader,
        kind=MeetingKind.SEMINAR,
        title="Avslutningsseminar (to dager)",
        theme="Evaluering og sluttrapport",
        starts_at=_at(closing_day, 10),
        ends_at=_at(closing_day + timedelta(days=1), 15),
        place="Konferansehotell",
        address="",
    )
    session.flush()
