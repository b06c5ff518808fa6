"""Project files: uploads with versions, descriptions, and every file read in full first."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from circle.errors import DomainError
from circle.files import store_file
from circle.models import Circle, Member, StoredFile, utcnow
from circle.storage import Storage
from projects.models import FileVersion, Project, ProjectFile
from projects.permissions import can_edit_project
from projects.services._common import guard_text, require_allowed, touch

# The purpose workspace uploads are stored with (their file consumer in circle.hooks).
PROJECT_FILES = "projects.file"


def _store_version(
    session: Session,
    pfile: ProjectFile,
    *,
    actor: Member,
    storage: Storage,
    data: bytes,
    filename: str,
    note: str,
    number: int,
    locale: str,
) -> FileVersion:
    """Store the bytes as pending and add the version row; the file is read after the commit."""
    stored = store_file(
        session,
        storage=storage,
        data=data,
        filename=filename,
        uploaded_by=actor,
        purpose=PROJECT_FILES,
        locale=locale,
    )
    version = FileVersion(
        file=pfile, number=number, stored=stored, note=note.strip(), uploaded_by_id=actor.id
    )
    session.add(version)
    session.flush()
    return version


def file_ready(session: Session, stored: StoredFile, document: object) -> None:
    """A workspace file was read in full and holds nothing it may not: nothing more to do."""


def file_refused(session: Session, stored: StoredFile, reason: str) -> None:
    """A refused version stays listed, with its reason, for the workspace's members."""


def upload_file(
    session: Session,
    circle: Circle,
    project: Project,
    *,
    actor: Member,
    storage: Storage,
    data: bytes,
    filename: str,
    title: str = "",
    description: str = "",
    is_product: bool = False,
    note: str = "",
    locale: str = "nb",
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
        storage=storage,
        data=data,
        filename=filename,
        note=note or "",
        number=1,
        locale=locale,
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
    storage: Storage,
    data: bytes,
    filename: str,
    note: str = "",
    locale: str = "nb",
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
    number = max((v.number for v in pfile.versions), default=0) + 1
    version = _store_version(
        session,
        pfile,
        actor=actor,
        storage=storage,
        data=data,
        filename=filename,
        note=note or "",
        number=number,
        locale=locale,
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
