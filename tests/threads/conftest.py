"""Fixtures for the threads tests: a circle with one member per role and a test subject kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from circle.models import Role
from circle.threads.subjects import Subject, register_subject_kind

ALL_ROLES = frozenset({"leader", "participant", "reference", "unit_leader"})
STAFF = frozenset({"leader", "participant"})


@dataclass
class Doc:
    """A stand-in for another area's object (approved minutes, a project update)."""

    circle_id: int | None
    title: str
    audience_ok: frozenset[str] = ALL_ROLES
    shareable: bool = True  # False: a draft, which must not resolve


@pytest.fixture
def docs(app) -> dict[int, Doc]:  # noqa: ANN001
    """Register the subject kind "testdoc" backed by this dict of documents."""
    store: dict[int, Doc] = {}

    def resolve(session: Any, doc_id: int) -> Subject | None:
        doc = store.get(doc_id)
        if doc is None or not doc.shareable:
            return None
        return Subject(
            kind="testdoc",
            id=doc_id,
            circle_id=doc.circle_id,
            title=doc.title,
            url=f"/docs/{doc_id}",
            audience_ok=doc.audience_ok,
        )

    register_subject_kind(app, "testdoc", resolve)
    return store


@dataclass
class People:
    """A circle, another circle, and one member per role."""

    circle: Any
    other: Any
    leader: Any
    participant: Any
    participant2: Any
    reference: Any
    unit_leader: Any
    admin: Any
    outsider: Any  # a participant of the other circle only


@pytest.fixture
def people(make_circle, make_member) -> People:  # noqa: ANN001
    """Create two circles and members in every role."""
    circle = make_circle(slug="egen")
    other = make_circle(slug="annen")
    return People(
        circle=circle,
        other=other,
        leader=make_member("Lise Leder", circle=circle, role=Role.LEADER),
        participant=make_member("Per Deltaker", circle=circle, role=Role.PARTICIPANT),
        participant2=make_member("Pia Deltaker", circle=circle, role=Role.PARTICIPANT),
        reference=make_member("Rita Referanse", circle=circle, role=Role.REFERENCE),
        unit_leader=make_member("Ulf Enhetsleder", circle=circle, role=Role.UNIT_LEADER),
        admin=make_member("Ada Admin", admin=True),
        outsider=make_member("Otto Utenfor", circle=other, role=Role.PARTICIPANT),
    )


def lookup_for(app, session):  # noqa: ANN001, ANN201
    """Return a subject lookup bound to the app's registry (no request needed)."""
    from circle.threads.subjects import resolve_subject

    return lambda kind, id: resolve_subject(app, session, kind, id)  # noqa: A006


@pytest.fixture
def login(app, client):  # noqa: ANN001, ANN201
    """Sign a member in by setting the session (the real form is tested by the core's tests;
    hashing a password per sign-in would make this area's tests several times slower)."""
    from sqlalchemy import select

    from circle.extensions import db
    from circle.models import Member

    def do_login(member, **_kw):  # noqa: ANN001, ANN202
        with app.app_context(), db.engine.connect() as conn:
            token = conn.scalar(select(Member.session_token).where(Member.id == member.id))
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True

    return do_login
