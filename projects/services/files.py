"""Project files: uploads with versions, descriptions and the identity-number scan."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.errors import DomainError
from circle.files import UploadError, check_upload, discard_file, extension_of, store_file
from circle.models import Circle, Member, utcnow
from projects.models import FileVersion, Project, ProjectFile
from projects.permissions import can_edit_project
from projects.services._common import guard_text, require_allowed, touch

TEXT_EXTENSIONS = {"txt", "md", "csv"}
SCANNED_EXTENSIONS = {"pdf", "docx", *TEXT_EXTENSIONS}


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise UploadError(
                _l(
                    "PDF-filen er kryptert eller passordbeskyttet og kan ikke "
                    "kontrolleres. Last opp en versjon uten passord."
                )
            )
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except UploadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UploadError(_l("PDF-filen er skadet eller ufullstendig og kan ikke leses.")) from exc


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise UploadError(_l("Word-filen er skadet og kan ikke leses.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def extract_text(data: bytes, filename: str) -> str:
    """Return the text of a PDF, DOCX or plain-text upload ('' for other types)."""
    ext = extension_of(filename)
    if ext not in SCANNED_EXTENSIONS:
        return ""
    # Raw text on purpose: library.extraction normalises for search and drops running
    # headers and footers (a one-line page comes back empty), which is where an identity
    # number on a form would sit.
    if ext == "pdf":
        return _pdf_text(data)
    if ext == "docx":
        return _docx_text(data)
    return data.decode("utf-8", errors="replace")


def _scan(data: bytes, filename: str) -> None:
    """Refuse a wrong type, an unreadable file, or one that holds an identity number."""
    check_upload(filename, data)
    text = extract_text(data, filename)
    if text:
        try:
            guard_text(text)
        except DomainError:
            raise UploadError(
                _l(
                    "Filen «%(name)s» ser ut til å inneholde et fødselsnummer "
                    "eller D-nummer og er ikke lagret. Fjern nummeret og last "
                    "opp på nytt.",
                    name=Path(filename).name,
                )
            ) from None


def _store_version(
    session: Session,
    pfile: ProjectFile,
    *,
    actor: Member,
    upload_dir: str,
    data: bytes,
    filename: str,
    note: str,
    number: int,
) -> FileVersion:
    """Store the bytes and add the version row; a failure leaves no file behind."""
    stored = store_file(
        session, upload_dir=upload_dir, data=data, filename=filename, uploaded_by=actor
    )
    try:
        version = FileVersion(
            file=pfile, number=number, stored=stored, note=note.strip(), uploaded_by_id=actor.id
        )
        session.add(version)
        session.flush()
    except Exception:
        discard_file(upload_dir, stored.key)
        raise
    return version


def upload_file(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    upload_dir: str,
    data: bytes,
    filename: str,
    title: str = "",
    description: str = "",
    is_product: bool = False,
    note: str = "",
) -> ProjectFile:
    """Add a new file (version 1) to the project."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan laste opp filer."),
    )
    title = (title or "").strip() or Path(filename.replace("\\", "/")).stem.strip() or "Fil"
    if len(title) > 200 or len(description or "") > 5000 or len(note or "") > 500:
        raise DomainError(_l("Tittel, beskrivelse eller endringsnotat er for langt."))
    guard_text(title, description, note, filename)
    _scan(data, filename)
    pfile = ProjectFile(
        project_id=project.id,
        title=title,
        description=(description or "").strip(),
        is_product=is_product,
        created_by_id=actor.id,
    )
    session.add(pfile)
    session.flush()
    _store_version(
        session,
        pfile,
        actor=actor,
        upload_dir=upload_dir,
        data=data,
        filename=filename,
        note=note or "",
        number=1,
    )
    touch(project)
    session.flush()
    return pfile


def add_version(
    session: Session,
    circle: Circle,
    project: Project,
    pfile: ProjectFile,
    *,
    actor: Member,
    upload_dir: str,
    data: bytes,
    filename: str,
    note: str = "",
) -> FileVersion:
    """Upload a new version of a file; earlier versions are kept."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan laste opp filer."),
    )
    if pfile.project_id != project.id:
        raise DomainError(_l("Filen hører ikke til dette prosjektet."))
    if len(note or "") > 500:
        raise DomainError(_l("Endringsnotatet er for langt."))
    guard_text(note, filename)
    _scan(data, filename)
    number = max((v.number for v in pfile.versions), default=0) + 1
    version = _store_version(
        session,
        pfile,
        actor=actor,
        upload_dir=upload_dir,
        data=data,
        filename=filename,
        note=note or "",
        number=number,
    )
    pfile.updated_at = utcnow()
    touch(project)
    session.flush()
    return version


def update_file_info(
    session: Session,
    circle: Circle,
    project: Project,
    pfile: ProjectFile,
    *,
    actor: Member,
    title: str,
    description: str,
    is_product: bool,
) -> None:
    """Change a file's title, description, or whether it is one of the products."""
    require_allowed(
        can_edit_project(actor, circle, project),
        _l("Bare prosjektets medlemmer og sirkelens ledere kan endre filer."),
    )
    title = (title or "").strip()
    if not title:
        raise DomainError(_l("Filen må ha en tittel."))
    if len(title) > 200 or len(description or "") > 5000:
        raise DomainError(_l("Tittelen eller beskrivelsen er for lang."))
    guard_text(title, description)
    pfile.title, pfile.description = title, (description or "").strip()
    pfile.is_product = is_product
    pfile.updated_at = utcnow()
    touch(project)
    session.flush()


def get_file(session: Session, project: Project, file_id: int) -> ProjectFile | None:
    """Return the project's file with its versions, or None."""
    return session.scalar(
        select(ProjectFile)
        .where(ProjectFile.id == file_id, ProjectFile.project_id == project.id)
        .options(
            selectinload(ProjectFile.versions).options(
                joinedload(FileVersion.stored), joinedload(FileVersion.uploaded_by)
            )
        )
    )
