"""Editing thread titles and status updates with history."""

from __future__ import annotations

import pytest

from circle.errors import DomainError, NotAllowed
from circle.threads.models import Audience, RevisionTarget
from circle.threads.services.editing import (
    edit_status_update,
    edit_thread_title,
    text_revisions,
)
from circle.threads.services.threads import create_status_update, create_thread
from circle.threads.subjects import resolve_subject

VALID_FNR = "15076500565"


def _thread(session, people, actor=None):  # noqa: ANN001, ANN202
    thread = create_thread(
        session,
        people.circle,
        actor=actor or people.participant,
        title="Gammel tittel",
        body="Start",
        audience=Audience.CIRCLE,
    )
    session.commit()
    return thread


def _status(app, session, people):  # noqa: ANN001, ANN202
    with app.test_request_context():  # the status subject builds its link with url_for
        status = create_status_update(
            session,
            people.circle,
            actor=people.leader,
            title="Status i mars",
            body="Første *tekst*",
            links=[],
            lookup=lambda kind, key: resolve_subject(app, session, kind, key),
        )
    session.commit()
    return status


def test_title_edit_keeps_history(people, session) -> None:
    """The starter renames the thread; the old title is in its history, newest first."""
    thread = _thread(session, people)
    edit_thread_title(session, thread, actor=people.participant, title="Ny tittel")
    edit_thread_title(session, thread, actor=people.leader, title="Tredje tittel")
    assert thread.title == "Tredje tittel" and thread.title_edited_at is not None
    titles = [r.title for r in text_revisions(session, RevisionTarget.THREAD, thread.id)]
    assert titles == ["Ny tittel", "Gammel tittel"]


def test_title_edit_refused_for_others_and_bad_input(people, session) -> None:
    """Another participant may not rename; empty titles and identity numbers are refused."""
    thread = _thread(session, people)
    with pytest.raises(NotAllowed):
        edit_thread_title(session, thread, actor=people.participant2, title="Min")
    with pytest.raises(DomainError):
        edit_thread_title(session, thread, actor=people.participant, title="  ")
    with pytest.raises(DomainError):
        edit_thread_title(session, thread, actor=people.participant, title=f"Sak {VALID_FNR}")
    assert thread.title == "Gammel tittel"
    assert text_revisions(session, RevisionTarget.THREAD, thread.id) == []


def test_title_edit_over_http(client, login, people, session) -> None:
    """The form renames; the history page shows the old title; others get 403."""
    thread = _thread(session, people)
    client.post("/logout")
    login(people.participant2)
    assert client.get(f"/c/egen/threads/{thread.id}/title").status_code == 403
    client.post("/logout")
    login(people.participant)
    response = client.post(f"/c/egen/threads/{thread.id}/title", data={"title": "Bedre tittel"})
    assert response.status_code == 302
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "Bedre tittel" in page and "Tittelen er endret" in page
    history = client.get(f"/c/egen/threads/{thread.id}/title/history")
    assert history.status_code == 200 and "Gammel tittel" in history.text
    assert client.post(f"/c/egen/threads/{thread.id}/title", data={"title": ""}).status_code == 400


def test_status_edit_keeps_history(app, people, session) -> None:
    """A leader edits a status update; the old title and text are kept."""
    status = _status(app, session, people)
    edit_status_update(session, status, actor=people.leader, title="Status i april", body="Ny")
    (old,) = text_revisions(session, RevisionTarget.STATUS, status.id)
    assert (old.title, old.body) == ("Status i mars", "Første *tekst*")
    with pytest.raises(NotAllowed):
        edit_status_update(session, status, actor=people.participant, title="X", body="Y")


def test_status_edit_over_http_with_preview(app, client, login, people, session) -> None:
    """Preview renders without saving; saving keeps history visible to the reference group."""
    status = _status(app, session, people)
    path = f"/c/egen/status/{status.id}"
    client.post("/logout")
    login(people.reference)
    assert client.get(f"{path}/edit").status_code == 403
    client.post("/logout")
    login(people.leader)
    preview = client.post(f"{path}/edit", data={"title": "T", "body": "**fet**", "preview": "1"})
    assert preview.status_code == 200 and "<strong>fet</strong>" in preview.text
    session.refresh(status)
    assert status.title == "Status i mars"
    saved = client.post(f"{path}/edit", data={"title": "Status i april", "body": "Ny tekst"})
    assert saved.status_code == 302
    client.post("/logout")
    login(people.reference)
    history = client.get(f"{path}/history")
    assert history.status_code == 200
    assert "Status i mars" in history.text and "<em>tekst</em>" in history.text
    client.post("/logout")
    login(people.outsider)
    assert client.get(f"{path}/history").status_code in (403, 404)
