"""The write-up: the circle's section template, each project's sections and their revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, UTCDateTime, utcnow
from circle.rendered import StoredHtml, html_column


class SectionSpec(db.Model):
    """One heading of the circle's write-up template (absent rows mean: the defaults)."""

    __tablename__ = "project_section_spec"
    __table_args__ = (UniqueConstraint("circle_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    only_discontinued: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class ProjectSection(StoredHtml, db.Model):
    """The current text of one section of a project's write-up."""

    markdown_fields = ("body",)

    __tablename__ = "project_section"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = html_column()
    # The number of the latest revision; a save must name it (optimistic concurrency).
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    ready: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    updated_by: Mapped[Member | None] = relationship()


class SectionRevision(db.Model):
    """A saved version of a section: who wrote what, when."""

    __tablename__ = "project_section_revision"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("project_section.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Member | None] = relationship()
