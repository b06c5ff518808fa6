"""Minutes, their revisions and approved versions, the review trail, and action items."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, Unit, UTCDateTime, _enum, utcnow
from circle.rendered import StoredHtml, html_column
from meetings.models.meeting import AgendaItem, Meeting


class MinutesState(enum.StrEnum):
    """The approval workflow of minutes."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    DISTRIBUTED = "distributed"


class CommentKind(enum.StrEnum):
    """A reviewer's remark, or a suggested correction of an item's notes."""

    COMMENT = "comment"
    CORRECTION = "correction"


class CommentStatus(enum.StrEnum):
    """The leader's decision on a review comment."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ActionStatus(enum.StrEnum):
    """Whether an action item is still to be done."""

    OPEN = "open"
    DONE = "done"


class Minutes(StoredHtml, db.Model):
    """The minutes of one meeting: a live draft plus frozen approved versions."""

    markdown_fields = ("evaluation",)

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    state: Mapped[MinutesState] = mapped_column(
        _enum(MinutesState, "minutes_state"), default=MinutesState.DRAFT
    )
    # Bumped on every save: a form carries the number it was loaded with (optimistic locking).
    edit_version: Mapped[int] = mapped_column(Integer, default=0)
    # Number of the latest approved version (0 until approved).
    approved_version: Mapped[int] = mapped_column(Integer, default=0)
    evaluation: Mapped[str] = mapped_column(Text, default="")
    evaluation_html: Mapped[str | None] = html_column()
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    # Set when the minutes were approved at a later meeting through its approval item.
    approved_at_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )
    distributed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="minutes", foreign_keys=[meeting_id])
    approved_by: Mapped[Member | None] = relationship(foreign_keys=[approved_by_id])
    approved_at_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[approved_at_meeting_id]
    )
    notes: Mapped[list[MinutesNote]] = relationship(cascade="all, delete-orphan")
    reviewers: Mapped[list[Reviewer]] = relationship(cascade="all, delete-orphan")
    comments: Mapped[list[ReviewComment]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewComment.id"
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="minutes", order_by="ActionItem.id"
    )

    @property
    def is_public(self) -> bool:
        """Return whether the minutes are approved (the whole circle may read them)."""
        return self.state in (MinutesState.APPROVED, MinutesState.DISTRIBUTED)


class MinutesNote(StoredHtml, db.Model):
    """Notes and the decision recorded under one agenda item."""

    markdown_fields = ("notes", "decision")

    __tablename__ = "minutes_note"
    __table_args__ = (UniqueConstraint("minutes_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str | None] = html_column()
    decision: Mapped[str] = mapped_column(Text, default="")
    decision_html: Mapped[str | None] = html_column()


class MinutesRevision(db.Model):
    """A saved state of the minutes (who, when), as text, for comparing revisions."""

    __tablename__ = "minutes_revision"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")
    snapshot: Mapped[str] = mapped_column(Text)

    author: Mapped[Member | None] = relationship()


class MinutesVersion(db.Model):
    """An approved, frozen version N of the minutes; N+1 comes from a correction."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[str] = mapped_column(Text)

    approved_by: Mapped[Member | None] = relationship()


class Reviewer(db.Model):
    """A member invited to review the minutes (those present at the meeting)."""

    __tablename__ = "minutes_reviewer"
    __table_args__ = (UniqueConstraint("minutes_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()


class ReviewComment(StoredHtml, db.Model):
    """A comment or suggested correction from a reviewer, and the leader's decision on it."""

    markdown_fields = ("body", "suggested_text")

    __tablename__ = "minutes_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    kind: Mapped[CommentKind] = mapped_column(_enum(CommentKind, "minutes_comment_kind"))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = html_column()
    suggested_text: Mapped[str] = mapped_column(Text, default="")
    suggested_text_html: Mapped[str | None] = html_column()
    status: Mapped[CommentStatus] = mapped_column(
        _enum(CommentStatus, "minutes_comment_status"), default=CommentStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(500), default="")

    author: Mapped[Member | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[Member | None] = relationship(foreign_keys=[decided_by_id])
    item: Mapped[AgendaItem | None] = relationship()


class Distribution(db.Model):
    """Who was sent which approved version of the minutes, and when."""

    __tablename__ = "minutes_distribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    correction: Mapped[bool] = mapped_column(default=False)

    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])


class ActionItem(db.Model):
    """A task agreed in a meeting: what, who, by when, and whether it is done."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        _enum(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="actions")
    owner: Mapped[Member | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        """Return whether the item is open past its due date."""
        return self.status == ActionStatus.OPEN and self.due_on is not None and self.due_on < today
