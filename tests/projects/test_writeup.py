"""The write-up: revisions, diffs, the concurrent-edit rule, readiness and the template."""

from __future__ import annotations

import re

import pytest

from circle.errors import DomainError, NotAllowed
from projects.models import ProjectSection, ProjectStatus, SectionRevision
from projects.services import writeup
from projects.services._common import StaleEdit
from tests.projects.conftest import FNR


def _save(session, people, project, key, body, base, actor=None):  # noqa: ANN001, ANN202
    section = writeup.save_section(
        session,
        people.circle,
        project,
        key,
        actor=actor or people.writer,
        body=body,
        base_revision=base,
    )
    session.commit()
    return section


def test_every_save_is_a_revision_with_author(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    _save(session, people, project, "background", "Første utkast.", 0)
    section = _save(
        session, people, project, "background", "Første utkast.\nMer.", 1, actor=people.leader
    )
    revisions = writeup.list_revisions(session, section)
    assert [(r.number, r.author_id) for r in revisions] == [
        (2, people.leader.id),
        (1, people.writer.id),
    ]
    assert section.revision_number == 2 and section.body == "Første utkast.\nMer."


def test_unchanged_text_makes_no_revision(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    _save(session, people, project, "goals", "Mål.", 0)
    section = _save(session, people, project, "goals", "Mål.", 1)
    assert section.revision_number == 1
    assert session.query(SectionRevision).count() == 1


def test_stale_save_is_refused_and_nothing_overwritten(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project(members=[people.writer, people.colleague])
    _save(session, people, project, "process", "Felles start.", 0)
    # Both open the editor at revision 1; the colleague saves first.
    _save(session, people, project, "process", "Kollegaens tekst.", 1, actor=people.colleague)
    with pytest.raises(StaleEdit) as excinfo:
        writeup.save_section(
            session,
            people.circle,
            project,
            "process",
            actor=people.writer,
            body="Min tekst.",
            base_revision=1,
        )
    session.rollback()
    assert excinfo.value.current_body == "Kollegaens tekst."
    assert excinfo.value.current_revision == 2
    assert excinfo.value.author_name == people.colleague.name
    section = writeup.get_section(session, project, "process")
    assert section.body == "Kollegaens tekst." and section.revision_number == 2
    # Saving again on the newer base is a deliberate choice and succeeds.
    _save(session, people, project, "process", "Min tekst.", 2)
    assert writeup.get_section(session, project, "process").revision_number == 3


def test_first_save_on_a_base_someone_already_used_is_stale(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    _save(session, people, project, "advice", "Råd.", 0)
    with pytest.raises(StaleEdit):
        writeup.save_section(
            session,
            people.circle,
            project,
            "advice",
            actor=people.writer,
            body="Andre råd.",
            base_revision=0,
        )


def test_identity_number_in_a_section_is_refused(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(DomainError, match="fødselsnummer"):
        writeup.save_section(
            session,
            people.circle,
            project,
            "background",
            actor=people.writer,
            body=f"Ungdommen ({FNR}) flyttet.",
            base_revision=0,
        )
    session.rollback()
    assert session.query(ProjectSection).count() == 0


def test_non_member_cannot_write(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(NotAllowed):
        writeup.save_section(
            session,
            people.circle,
            project,
            "background",
            actor=people.bystander,
            body="x",
            base_revision=0,
        )


def test_obstacles_section_only_for_discontinued_projects(session, people, make_project) -> None:  # noqa: ANN001
    active = make_project("Aktivt")
    stopped = make_project("Stoppet", status=ProjectStatus.DISCONTINUED, reason="Tid")
    with pytest.raises(DomainError):
        writeup.save_section(
            session,
            people.circle,
            active,
            "obstacles",
            actor=people.writer,
            body="x",
            base_revision=0,
        )
    session.rollback()
    _save(session, people, stopped, "obstacles", "Arbeidsmengden.", 0)


def test_ready_flags_and_whole_writeup(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(DomainError, match="tomt"):
        writeup.set_section_ready(
            session, people.circle, project, "goals", actor=people.writer, ready=True
        )
    session.rollback()
    _save(session, people, project, "goals", "Mål.", 0)
    writeup.set_section_ready(
        session, people.circle, project, "goals", actor=people.writer, ready=True
    )
    session.commit()
    assert writeup.get_section(session, project, "goals").ready
    with pytest.raises(DomainError, match="Bakgrunn"):
        writeup.mark_writeup_ready(session, people.circle, project, actor=people.writer)
    session.rollback()
    for key in ("background", "product", "preconditions", "process", "advice"):
        _save(session, people, project, key, f"Tekst for {key}.", 0)
    assert writeup.mark_writeup_ready(session, people.circle, project, actor=people.writer) == 6
    session.commit()
    assert all(s.ready for s in session.query(ProjectSection).filter_by(project_id=project.id))


def test_leaders_adjust_the_template(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    keys = [s.key for s in writeup.section_specs(session, people.circle)]
    assert keys[:3] == ["background", "goals", "product"]
    with pytest.raises(NotAllowed):
        writeup.update_spec(session, people.circle, "goals", actor=people.writer, heading="x")
    writeup.update_spec(
        session, people.circle, "goals", actor=people.leader, heading="Mål og målgruppe"
    )
    writeup.move_spec(session, people.circle, "goals", actor=people.leader, offset=-1)
    added = writeup.add_spec(
        session, people.circle, actor=people.leader, heading="Brukermedvirkning"
    )
    writeup.update_spec(
        session, people.circle, "advice", actor=people.leader, heading="Råd til andre", hidden=True
    )
    session.commit()
    specs = writeup.applicable_specs(writeup.section_specs(session, people.circle), project)
    assert [s.key for s in specs][:2] == ["goals", "background"]
    assert specs[0].heading == "Mål og målgruppe"
    assert specs[-1].key == added.key and "advice" not in [s.key for s in specs]
    with pytest.raises(DomainError):
        writeup.add_spec(session, people.circle, actor=people.leader, heading="brukermedvirkning")


# Views -----------------------------------------------------------------------------------------


def test_edit_section_view_saves_and_shows_history_diff(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}/sections/background"
    assert client.get(base).status_code == 200
    r = client.post(base, data={"body": "Linje en", "base_revision": "0"})
    assert r.status_code == 302
    client.post(base, data={"body": "Linje en\nLinje <to>", "base_revision": "1"})
    page = client.get(base + "/history?a=1&b=2").get_data(as_text=True)
    assert "Linje &lt;to&gt;" in page and "diff-added" in page
    assert client.get(base + "/history?a=1&b=7").status_code == 404


def test_concurrent_edit_view_refuses_with_409_and_diff(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project(members=[people.writer, people.colleague])
    _save(session, people, project, "goals", "Felles mål.", 0)
    _save(session, people, project, "goals", "Kollegaens mål.", 1, actor=people.colleague)
    login(people.writer)
    url = f"/c/{people.circle.slug}/projects/{project.id}/sections/goals"
    r = client.post(url, data={"body": "Mine mål.", "base_revision": "1"})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Kollegaens mål." in page and "Mine mål." in page and "diff-removed" in page
    assert re.search(r'name="base_revision"[^>]*value="2"', page)
    session.expire_all()
    assert writeup.get_section(session, project, "goals").body == "Kollegaens mål."


def test_ready_and_share_views(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    _save(session, people, project, "background", "Bakgrunn.", 0)
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    assert client.post(f"{base}/sections/background/ready", data={"ready": "1"}).status_code == 302
    assert client.post(f"{base}/share", data={"shared": "1"}).status_code == 302
    session.expire_all()
    assert writeup.get_section(session, project, "background").ready
    assert project.writeup_shared
