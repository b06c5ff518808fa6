"""Meetings, their agendas, the circle's agenda template, answers, attendance and feed tokens."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.identity import exempt
from circle.models import (
    Circle,
    Member,
    StoredFile,
    Unit,
    UTCDateTime,
    _enum,
    new_token,
    utcnow,
)
from circle.rendered import StoredHtml, html_column

if TYPE_CHECKING:
    from meetings.models.minutes import Minutes


class MeetingKind(enum.StrEnum):
    """Circle meeting, reference-group meeting or seminar (mid-term, two-day closing)."""

    CIRCLE = "circle"
    REFERENCE = "reference"
    SEMINAR = "seminar"


class ItemKind(enum.StrEnum):
    """What an agenda item is for."""

    INFORMATION = "information"
    DISCUSSION = "discussion"
    DECISION = "decision"
    PRESENTATION = "presentation"


class ItemOrigin(enum.StrEnum):
    """Where an agenda item came from when the meeting was created."""

    MANUAL = "manual"
    TEMPLATE = "template"
    APPROVAL = "approval"  # approval of the previous meeting's minutes
    POSTPONED = "postponed"  # carried forward from the previous meeting
    ACTIONS = "actions"  # review of open action items


class RsvpAnswer(enum.StrEnum):
    """A member's answer to an invitation."""

    ATTENDING = "attending"
    ABSENT = "absent"


class AttendanceStatus(enum.StrEnum):
    """Whether a member was at the meeting."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


def _uid() -> str:
    return uuid.uuid4().hex


class Meeting(db.Model):
    """A meeting of a circle (or of its reference group), stored in UTC."""

    __tablename__ = "meeting"
    # Two leaders creating meetings at once must not get the same number (see create_meeting).
    __table_args__ = (UniqueConstraint("circle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    host_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    theme: Mapped[str] = mapped_column(String(200), default="")
    # Stable across edits so calendar apps update the event instead of adding a new one.
    ical_uid: Mapped[str] = mapped_column(
        String(64), unique=True, default=_uid, info=exempt("random calendar UID")
    )
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    invitation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A cancelled meeting is kept (and marked); only one that never left draft is deleted.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL")
    )
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Where and when the meeting was before it was last moved (shown on its pages).
    moved_from_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moved_from_place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    changed_since_notice: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    circle: Mapped[Circle] = relationship()
    host_unit: Mapped[Unit | None] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id",
    )
    minutes: Mapped[Minutes | None] = relationship(
        back_populates="meeting",
        uselist=False,
        cascade="all, delete-orphan",
        foreign_keys="Minutes.meeting_id",
    )
    rsvps: Mapped[list[Rsvp]] = relationship(cascade="all, delete-orphan")
    attendance: Mapped[list[Attendance]] = relationship(cascade="all, delete-orphan")

    @property
    def cancelled(self) -> bool:
        """Return whether the meeting was cancelled."""
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<Meeting {self.id} #{self.number}>"


class AgendaItem(StoredHtml, db.Model):
    """One item on a meeting's agenda; sub-items hang one level below a top item."""

    markdown_fields = ("description", "preparation")

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind, "agenda_item_kind"))
    origin: Mapped[ItemOrigin] = mapped_column(
        _enum(ItemOrigin, "agenda_item_origin"), default=ItemOrigin.MANUAL
    )
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str] = mapped_column(String(120), default="")
    minutes_planned: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str | None] = html_column()
    preparation: Mapped[str] = mapped_column(Text, default="")
    preparation_html: Mapped[str | None] = html_column()
    # Decided in the meeting, recorded with the minutes: the item comes back next time.
    postponed: Mapped[bool] = mapped_column(default=False)
    postponed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    approves_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    postponed_from: Mapped[AgendaItem | None] = relationship(
        remote_side="AgendaItem.id", foreign_keys=[postponed_from_id]
    )
    approves_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[approves_meeting_id])
    readings: Mapped[list[AgendaReading]] = relationship(
        cascade="all, delete-orphan", order_by="AgendaReading.position"
    )


class AgendaReading(db.Model):
    """Pre-reading for an agenda item: a title and a link (later: a report in the library)."""

    __tablename__ = "agenda_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500), default="")
    # Set when the link points at a report in the library (see meetings/readings.py); no
    # foreign key here so this area does not depend on the library's tables.
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)


class AgendaTemplateItem(db.Model):
    """One item of a circle's standard agenda."""

    __tablename__ = "agenda_template_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind, "agenda_item_kind"))
    title: Mapped[str] = mapped_column(String(200))
    minutes_planned: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")


class MeetingNotice(db.Model):
    """A record of an invitation (or a change notice) sent for a meeting."""

    __tablename__ = "meeting_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    changed: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class Rsvp(db.Model):
    """A member's answer to a meeting invitation (forfall with an optional message)."""

    __tablename__ = "meeting_rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    answer: Mapped[RsvpAnswer] = mapped_column(_enum(RsvpAnswer, "rsvp_answer"))
    message: Mapped[str] = mapped_column(String(500), default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship()


class Attendance(db.Model):
    """Whether a member was present; the unit is kept as it was on the day."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, "attendance_status"))

    member: Mapped[Member] = relationship()
    unit: Mapped[Unit | None] = relationship()


class FeedToken(db.Model):
    """The secret in a member's calendar-feed URL; renewing it kills the old URL."""

    __tablename__ = "meeting_feed_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_token, info=exempt("random token (new_token)")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()


class MeetingSettings(db.Model):
    """A circle's meeting settings: how many days before a meeting the reminder goes out."""

    __tablename__ = "meeting_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), unique=True)
    reminder_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")


class ReminderSent(db.Model):
    """One reminder sent to one member; the unique key makes a second run send nothing."""

    __tablename__ = "meeting_reminder_sent"
    __table_args__ = (UniqueConstraint("key", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "meeting:12:2026-12-04T08:00" (a moved meeting is reminded again at its new time)
    key: Mapped[str] = mapped_column(String(120), info=exempt("built from ids and times"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Material(db.Model):
    """A file (slides, a handout) attached to an agenda item or to the minutes of a meeting."""

    __tablename__ = "meeting_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    # None: attached to the minutes; otherwise to this agenda item.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A withdrawn material is gone for everyone but the leaders, who keep the file.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stored_file: Mapped[StoredFile] = relationship()
    uploaded_by: Mapped[Member | None] = relationship()
