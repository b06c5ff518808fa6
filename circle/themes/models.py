"""Models for proposed themes, voting rounds and votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.models import Member, UTCDateTime, utcnow


class Theme(db.Model):
    """A theme proposed for the circle's work."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)

    proposed_by: Mapped[Member | None] = relationship()


class VoteRound(db.Model):
    """A dot-voting round on the circle's themes."""

    __tablename__ = "vote_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    votes_per_member: Mapped[int] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    votes: Mapped[list[ThemeVote]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Return whether votes may still be cast."""
        return self.closed_at is None


class ThemeVote(db.Model):
    """The dots one member put on one theme in one round."""

    __tablename__ = "theme_vote"
    __table_args__ = (
        UniqueConstraint("round_id", "theme_id", "member_id"),
        CheckConstraint("dots > 0", name="positive_dots"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("vote_round.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    dots: Mapped[int] = mapped_column(Integer)

    round: Mapped[VoteRound] = relationship(back_populates="votes")
