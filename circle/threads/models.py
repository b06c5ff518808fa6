"""Models for feedback threads, posts, status updates, following and notifications."""

from __future__ import annotations

import enum
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Circle, Member, UTCDateTime, _enum, utcnow
from circle.notifications.models import Notification
from circle.rendered import StoredHtml, html_column
from circle.text import render_markdown

# Thread notices are the core's notifications (kept importable from here for thread code).
__all__ = ["Notification"]


class Audience(enum.StrEnum):
    """Who a thread is for."""

    CIRCLE = "circle"  # leaders and participants
    REFERENCE = "reference"  # the circle, its reference group and the unit leaders
    LEADERS = "leaders"  # circle leaders only


class ThreadState(enum.StrEnum):
    """Where a thread is in its life."""

    OPEN = "open"
    RESOLVED = "resolved"  # answered: a leader recorded how the input was used
    CLOSED = "closed"


class ThreadKind(enum.StrEnum):
    """What a thread is about."""

    DISCUSSION = "discussion"  # free-standing
    CONSULTATION = "consultation"  # a question with a deadline on which input is asked
    SUBJECT = "subject"  # attached to an object of some area through the subject registry


class MailMode(enum.StrEnum):
    """How a member wants e-mail about a circle's threads."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class NoticeKind(enum.StrEnum):
    """Why a thread notification was made (its kind in the core's notifications)."""

    NEW_THREAD = "new_thread"
    POST = "post"
    REPLY = "reply"
    MENTION = "mention"
    RESOLVED = "resolved"


class Thread(StoredHtml, db.Model):
    """A feedback thread in a circle, for one audience."""

    markdown_fields = ("resolution",)

    __tablename__ = "thread"
    __table_args__ = (Index("ix_thread_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ThreadKind] = mapped_column(_enum(ThreadKind, "thread_kind"))
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "thread_audience"))
    state: Mapped[ThreadState] = mapped_column(
        _enum(ThreadState, "thread_state"), default=ThreadState.OPEN
    )
    title: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[date | None] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(200), default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolution_html: Mapped[str | None] = html_column()
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept up to date by the post services so lists need no per-thread counting.
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    title_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle] = relationship()
    created_by: Mapped[Member | None] = relationship(foreign_keys=[created_by_id])
    resolved_by: Mapped[Member | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def accepts_posts(self) -> bool:
        """Return whether new posts may be written (not locked, not closed)."""
        return not self.locked and self.state != ThreadState.CLOSED


class Post(db.Model):
    """A post in a thread: the opening post (depth 0) or a reply (depth 1 to 3)."""

    __tablename__ = "thread_post"
    # Counting a member's unread posts ranges over (thread, id) from their last visit instead
    # of reading every post of the thread (100 ms at 14,000 posts a thread without it).
    # A long thread's pages start from a window of its replies to the opening post (depth 1).
    __table_args__ = (
        Index("ix_thread_post_thread_id_id", "thread_id", "id"),
        Index("ix_thread_post_thread_id_depth_id", "thread_id", "depth", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread_post.id", ondelete="SET NULL"), index=True
    )
    # The post actually answered; differs from parent when nesting stops at level three.
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread_post.id", ondelete="SET NULL")
    )
    depth: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    # The body rendered by the shared pipeline when it was saved (kept in step by the
    # "set" listener below), so a 500-post thread renders without any Markdown work.
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    thread: Mapped[Thread] = relationship()
    author: Mapped[Member | None] = relationship(foreign_keys=[author_id])

    @property
    def is_opening(self) -> bool:
        """Return whether this is the thread's opening post."""
        return self.depth == 0

    @property
    def html(self) -> Markup:
        """Return the post as HTML: the pipeline's output stored at save time."""
        return Markup(self.body_html)  # noqa: S704 (sanitised by circle.text when saved)


@event.listens_for(Post.body, "set")
def _render_body(target: Post, value: str | None, _old: object, _initiator: object) -> None:
    """Render the body through the shared pipeline whenever it is set."""
    target.body_html = str(render_markdown(value)) if value else ""


class PostRevision(db.Model):
    """An earlier version of an edited post (seen by its author and the circle's leaders)."""

    __tablename__ = "thread_post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("thread_post.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevisionTarget(enum.StrEnum):
    """What an earlier text version belongs to (posts keep theirs in PostRevision)."""

    THREAD = "thread"  # the thread's title
    STATUS = "status"  # a status update's title and text


class TextRevision(db.Model):
    """An earlier title (and text) of a thread or status update, kept when it is edited."""

    __tablename__ = "thread_text_revision"
    __table_args__ = (Index("ix_thread_text_revision_target", "target", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[RevisionTarget] = mapped_column(_enum(RevisionTarget, "revision_target"))
    target_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[Member | None] = relationship()


class PostMention(db.Model):
    """A member mentioned in a post."""

    __tablename__ = "thread_post_mention"
    __table_args__ = (UniqueConstraint("post_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("thread_post.id", ondelete="CASCADE"))
    # Denormalised so a thread's mentions load in one query whatever its size.
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))

    member: Mapped[Member] = relationship()


class PostReport(db.Model):
    """A member's report of a post to the circle's leaders."""

    __tablename__ = "thread_post_report"
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("thread_post.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()
    reporter: Mapped[Member] = relationship()


class StatusUpdate(StoredHtml, db.Model):
    """A status update the leaders write for the reference group."""

    markdown_fields = ("body",)

    __tablename__ = "status_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = html_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle] = relationship()
    author: Mapped[Member | None] = relationship()
    links: Mapped[list[StatusLink]] = relationship(
        cascade="all, delete-orphan", order_by="StatusLink.position"
    )


class StatusLink(db.Model):
    """A link from a status update to a shared object (approved minutes, a project update)."""

    __tablename__ = "status_link"
    __table_args__ = (UniqueConstraint("status_id", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("status_update.id", ondelete="CASCADE"))
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ThreadFollow(db.Model):
    """A member following a thread."""

    __tablename__ = "thread_follow"
    __table_args__ = (UniqueConstraint("thread_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadVisit(db.Model):
    """How far a member has read a thread: posts with a higher id are new to them."""

    __tablename__ = "thread_visit"
    __table_args__ = (UniqueConstraint("thread_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    last_seen_post_id: Mapped[int] = mapped_column(Integer, default=0)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationSetting(db.Model):
    """A member's e-mail choice: circle_id None is the default, a circle's row overrides it."""

    __tablename__ = "notification_setting"
    __table_args__ = (UniqueConstraint("member_id", "circle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    mode: Mapped[MailMode] = mapped_column(_enum(MailMode, "mail_mode"))


class DigestRecord(db.Model):
    """A daily digest sent to a member: at most one per member and day (Europe/Oslo)."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("member_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    items: Mapped[int] = mapped_column(Integer, default=0)
