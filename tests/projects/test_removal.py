"""Withdrawing files, deleting log entries, plan items and matrix rows, archiving projects;
and what a circle must keep (approved minutes, the distribution log) cannot be deleted."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select, text

from circle.errors import Conflict, NotAllowed
from circle.models import AuditEvent
from circle.storage import get_storage
from meetings.models import Distribution, Meeting, MeetingKind, Minutes, MinutesState
from projects.models import LogEntry, LogKind, MatrixRow, PlanItem, PlanItemKind
from projects.services import files, matrix, plan, removal
from tests.projects.conftest import docx_bytes


def _actions(session) -> list[str]:  # noqa: ANN001
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _file(session, app, people, project):  # noqa: ANN001, ANN202
    pfile = files.upload_file(
        session,
        people.circle,
        project,
        actor=people.writer,
        storage=get_storage(app),
        data=docx_bytes("Kartleggingsskjema"),
        filename="skjema.docx",
    )
    session.commit()
    return pfile


def _log(session, people, project):  # noqa: ANN001, ANN202
    entry = plan.add_log_entry(
        session,
        people.circle,
        project,
        actor=people.writer,
        happened_on=date(2026, 3, 1),
        kind=LogKind.MEETING,
        text="Møte med NAV",
    )
    session.commit()
    return entry


def test_withdrawn_file_leaves_workspace_but_leaders_keep_versions(
    app, client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """A member withdraws a file: gone for participants, still there for leaders; audited."""
    project = make_project()
    pfile = _file(session, app, people, project)
    client.post("/logout")
    login(people.writer)
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    assert client.post(f"{base}/files/{pfile.id}/withdraw").status_code == 302
    assert client.get(f"{base}/files/{pfile.id}").status_code == 404
    assert client.get(f"{base}/files/{pfile.id}/v/1").status_code == 404
    assert "skjema.docx" not in client.get(base).text
    again = client.post(f"{base}/files/{pfile.id}/withdraw", follow_redirects=True)
    assert "allerede fjernet" in again.text
    client.post("/logout")
    login(people.leader)
    page = client.get(f"{base}/files/{pfile.id}")
    assert page.status_code == 200 and "Trukket tilbake" in page.text
    assert "Trukket tilbake (1" in client.get(base).text
    assert _actions(session).count("project.file_withdrawn") == 1


def test_only_editors_remove(session, app, people, make_project) -> None:  # noqa: ANN001
    """A participant outside the project may not delete or withdraw anything of it."""
    project = make_project()
    entry = _log(session, people, project)
    pfile = _file(session, app, people, project)
    with pytest.raises(NotAllowed):
        removal.delete_log_entry(session, people.circle, project, entry, actor=people.bystander)
    with pytest.raises(NotAllowed):
        removal.withdraw_file(session, people.circle, project, pfile, actor=people.reference)
    assert session.get(LogEntry, entry.id) is not None
    assert "project.log_deleted" not in _actions(session)


def test_delete_log_entry_and_plan_item_over_http(client, login, session, people, make_project):  # noqa: ANN001, ANN201
    """The project's member deletes a log entry and a plan item; each is audited."""
    project = make_project()
    entry = _log(session, people, project)
    item = plan.add_plan_item(
        session,
        people.circle,
        project,
        actor=people.writer,
        kind=PlanItemKind.MILESTONE,
        title="Prosedyre vedtatt",
    )
    session.commit()
    entry_id, item_id = entry.id, item.id
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    client.post("/logout")
    login(people.bystander)
    assert client.post(f"{base}/log/{entry.id}/delete").status_code == 403
    client.post("/logout")
    login(people.writer)
    assert client.post(f"{base}/log/{entry_id}/delete").status_code == 302
    assert client.post(f"{base}/plan/{item_id}/delete").status_code == 302
    session.expire_all()
    assert session.get(LogEntry, entry_id) is None and session.get(PlanItem, item_id) is None
    assert {"project.log_deleted", "project.plan_item_deleted"} <= set(_actions(session))
    # Deleting what someone else already deleted: a message, not an error.
    again = client.post(f"{base}/log/{entry_id}/delete", follow_redirects=True)
    assert again.status_code == 200 and "allerede fjernet" in again.text


def test_delete_matrix_row(client, login, session, people) -> None:  # noqa: ANN001
    """Staff delete a matrix row with its cells; the informed get 404."""
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Bolig")
    session.commit()
    path = f"/c/{people.circle.slug}/matrix/rows/{row.id}/delete"
    client.post("/logout")
    login(people.reference)
    assert client.post(path).status_code == 404
    client.post("/logout")
    login(people.colleague)
    assert client.post(path).status_code == 302
    assert session.scalar(select(func.count()).select_from(MatrixRow)) == 0
    assert "project.matrix_row_deleted" in _actions(session)


def test_archived_project_is_read_only_until_brought_back(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """Archiving keeps everything, refuses changes, and is undone by an editor."""
    project = make_project()
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    client.post("/logout")
    login(people.writer)
    assert client.post(f"{base}/archive").status_code == 302
    assert "Prosjektet er arkivert" in client.get(base).text
    response = client.post(
        f"{base}/log", data={"happened_on": "2026-03-01", "kind": "note", "text": "Ny"}
    )
    assert response.status_code == 403
    session.expire_all()
    with pytest.raises(Conflict):
        removal.set_archived(session, people.circle, project, actor=people.writer, archived=True)
    session.rollback()
    assert client.post(f"{base}/unarchive").status_code == 302
    session.expire_all()
    assert project.archived_at is None
    assert _actions(session)[-2:] == ["project.archived", "project.unarchived"]


def _minutes(session, people, state: MinutesState) -> Minutes:  # noqa: ANN001
    when = datetime(2026, 3, 1, 9, tzinfo=UTC)
    meeting = Meeting(
        circle_id=people.circle.id,
        number=1,
        kind=MeetingKind.CIRCLE,
        title="Møte 1",
        starts_at=when,
        ends_at=when,
    )
    session.add(meeting)
    session.flush()
    minutes = Minutes(meeting_id=meeting.id, circle_id=people.circle.id, state=state)
    session.add(minutes)
    session.commit()
    return minutes


def test_approved_minutes_and_distribution_log_cannot_be_deleted(session, people) -> None:  # noqa: ANN001
    """Deleting approved minutes, their meeting or a distribution row is refused; a draft goes."""
    minutes = _minutes(session, people, MinutesState.APPROVED)
    session.add(Distribution(minutes_id=minutes.id, version=1, email="a@b.no"))
    session.commit()
    for doomed in (minutes, minutes.meeting, session.scalars(select(Distribution)).one()):
        session.delete(doomed)
        with pytest.raises(Conflict):
            session.flush()
        session.rollback()
    assert session.scalar(select(func.count()).select_from(Minutes)) == 1
    assert session.scalar(select(func.count()).select_from(Distribution)) == 1
    with pytest.raises(Conflict):
        session.execute(sa_delete(Distribution))
    session.rollback()
    session.delete(session.scalars(select(Distribution)).one())
    with pytest.raises(Conflict):
        session.commit()
    session.rollback()
    session.execute(text("DELETE FROM minutes_distribution"))  # only raw SQL gets past
    session.commit()
    draft = session.get(Minutes, minutes.id)
    draft.state = MinutesState.DRAFT
    session.commit()
    session.delete(draft)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Minutes)) == 0


def test_no_route_deletes_minutes_or_the_distribution_log(app) -> None:  # noqa: ANN001
    """No URL of the site deletes or withdraws minutes or their distribution log."""
    doomed = re.compile(r"/(minutes|distribution)(/<[^>]+>)?/(delete|remove|withdraw|destroy)$")
    for rule in app.url_map.iter_rules():
        assert not doomed.search(rule.rule), rule.rule
        assert not re.search(r"(delete|remove)_(minutes|distribution)", rule.endpoint)


def test_saving_what_a_leader_deleted_meanwhile_says_so(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """The writer has the plan page and a matrix cell open; the leader deletes the plan item
    and the row; the writer's status change and cell save get a clear message, no 500, and
    nothing is written (no cell, no audit line for a change)."""
    project = make_project()
    item = plan.add_plan_item(
        session,
        people.circle,
        project,
        actor=people.writer,
        kind=PlanItemKind.MILESTONE,
        title="Rutine på plass",
    )
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Skole")
    session.commit()
    base = f"/c/{people.circle.slug}/projects/{project.id}"
    cell = f"/c/{people.circle.slug}/matrix/rows/{row.id}/practice"
    client.post("/logout")
    login(people.writer)
    assert client.get(cell).status_code == 200  # the form is open
    removal.delete_plan_item(session, people.circle, project, item, actor=people.leader)
    removal.delete_matrix_row(session, people.circle, row, actor=people.leader)
    session.commit()
    before = _actions(session)
    response = client.post(
        f"{base}/plan/items/{item.id}/status", data={"status": "done"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Punktet er slettet fra planen i mellomtiden" in response.text
    response = client.post(
        cell, data={"body": "Tett oppfølging", "base_revision": "0"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Raden er slettet fra matrisen i mellomtiden" in response.text
    from projects.models import MatrixCell

    assert session.scalar(select(func.count()).select_from(MatrixCell)) == 0
    assert _actions(session) == before
    # Another project's item is still no one's business: 404, not a message.
    other = make_project(title="Annet prosjekt")
    foreign = plan.add_plan_item(
        session,
        people.circle,
        other,
        actor=people.leader,
        kind=PlanItemKind.MILESTONE,
        title="Fremmed",
    )
    session.commit()
    assert client.post(f"{base}/plan/items/{foreign.id}/status").status_code == 404
