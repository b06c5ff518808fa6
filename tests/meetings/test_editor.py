"""The minutes editor: nothing typed is lost, tasks save with the minutes, autosave keeps the
optimistic locking (a stale save answers 409)."""

from __future__ import annotations

from sqlalchemy import func, select

from meetings.models import ActionItem, MinutesNote, MinutesRevision

FETCH = {"X-Requested-With": "fetch"}


def _url(meeting, suffix: str = "/minutes/edit") -> str:  # noqa: ANN001
    return f"/c/{meeting.circle.slug}/meetings/{meeting.id}{suffix}"


def _notes(session, item) -> str:  # noqa: ANN001
    session.expire_all()
    note = session.scalar(select(MinutesNote).where(MinutesNote.item_id == item.id))
    return note.notes if note else ""


def _revisions(session, meeting) -> int:  # noqa: ANN001
    session.expire_all()
    return session.scalar(
        select(func.count()).where(MinutesRevision.minutes_id == meeting.minutes.id)
    )


def test_adding_a_task_saves_the_notes_typed_before(
    client, session, people, held_meeting, login_as
) -> None:
    """ "Legg til oppgave" posts the whole editor: the unsaved notes and the new task are saved
    together, and the editor comes back at the tasks."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[1]
    login_as(people.leader)
    response = client.post(
        _url(meeting),
        data={
            "version": str(meeting.minutes.edit_version),
            f"notes-{item.id}": "Ikke lagret ennå: viktige notater.",
            "evaluation": "",
            "what": "Ringe boligkontoret",
            "owner_id": str(people.participant.id),
            "focus": "actions",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#actions")
    assert _notes(session, item) == "Ikke lagret ennå: viktige notater."
    action = session.scalar(select(ActionItem))
    assert action.what == "Ringe boligkontoret" and action.owner_id == people.participant.id


def test_a_task_that_does_not_validate_keeps_the_notes_in_the_form(
    client, session, people, held_meeting, login_as
) -> None:
    """A task that cannot be saved saves nothing, and the page shows what was typed."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[1]
    login_as(people.leader)
    response = client.post(
        _url(meeting),
        data={
            "version": str(meeting.minutes.edit_version),
            f"notes-{item.id}": "Tekst jeg ikke vil miste",
            "evaluation": "",
            "what": "x" * 600,
        },
    )
    assert response.status_code == 422
    assert "Tekst jeg ikke vil miste" in response.text and "x" * 600 in response.text
    assert _notes(session, item) == ""


def test_removing_a_task_and_leaving_for_the_minutes_save_first(
    client, session, people, held_meeting, login_as
) -> None:
    """Removing a task or "Lagre og vis referatet" also saves the notes."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[2]
    login_as(people.leader)
    client.post(
        _url(meeting),
        data={"version": str(meeting.minutes.edit_version), "evaluation": "", "what": "Oppgave"},
    )
    action = session.scalar(select(ActionItem))
    session.expire_all()
    version = meeting.minutes.edit_version
    response = client.post(
        _url(meeting),
        data={
            "version": str(version),
            f"notes-{item.id}": "Skrevet før oppgaven ble fjernet.",
            "evaluation": "",
            "delete_action": str(action.id),
        },
    )
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0
    assert _notes(session, item) == "Skrevet før oppgaven ble fjernet."
    session.expire_all()
    response = client.post(
        _url(meeting),
        data={
            "version": str(meeting.minutes.edit_version),
            f"notes-{item.id}": "Og så til referatet.",
            "evaluation": "",
            "then": "view",
        },
    )
    assert response.headers["Location"].endswith(_url(meeting, "/minutes"))
    assert _notes(session, item) == "Og så til referatet."


def test_editor_has_a_save_button_per_item_and_no_separate_task_form(
    client, people, held_meeting, login_as
) -> None:
    """Every item has its own "Lagre"; the task fields are part of the minutes form."""
    meeting = held_meeting()
    login_as(people.leader)
    page = client.get(_url(meeting)).text
    assert page.count("data-save-item") == len(meeting.items)
    assert "/minutes/actions" not in page  # no form that would post the task without the notes
    assert 'form="minutes-form" name="then" value="view"' in page
    assert "js/minutes.js" in page and "data-autosave" in page


def test_autosave_answers_json_and_merges_revisions(
    client, session, people, held_meeting, login_as
) -> None:
    """An autosave returns the new version; autosaves close together make one revision; a
    save that changes nothing adds none."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[0]
    login_as(people.leader)
    before = _revisions(session, meeting)
    version = meeting.minutes.edit_version
    for text in ("Første utkast", "Andre utkast"):
        response = client.post(
            _url(meeting),
            data={"version": str(version), f"notes-{item.id}": text, "evaluation": "Bra møte."},
            headers=FETCH,
        )
        assert response.status_code == 200 and response.is_json
        assert response.json["version"] == version + 1
        assert response.json["saved"].startswith("Lagret kl. ")
        version = response.json["version"]
    assert _notes(session, item) == "Andre utkast"
    assert _revisions(session, meeting) == before + 1
    same = client.post(
        _url(meeting),
        data={
            "version": str(version),
            f"notes-{item.id}": "Andre utkast",
            "evaluation": "Bra møte.",
        },
    )
    assert same.status_code == 302 and _revisions(session, meeting) == before + 1


def test_a_stale_autosave_is_refused_with_409(
    client, session, people, held_meeting, login_as
) -> None:
    """Someone else saved after the page was loaded: the autosave changes nothing and says so."""
    meeting = held_meeting(notes="Start.")
    item = meeting.items[0]
    loaded = meeting.minutes.edit_version
    login_as(people.leader2)
    assert (
        client.post(
            _url(meeting),
            data={"version": str(loaded), f"notes-{item.id}": "Leif skrev", "evaluation": ""},
        ).status_code
        == 302
    )
    login_as(people.leader)
    response = client.post(
        _url(meeting),
        data={"version": str(loaded), f"notes-{item.id}": "Lea skrev", "evaluation": ""},
        headers=FETCH,
    )
    assert response.status_code == 409 and "Noen andre har lagret" in response.json["error"]
    assert _notes(session, item) == "Leif skrev"


def test_autosave_never_adds_or_removes_tasks(
    client, session, people, held_meeting, login_as
) -> None:
    """A half-typed task is not saved by an autosave."""
    meeting = held_meeting()
    login_as(people.leader)
    response = client.post(
        _url(meeting),
        data={
            "version": str(meeting.minutes.edit_version),
            "evaluation": "Endret",
            "what": "Halvskrevet oppg",
        },
        headers=FETCH,
    )
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_minutes_cannot_be_started_for_a_cancelled_meeting(
    client, session, people, make_meeting, login_as
) -> None:
    """Posting the editor's URL of a cancelled meeting: the message, no minutes, no revision;
    opening the editor sends the leader back to the meeting with the same message."""
    from meetings.models import Minutes
    from meetings.services.changes import cancel_meeting

    meeting = make_meeting(10)
    cancel_meeting(session, meeting, people.circle, actor=people.leader)
    session.commit()
    item = meeting.items[0]
    login_as(people.leader)
    response = client.post(
        _url(meeting),
        data={"version": "0", f"notes-{item.id}": "Notater likevel", "evaluation": ""},
    )
    assert response.status_code == 422
    assert "Møtet er avlyst, så det skrives ikke referat fra det." in response.text
    response = client.post(
        _url(meeting),
        data={"version": "0", f"notes-{item.id}": "Autolagret", "evaluation": ""},
        headers=FETCH,
    )
    assert response.status_code == 422 and "avlyst" in response.json["error"]
    response = client.get(_url(meeting), follow_redirects=True)
    assert "Møtet er avlyst, så det skrives ikke referat fra det." in response.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Minutes)) == 0
    assert session.scalar(select(func.count()).select_from(MinutesNote)) == 0
