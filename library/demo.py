"""Demo library: a few short reports generated as PDFs, plus the shared seed reports."""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from circle.errors import DomainError
from circle.models import Circle, Member

log = logging.getLogger(__name__)

# (file name, metadata, shared with all circles?, pages of paragraphs). Written for the demo.
DEMO_REPORTS: list[tuple[str, dict[str, Any], bool, list[list[str]]]] = [
    (
        "egen-bolig-tre-bydeler.pdf",
        {
            "title": "Fra barnevern til egen bolig",
            "subtitle": "Erfaringer fra tre bydeler",
            "authors": ["Ingrid Lund", "Henrik Aas"],
            "year": 2023,
            "publisher": "Høgskolen i sør (demo)",
            "series": "Demorapport",
            "series_number": "1/2023",
            "keywords": ["bolig", "ettervern", "startlån"],
            "document_type": "report",
            "abstract": "Hvordan unge med erfaring fra barnevernet finner og beholder en bolig.",
        },
        True,
        [
            [
                "Innledning",
                "Denne demorapporten beskriver hvordan tre bydeler arbeider når unge med tiltak fra "
                "barnevernet skal flytte for seg selv. Vi har snakket med saksbehandlere, "
                "boligkonsulenter og ungdommer om hva som gjør den første egne boligen trygg.",
                "Et gjennomgående funn er at planleggingen starter for sent. Mange ungdommer får vite "
                "hvilken bolig de skal flytte til bare noen uker før de fyller atten år.",
            ],
            [
                "Boligvirkemidler",
                "Bostøtte, startlån og kommunale utleieboliger brukes ulikt i bydelene. Der "
                "boligkonsulenten deltar i ansvarsgruppen tidlig, blir det lettere å søke om "
                "startlån og å forberede ungdommen på husleie, strøm og forsikring.",
                "Flere ungdommer beskriver den første tiden alene som ensom. Et fast "
                "oppfølgingsbesøk den første måneden etter innflytting ble trukket fram som nyttig.",
            ],
            [
                "Anbefalinger",
                "Vi anbefaler at boligspørsmålet tas opp i tiltaksplanen senest ved sytten års alder, "
                "at NAV og barneverntjenesten avtaler hvem som følger opp etter flyttingen, og at "
                "ungdommen selv er med og velger bolig.",
            ],
        ],
    ),
    (
        "samarbeidsrutine-barnevern-nav.pdf",
        {
            "title": "Samarbeidsrutine mellom barneverntjenesten og NAV",
            "subtitle": "Lokal rutine for overgangen ved 18 år",
            "authors": ["Bydel Stovner"],
            "year": 2022,
            "publisher": "Bydel Stovner (demo)",
            "keywords": ["samarbeid", "rutine", "NAV", "barnevern"],
            "document_type": "routine",
        },
        False,
        [
            [
                "Formål",
                "Rutinen skal sikre at ungdom som mottar tiltak fra barneverntjenesten, får en "
                "planlagt overgang til tjenester fra NAV når de nærmer seg myndighetsalder.",
                "Rutinen gjelder alle ungdommer mellom 16 og 23 år med tiltak etter "
                "barnevernsloven.",
            ],
            [
                "Ansvar og møtepunkter",
                "Barneverntjenesten kaller inn til et felles overgangsmøte senest seks måneder før "
                "ungdommen fyller 18 år. NAV-veilederen deltar og gjennomgår økonomi, "
                "arbeidsrettede tiltak og bolig sammen med ungdommen.",
                "Samarbeidsavtalen evalueres hvert år av lederne i begge tjenestene.",
            ],
        ],
    ),
    (
        "ungdommens-stemme.pdf",
        {
            "title": "Ungdommens stemme i overgangsarbeidet",
            "authors": ["Sara Nilsen", "Marte Berg", "Amina Yusuf"],
            "year": 2021,
            "container_title": "Tidsskrift for demopraksis",
            "keywords": ["medvirkning", "ettervern"],
            "document_type": "article",
        },
        True,
        [
            [
                "Sammendrag",
                "Artikkelen drøfter hvordan unge selv beskriver medvirkning i planleggingen av "
                "overgangen til voksenlivet. Ungdommene ønsker færre møter med flere deltakere og "
                "flere samtaler med én voksen de stoler på.",
                "Medvirkning handler ikke bare om å bli spurt, men om å se at svaret får følger.",
            ],
            [
                "Drøfting",
                "Praktikere i barnevernet og NAV opplever at tidspress gjør det vanskelig å bygge "
                "relasjoner. Likevel viser eksemplene at små grep, som å la ungdommen sette "
                "dagsorden for møtet, gir bedre samarbeid.",
            ],
        ],
    ),
    (
        "okonomi-unge-voksne.pdf",
        {
            "title": "Økonomi og ytelser for unge mellom 18 og 25 år",
            "editors": ["Henrik Aas"],
            "year": 2020,
            "publisher": "Høgskolen i sør (demo)",
            "keywords": ["økonomi", "sosialhjelp", "kvalifiseringsprogram"],
            "document_type": "report",
        },
        True,
        [
            [
                "Oversikt",
                "Denne samlingen gir en oversikt over ytelser som er aktuelle for unge voksne: "
                "økonomisk sosialhjelp, kvalifiseringsprogrammet, ungdomsgarantien og bostøtte.",
                "Mange unge mister oversikten når ettervernet avsluttes og ytelsene skal søkes "
                "fra flere steder samtidig.",
            ],
            [
                "Råd til tjenestene",
                "Et felles budsjettverktøy som ungdommen kan bruke sammen med kontaktpersonen, "
                "gjør det lettere å planlegge husleie og faste utgifter.",
            ],
        ],
    ),
    (
        "ettervern-kartlegging.pdf",
        {
            "title": "Ettervern i praksis",
            "subtitle": "En kartlegging i fire kommuner",
            "authors": ["Jonas Vik"],
            "year": 2019,
            "publisher": "Høgskolen i sør (demo)",
            "series": "Masteroppgave i sosialt arbeid",
            "document_type": "thesis",
            "keywords": ["ettervern", "kartlegging"],
        },
        True,
        [
            [
                "Problemstilling",
                "Oppgaven kartlegger hvordan fire kommuner organiserer ettervern for unge mellom "
                "18 og 25 år, og hva som skiller kommuner der ungdommene takker ja til ettervern fra "
                "kommuner der mange takker nei.",
            ],
            [
                "Funn",
                "Der ettervernet tilbys av en kjent kontaktperson, og der tilbudet omfatter hjelp "
                "med bolig og arbeid, takker flere ja. Tydelig informasjon før 18-årsdagen er "
                "avgjørende.",
            ],
        ],
    ),
]

READING_LIST = (
    "Forhåndslesing: fagpresentasjon om overgangen til egen bolig",
    "Les gjerne dette før neste møte.",
    [
        ("egen-bolig-tre-bydeler", "Les kapittelet om boligvirkemidler."),
        ("ungdommens-stemme", "Kort artikkel – fin å diskutere i grupper."),
        ("samarbeidsrutine-barnevern-nav", ""),
    ],
)


def demo_pdf(metadata: dict[str, Any], pages: list[list[str]]) -> bytes:
    """Return a small PDF: a heading and paragraphs per page, with title and author set."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    names = metadata.get("authors") or metadata.get("editors") or []
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=metadata["title"], author="; ".join(names))
    story: list[Any] = [Paragraph(escape(metadata["title"]), styles["Title"])]
    if names:
        story.append(Paragraph(escape("Av " + ", ".join(names)), styles["Normal"]))
    story.append(Spacer(1, 12))
    for i, page in enumerate(pages):
        if i:
            story.append(PageBreak())
        story.append(Paragraph(escape(page[0]), styles["Heading2"]))
        story += [Paragraph(escape(text), styles["BodyText"]) for text in page[1:]]
    doc.build(story)
    return buffer.getvalue()


def demo_file(name: str, metadata: dict[str, Any], pages: list[list[str]]) -> tuple[str, bytes]:
    """Return (file name, bytes): a PDF, or Markdown with form feeds where reportlab is missing.

    reportlab is a test dependency; a production install without it still gets a demo library.
    """
    try:
        return name, demo_pdf(metadata, pages)
    except ImportError:
        text = "\f".join("\n\n".join([f"# {page[0]}", *page[1:]]) for page in pages)
        return name.rsplit(".", 1)[0] + ".md", text.encode("utf-8")


def seed_dir() -> Path | None:
    """Return the folder with the shared seed reports, if there is one."""
    configured = os.environ.get("LIBRARY_SEED_DIR") or current_app.config.get("LIBRARY_SEED_DIR")
    path = (
        Path(configured)
        if configured
        else Path(current_app.root_path).parent / "shared" / ("seeds")
    )
    return path if (path / "metadata.json").is_file() else None


def _seed_files(folder: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    out = []
    for name, meta in sorted(metadata.items()):
        path = folder / name
        if path.is_file() and isinstance(meta, dict):
            out.append((name, path.read_bytes(), meta))
    return out


def load_demo_library(session: Session, circle: Circle, people: dict[str, Member]) -> None:
    """Add the demo reports, the shared seed reports and a reading list to the demo circle."""
    from circle.storage import get_storage
    from library.services.reading_lists import add_entry, create_reading_list
    from library.services.reports import add_report

    leader = people.get("ingrid.lund") or next(iter(people.values()))
    storage = get_storage()
    added: dict[str, Any] = {}
    files = [
        demo_file(name, meta, pages) + (meta, shared) for name, meta, shared, pages in DEMO_REPORTS
    ]
    folder = seed_dir()
    if folder is not None:
        files += [(name, data, meta, True) for name, data, meta in _seed_files(folder)]
    for name, data, meta, shared in files:
        try:
            report = add_report(
                session,
                storage=storage,
                data=data,
                filename=name,
                actor=leader,
                circle=circle,
                shared=shared,
                metadata=meta,
            )
        except DomainError as exc:
            log.warning("demo report %s not added: %s", name, exc.message)
            continue
        added[name.rsplit(".", 1)[0]] = report
    title, description, entries = READING_LIST
    reading_list = create_reading_list(
        session, circle, actor=leader, title=title, description=description
    )
    for name, note in entries:
        if name in added:
            add_entry(session, reading_list, circle, added[name], actor=leader, note=note)
    session.flush()  # the index jobs are queued with the commit (library.indexing)
