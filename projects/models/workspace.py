"""A unit's development project and its members."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, Unit, UTCDateTime, _enum, utcnow


class ProjectStatus(enum.StrEnum):
    """Where a project stands."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class Project(db.Model):
    """A development project run by one unit of a circle."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProjectStatus] = mapped_column(
        _enum(ProjectStatus, "project_status"), default=ProjectStatus.PLANNED
    )
    # Why a project was discontinued; required for that status, kept for the final report.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Set while the write-up is shared with the reference group and unit leaders.
    writeup_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept up to date by the services so the overview needs no aggregate query per project.
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # An archived project is kept whole (read-only) and leaves the circle's overview.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.id"
    )

    @property
    def archived(self) -> bool:
        """Return whether the project is archived."""
        return self.archived_at is not None

    @property
    def writeup_shared(self) -> bool:
        """Return whether the write-up is shared beyond the circle's staff."""
        return self.writeup_shared_at is not None

    def member_ids(self) -> set[int]:
        """Return the ids of the project's members."""
        return {pm.member_id for pm in self.members}


class ProjectMember(db.Model):
    """A member of a project: a participant of the unit or an invited colleague."""

    __tablename__ = "project_member"
    __table_args__ = (UniqueConstraint("project_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    # True for colleagues from outside the project's unit.
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    member: Mapped[Member] = relationship()
