"""Adding reports from uploaded files, editing their metadata, and deleting them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from circle.audit import record_event
from circle.documents import Document
from circle.errors import Conflict, DomainError, NotAllowed
from circle.files import clean_original_name, forget_file, store_file
from circle.i18n import local_today
from circle.identity import (
    IdentityNumberError,
    contains_identity_number,
    ensure_no_identity_number,
)
from circle.inputs import is_safe_link
from circle.models import Circle, Member, StoredFile
from circle.storage import Storage
from circle.themes.models import Theme
from library.extraction import REPORT_EXTENSIONS, report_text
from library.models import DocumentType, Report, ReportPage
from library.permissions import (
    can_add_report,
    can_curate_report,
    can_delete_report,
    can_edit_report,
)

ALLOWED_UPLOADS = frozenset(REPORT_EXTENSIONS)
# The purpose the library's uploads are stored with (its file consumer in circle.hooks).
REPORT_FILES = "library.report"
LANGUAGES = {
    "nb": _l("Bokmål"),
    "nn": _l("Nynorsk"),
    "no": _l("Norsk"),
    "en": _l("Engelsk"),
    "sv": _l("Svensk"),
    "da": _l("Dansk"),
    "de": _l("Tysk"),
    "fr": _l("Fransk"),
}
DOCUMENT_TYPE_LABELS = {
    DocumentType.REPORT: _l("Rapport"),
    DocumentType.ARTICLE: _l("Artikkel"),
    DocumentType.THESIS: _l("Avhandling eller oppgave"),
    DocumentType.ROUTINE: _l("Rutine eller prosedyre"),
    DocumentType.WEB_PAGE: _l("Nettside"),
    DocumentType.OTHER: _l("Annet"),
}
TEXT_LIMITS = {
    "title": 500,
    "subtitle": 500,
    "publisher": 300,
    "container_title": 300,
    "series": 300,
    "series_number": 60,
    "isbn": 40,
    "issn": 20,
    "commissioned_by": 300,
    "url": 500,
    "doi": 200,
    "abstract": 10000,
}
MAX_NAMES, MAX_NAME_LENGTH = 50, 200
MAX_KEYWORDS, MAX_KEYWORD_LENGTH = 40, 100
_ISBN_RE = re.compile(r"^[0-9Xx][0-9Xx\- ]{8,20}$")
_ISSN_RE = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# What PDF tools write as author when nobody is named (reportlab writes "anonymous").
_PLACEHOLDER_AUTHORS = frozenset({"anonymous", "anonym", "unknown", "ukjent", "author"})
_LANG_RE = re.compile(r"^\s*([A-Za-z]{2,3})\b")


def identity_in_file(where: object) -> object:
    """Return the refusal of a report whose file holds an identity number (naming where)."""
    return _l(
        "Rapporten ble ikke lagret: filen ser ut til å inneholde et fødselsnummer eller "
        "D-nummer (%(where)s). Av hensyn til taushetsplikten kan slike opplysninger ikke lagres "
        "i biblioteket.",
        where=where,
    )


class UploadRefused(DomainError):
    """A file could not become a report; the message says why."""


class DuplicateReport(Conflict):
    """The same file is in the library already; ``report_id`` is set when the member may see it."""

    def __init__(self, message: object, report_id: int | None = None) -> None:
        super().__init__(message)
        self.report_id = report_id


@dataclass
class UploadOutcome:
    """What became of one file in an upload batch."""

    filename: str
    report: Report | None = None
    error: str = ""
    existing_id: int | None = None


def guess_document_type(value: Any) -> DocumentType:
    """Map a document type (an enum value or a free-text description) to the enum."""
    if isinstance(value, DocumentType):
        return value
    text = str(value or "").strip().lower()
    if text in {t.value for t in DocumentType}:
        return DocumentType(text)
    rules = [
        (
            ("masteroppgave", "avhandling", "doktorgrad", "bacheloroppgave", "thesis"),
            DocumentType.THESIS,
        ),
        (("nettside", "nettsted", "web"), DocumentType.WEB_PAGE),
        (("artikkel", "article", "tidsskrift"), DocumentType.ARTICLE),
        (("rutine", "prosedyre", "routine"), DocumentType.ROUTINE),
        (
            (
                "rapport",
                "report",
                "kunnskapssammenstilling",
                "kunnskapsoversikt",
                "notat",
                "evaluering",
            ),
            DocumentType.REPORT,
        ),
    ]
    for words, kind in rules:
        if any(word in text for word in words):
            return kind
    return DocumentType.OTHER


def normalise_language(value: Any) -> str:
    """Return a short language code ("nb" when unknown)."""
    match = _LANG_RE.match(str(value or ""))
    return match.group(1).lower() if match else "nb"


def _names(value: Any, limit: int, length: int, label: str) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[\n;]", str(value))
    names = [re.sub(r"\s+", " ", str(item)).strip() for item in items]
    names = [n for n in names if n]
    if len(names) > limit:
        raise DomainError(
            _l("For mange verdier i feltet %(field)s (høyst %(n)d).", field=label, n=limit)
        )
    if any(len(n) > length for n in names):
        raise DomainError(_l("En verdi i feltet %(field)s er for lang.", field=label))
    return names


def _keywords(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        value = re.split(r"[\n,;]", str(value))
    seen: dict[str, str] = {}
    for item in value:
        word = re.sub(r"\s+", " ", str(item)).strip()
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    words = list(seen.values())
    if len(words) > MAX_KEYWORDS or any(len(w) > MAX_KEYWORD_LENGTH for w in words):
        raise DomainError(_l("For mange eller for lange emneord."))
    return words


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_l("Året må være et tall.")) from exc
    if not 1500 <= year <= local_today().year + 1:
        raise DomainError(_l("Året må være mellom 1500 og neste år."))
    return year


def _marks(value: Any, names: set[str]) -> dict[str, bool]:
    """Return the member's organisation-or-person decisions for the names still listed."""
    if not isinstance(value, dict):
        return {}
    return {str(k): bool(v) for k, v in value.items() if k in names}


def clean_metadata(values: dict[str, Any]) -> dict[str, Any]:
    """Return validated, normalised metadata; raise DomainError with a Norwegian message."""
    out: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        text = re.sub(r"[ \t]+", " ", str(values.get(key) or "")).strip()
        if key != "abstract":
            text = re.sub(r"\s+", " ", text)
        if len(text) > limit:
            raise DomainError(_l("Feltet %(field)s kan ha høyst %(n)d tegn.", field=key, n=limit))
        out[key] = text
    if not out["title"]:
        raise DomainError(_l("Rapporten må ha en tittel."))
    out["authors"] = _names(values.get("authors"), MAX_NAMES, MAX_NAME_LENGTH, "forfattere")
    out["editors"] = _names(values.get("editors"), MAX_NAMES, MAX_NAME_LENGTH, "redaktører")
    out["keywords"] = _keywords(values.get("keywords"))
    out["organisation_marks"] = _marks(
        values.get("organisation_marks"), {*out["authors"], *out["editors"]}
    )
    out["year"] = _year(values.get("year"))
    out["language"] = normalise_language(values.get("language"))
    out["document_type"] = guess_document_type(values.get("document_type") or "report")
    if out["url"] and not (is_safe_link(out["url"]) and not out["url"].startswith("/")):
        raise DomainError(_l("Nettadressen må begynne med http:// eller https://."))
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", out["doi"], flags=re.IGNORECASE)
    if doi and not _DOI_RE.match(doi):
        raise DomainError(_l("DOI-en må se ut som 10.1234/noe."))
    out["doi"] = doi
    if out["isbn"] and not _ISBN_RE.match(out["isbn"]):
        raise DomainError(_l("ISBN kan bare inneholde sifre, bindestreker og X."))
    if out["issn"] and not _ISSN_RE.match(out["issn"]):
        raise DomainError(_l("ISSN skrives som 1234-5678."))
    ensure_no_identity_number(
        *[v for v in out.values() if isinstance(v, str)],
        *out["authors"],
        *out["editors"],
        *out["keywords"],
    )
    return out


def find_duplicate(session: Session, sha256: str) -> Report | None:
    """Return the report with this content hash, if any."""
    return session.scalar(select(Report).where(Report.sha256 == sha256))


def add_report(
    session: Session,
    *,
    storage: Storage,
    data: bytes,
    filename: str,
    actor: Member | None,
    circle: Circle | None,
    shared: bool,
    metadata: dict[str, Any] | None = None,
    locale: str = "nb",
) -> Report:
    """Receive an uploaded file as a report that is read in the background; the caller commits.

    ``circle`` is the circle the report is added from (None from the command line); with
    ``shared`` False the report is kept to that circle. The cheap checks (rights, type, name,
    duplicates) run here; reading the file, the identity scan and indexing run in the file's
    job after the commit (see `report_file_ready`), and a refused file keeps only its name and
    the reason, for the uploader.
    """
    if circle is not None and actor is not None and not can_add_report(actor, circle):
        raise NotAllowed(_l("Bare deltakere og sirkelledere kan legge til rapporter."))
    if not shared and circle is None:
        raise DomainError(_l("En rapport som ikke deles med alle, må høre til en sirkel."))
    name = clean_original_name(filename)
    ensure_no_identity_number(name, where=_l("i filnavnet"))
    sha = hashlib.sha256(data).hexdigest()
    existing = find_duplicate(session, sha) if data else None
    if existing is not None:
        visible = existing.circle_id is None or (
            circle is not None and existing.circle_id == circle.id
        )
        if visible or circle is None:
            raise DuplicateReport(
                _l(
                    "«%(name)s» finnes allerede i biblioteket som «%(title)s».",
                    name=name,
                    title=existing.title,
                ),
                existing.id,
            )
        raise DuplicateReport(
            _l("«%(name)s» finnes allerede i biblioteket, i en annen sirkel.", name=name)
        )
    values: dict[str, Any] = {"title": Path(name).stem or name, "authors": [], "year": None}
    values.update({k: v for k, v in (metadata or {}).items() if v not in (None, "", [])})
    values["title"] = str(values["title"])[: TEXT_LIMITS["title"]]
    clean = clean_metadata(values)
    stored = store_file(
        session,
        storage=storage,
        data=data,
        filename=filename,
        uploaded_by=actor,
        purpose=REPORT_FILES,
        allowed=set(ALLOWED_UPLOADS),
        locale=locale,
    )
    report = Report(
        **clean,
        circle_id=None if shared else circle.id,  # type: ignore[union-attr]
        origin_circle_id=circle.id if circle is not None else None,
        stored_file=stored,
        sha256=sha,
        has_text=False,
        page_count=0,
        metadata_confirmed=bool(metadata),
        added_by_id=actor.id if actor is not None else None,
    )
    try:
        # A savepoint: if the same file was committed by someone else a moment ago, only this
        # file is refused and the rest of the batch goes on.
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError as exc:
        forget_file(session, stored)
        raise DuplicateReport(_l("«%(name)s» finnes allerede i biblioteket.", name=name)) from exc
    return report


def report_file_ready(session: Session, stored: StoredFile, document: Document) -> None:
    """The library's part of reading an upload: the report's pages and suggested metadata."""
    report = session.scalar(select(Report).where(Report.stored_file_id == stored.id))
    if report is None:
        return  # deleted while it was being read
    extracted = report_text(document)
    report.pages = [ReportPage(number=i, text=text) for i, text in enumerate(extracted.pages, 1)]
    report.has_text = extracted.has_text
    report.page_count = len(extracted.pages)
    if not report.metadata_confirmed:
        suggested = extracted.suggested
        stem = Path(stored.original_name).stem or stored.original_name
        if suggested.get("title") and report.title == stem:
            report.title = str(suggested["title"])[: TEXT_LIMITS["title"]]
        if suggested.get("authors") and not report.authors:
            report.authors = [
                a for a in suggested["authors"] if a.strip().lower() not in _PLACEHOLDER_AUTHORS
            ][:MAX_NAMES]
        year = suggested.get("year")
        if year is not None and report.year is None:
            try:
                report.year = _year(year)
            except DomainError:
                pass  # a wrong guess from the file must not stop the upload
    session.flush()


def report_file_refused(session: Session, stored: StoredFile, reason: str) -> None:
    """A refused report keeps its name and the reason (for the uploader); nothing of its text."""
    from library.notifications import notify_refused_upload

    report = session.scalar(select(Report).where(Report.stored_file_id == stored.id))
    if report is None:
        return
    report.pages = []
    report.has_text = False
    report.page_count = 0
    session.flush()
    if report.added_by is not None:  # in the uploader's bell, linking to the report page
        notify_refused_upload(
            session,
            uploader=report.added_by,
            circle=report.origin_circle,
            filename=stored.original_name,
            reason=reason,
            report_id=report.id,
        )


def upload_reports(
    session: Session,
    files: list[tuple[str, bytes]],
    *,
    storage: Storage,
    actor: Member | None,
    circle: Circle | None,
    shared: bool,
    metadata: dict[str, dict[str, Any]] | None = None,
    locale: str = "nb",
) -> list[UploadOutcome]:
    """Receive each file as a report; a refused file gets its reason and the rest go on."""
    outcomes = []
    for filename, data in files:
        name = clean_original_name(filename or "")
        if contains_identity_number(name):  # refused below; the result must not show it
            name = re.sub(r"[0-9]", "•", name)
        try:
            report = add_report(
                session,
                storage=storage,
                data=data,
                filename=filename,
                actor=actor,
                circle=circle,
                shared=shared,
                metadata=(metadata or {}).get(filename) or (metadata or {}).get(name),
                locale=locale,
            )
        except DuplicateReport as exc:
            outcomes.append(UploadOutcome(name, error=str(exc.message), existing_id=exc.report_id))
        except IdentityNumberError as exc:
            outcomes.append(UploadOutcome(name, error=str(identity_in_file(exc.where))))
        except DomainError as exc:
            outcomes.append(UploadOutcome(name, error=str(exc.message)))
        else:
            outcomes.append(UploadOutcome(name, report=report))
    return outcomes


def circle_themes(session: Session, circle: Circle) -> list[Theme]:
    """Return the circle's themes for tagging reports, chosen ones first."""
    return list(
        session.scalars(
            select(Theme)
            .where(Theme.circle_id == circle.id)
            .order_by(Theme.chosen.desc(), Theme.title)
        )
    )


def update_report(
    session: Session,
    report: Report,
    circle: Circle,
    *,
    actor: Member,
    values: dict[str, Any],
    theme_ids: list[int] | None = None,
    shared: bool | None = None,
) -> Report:
    """Save confirmed or corrected metadata, the circle's themes and who sees the report."""
    if not can_edit_report(actor, circle, report):
        raise NotAllowed(_l("Du kan ikke endre denne rapporten."))
    # Decisions on names not shown in this edit are kept; clean_metadata drops removed names.
    marks = {**(report.organisation_marks or {}), **(values.get("organisation_marks") or {})}
    clean = clean_metadata({**values, "organisation_marks": marks})
    for key, value in clean.items():
        setattr(report, key, value)
    if theme_ids is not None:
        chosen = (
            list(
                session.scalars(
                    select(Theme).where(Theme.circle_id == circle.id, Theme.id.in_(theme_ids))
                )
            )
            if theme_ids
            else []
        )
        if len(chosen) != len(set(theme_ids)):
            raise DomainError(_l("Ukjent tema valgt."))
        report.themes = [t for t in report.themes if t.circle_id != circle.id] + chosen
    if shared is not None and shared != report.shared:
        if not can_curate_report(actor, circle, report):
            raise NotAllowed(_l("Bare sirkelledere kan endre hvem som ser rapporten."))
        if not shared and report.origin_circle_id is None:
            raise DomainError(
                _l(
                    "Rapporten ble importert for alle sirkler og kan ikke "
                    "begrenses til én sirkel her."
                )
            )
        report.circle_id = None if shared else report.origin_circle_id
        record_event(
            session,
            "report_visibility_changed",
            actor=actor,
            circle=circle,
            detail=f"report {report.id} shared={shared}",
        )
    report.metadata_confirmed = True
    session.flush()
    return report


def delete_report_row(session: Session, report: Report) -> None:
    """Delete a report, its pages and its file row; the bytes are removed after the commit."""
    stored = report.stored_file
    session.delete(report)
    session.flush()
    if stored is not None:
        forget_file(session, stored)


def delete_report(session: Session, report: Report, circle: Circle, *, actor: Member) -> None:
    """Delete a report (by a member who may); recorded in the audit log."""
    if not can_delete_report(actor, circle, report):
        raise NotAllowed(_l("Bare sirkelledere kan slette rapporter."))
    report_id = report.id
    delete_report_row(session, report)
    record_event(
        session, "report_deleted", actor=actor, circle=circle, detail=f"report {report_id}"
    )


def unconfirmed_reports(session: Session, circle: Circle, member: Member) -> list[Report]:
    """Return the member's reports from this circle whose metadata is not confirmed yet."""
    return list(
        session.scalars(
            select(Report)
            .where(
                Report.added_by_id == member.id,
                Report.origin_circle_id == circle.id,
                Report.metadata_confirmed.is_(False),
            )
            .order_by(Report.created_at.desc())
            .limit(50)
        )
    )


def get_report(session: Session, circle: Circle, report_id: int) -> Report | None:
    """Return the report if it belongs on this circle's pages (its own or shared)."""
    report = session.get(Report, report_id)
    if report is None or report.circle_id not in (None, circle.id):
        return None
    return report
