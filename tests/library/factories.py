"""Files and fixtures for the library's view, service, CLI and visibility tests."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from circle.extensions import db
from circle.models import Circle, Member, Role, StoredFile
from library.models import Report

# A valid fødselsnummer (mod-11 check digits), used only to prove it is refused.
IDENTITY_NUMBER = "01017000027"


def pdf_bytes(
    pages: list[str],
    *,
    title: str | None = None,
    author: str | None = None,
    heading: str | None = None,
) -> bytes:
    """Return a PDF with one page per text (lines split on newlines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    for number, text in enumerate(pages, 1):
        y = 780
        if heading and number == 1:
            c.setFont("Helvetica-Bold", 22)
            c.drawString(72, y, heading)
            y -= 40
        c.setFont("Helvetica", 11)
        for line in text.splitlines():
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """Return a PDF without a text layer (only drawn shapes), like a scan."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        c.rect(100, 100, 300, 400, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(data: bytes) -> bytes:
    """Return the PDF protected with a user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt("hemmelig", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    """Return a DOCX with the paragraphs."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


GOOD_PDF_PAGES = [
    "Overgangen fra barnevern til voksenliv\nEn rapport om bolig og ettervern\nAv Kari Nordmann",
    "Samarbeidsavtalen mellom barneverntjenesten og NAV\nbeskriver ansvar for oppfølging.",
    "Bostøtte og startlån hjelper unge inn i egen bolig.\nUtgitt 2021.",
]


def good_pdf(extra: str = "") -> bytes:
    """Return a normal three-page report PDF (pass extra text to make it unique)."""
    pages = list(GOOD_PDF_PAGES)
    if extra:
        pages[2] += "\n" + extra
    return pdf_bytes(
        pages, title="Overgangen fra barnevern til voksenliv", author="Kari Nordmann; Ola Hansen"
    )


@dataclass
class LibraryWorld:
    """Two circles and members in every role, for library tests."""

    app: Flask
    circle: Circle
    other: Circle
    members: dict[str, Member] = field(default_factory=dict)

    def count(self, session: Session, model: Any = Report) -> int:
        """Return the number of rows of a model."""
        session.expire_all()
        return session.scalar(select(func.count()).select_from(model)) or 0

    def files_on_disk(self) -> list[Path]:
        """Return the stored files' paths in the upload folder."""
        root = Path(self.app.config["UPLOAD_DIR"])
        return [p for p in root.rglob("*") if p.is_file()]

    def stored_files(self, session: Session) -> int:
        """Return the number of StoredFile rows."""
        return self.count(session, StoredFile)


@pytest.fixture
def lib(
    app: Flask,
    session: Session,
    make_circle: Callable[..., Circle],
    make_member: Callable[..., Member],
) -> Iterator[LibraryWorld]:
    """Circle "egen" with a member per role, circle "annen" with its own participant."""
    circle = make_circle(slug="egen")
    other = make_circle(slug="annen")
    world = LibraryWorld(app=app, circle=circle, other=other)
    for role in (Role.LEADER, Role.PARTICIPANT, Role.REFERENCE, Role.UNIT_LEADER):
        world.members[role.value] = make_member(
            name=f"{role.value.title()} Egen", circle=circle, role=role
        )
    world.members["other_leader"] = make_member(name="Leder Annen", circle=other, role=Role.LEADER)
    world.members["other_participant"] = make_member(
        name="Deltaker Annen", circle=other, role=Role.PARTICIPANT
    )
    world.members["admin"] = make_member(name="Admin", admin=True)
    yield world
    from library.index import release_backend

    release_backend(app)


def upload(
    client: FlaskClient,
    slug: str,
    files: list[tuple[str, bytes]],
    visibility: str = "circle",
    follow: bool = False,
) -> Any:
    """Post files to the upload form."""
    data: dict[str, Any] = {
        "visibility": visibility,
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post(
        f"/c/{slug}/library/upload",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=follow,
    )


def add_report_directly(
    app: Flask,
    *,
    circle: Circle | None,
    actor: Member | None,
    shared: bool,
    name: str = "rapport.txt",
    text: str = "",
    metadata: dict[str, Any] | None = None,
) -> int:
    """Add a text report through the service and commit; its jobs read and index it (eager)."""
    from circle.storage import get_storage
    from library.models import Report
    from library.services.reports import add_report

    with app.app_context():
        c = db.session.merge(circle) if circle is not None else None
        a = db.session.merge(actor) if actor is not None else None
        report = add_report(
            db.session,
            storage=get_storage(),
            data=(text or "Tekst om samarbeid.").encode(),
            filename=name,
            actor=a,
            circle=c,
            shared=shared,
            metadata=metadata,
        )
        db.session.commit()
        report_id = report.id
        assert db.session.get(Report, report_id).ready
        return report_id


def index_ids(app: Flask) -> set[int]:
    """Return the report ids in the app's search index."""
    from library.index import get_backend

    with app.app_context():
        return get_backend().report_ids()


def problems(app: Flask) -> list[str]:
    """Return the library's integrity problems (index vs database)."""
    from library.index import integrity_check

    with app.app_context():
        return integrity_check(db.session)


def uploaded(session: Session, name: str) -> Report | None:
    """Return the report made from the upload of that file name (whatever its state)."""
    from circle.models import StoredFile

    session.expire_all()
    return session.scalar(select(Report).join(StoredFile).where(StoredFile.original_name == name))


def refusal_shown(client, report: Report) -> str:  # noqa: ANN001
    """Return the report page the uploader sees for a refused file (asserting it is refused)."""
    from circle.models import FileState

    assert report.file_state == FileState.REFUSED, report.file_state
    assert report.pages == [] and not report.has_text
    page = client.get(f"/c/egen/library/reports/{report.id}").get_data(as_text=True)
    assert "Filen ble avvist" in page
    return page
