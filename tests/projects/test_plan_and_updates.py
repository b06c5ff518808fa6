"""The project log, plan, meeting dates and progress updates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from circle.errors import Conflict, DomainError, NotAllowed
from projects.models import LogKind, PlanItemKind, PlanItemStatus
from projects.services import plan
from tests.projects.conftest import FNR


def test_log_entries_filter_by_date(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    for day, text in [(1, "Oppstart"), (10, "Workshop"), (20, "Beslutning")]:
        plan.add_log_entry(
            session,
            people.circle,
            project,
            actor=people.writer,
            happened_on=date(2026, 3, day),
            kind=LogKind.MEETING,
            text=text,
        )
    session.commit()
    entries = plan.list_log(session, project, date_from=date(2026, 3, 5), date_to=date(2026, 3, 20))
    assert [e.text for e in entries] == ["Beslutning", "Workshop"]
    assert entries[0].author_id == people.writer.id
    assert len(plan.list_log(session, project)) == 3


def test_log_refuses_identity_number_and_non_members(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    with pytest.raises(DomainError, match="fødselsnummer"):
        plan.add_log_entry(
            session,
            people.circle,
            project,
            actor=people.writer,
            happened_on=date(2026, 3, 1),
            kind=LogKind.NOTE,
            text=FNR,
        )
    with pytest.raises(NotAllowed):
        plan.add_log_entry(
            session,
            people.circle,
            project,
            actor=people.reference,
            happened_on=date(2026, 3, 1),
            kind=LogKind.NOTE,
            text="x",
        )


def test_plan_items_overdue_and_status(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    today = date(2026, 4, 1)
    late = plan.add_plan_item(
        session,
        people.circle,
        project,
        actor=people.writer,
        kind=PlanItemKind.MILESTONE,
        title="Utkast",
        due_on=today - timedelta(days=1),
        owner_id=people.writer.id,
    )
    later = plan.add_plan_item(
        session,
        people.circle,
        project,
        actor=people.writer,
        kind=PlanItemKind.TASK,
        title="Forankre",
        due_on=today,
    )
    assert late.is_overdue(today) and not later.is_overdue(today)
    plan.set_plan_item_status(
        session, people.circle, project, late, actor=people.writer, status=PlanItemStatus.DONE
    )
    assert not late.is_overdue(today)
    with pytest.raises(DomainError, match="sirkelen"):
        plan.add_plan_item(
            session,
            people.circle,
            project,
            actor=people.writer,
            kind=PlanItemKind.TASK,
            title="x",
            owner_id=people.stranger.id,
        )


def test_project_meetings_in_order(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    for day in (9, 2):
        plan.add_project_meeting(
            session,
            people.circle,
            project,
            actor=people.writer,
            starts_at=datetime(2026, 5, day, 10, tzinfo=UTC),
            place="NAV",
        )
    assert [m.starts_at.day for m in plan.list_project_meetings(session, project)] == [2, 9]


def test_updates_drafts_publish_and_audience(session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    draft = plan.post_update(
        session, people.circle, project, actor=people.writer, body="Utkast", publish=False
    )
    plan.post_update(
        session, people.circle, project, actor=people.writer, body="Internt", publish=True
    )
    session.commit()
    assert [i.body for i in plan.latest_updates(session, people.circle, people.bystander)] == [
        "Internt"
    ]
    assert plan.latest_updates(session, people.circle, people.reference) == []
    plan.publish_update(
        session, people.circle, project, draft, actor=people.writer, share_with_reference=True
    )
    session.commit()
    assert [i.body for i in plan.latest_updates(session, people.circle, people.unit_leader)] == [
        "Utkast"
    ]
    with pytest.raises(Conflict):
        plan.publish_update(
            session, people.circle, project, draft, actor=people.writer, share_with_reference=True
        )


def test_log_view_filters(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    url = f"/c/{people.circle.slug}/projects/{project.id}/log"
    for day, text in [("2026-02-01", "Februarmøte"), ("2026-03-01", "Marsmøte")]:
        assert (
            client.post(url, data={"happened_on": day, "kind": "meeting", "text": text}).status_code
            == 302
        )
    page = client.get(url + "?from=2026-02-15").get_data(as_text=True)
    assert "Marsmøte" in page and "Februarmøte" not in page
    page = client.get(url + "?from=ikke-dato").get_data(as_text=True)
    assert "Februarmøte" in page and "forstås ikke" in page


def test_plan_view_highlights_overdue(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project()
    plan.add_plan_item(
        session,
        people.circle,
        project,
        actor=people.writer,
        kind=PlanItemKind.TASK,
        title="Gammel frist",
        due_on=date.today() - timedelta(days=3),
    )
    session.commit()
    login(people.writer)
    page = client.get(f"/c/{people.circle.slug}/projects/{project.id}/plan").get_data(as_text=True)
    assert 'class="overdue"' in page and "Forfalt" in page
    r = client.post(
        f"/c/{people.circle.slug}/projects/{project.id}/plan/meetings",
        data={"day": "2026-05-01", "time": "09:30", "place": "Rådhuset"},
    )
    assert r.status_code == 302
    meeting = plan.list_project_meetings(session, project)[0]
    assert meeting.starts_at == datetime(2026, 5, 1, 7, 30, tzinfo=UTC)  # 09:30 in Oslo (CEST)


def test_update_views_hide_drafts_from_reference(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project()
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    client.post(f"{base}/updates", data={"body": "Hemmelig utkast"})
    client.post(
        f"{base}/updates", data={"body": "Delt status", "publish": "y", "share_with_reference": "y"}
    )
    draft, shared = sorted(project_updates(session, project), key=lambda u: u.id)
    assert draft.published_at is None and shared.shared_with_reference
    client.post("/logout")
    login(people.reference)
    assert client.get(f"{base}/updates/{draft.id}").status_code == 404
    page = client.get(f"{base}/shared").get_data(as_text=True)
    assert "Delt status" in page and "Hemmelig utkast" not in page
    home = client.get(f"/c/{people.circle.slug}").get_data(as_text=True)
    assert "Siste statusoppdateringer" in home and "Hemmelig utkast" not in home


def test_published_update_lists_its_threads_and_offers_to_start_one(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """A published update shared with the reference group: "Start en tråd" for the reference
    group, and the thread shows on the update's page; drafts offer no thread."""
    project = make_project()
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    client.post(f"{base}/updates", data={"body": "Utkast"})
    client.post(
        f"{base}/updates", data={"body": "Delt status", "publish": "y", "share_with_reference": "y"}
    )
    draft, shared = sorted(project_updates(session, project), key=lambda u: u.id)
    assert "Start en tråd" not in client.get(f"{base}/updates/{draft.id}").get_data(as_text=True)
    client.post("/logout")
    login(people.reference)
    page = client.get(f"{base}/updates/{shared.id}").get_data(as_text=True)
    start = (
        f"/c/{people.circle.slug}/threads/new?subject_kind=project_update&subject_id={shared.id}"
    )
    assert start.replace("&", "&amp;") in page
    response = client.post(
        start, data={"title": "Hvordan gikk det?", "audience": "reference", "body": "Spørsmål."}
    )
    assert response.status_code == 302
    assert "Hvordan gikk det?" in client.get(f"{base}/updates/{shared.id}").get_data(as_text=True)


def project_updates(session, project):  # noqa: ANN001, ANN201
    from projects.models import ProgressUpdate

    session.expire_all()
    return session.query(ProgressUpdate).filter_by(project_id=project.id).all()


def test_plan_items_assigned_to_me_are_in_my_tasks(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """ "Mine oppgaver" lists the plan items the member owns, linked to the project's plan; not
    other members' items."""
    from projects.models import PlanItemKind
    from projects.services.plan import add_plan_item

    project = make_project(title="Bolig først")
    for title, owner in (("Kartlegge boligbehov", people.writer), ("Ringe NAV", people.leader)):
        add_plan_item(
            session,
            people.circle,
            project,
            actor=people.leader,
            kind=PlanItemKind.TASK,
            title=title,
            owner_id=owner.id,
            due_on=date.today() - timedelta(days=1),
        )
    session.commit()
    login(people.writer)
    page = client.get(f"/c/{people.circle.slug}/actions/mine").get_data(as_text=True)
    assert "Kartlegge boligbehov" in page and "Ringe NAV" not in page
    assert f'href="/c/{people.circle.slug}/projects/{project.id}/plan"' in page
    assert "Bolig først" in page and "Forfalt" in page


def test_update_subject_title_writes_the_date_as_pages_do(
    app, client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """A thread about an update names it "<project>: statusoppdatering 1. desember 2026", not
    with an ISO date."""
    import re

    from projects.subjects import resolve_update

    project = make_project(title="Bolig først")
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    client.post(f"{base}/updates", data={"body": "Status", "publish": "y"})
    (update,) = project_updates(session, project)
    with app.test_request_context("/"):
        title = resolve_update(session, update.id).title
    assert title.startswith("Bolig først: statusoppdatering ")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", title)
    assert re.search(r"\d{1,2}\. \w+ \d{4}$", title)
