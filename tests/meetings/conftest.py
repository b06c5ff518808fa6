"""Fixtures for the meetings tests: a circle with people in every role, and a meeting factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from circle.models import Circle, Member, Role, utcnow
from meetings.models import Meeting, MeetingKind


@dataclass
class People:
    """A circle and one or two members per role."""

    circle: Circle
    leader: Member
    leader2: Member
    participant: Member
    participant2: Member
    reference: Member
    unit_leader: Member
    other_circle: Circle
    other_leader: Member


@pytest.fixture
def people(make_circle, make_member) -> People:  # noqa: ANN001
    """A circle with two leaders, two participants, a reference member and a unit leader."""
    circle = make_circle()
    other = make_circle()
    unit = circle.units[0]
    return People(
        circle=circle,
        leader=make_member("Lea Leder", circle=circle, role=Role.LEADER),
        leader2=make_member("Leif Leder", circle=circle, role=Role.LEADER),
        participant=make_member("Pia Deltaker", circle=circle, role=Role.PARTICIPANT, unit=unit),
        participant2=make_member("Per Deltaker", circle=circle, role=Role.PARTICIPANT, unit=unit),
        reference=make_member(
            "Rita Referanse", circle=circle, role=Role.REFERENCE, organisation="Bufdir"
        ),
        unit_leader=make_member("Ulf Enhetsleder", circle=circle, role=Role.UNIT_LEADER, unit=unit),
        other_circle=other,
        other_leader=make_member("Olga Annen", circle=other, role=Role.LEADER),
    )


def at(days: float, hour: int = 9) -> datetime:
    """Return a UTC time `days` from now at the given hour."""
    base = utcnow().replace(hour=hour, minute=0, second=0, microsecond=0)
    return (base + timedelta(days=days)).astimezone(UTC)


@pytest.fixture
def make_meeting(session, people) -> Callable[..., Meeting]:  # noqa: ANN001
    """Return a factory creating a meeting through the service (agenda from the template)."""
    from meetings.services.meetings import create_meeting

    def make(
        days: float = 10,
        *,
        kind: MeetingKind = MeetingKind.CIRCLE,
        title: str = "Sirkelmøte",
        hours: float = 3,
        circle: Circle | None = None,
        actor: Member | None = None,
        commit: bool = True,
        **extra: Any,
    ) -> Meeting:
        starts = at(days)
        meeting = create_meeting(
            session,
            circle or people.circle,
            actor=actor or people.leader,
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            place="Høgskolen",
            **extra,
        )
        if commit:
            session.commit()
        return meeting

    return make


@pytest.fixture
def held_meeting(session, people, make_meeting) -> Callable[..., Meeting]:  # noqa: ANN001
    """Return a factory for a past meeting with attendance and saved draft minutes."""
    from meetings.services.attendance import record_attendance
    from meetings.services.minutes import ItemContent, save_minutes

    def make(days: float = -3, notes: str = "Notater fra møtet.", **kwargs: Any) -> Meeting:
        meeting = make_meeting(days, **kwargs)
        record_attendance(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            statuses={
                people.leader.id: "present",
                people.participant.id: "present",
                people.participant2.id: "excused",
                people.leader2.id: "present",
            },
        )
        first = meeting.items[0]
        save_minutes(
            session,
            meeting,
            people.circle,
            actor=people.leader,
            expected_version=0,
            content={first.id: ItemContent(notes, "Vedtatt.")},
            evaluation="Bra møte.",
        )
        session.commit()
        return meeting

    return make


@pytest.fixture
def login_as(client, login) -> Callable[[Member], None]:  # noqa: ANN001
    """Return a function that signs out whoever is signed in and signs in this member."""

    def switch(member: Member) -> None:
        client.post("/logout")
        response = login(member)
        assert response.status_code == 302

    return switch
