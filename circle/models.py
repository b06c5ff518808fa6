"""Core models: members, circles, units, service sites, phases, memberships, audit log."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from circle.extensions import db
from circle.identity import exempt
from circle.rendered import StoredHtml, html_column


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(db.TypeDecorator):  # type: ignore[name-defined]
    """A timestamp stored as UTC and always returned timezone-aware (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def new_token() -> str:
    """Return a fresh random token for session identifiers and feed URLs."""
    return secrets.token_urlsafe(32)


class Role(enum.StrEnum):
    """A member's role in one circle."""

    LEADER = "leader"
    PARTICIPANT = "participant"
    REFERENCE = "reference"
    UNIT_LEADER = "unit_leader"


class UnitKind(enum.StrEnum):
    """Whether a unit is a city district or a municipality."""

    BYDEL = "bydel"
    KOMMUNE = "kommune"


class SiteKind(enum.StrEnum):
    """The kind of service site inside a unit."""

    BARNEVERN = "barnevern"
    NAV = "nav"
    INSTITUTION = "institution"
    OTHER = "other"


class PhaseKind(enum.StrEnum):
    """The phases of a research circle."""

    OPENING = "opening"
    PROJECT = "project"
    CLOSING = "closing"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class Member(db.Model):
    """A person with an account on the site."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str | None] = mapped_column(
        String(255), info=exempt("argon2id hash of the password")
    )
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Rotated on logout, password change and deactivation so old cookies stop working.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_token, info=exempt("random token (new_token)")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        """Return whether the member may sign in."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """Return True: anonymous users are a different class."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Return False: this is a real member."""
        return False

    def get_id(self) -> str:
        """Return the rotating session token, not the primary key."""
        return self.session_token

    def rotate_session_token(self) -> None:
        """End every existing session and remember cookie of this member."""
        self.session_token = new_token()

    def __repr__(self) -> str:
        return f"<Member {self.id}>"


class Circle(StoredHtml, db.Model):
    """A research circle."""

    markdown_fields = ("description",)

    __tablename__ = "circle"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str | None] = html_column()
    institution: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[Unit]] = relationship(
        back_populates="circle", cascade="all, delete-orphan", order_by="Unit.name"
    )
    phases: Mapped[list[Phase]] = relationship(
        back_populates="circle", cascade="all, delete-orphan", order_by="Phase.starts_on"
    )
    questions: Mapped[list[MainQuestion]] = relationship(
        back_populates="circle", cascade="all, delete-orphan", order_by="MainQuestion.position"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="circle", cascade="all, delete-orphan"
    )

    def current_phase(self, today: date) -> Phase | None:
        """Return the phase that contains the given day, if any."""
        for phase in self.phases:
            if phase.starts_on <= today <= phase.ends_on:
                return phase
        return None


class Unit(db.Model):
    """A city district (bydel) or municipality (kommune) taking part in a circle."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("circle_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, "unit_kind"), default=UnitKind.BYDEL)

    circle: Mapped[Circle] = relationship(back_populates="units")
    sites: Mapped[list[ServiceSite]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="ServiceSite.name"
    )


class ServiceSite(db.Model):
    """A service site (child welfare service, NAV office, institution) within a unit."""

    __tablename__ = "service_site"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[SiteKind] = mapped_column(_enum(SiteKind, "site_kind"), default=SiteKind.OTHER)

    unit: Mapped[Unit] = relationship(back_populates="sites")


class Phase(db.Model):
    """A dated phase of a circle."""

    __tablename__ = "phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    kind: Mapped[PhaseKind] = mapped_column(_enum(PhaseKind, "phase_kind"))
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    circle: Mapped[Circle] = relationship(back_populates="phases")


class MainQuestion(db.Model):
    """One of the circle's main questions (problemstillinger)."""

    __tablename__ = "main_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    circle: Mapped[Circle] = relationship(back_populates="questions")


class Membership(db.Model):
    """A member's role in a circle, with unit, service site or organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("member_id", "circle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    service_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_site.id", ondelete="SET NULL")
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="memberships")
    circle: Mapped[Circle] = relationship(back_populates="memberships")
    unit: Mapped[Unit | None] = relationship()
    service_site: Mapped[ServiceSite | None] = relationship()


class Invitation(db.Model):
    """An e-mailed invitation to join a circle with a role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    service_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_site.id", ondelete="SET NULL")
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Only a hash of the token is stored: a database leak must not yield usable links.
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, info=exempt("sha256 hex digest of the invitation token")
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circle: Mapped[Circle] = relationship()
    unit: Mapped[Unit | None] = relationship()
    service_site: Mapped[ServiceSite | None] = relationship()
    invited_by: Mapped[Member | None] = relationship()

    def status(self, now: datetime) -> str:
        """Return pending, accepted, revoked or expired."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class AuditEvent(db.Model):
    """A security-relevant event: sign-in failures, role changes, approvals."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(45), default="", index=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    # What a rate limit counts besides the client address (e.g. the e-mail address asked for),
    # as a keyed hash: the log never holds the address someone typed.
    key_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, info=exempt("keyed hash (HMAC-SHA256 hex) for rate limits")
    )

    actor: Mapped[Member | None] = relationship()


__all__ = [
    "AuditEvent",
    "Circle",
    "Invitation",
    "StoredFile",
    "MainQuestion",
    "Member",
    "Membership",
    "Phase",
    "PhaseKind",
    "Role",
    "ServiceSite",
    "SiteKind",
    "Unit",
    "UnitKind",
    "utcnow",
]


class FileState(enum.StrEnum):
    """Where an uploaded file stands: read in the background, then ready or refused."""

    PROCESSING = "processing"  # stored as pending; its reading job has not finished
    READY = "ready"  # read in full, scanned and published
    REFUSED = "refused"  # its bytes are gone; `refusal` says why, to the uploader


class StoredFile(db.Model):
    """An uploaded file, kept in storage under a random key; the original name only in here."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(
        String(64), unique=True, info=exempt("random storage key (uuid4 hex)")
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(
        String(120), info=exempt("content type from the list of accepted types")
    )
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(
        String(64), index=True, info=exempt("sha256 hex digest of the file")
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[FileState] = mapped_column(
        _enum(FileState, "file_state"),
        default=FileState.READY,
        server_default=FileState.READY.value,
    )
    # Which area reads it when it arrives (a key of the file consumers in circle.hooks).
    purpose: Mapped[str] = mapped_column(String(40), default="", server_default="")
    refusal: Mapped[str | None] = mapped_column(Text)

    uploaded_by: Mapped[Member | None] = relationship()
