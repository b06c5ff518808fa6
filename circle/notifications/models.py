"""The notification: something new for a member, shown by the bell whatever area it comes from."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Circle, Member, UTCDateTime, utcnow

if TYPE_CHECKING:
    from circle.threads.models import Thread


class Notification(db.Model):
    """A notice to one member: a kind, what it is about (a subject), who did it, read or not.

    Thread notices also name the thread and post, so the bell can hide those a member no
    longer sees and an e-mail can link to the post; mailed_at is set when an e-mail covered
    the notice or none is due.
    """

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_unread", "member_id", "read_at"),
        Index("ix_notification_mail", "mailed_at", "member_id"),
        Index("ix_notification_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    subject_kind: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("thread_post.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle | None] = relationship()
    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped[Thread | None] = relationship("Thread")


class MutedNotificationKind(db.Model):
    """A kind of notification a member has chosen not to get."""

    __tablename__ = "notification_muted_kind"
    __table_args__ = (UniqueConstraint("member_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))


# Thread notices point at threads: make sure the Thread model is mapped whenever this one is
# (imported last, so either module may be imported first).
import circle.threads.models  # noqa: E402, F401
