"""A project's log, plan (milestones, tasks, meetings) and progress updates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, UTCDateTime, _enum, utcnow
from circle.rendered import StoredHtml, html_column


class LogKind(enum.StrEnum):
    """What a log entry records."""

    MEETING = "meeting"
    WORKSHOP = "workshop"
    DECISION = "decision"
    NOTE = "note"


class PlanItemKind(enum.StrEnum):
    """A milestone or a task."""

    MILESTONE = "milestone"
    TASK = "task"


class PlanItemStatus(enum.StrEnum):
    """How far a milestone or task has come."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class LogEntry(StoredHtml, db.Model):
    """A dated entry in the project log: a project meeting, a workshop, a decision."""

    markdown_fields = ("text",)

    __tablename__ = "project_log_entry"
    __table_args__ = (Index("ix_project_log_entry_project_day", "project_id", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    happened_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[LogKind] = mapped_column(_enum(LogKind, "project_log_kind"), default=LogKind.NOTE)
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str | None] = html_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Member | None] = relationship()


class PlanItem(db.Model):
    """A milestone or task with a due date, an owner and a status."""

    __tablename__ = "project_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PlanItemKind] = mapped_column(
        _enum(PlanItemKind, "project_plan_kind"), default=PlanItemKind.TASK
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    status: Mapped[PlanItemStatus] = mapped_column(
        _enum(PlanItemStatus, "project_plan_status"), default=PlanItemStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Member | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        """Return whether the item is past its due date and not done."""
        return (
            self.due_on is not None and self.due_on < today and self.status != PlanItemStatus.DONE
        )


class ProjectMeeting(db.Model):
    """A date in the project's own meeting plan."""

    __tablename__ = "project_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")


class ProgressUpdate(StoredHtml, db.Model):
    """A short status text a project publishes to the circle (and maybe the reference group)."""

    markdown_fields = ("body",)

    __tablename__ = "project_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = html_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while a draft; drafts never leave the circle's staff.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    shared_with_reference: Mapped[bool] = mapped_column(Boolean, default=False)

    author: Mapped[Member | None] = relationship()

    @property
    def is_published(self) -> bool:
        """Return whether the update has been published."""
        return self.published_at is not None
