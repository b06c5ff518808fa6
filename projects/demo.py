"""Demo data for the projects area: four unit projects, products, log, plan and a matrix."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from sqlalchemy.orm import Session

from circle.demo import workday
from circle.i18n import local_today
from circle.models import Circle, Member
from circle.storage import get_storage
from projects.models import LogKind, MatrixColumn, PlanItemKind, PlanItemStatus, ProjectStatus
from projects.services import files as file_services
from projects.services import matrix as matrix_services
from projects.services import plan as plan_services
from projects.services import projects as project_services
from projects.services import writeup as writeup_services

# Texts written for the demo; the people and services are invented.
PROJECTS: list[dict[str, Any]] = [
    {
        "unit": "Bydel Stovner",
        "people": ["sara.nilsen", "omar.haddad"],
        "title": "Fra ettervern til egen økonomi",
        "summary": "En fast samarbeidsmodell mellom barnevernet og NAV for unge i ettervern som "
        "trenger hjelp til arbeid og riktig ytelse.",
        "status": ProjectStatus.COMPLETED,
        "start": -300,
        "end": -20,
        "update": "Prosjektet er avsluttet. Samarbeidsmodellen er vedtatt i barnevernet og "
        "NAV, og de første ungdommene har fått en felles plan før de fylte 18.",
        "sections": {
            "background": "Unge i ettervern ble ofte *overført* til NAV når de sto uten skole "
            "eller jobb, uten en felles plan. NAV måtte kartlegge på nytt, og "
            "ungdommene møtte krav de ikke var forberedt på.",
            "goals": "- Felles plan før overgangen\n- Riktig ytelse til riktig tid\n"
            "- Færre som ender på økonomisk sosialhjelp",
            "product": "En skriftlig **samarbeidsmodell** med maler for sosialrapport og to "
            "sjekklister (se produktene).",
            "preconditions": "Faste møter på teamledernivå, halvårlig møteplan, og at både "
            "statlig og kommunal side av NAV deltar.",
            "process": "Månedlige møter gjennom prosjektperioden. En NAV-veileder for unge "
            "med særlige behov ble fast deltaker etter første møte.",
            "advice": "Bli enige om utfordringen først. Sett av tid, og gjør samarbeidet til "
            "en fast rutine, ikke et enkeltinitiativ.",
        },
        "ready": True,
        "share": True,
        "files": [
            (
                "Samarbeidsmodell barnevern–NAV",
                "samarbeidsmodell.docx",
                True,
                "Modellen slik den ble vedtatt i begge tjenestene.",
            )
        ],
    },
    {
        "unit": "Bydel Grünerløkka",
        "people": ["marte.berg", "jonas.vik"],
        "title": "Felles sluttrapport for botiltakene",
        "summary": "Én sluttrapportmal for bydelens tre botiltak, skrevet sammen med "
        "ungdommen, så kunnskap følger med i overgangene.",
        "status": ProjectStatus.ACTIVE,
        "start": -200,
        "end": 60,
        "update": "Vi er i rute: malen prøves ut i to av botiltakene, og ungdommene har gitt "
        "innspill på overskriftene.",
        "sections": {
            "background": "Tre botiltak for unge mellom 16 og 25 år følger opp ungdommene "
            "ulikt, og overføringer skjer mest muntlig.",
            "goals": "Lik og systematisk oppfølging i bolig, og bedre overføringer mellom "
            "tiltakene og mellom barnevern og NAV.",
            "product": "Et utkast til sluttrapportmal som prøves ut i to av tiltakene.",
        },
        "ready": False,
        "share": False,
        "files": [
            (
                "Sluttrapportmal",
                "sluttrapportmal.txt",
                True,
                "Malen med overskriftene ungdom og bo-oppfølger fyller ut sammen.",
            )
        ],
    },
    {
        "unit": "Bydel Bjerke",
        "people": ["amina.yusuf", "per.strand"],
        "title": "Samarbeidsprosedyre for ungdom i ettervern",
        "summary": "En prosedyre alle ansatte kjenner, med et kartleggingsskjema som viser "
        "hvordan overgangen til NAV bør organiseres for den enkelte.",
        "status": ProjectStatus.PLANNED,
        "start": 20,
        "end": 240,
        "update": "Prosjektet starter om noen uker. Vi har avtalt oppstartsmøte med ledelsen "
        "i begge tjenestene.",
        "sections": {
            "background": "Samarbeidsavtalen fantes, men var lite kjent og ble praktisert "
            "ulikt fra saksbehandler til saksbehandler.",
        },
        "ready": False,
        "share": False,
        "files": [
            (
                "Kartleggingsskjema",
                "kartleggingsskjema.docx",
                True,
                "Fylles ut av saksbehandler sammen med ungdommen før overføring.",
            )
        ],
    },
    {
        "unit": "Asker kommune",
        "people": ["linn.solberg", "erik.holm", "nora.dahl"],
        "title": "Helhetlig oppfølging av enslige mindreårige",
        "summary": "Kartlegge tjenester og aktiviteter i kommunen for enslige mindreårige "
        "mellom 16 og 18 år.",
        "status": ProjectStatus.DISCONTINUED,
        "start": -260,
        "end": -60,
        "update": "Prosjektet er avbrutt. Kartleggingen vi rakk å gjøre, tas videre i "
        "kommunens arbeid med bosetting.",
        "reason": "Et kraftig økt antall nye ungdommer ga stor arbeidsbelastning, flere "
        "prosjekter gikk samtidig, og deltakerne arbeidet med ulike grupper.",
        "sections": {
            "background": "Kommunen bosatte mange enslige mindreårige i perioden, de fleste "
            "på hybel med oppfølging fra barnevernet.",
            "goals": "Et helhetlig tilbud til rett tid for dem som står i fare for å falle "
            "utenfor.",
            "obstacles": "Arbeidsmengden økte brått. Deler av planen ble tatt videre i andre "
            "prosjekter i kommunen.",
            "advice": "Velg deltakere med lignende oppgaver og målgrupper, og sett av tid.",
        },
        "ready": False,
        "share": True,
        "files": [],
    },
]

MATRIX = {
    "Bolig": {
        MatrixColumn.ALTERNATIVES: "Egen leilighet, bofellesskap, hybel med oppfølging.",
        MatrixColumn.INVOLVED: "Barnevern, NAV, boligkontor, Husbanken.",
        MatrixColumn.VULNERABLE: "Første egne kontrakt, depositum, naboklager.",
        MatrixColumn.PRACTICE: "Botrening før flytting; fast kontaktperson første halvår.",
    },
    "Økonomi": {
        MatrixColumn.ALTERNATIVES: "Lønn, stipend, AAP, sosialhjelp.",
        MatrixColumn.VULNERABLE: "Brudd i utbetaling ved 18 år.",
        MatrixColumn.PRACTICE: "Felles plan mellom barnevern og NAV minst et halvt år før.",
    },
    "Dagaktivitet: skole og arbeid": {
        MatrixColumn.INVOLVED: "Skole, NAV-veileder, arbeidsgivere.",
        MatrixColumn.PRACTICE: "Praksisplass med tett oppfølging.",
    },
    "Helse": {MatrixColumn.VULNERABLE: "Venting på utredning; lite kontinuitet."},
    "Systemnivå": {MatrixColumn.PRACTICE: "Samarbeidsavtaler som faktisk er kjent og brukt."},
}


def _docx_bytes(title: str, lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _file_bytes(name: str, version: int = 1) -> bytes:
    if name == "sluttrapportmal.txt":
        return (
            "SLUTTRAPPORT – skrives sammen med ungdommen\n\nInnflytting og utflytting:\n"
            "Bomestring:\nSosialt nettverk:\nØkonomi:\nHelse:\nVeien videre:\n"
        ).encode()
    if name == "kartleggingsskjema.docx":
        lines = [
            "Ungdommens egne ønsker for bolig og aktivitet",
            "Økonomi i dag",
            "Hvem følger opp nå",
        ]
        if version > 1:
            lines.append("Plan for de neste seks månedene")
        return _docx_bytes(f"Kartleggingsskjema (versjon {version})", lines)
    return _docx_bytes(
        "Samarbeidsmodell",
        ["Møteplan for et halvt år", "Faste deltakere", "Skriftlige avtaler i hver sak"],
    )


def load_demo_projects(session: Session, circle: Circle, people: dict[str, Member]) -> None:
    """Add the four unit projects, their write-ups, files, log, plan, updates and the matrix."""
    today = local_today()
    leader = people["ingrid.lund"]
    storage = get_storage()
    units = {u.name: u for u in circle.units}
    for spec in PROJECTS:
        writer = people[spec["people"][0]]
        data = project_services.ProjectData(
            title=spec["title"],
            unit_id=units[spec["unit"]].id,
            summary=spec["summary"],
            status=spec["status"],
            status_reason=spec.get("reason", ""),
            starts_on=workday(today + timedelta(days=spec["start"])),
            ends_on=workday(today + timedelta(days=spec["end"]), before=True),
            member_ids=[people[p].id for p in spec["people"]],
        )
        project = project_services.create_project(session, circle, data, actor=leader)
        for key, body in spec["sections"].items():
            first = body.split(". ")[0] + "."
            section = writeup_services.save_section(
                session, circle, project, key, actor=writer, body=first, base_revision=0
            )
            if first != body:
                writeup_services.save_section(
                    session,
                    circle,
                    project,
                    key,
                    actor=people[spec["people"][-1]],
                    body=body,
                    base_revision=section.revision_number,
                )
        if spec["ready"]:
            writeup_services.mark_writeup_ready(session, circle, project, actor=writer)
        elif "background" in spec["sections"]:
            writeup_services.set_section_ready(
                session, circle, project, "background", actor=writer, ready=True
            )
        if spec["share"]:
            project_services.set_writeup_shared(session, circle, project, actor=writer, shared=True)
        for title, name, product, description in spec["files"]:
            pfile = file_services.upload_file(
                session,
                circle,
                project,
                actor=writer,
                storage=storage,
                data=_file_bytes(name),
                filename=name,
                title=title,
                description=description,
                is_product=product,
            )
            if name == "kartleggingsskjema.docx":
                file_services.add_version(
                    session,
                    circle,
                    project,
                    pfile,
                    actor=writer,
                    storage=storage,
                    data=_file_bytes(name, 2),
                    filename=name,
                    note="Ny del om planen videre.",
                )
        _log_and_plan(session, circle, project, spec, people, today)


def _log_and_plan(
    session: Session,
    circle: Circle,
    project: Any,
    spec: dict[str, Any],
    people: dict[str, Member],
    today: date,
) -> None:
    """Log, plan, meetings and updates that agree with the project's status and dates."""
    members = [people[p] for p in spec["people"]]
    status = spec["status"]
    start, end = project.starts_on, project.ends_on
    entries = [
        (0, LogKind.MEETING, "Oppstartsmøte: vi ble enige om målgruppe og arbeidsform."),
        (
            30,
            LogKind.WORKSHOP,
            "Workshop med kolleger fra begge tjenestene om hva som fungerer i overgangene.",
        ),
        (60, LogKind.DECISION, "Besluttet å lage ett felles produkt i stedet for to."),
    ]
    for offset, kind, text in entries:
        day = workday(start + timedelta(days=offset))
        if day <= min(today, end):
            plan_services.add_log_entry(
                session,
                circle,
                project,
                actor=members[0],
                happened_on=day,
                kind=kind,
                text=text,
            )
    # Due dates inside the project's period: a finished or stopped project has nothing due
    # after it ended, a planned one nothing before it starts.
    span = (end - start).days
    items = [
        (PlanItemKind.MILESTONE, "Utkast til produkt klart", 0.5),
        (PlanItemKind.TASK, "Forankre hos ledelsen i begge tjenester", 0.7),
        (PlanItemKind.TASK, "Skrive prosessavsnittet", 0.9),
    ]
    for n, (kind, title, share) in enumerate(items):
        due = workday(start + timedelta(days=int(span * share)), before=True)
        if status == ProjectStatus.COMPLETED:
            item_status = PlanItemStatus.DONE
        elif status == ProjectStatus.DISCONTINUED:
            item_status = PlanItemStatus.DONE if n == 0 else PlanItemStatus.OPEN
        elif due < today:
            item_status = PlanItemStatus.IN_PROGRESS
        else:
            item_status = PlanItemStatus.OPEN
        item = plan_services.add_plan_item(
            session,
            circle,
            project,
            actor=members[0],
            kind=kind,
            title=title,
            due_on=due,
            owner_id=members[-1].id,
        )
        plan_services.set_plan_item_status(
            session, circle, project, item, actor=members[0], status=item_status
        )
    if status in (ProjectStatus.ACTIVE, ProjectStatus.PLANNED):
        first = max(today, start)
        for weeks in (2, 6):
            day = workday(first + timedelta(weeks=weeks))
            plan_services.add_project_meeting(
                session,
                circle,
                project,
                actor=members[0],
                starts_at=datetime.combine(day, time(12, 0), tzinfo=UTC),
                place="NAV-kontoret",
            )
    plan_services.post_update(
        session,
        circle,
        project,
        actor=members[0],
        publish=True,
        share_with_reference=spec["share"],
        body=spec["update"],
    )
    plan_services.post_update(
        session,
        circle,
        project,
        actor=members[-1],
        publish=False,
        body="Utkast: oppsummering av siste workshop.",
    )


def load_demo_matrix(session: Session, circle: Circle, people: dict[str, Member]) -> None:
    """Fill in the transition matrix."""
    actor = people["henrik.aas"]
    rows = {r.title: r for r in matrix_services.add_default_rows(session, circle, actor=actor)}
    for title, cells in MATRIX.items():
        for column, body in cells.items():
            matrix_services.save_cell(
                session, circle, rows[title], column, actor=actor, body=body, base_revision=0
            )
    matrix_services.add_row(session, circle, actor=actor, title="Nettverk og trygge voksne")


def load_all(session: Session, circle: Circle, people: dict[str, Member]) -> None:
    """Load the projects and the matrix."""
    load_demo_projects(session, circle, people)
    load_demo_matrix(session, circle, people)
