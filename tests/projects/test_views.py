"""Views: overview, creating and editing with clear messages, the template, demo and subjects."""

from __future__ import annotations

from projects.models import Project, ProjectStatus
from projects.services import plan
from tests.projects.conftest import FNR


def _form(people, **kw) -> dict:  # noqa: ANN001
    data = {
        "title": "Samarbeidsprosedyre",
        "unit": str(people.unit.id),
        "status": "active",
        "members": [str(people.writer.id), str(people.colleague.id)],
        "summary": "Kort",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "status_reason": "",
    }
    data.update(kw)
    return data


def test_create_project_view(client, login, session, people) -> None:  # noqa: ANN001
    login(people.writer)
    url = f"/c/{people.circle.slug}/projects/new"
    page = client.get(url).get_data(as_text=True)
    assert people.unit.name in page and people.stranger.name not in page
    r = client.post(url, data=_form(people))
    assert r.status_code == 302
    project = session.query(Project).one()
    assert r.headers["Location"].endswith(f"/projects/{project.id}")
    assert project.member_ids() == {people.writer.id, people.colleague.id}
    workspace = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Samarbeidsprosedyre" in workspace and "Kai Kollega (invitert)" in workspace


def test_bad_input_shows_clear_messages_and_saves_nothing(client, login, session, people) -> None:  # noqa: ANN001
    login(people.leader)
    url = f"/c/{people.circle.slug}/projects/new"
    cases = [
        (_form(people, unit="0"), "Velg hvilken enhet"),
        (_form(people, members=[str(people.stranger.id)]), "ikke med i denne sirkelen"),
        (_form(people, ends_on="2025-12-01"), "Sluttdatoen kan ikke være før startdatoen"),
        (_form(people, status="discontinued"), "Skriv hvorfor prosjektet ble avbrutt"),
        (_form(people, title=f"Sak {FNR}"), "fødselsnummer"),
    ]
    for data, message in cases:
        r = client.post(url, data=data)
        assert r.status_code == 422, message
        assert message in r.get_data(as_text=True), message
    assert session.query(Project).count() == 0


def test_edit_view_and_non_member_gets_403(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    login(people.bystander)
    url = f"/c/{people.circle.slug}/projects/{project.id}/edit"
    assert client.get(url).status_code == 403
    assert client.get(f"/c/{people.circle.slug}/projects/{project.id}").status_code == 200
    client.post("/logout")
    login(people.writer)
    assert client.get(url).status_code == 200
    r = client.post(
        url, data=_form(people, status="discontinued", status_reason="Arbeidsmengden ble for stor")
    )
    assert r.status_code == 302
    session.expire_all()
    assert project.status == ProjectStatus.DISCONTINUED
    page = client.get(f"/c/{people.circle.slug}/projects/{project.id}").get_data(as_text=True)
    assert "Arbeidsmengden ble for stor" in page and "Hva sto i veien" in page


def test_overview_cards_and_reference_view(client, login, session, people, make_project) -> None:  # noqa: ANN001
    shared = make_project("Delt status")
    make_project("Lukket", unit=people.unit2, members=[people.colleague])
    plan.post_update(
        session,
        people.circle,
        shared,
        actor=people.writer,
        body="Vi er i gang",
        publish=True,
        share_with_reference=True,
    )
    session.commit()
    login(people.leader)
    page = client.get(f"/c/{people.circle.slug}/projects").get_data(as_text=True)
    assert "Delt status" in page and "Lukket" in page and "Pia Prosjekt" in page
    client.post("/logout")
    login(people.reference)
    page = client.get(f"/c/{people.circle.slug}/projects").get_data(as_text=True)
    assert "Delt status" in page and "Lukket" not in page
    assert "Nytt prosjekt" not in page


def test_template_view_renames_and_orders(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    login(people.leader)
    slug = people.circle.slug
    assert client.get(f"/c/{slug}/projects/template").status_code == 200
    client.post(
        f"/c/{slug}/projects/template/advice",
        data={"advice-heading": "Gode råd", "advice-guidance": "Til andre"},
    )
    client.post(f"/c/{slug}/projects/template/advice/move", data={"offset": "-1"})
    client.post(f"/c/{slug}/projects/template/new", data={"heading": "Brukermedvirkning"})
    page = client.get(f"/c/{slug}/projects/{project.id}").get_data(as_text=True)
    assert page.index("Gode råd") < page.index("Prosessen") < page.index("Brukermedvirkning")


def test_home_panel_lists_projects_and_updates(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project("Sluttrapportmal")
    plan.post_update(
        session,
        people.circle,
        project,
        actor=people.writer,
        body="Malen prøves ut i **to** tiltak.",
        publish=True,
    )
    session.commit()
    login(people.bystander)
    page = client.get(f"/c/{people.circle.slug}").get_data(as_text=True)
    assert "Sluttrapportmal" in page and "Malen prøves ut i to tiltak." in page


def test_subject_resolver_only_for_published_updates(app, session, people, make_project) -> None:  # noqa: ANN001
    from projects.subjects import resolve_update

    project = make_project()
    draft = plan.post_update(
        session, people.circle, project, actor=people.writer, body="U", publish=False
    )
    closed = plan.post_update(
        session, people.circle, project, actor=people.writer, body="I", publish=True
    )
    shared = plan.post_update(
        session,
        people.circle,
        project,
        actor=people.writer,
        body="D",
        publish=True,
        share_with_reference=True,
    )
    session.commit()
    with app.test_request_context():
        assert resolve_update(session, draft.id) is None
        assert resolve_update(session, 999) is None
        subject = resolve_update(session, closed.id)
        assert subject.audience_ok == frozenset({"leader", "participant"})
        assert subject.url == f"/c/{people.circle.slug}/projects/{project.id}/updates/{closed.id}"
        assert resolve_update(session, shared.id).audience_ok == frozenset(
            {"leader", "participant", "reference", "unit_leader"}
        )


def test_demo_loader_builds_four_projects(app, session, runner) -> None:  # noqa: ANN001
    from circle.demo import DEMO_SLUG
    from circle.models import Circle
    from projects.models import MatrixRow, ProjectFile

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    circle = session.query(Circle).filter_by(slug=DEMO_SLUG).one()
    projects = session.query(Project).filter_by(circle_id=circle.id).all()
    assert sorted(p.status.value for p in projects) == [
        "active",
        "completed",
        "discontinued",
        "planned",
    ]
    stopped = next(p for p in projects if p.status == ProjectStatus.DISCONTINUED)
    assert stopped.status_reason
    form = session.query(ProjectFile).filter_by(title="Kartleggingsskjema").one()
    assert len(form.versions) == 2
    assert session.query(MatrixRow).filter_by(circle_id=circle.id).count() == 6
