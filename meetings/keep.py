"""What a circle must keep: approved minutes and the distribution log are never deleted."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from circle.errors import Conflict

KEPT_STATES = ("approved", "distributed")


def _refuse_deleting_kept(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse, before anything is written, a flush that deletes what the circle must keep."""
    from meetings.models import Distribution, Meeting, Minutes

    meeting_ids = []
    for obj in session.deleted:
        if isinstance(obj, Distribution):
            raise Conflict(_l("Utsendelsesloggen for referater kan ikke slettes."))
        if isinstance(obj, Minutes) and obj.state.value in KEPT_STATES:
            raise Conflict(_l("Et godkjent referat kan ikke slettes."))
        if isinstance(obj, Meeting):
            meeting_ids.append(obj.id)
    if meeting_ids:
        # A meeting's minutes go with it through the database's cascade: look them up.
        kept = session.scalar(
            select(Minutes.id).where(
                Minutes.meeting_id.in_(meeting_ids), Minutes.state.in_(KEPT_STATES)
            )
        )
        if kept is not None:
            raise Conflict(_l("Et møte med godkjent referat kan ikke slettes."))


def _refuse_bulk_delete(state: ORMExecuteState) -> None:
    """Refuse a bulk DELETE of minutes or of the distribution log (it would skip the check)."""
    from meetings.models import Distribution, Minutes

    if state.is_delete and state.bind_mapper is not None:
        if state.bind_mapper.class_ in (Distribution, Minutes):
            raise Conflict(_l("Referater og utsendelsesloggen slettes ikke i bulk."))


def install_keep_guard() -> None:
    """Apply the guard to every session."""
    for name, listener in (
        ("before_flush", _refuse_deleting_kept),
        ("do_orm_execute", _refuse_bulk_delete),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
