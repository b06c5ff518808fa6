"""The audit log: sign-in failures, role changes, approvals and other security events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from circle.models import AuditEvent, Circle, Member


def record_event(
    session: Session,
    action: str,
    *,
    actor: Member | None = None,
    circle: Circle | None = None,
    ip: str = "",
    detail: str = "",
) -> AuditEvent:
    """Add an audit event; the detail must never carry passwords or user text."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        circle_id=circle.id if circle else None,
        ip=ip[:45],
        detail=detail[:500],
    )
    session.add(event)
    session.flush()
    return event


def recent_events(
    session: Session, *, circle: Circle | None = None, action: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    """Return the newest audit events, for one circle or the whole site."""
    stmt = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if circle is not None:
        stmt = stmt.where(AuditEvent.circle_id == circle.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.scalars(stmt))
