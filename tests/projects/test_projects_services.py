"""Services: creating and editing projects, members, bad input, the overview's visibility."""

from __future__ import annotations

from datetime import date

import pytest

from circle.errors import DomainError, NotAllowed
from projects.models import Project, ProjectStatus
from projects.services import plan
from projects.services.projects import (
    ProjectData,
    create_project,
    overview,
    set_writeup_shared,
    update_project,
)
from tests.projects.conftest import FNR


def _data(people, **kw) -> ProjectData:  # noqa: ANN001
    base = {
        "title": "Felles sluttrapport",
        "unit_id": people.unit.id,
        "member_ids": [people.writer.id],
    }
    base.update(kw)
    return ProjectData(**base)


def test_create_project_with_unit_members_and_invited_colleague(session, people) -> None:  # noqa: ANN001
    data = _data(
        people,
        member_ids=[people.writer.id, people.colleague.id],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 1),
    )
    project = create_project(session, people.circle, data, actor=people.leader)
    session.commit()
    invited = {pm.member_id: pm.invited for pm in project.members}
    assert invited == {people.writer.id: False, people.colleague.id: True}
    assert project.status == ProjectStatus.PLANNED


def test_participant_who_creates_a_project_becomes_a_member(session, people) -> None:  # noqa: ANN001
    project = create_project(
        session, people.circle, _data(people, member_ids=[]), actor=people.writer
    )
    assert project.member_ids() == {people.writer.id}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit_id": None}, "enhet"),
        ({"title": "  "}, "tittel"),
        ({"starts_on": date(2026, 5, 1), "ends_on": date(2026, 4, 1)}, "Sluttdatoen"),
        ({"status": ProjectStatus.DISCONTINUED, "status_reason": " "}, "avbrutt"),
        ({"summary": f"Gjelder {FNR}"}, "fødselsnummer"),
        ({"title": f"Sak {FNR[:6]} {FNR[6:]}"}, "fødselsnummer"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(session, people, change, message) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as excinfo:
        create_project(session, people.circle, _data(people, **change), actor=people.leader)
    assert message in str(excinfo.value.message)
    session.rollback()
    assert session.query(Project).count() == 0


def test_member_of_another_circle_is_refused(session, people) -> None:  # noqa: ANN001
    with pytest.raises(DomainError, match="ikke med i denne sirkelen"):
        create_project(
            session,
            people.circle,
            _data(people, member_ids=[people.writer.id, people.stranger.id]),
            actor=people.leader,
        )


def test_reference_group_member_cannot_be_a_project_member(session, people) -> None:  # noqa: ANN001
    with pytest.raises(DomainError, match="Referansegruppen"):
        create_project(
            session,
            people.circle,
            _data(people, member_ids=[people.reference.id]),
            actor=people.leader,
        )


def test_unit_of_another_circle_is_refused(session, people) -> None:  # noqa: ANN001
    foreign_unit = people.other_circle.units[0]
    with pytest.raises(DomainError, match="enhet"):
        create_project(
            session, people.circle, _data(people, unit_id=foreign_unit.id), actor=people.leader
        )


def test_reference_group_cannot_create(session, people) -> None:  # noqa: ANN001
    with pytest.raises(NotAllowed):
        create_project(session, people.circle, _data(people), actor=people.reference)


def test_only_members_and_leaders_edit(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(NotAllowed):
        update_project(
            session, people.circle, project, _data(people, title="Nytt"), actor=people.bystander
        )
    update_project(
        session, people.circle, project, _data(people, title="Nytt"), actor=people.writer
    )
    assert project.title == "Nytt"


def test_discontinued_keeps_reason_and_other_status_clears_it(
    session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    update_project(
        session,
        people.circle,
        project,
        _data(people, status=ProjectStatus.DISCONTINUED, status_reason="For stor arbeidsmengde"),
        actor=people.writer,
    )
    assert project.status_reason == "For stor arbeidsmengde"
    update_project(
        session,
        people.circle,
        project,
        _data(people, status=ProjectStatus.ACTIVE, status_reason="x"),
        actor=people.writer,
    )
    assert project.status_reason == ""


def test_overview_shows_staff_everything_and_the_informed_only_shared(
    session, people, make_project
) -> None:  # noqa: ANN001
    closed = make_project("Lukket")
    shared = make_project("Delt skriving")
    with_update = make_project("Delt status", unit=people.unit2, members=[people.colleague])
    set_writeup_shared(session, people.circle, shared, actor=people.writer, shared=True)
    plan.post_update(
        session,
        people.circle,
        with_update,
        actor=people.colleague,
        body="Ok",
        publish=True,
        share_with_reference=True,
    )
    plan.post_update(
        session,
        people.circle,
        closed,
        actor=people.writer,
        body="Internt",
        publish=True,
        share_with_reference=False,
    )
    session.commit()

    def titles(member) -> set[str]:  # noqa: ANN001
        return {
            pc.project.title
            for card in overview(session, people.circle, member)
            for pc in card.projects
        }

    assert titles(people.bystander) == {"Lukket", "Delt skriving", "Delt status"}
    assert titles(people.reference) == {"Delt skriving", "Delt status"}
    assert titles(people.unit_leader) == {"Delt skriving", "Delt status"}
    cards = overview(session, people.circle, people.leader)
    assert {c.unit.id for c in cards} == {people.unit.id, people.unit2.id}
