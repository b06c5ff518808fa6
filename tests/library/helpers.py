"""Builders for the library tests: PDFs, DOCX files and small report collections."""

from __future__ import annotations

import io
from collections.abc import Iterable

from library.search import ReportDoc

# Every report id these tests use: what the database answers when every report is visible.
EVERY_ID = frozenset(range(10_000))


def make_pdf(
    pages: list[list[str]],
    *,
    header: str | None = "Rapport om ettervern",
    page_numbers: bool = True,
    title: str | None = None,
    author: str | None = None,
    big_title: str | None = None,
) -> bytes:
    """Return a PDF with one page per list of lines, a running header and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    for number, lines in enumerate(pages, 1):
        if header:
            c.setFont("Helvetica", 9)
            c.drawString(72, height - 40, header)
        y = height - 90
        if big_title and number == 1:
            c.setFont("Helvetica-Bold", 20)
            c.drawString(72, y, big_title)
            y -= 40
        c.setFont("Helvetica", 11)
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        if page_numbers:
            c.setFont("Helvetica", 9)
            c.drawString(width / 2, 30, str(number))
        c.showPage()
    c.save()
    return buf.getvalue()


def make_scanned_pdf(pages: int = 2) -> bytes:
    """Return a PDF whose pages only hold a drawn rectangle: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        c.rect(100, 100, 300, 500, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypt_pdf(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    """Return the PDF encrypted with RC4 (pypdf needs no crypto library for that)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(
    blocks: Iterable[str], *, title: str | None = None, author: str | None = None
) -> bytes:
    """Return a DOCX; a block "<PAGE>" inserts a page break, "# x" a Title paragraph."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    if title:
        document.core_properties.title = title
    if author:
        document.core_properties.author = author
    for block in blocks:
        if block == "<PAGE>":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.startswith("# "):
            document.add_paragraph(block[2:], style="Title")
        elif block.startswith("| "):
            cells = block[2:].split(" | ")
            table = document.add_table(rows=1, cols=len(cells))
            for cell, text in zip(table.rows[0].cells, cells, strict=True):
                cell.text = text
        else:
            document.add_paragraph(block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report(rid: int, title: str, *pages: str, **meta: object) -> ReportDoc:
    """Return a ReportDoc with sensible defaults."""
    return ReportDoc(id=rid, title=title, pages=list(pages), **meta)  # type: ignore[arg-type]


def seen_with(circles: frozenset[int], docs: list[ReportDoc] | None = None) -> frozenset[int]:
    """Return the ids the database would call visible with these circles (others are shared)."""
    circle_of = {d.id: d.circle_id for d in (small_library() if docs is None else docs)}
    return frozenset(r for r in EVERY_ID if circle_of.get(r) is None or circle_of[r] in circles)


def small_library() -> list[ReportDoc]:
    """Return a handful of reports with known words, years, publishers and circles."""
    return [
        report(
            1,
            "Fra barnevern til voksentjeneste",
            "Barnevernstjenesten og NAV må samarbeide når ungdommer flytter for seg selv.",
            "Overgangen til voksenlivet er sårbar. Ettervern gir oppfølging etter fylte 18 år.",
            "Kommunene bør lage en samarbeidsavtale mellom tjenestene.",
            year=2018,
            publisher="Høgskolen i Østfold",
            document_type="masteroppgave",
            themes=["ettervern", "samhandling"],
            authors=["Christine Nygård"],
        ),
        report(
            2,
            "Boligsosialt arbeid med unge",
            "Husbanken gir startlån og bostøtte til unge som leier bolig.",
            "Unge med barnevernsbakgrunn trenger hjelp til å finne egen bolig.",
            year=2017,
            publisher="VID vitenskapelige høgskole",
            document_type="rapport",
            themes=["bolig"],
            authors=["Elisabeth Brodtkorb", "Inger Oterholm"],
        ),
        report(
            3,
            "Samhandling om utsatte barn og unge",
            "Samhandling mellom velferdssektorene handler om skole, helse og barnevern.",
            "Frafall i videregående opplæring henger sammen med psykisk helse og rus.",
            year=2017,
            publisher="RKBU Nord",
            document_type="kunnskapsoppsummering",
            themes=["samhandling", "skole"],
            authors=["Per Håkan Brøndbo"],
        ),
        report(
            4,
            "Barnehage og familie",
            "Barnehagen samarbeider tett med foreldrene om språk og lek.",
            year=2020,
            publisher="Utdanningsdirektoratet",
            document_type="rapport",
            themes=["barnehage"],
        ),
        report(
            5,
            "Hemmelig kartlegging av bydelen",
            "Kartleggingen i bydelen viser at barnevern og bolig henger sammen.",
            "Kvalitetsindikatorer for oppfølging i Grünerløkka.",
            year=2021,
            publisher="Bydel Grünerløkka",
            document_type="notat",
            themes=["bolig"],
            circle_id=7,
        ),
        report(
            6,
            "Tverrfaglig arbeid i Tromsø",
            "Tverrfaglig samarbeid om ungdom i Tromsø kommune og barnevernet.",
            year=2019,
            publisher="RKBU Nord",
            document_type="rapport",
            themes=["samhandling"],
            circle_id=8,
        ),
    ]


def write_reports(root: str, ids: list[int], delete: list[int]) -> int:
    """Index reports (then delete some) from a separate process; return how many were written."""
    from pathlib import Path

    from library.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(Path(root), lock_timeout=60)
    for rid in ids:
        backend.index_report(
            report(rid, f"Rapport {rid}", f"Tekst om bolig og ettervern, nummer {rid}.", "Side 2.")
        )
    for rid in delete:
        backend.delete_report(rid)
    return len(ids)


def search_repeatedly(root: str, times: int) -> int:
    """Search from a separate process while others write; return the last total."""
    from pathlib import Path

    from library.search import SearchQuery
    from library.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(Path(root))
    total = 0
    for _ in range(times):
        total = backend.search(SearchQuery("bolig ettervern", EVERY_ID)).total
    return total


def crash_during_rebuild(root: str) -> None:
    """Start a rebuild and kill the process halfway, with no cleanup at all."""
    import os
    from pathlib import Path

    from library.search.whoosh_backend import WhooshBackend

    def docs():
        yield report(100, "Ny", "Ny tekst om fosterhjem.")
        os._exit(3)

    WhooshBackend(Path(root)).rebuild(docs())


def backend_class(app) -> type:  # noqa: ANN001
    """Return the class of the app's search backend (to make its writes fail in a test)."""
    from library.index import get_backend

    with app.app_context():
        return type(get_backend(app))


def whoosh_only(app) -> None:  # noqa: ANN001
    """Skip a test about the Whoosh index's own files when the app searches in PostgreSQL."""
    import pytest

    from circle.search import backend_name

    if backend_name(app) != "whoosh":
        pytest.skip("about the Whoosh index's segments and files; PostgreSQL has none")
