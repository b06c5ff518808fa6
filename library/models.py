"""Models for library reports, their page text, and the circles' reading lists."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from circle.extensions import db
from circle.identity import exempt
from circle.models import Circle, FileState, Member, StoredFile, UTCDateTime, _enum, utcnow
from circle.rendered import StoredHtml, html_column
from circle.themes.models import Theme


class DocumentType(enum.StrEnum):
    """What kind of document a report is."""

    REPORT = "report"
    ARTICLE = "article"
    THESIS = "thesis"
    ROUTINE = "routine"
    WEB_PAGE = "web_page"
    OTHER = "other"


report_theme = Table(
    "report_theme",
    db.metadata,
    Column("report_id", ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Report(StoredHtml, db.Model):
    """A research report, article or routine in the library, with its metadata.

    ``circle_id`` is who may see it: None means shared with every circle on the site.
    ``origin_circle_id`` is the circle it was added from, whose leaders curate it (None for
    reports imported from the command line: site administrators curate those).
    """

    markdown_fields = ("abstract",)

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="CASCADE"), index=True
    )
    origin_circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str] = mapped_column(String(500), default="")
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A member's decision per author or editor name: True for an organisation, False for a
    # person. Names without a decision are recognised automatically (citations.is_organisation).
    organisation_marks: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    publisher: Mapped[str] = mapped_column(String(300), default="")
    # The journal (or other container) an article appeared in.
    container_title: Mapped[str] = mapped_column(String(300), default="")
    series: Mapped[str] = mapped_column(String(300), default="")
    series_number: Mapped[str] = mapped_column(String(60), default="")
    isbn: Mapped[str] = mapped_column(String(40), default="")
    issn: Mapped[str] = mapped_column(String(20), default="")
    language: Mapped[str] = mapped_column(String(8), default="nb")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    abstract: Mapped[str] = mapped_column(Text, default="")
    abstract_html: Mapped[str | None] = html_column()
    document_type: Mapped[DocumentType] = mapped_column(
        _enum(DocumentType, "document_type"), default=DocumentType.REPORT
    )
    commissioned_by: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    doi: Mapped[str] = mapped_column(String(200), default="")
    stored_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL")
    )
    # The hash of the uploaded bytes: the same file is never added twice.
    sha256: Mapped[str] = mapped_column(
        String(64), unique=True, info=exempt("sha256 hex digest of the file")
    )
    has_text: Mapped[bool] = mapped_column(Boolean, default=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    # False until a member has looked over the metadata suggested from the file.
    metadata_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    circle: Mapped[Circle | None] = relationship(foreign_keys=[circle_id])
    origin_circle: Mapped[Circle | None] = relationship(foreign_keys=[origin_circle_id])
    stored_file: Mapped[StoredFile | None] = relationship()
    added_by: Mapped[Member | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=report_theme, order_by=Theme.title)
    pages: Mapped[list[ReportPage]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReportPage.number",
    )

    @property
    def shared(self) -> bool:
        """Return whether every circle on the site sees the report."""
        return self.circle_id is None

    @property
    def file_state(self) -> FileState:
        """Return whether the report's file is still being read, ready or refused."""
        return self.stored_file.state if self.stored_file is not None else FileState.READY

    @property
    def ready(self) -> bool:
        """Return whether the report is read and may be searched and shown."""
        return self.file_state == FileState.READY

    @property
    def full_title(self) -> str:
        """Return the title with the subtitle after a colon."""
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    def __repr__(self) -> str:
        return f"<Report {self.id}>"


class ReportPage(db.Model):
    """The extracted text of one page, kept so the search index can always be rebuilt."""

    __tablename__ = "report_page"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="pages")


class ReadingList(StoredHtml, db.Model):
    """A circle's ordered list of reports, e.g. pre-reading for a research presentation."""

    markdown_fields = ("description",)

    __tablename__ = "reading_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str | None] = html_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[ReadingListEntry]] = relationship(
        back_populates="reading_list",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReadingListEntry.position",
    )
    created_by: Mapped[Member | None] = relationship()


class ReadingListEntry(db.Model):
    """One report on a reading list, in its place, with a note on why or what to read."""

    __tablename__ = "reading_list_entry"
    __table_args__ = (UniqueConstraint("list_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("reading_list.id", ondelete="CASCADE"), index=True
    )
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    reading_list: Mapped[ReadingList] = relationship(back_populates="entries")
    report: Mapped[Report] = relationship()


def ready_report_clause() -> ColumnElement[bool]:
    """The SQL condition for reports that are read and may be searched and shown."""
    return or_(
        Report.stored_file_id.is_(None),
        exists().where(StoredFile.id == Report.stored_file_id, StoredFile.state == FileState.READY),
    )


# The PostgreSQL search backend's tables belong to the schema (and its migrations) too.
from library.search import pg_tables  # noqa: E402, F401
