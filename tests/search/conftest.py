"""A circle that shares something of every kind, and things it must never show in search.

Unique words mark each thing: a test searches for a word and checks who finds it. The
`shared` words are also in places some members may not see (a leaders-only thread, another
circle's minutes), so a leak shows up as an extra hit or count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from circle.models import Circle, Member, Role, utcnow
from circle.threads.models import Audience, Post, Thread
from meetings.models import Meeting, MeetingKind
from projects.models import ProgressUpdate, Project, ProjectStatus


@dataclass
class World:
    """The circle, its people, and the rows the tests search for."""

    circle: Circle
    other: Circle
    leader: Member
    participant: Member
    reference: Member
    unit_leader: Member
    other_leader: Member
    approved: Meeting
    draft: Meeting
    review: Meeting
    other_approved: Meeting
    leaders_thread: Thread
    reference_thread: Thread
    deleted_post: Post
    project: Project
    shared_update: ProgressUpdate
    draft_update: ProgressUpdate


def _held(  # noqa: PLR0913
    session,  # noqa: ANN001
    circle: Circle,
    leader: Member,
    title: str,
    notes: str,
    decision: str,
    present: Member,
) -> Meeting:
    from meetings.services.attendance import record_attendance
    from meetings.services.meetings import create_meeting
    from meetings.services.minutes import ItemContent, save_minutes

    starts = (utcnow() - timedelta(days=3)).replace(microsecond=0)
    meeting = create_meeting(
        session,
        circle,
        actor=leader,
        kind=MeetingKind.CIRCLE,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Høgskolen",
    )
    session.flush()
    record_attendance(
        session,
        meeting,
        circle,
        actor=leader,
        statuses={leader.id: "present", present.id: "present"},
    )
    save_minutes(
        session,
        meeting,
        circle,
        actor=leader,
        expected_version=0,
        content={meeting.items[0].id: ItemContent(notes, decision)},
        evaluation="",
    )
    session.commit()
    return meeting


def _approve(session, meeting: Meeting, circle: Circle, leader: Member) -> None:  # noqa: ANN001
    from meetings.services.workflow import approve_minutes, send_for_review

    send_for_review(session, meeting, circle, actor=leader, deadline=utcnow() + timedelta(days=5))
    approve_minutes(session, meeting, circle, actor=leader)
    session.commit()


def build_world(session, make_circle, make_member) -> World:  # noqa: ANN001
    """Create the circle and its content through the areas' services, committed."""
    from circle.threads.services.posts import add_post, delete_post
    from circle.threads.services.threads import create_thread
    from meetings.services.workflow import send_for_review
    from projects.services.plan import post_update
    from projects.services.projects import ProjectData, create_project

    circle, other = make_circle(), make_circle()
    unit = circle.units[0]
    leader = make_member("Lea Leder", circle=circle, role=Role.LEADER)
    participant = make_member("Pia Deltaker", circle=circle, role=Role.PARTICIPANT, unit=unit)
    reference = make_member(
        "Rita Referanse", circle=circle, role=Role.REFERENCE, organisation="Bufdir"
    )
    unit_leader = make_member("Ulf Enhetsleder", circle=circle, role=Role.UNIT_LEADER, unit=unit)
    other_leader = make_member("Olga Annen", circle=other, role=Role.LEADER)
    other_member = make_member("Otto Annen", circle=other, role=Role.PARTICIPANT)

    approved = _held(
        session,
        circle,
        leader,
        "Sirkelmøte mars",
        "Vi drøftet ettervernet.",
        "Sirkelen vedtok kvalitetsløftet for ettervern.",
        participant,
    )
    _approve(session, approved, circle, leader)
    draft = _held(
        session,
        circle,
        leader,
        "Sirkelmøte april",
        "Utkastnotat om hemmeligsak.",
        "Ikke vedtatt ennå.",
        participant,
    )
    review = _held(
        session,
        circle,
        leader,
        "Sirkelmøte mai",
        "Gjennomgangsnotat om vurderingssak.",
        "Til gjennomsyn.",
        participant,
    )
    send_for_review(session, review, circle, actor=leader, deadline=utcnow() + timedelta(days=5))
    session.commit()
    other_approved = _held(
        session,
        other,
        other_leader,
        "Annen sirkel",
        "Fremmed notat.",
        "Den andre sirkelen vedtok kvalitetsløftet også.",
        other_member,
    )
    _approve(session, other_approved, other, other_leader)

    leaders_thread = create_thread(
        session,
        circle,
        actor=leader,
        title="Ledernes drøfting",
        body="Lederne vurderer kvalitetsløftet internt.",
        audience=Audience.LEADERS,
    )
    reference_thread = create_thread(
        session,
        circle,
        actor=leader,
        title="Spørsmål til referansegruppen",
        body="Hva mener dere om kvalitetsløftet og bostøtten?",
        audience=Audience.REFERENCE,
    )
    session.flush()
    gone = add_post(
        session, reference_thread, actor=participant, body="Angret innlegg om tilbaketrekning."
    )
    session.flush()
    delete_post(session, gone, actor=participant)

    project = create_project(
        session,
        circle,
        ProjectData(
            title="Overgangsprosjektet",
            unit_id=unit.id,
            status=ProjectStatus.ACTIVE,
            status_reason="",
            member_ids=[participant.id],
            summary="Arbeidsrommet beskriver losjementordningen.",
        ),
        actor=leader,
    )
    session.flush()
    shared_update = post_update(
        session,
        circle,
        project,
        actor=participant,
        body="Framdrift: boligveiledningen er i gang.",
        publish=True,
        share_with_reference=True,
    )
    draft_update = post_update(
        session,
        circle,
        project,
        actor=participant,
        body="Kladd om ventelisteproblemet.",
        publish=False,
    )
    session.commit()
    return World(
        circle,
        other,
        leader,
        participant,
        reference,
        unit_leader,
        other_leader,
        approved,
        draft,
        review,
        other_approved,
        leaders_thread,
        reference_thread,
        gone,
        project,
        shared_update,
        draft_update,
    )


@pytest.fixture
def world(session, make_circle, make_member) -> World:  # noqa: ANN001
    """The shared world (jobs run eagerly, so the site index holds it once built)."""
    return build_world(session, make_circle, make_member)


@pytest.fixture
def find(app, session):  # noqa: ANN001, ANN201
    """Return find(member, circle, text, kind=None) -> SiteResults through the real service."""
    from circle.search.index import site_results

    def run(member: Member, circle: Circle, text: str, kind: str | None = None):  # noqa: ANN202
        with app.test_request_context("/"):
            return site_results(session, app, member=member, circle=circle, text=text, kind=kind)

    return run
