"""Materials: slides and handouts attached to an agenda item or to the minutes.

Stored through circle.files (the type list, the identity guard on the name and, in the reading
job, on the content); listed once they are read. Who sees them follows the meeting (an item's
materials) or the minutes' state (the minutes' materials: drafts stay with the leaders).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from circle.audit import record_event
from circle.errors import Conflict, DomainError, NotAllowed
from circle.files import store_file
from circle.models import Circle, FileState, Member, StoredFile, utcnow
from circle.permissions import as_member, can_manage_circle
from circle.storage import Storage
from meetings.models import Material, Meeting
from meetings.permissions import (
    can_attach_to_item,
    can_attach_to_minutes,
    can_view_material,
    can_withdraw_material,
)
from meetings.services.common import guard_text

# The purpose meeting materials are stored with (their file consumer in circle.hooks).
MATERIALS = "meetings.material"
MAX_PER_MEETING = 100


def file_ready(session: Session, stored: StoredFile, document: object) -> None:
    """A material was read in full and holds nothing it may not: it is listed from now on."""


def file_refused(session: Session, stored: StoredFile, reason: str) -> None:
    """A refused material stays listed for its uploader and the leaders, with the reason."""


def attach_material(
    session: Session,
    meeting: Meeting,
    circle: Circle,
    *,
    actor: Member,
    storage: Storage,
    data: bytes,
    filename: str,
    item_id: int | None = None,
    locale: str = "nb",
) -> Material:
    """Attach a file to an agenda item (item_id) or to the minutes (None); the caller commits."""
    if item_id is not None:
        if not any(i.id == item_id for i in meeting.items):
            raise DomainError(_l("Punktet finnes ikke på denne dagsordenen."))
        if not can_attach_to_item(actor, meeting, circle):
            raise NotAllowed(_l("Bare de inviterte kan legge ved filer til punktene."))
    elif not can_attach_to_minutes(actor, meeting, circle):
        raise NotAllowed(_l("Bare ledere kan legge ved filer til et referat som ikke er godkjent."))
    count = len(list(session.scalars(select(Material.id).where(Material.meeting_id == meeting.id))))
    if count >= MAX_PER_MEETING:
        raise DomainError(_l("Møtet har nådd grensen for vedlegg."))
    guard_text(filename)
    stored = store_file(
        session,
        storage=storage,
        data=data,
        filename=filename,
        uploaded_by=actor,
        purpose=MATERIALS,
        locale=locale,
    )
    material = Material(
        meeting_id=meeting.id, item_id=item_id, stored_file_id=stored.id, uploaded_by_id=actor.id
    )
    session.add(material)
    session.flush()
    return material


@dataclass
class Materials:
    """A meeting's materials as one member may see them."""

    by_item: dict[int, list[Material]] = field(default_factory=lambda: defaultdict(list))
    minutes: list[Material] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.minutes) or any(self.by_item.values())


def _shown(member: Any, material: Material, circle: Circle) -> bool:
    if material.withdrawn_at is not None:
        return can_manage_circle(member, circle)  # the leaders keep it, marked withdrawn
    state = material.stored_file.state
    if state == FileState.READY:
        return True
    me = as_member(member)
    mine = me is not None and material.uploaded_by_id == me.id
    return mine or can_manage_circle(member, circle)


def visible_materials(session: Session, meeting: Meeting, circle: Circle, member: Any) -> Materials:
    """Return the materials the member may see: read ones, and their own or (leaders) pending
    or refused ones with the reason."""
    result = Materials()
    see_items = can_view_material(member, meeting, circle, on_minutes=False)
    see_minutes = can_view_material(member, meeting, circle, on_minutes=True)
    rows = session.scalars(
        select(Material)
        .where(Material.meeting_id == meeting.id)
        .options(joinedload(Material.stored_file), joinedload(Material.uploaded_by))
        .order_by(Material.created_at, Material.id)
    )
    for material in rows:
        if not _shown(member, material, circle):
            continue
        if material.item_id is None:
            if see_minutes:
                result.minutes.append(material)
        elif see_items:
            result.by_item[material.item_id].append(material)
    return result


def material_for_download(
    session: Session, meeting: Meeting, circle: Circle, member: Any, material_id: int
) -> Material | None:
    """Return a read material the member may download, or None."""
    material = session.get(Material, material_id)
    if material is None or material.meeting_id != meeting.id:
        return None
    if material.stored_file.state != FileState.READY or not _shown(member, material, circle):
        return None
    on_minutes = material.item_id is None
    return material if can_view_material(member, meeting, circle, on_minutes) else None


def withdraw_material(
    session: Session, meeting: Meeting, circle: Circle, material: Material, *, actor: Member
) -> None:
    """Withdraw a material: gone for everyone but the leaders, who keep the file."""
    if material.withdrawn_at is not None:
        raise Conflict(_l("Filen er allerede trukket tilbake."))
    if not can_withdraw_material(actor, material, meeting, circle):
        raise NotAllowed(
            _l(
                "Bare den som la ved filen, og sirkellederne kan trekke den tilbake; "
                "vedlegg til et godkjent referat bare lederne."
            )
        )
    material.withdrawn_at = utcnow()
    session.flush()
    record_event(
        session,
        "meeting.material_withdrawn",
        actor=actor,
        circle=circle,
        detail=f"meeting={meeting.id} material={material.id} file={material.stored_file_id}",
    )
