"""A project's attachments and products, each with its versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, StoredFile, UTCDateTime, utcnow


class ProjectFile(db.Model):
    """A named attachment (e.g. a mapping form) whose versions are all kept."""

    __tablename__ = "project_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Products are listed in the write-up and as appendices of the final report.
    is_product: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A withdrawn file leaves the workspace; its versions stay in the history for leaders.
    # Who withdrew it is in the audit log.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions: Mapped[list[FileVersion]] = relationship(
        back_populates="file", cascade="all, delete-orphan", order_by="FileVersion.number.desc()"
    )

    @property
    def latest(self) -> FileVersion | None:
        """Return the newest version."""
        return self.versions[0] if self.versions else None


class FileVersion(db.Model):
    """One uploaded version of a project file."""

    __tablename__ = "project_file_version"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("project_file.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[ProjectFile] = relationship(back_populates="versions")
    stored: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[Member | None] = relationship()
