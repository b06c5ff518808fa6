"""A report kept to one circle never shows outside it: pages, search, facets, lists, exports."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from circle.extensions import db
from library.models import ReadingList, Report
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)

SECRET_WORD = "kvasirkvartalet"
SECRET_TITLE = "Intern evaluering av Kvasirkvartalet"
SECRET_PUBLISHER = "Lukket utgiver AS"


def _setup(app: Flask, lib) -> tuple[int, int]:  # noqa: ANN001
    """Add a report kept to "egen" and a shared one on the same topic; return their ids."""
    secret = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="s.txt",
        text=f"Samarbeid om bolig og ettervern i {SECRET_WORD}. Barnevern og NAV møtes ukentlig.",
        metadata={
            "title": SECRET_TITLE,
            "publisher": SECRET_PUBLISHER,
            "year": 2011,
            "document_type": "routine",
            "language": "sv",
        },
    )
    shared = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=True,
        name="d.txt",
        text="Samarbeid om bolig og ettervern. Barnevern og NAV møtes hver uke i bydelen.",
        metadata={"title": "Delt rapport om samarbeid", "publisher": "Felles", "year": 2020},
    )
    return secret, shared


def _assert_clean(html: str) -> None:
    for leak in (SECRET_TITLE, SECRET_WORD, SECRET_PUBLISHER, "2011"):
        assert leak.lower() not in html.lower(), leak


def test_outsider_never_sees_a_circle_report(app, client, login, session, lib):
    """Members of another circle: not in lists, search, snippets, totals, facets, related."""
    secret, shared = _setup(app, lib)
    login(lib.members["other_participant"])
    listing = client.get("/c/annen/library").get_data(as_text=True)
    _assert_clean(listing)
    assert "1 rapport i biblioteket" in listing
    assert "Delt rapport om samarbeid" in listing
    search = client.get(f"/c/annen/library?q={SECRET_WORD}").get_data(as_text=True)
    # The query is echoed in the search box; nothing of the report may be shown.
    assert SECRET_TITLE not in search and SECRET_PUBLISHER not in search and "<mark>" not in search
    assert "0 rapporter funnet" in search
    broad = client.get("/c/annen/library?q=samarbeid").get_data(as_text=True)
    _assert_clean(broad)
    assert "1 rapport funnet" in broad
    assert client.get("/c/annen/library?q=samarbeid&publisher=Lukket+utgiver+AS").status_code == 200
    filtered = client.get("/c/annen/library?year=2011").get_data(as_text=True)
    assert "0 rapporter i biblioteket" in filtered
    _assert_clean(client.get(f"/c/annen/library/reports/{shared}").get_data(as_text=True))
    _assert_clean(client.get("/c/annen").get_data(as_text=True))
    for path in (
        f"/c/annen/library/reports/{secret}",
        f"/c/annen/library/reports/{secret}/file",
        f"/c/annen/library/reports/{secret}/cite.bib",
        f"/c/annen/library/reports/{secret}/edit",
        f"/c/egen/library/reports/{secret}",
        f"/library/reports/{secret}",
    ):
        assert client.get(path).status_code == 404, path
    for fmt in ("bib", "ris", "json"):
        exported = client.get(f"/c/annen/library/export.{fmt}?q=samarbeid").get_data(as_text=True)
        _assert_clean(exported)
        assert "Delt rapport om samarbeid" in exported


def test_members_of_the_circle_see_it_everywhere(app, client, login, session, lib):
    """The reference group of the circle sees the circle's report in search and facets."""
    secret, shared = _setup(app, lib)
    login(lib.members["reference"])
    search = client.get(f"/c/egen/library?q={SECRET_WORD}").get_data(as_text=True)
    assert SECRET_TITLE in search and f"<mark>{SECRET_WORD}</mark>" in search
    listing = client.get("/c/egen/library").get_data(as_text=True)
    assert SECRET_PUBLISHER in listing and "2 rapporter i biblioteket" in listing
    assert client.get(f"/c/egen/library/reports/{secret}").status_code == 200
    home = client.get("/c/egen").get_data(as_text=True)
    assert SECRET_TITLE in home
    related = client.get(f"/c/egen/library/reports/{shared}").get_data(as_text=True)
    assert SECRET_TITLE in related  # related reports: visible here


def test_admin_sees_circle_reports_only_on_that_circle(app, client, login, session, lib):
    """Site administrators see a circle's report on its own circle's pages only."""
    secret, _shared = _setup(app, lib)
    login(lib.members["admin"])
    assert client.get(f"/c/egen/library/reports/{secret}").status_code == 200
    assert client.get(f"/c/annen/library/reports/{secret}").status_code == 404
    _assert_clean(client.get("/c/annen/library?q=samarbeid").get_data(as_text=True))
    response = client.get(f"/library/reports/{secret}")
    assert response.headers["Location"].endswith(f"/c/egen/library/reports/{secret}")


def test_reading_lists_hide_reports_that_stopped_being_shared(app, client, login, session, lib):
    """A shared report on another circle's list disappears from it when it is made private."""
    _secret, shared = _setup(app, lib)
    login(lib.members["other_leader"])
    client.post("/c/annen/library/lists", data={"title": "Forhåndslesing"})
    list_id = session.scalar(select(ReadingList.id))
    client.post(
        f"/c/annen/library/reports/{shared}/lists",
        data={"list_id": str(list_id), "note": "Les side 1"},
    )
    assert "Delt rapport om samarbeid" in client.get(f"/c/annen/library/lists/{list_id}").get_data(
        as_text=True
    )
    client.post("/logout")
    login(lib.members["leader"])
    response = client.post(
        f"/c/egen/library/reports/{shared}/edit",
        data={
            "title": "Delt rapport om samarbeid",
            "language": "nb",
            "document_type": "report",
            "visibility": "circle",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Report, shared).circle_id == lib.circle.id
    client.post("/logout")
    login(lib.members["other_leader"])
    page = client.get(f"/c/annen/library/lists/{list_id}").get_data(as_text=True)
    assert "Delt rapport om samarbeid" not in page
    exported = json.loads(client.get(f"/c/annen/library/lists/{list_id}/export.json").data)
    assert exported == []
    search = client.get("/c/annen/library?q=samarbeid").get_data(as_text=True)
    assert "Delt rapport om samarbeid" not in search  # the index was updated too
    assert client.get(f"/c/annen/library/reports/{shared}").status_code == 404


def test_outsider_cannot_put_a_circle_report_on_a_list(app, client, login, session, lib):
    """Adding another circle's report to one's list is a 404, not a leak."""
    secret, _shared = _setup(app, lib)
    login(lib.members["other_leader"])
    client.post("/c/annen/library/lists", data={"title": "Liste"})
    list_id = session.scalar(select(ReadingList.id))
    response = client.post(
        f"/c/annen/library/reports/{secret}/lists", data={"list_id": str(list_id)}
    )
    assert response.status_code == 404


def test_hooks_for_threads_and_meetings_respect_visibility(app, lib):
    """The threads subject and the agenda pre-reading hooks never hand out a hidden report."""
    secret, shared = _setup(app, lib)
    from library import match_report_url, resolve_report_subject, resolve_reports

    with app.test_request_context():
        subject = resolve_report_subject(db.session, secret)
        assert subject.circle_id == lib.circle.id and subject.url == (
            f"/c/egen/library/reports/{secret}"
        )
        assert resolve_report_subject(db.session, shared).circle_id is None
        assert resolve_report_subject(db.session, 9999) is None
        assert (
            match_report_url(db.session, f"http://sirkel.test/c/x/library/reports/{secret}")
            == secret
        )
        assert match_report_url(db.session, f"/library/reports/{shared}") == shared
        assert match_report_url(db.session, "/c/x/library/reports/9999") is None
        assert match_report_url(db.session, "https://evil.example/library/reports/1") is None
        outsider = db.session.merge(lib.members["other_participant"])
        insider = db.session.merge(lib.members["reference"])
        assert set(resolve_reports(db.session, [secret, shared], outsider)) == {shared}
        assert set(resolve_reports(db.session, [secret, shared], insider)) == {secret, shared}
        assert resolve_reports(db.session, [shared], outsider)[shared][1] == (
            f"/library/reports/{shared}"
        )


def test_agenda_readings_and_threads_use_the_hooks(app, client, login, lib):
    """Agenda pre-reading shows hidden reports as a bare title; threads 404 on them."""
    from types import SimpleNamespace

    from meetings.readings import shown_readings

    secret, shared = _setup(app, lib)
    readings = [
        SimpleNamespace(id=1, report_id=secret, title="Limt tittel", url="/x"),
        SimpleNamespace(id=2, report_id=shared, title="Gammel tittel", url="/y"),
    ]
    with app.test_request_context():
        outsider = db.session.merge(lib.members["other_participant"])
        shown = shown_readings(app, db.session, readings, outsider)
    assert (shown[1].title, shown[1].url) == ("Limt tittel", "")
    assert (shown[2].title, shown[2].url) == (
        "Delt rapport om samarbeid",
        f"/library/reports/{shared}",
    )
    login(lib.members["other_leader"])
    assert (
        client.get(f"/c/annen/threads/new?subject_kind=report&subject_id={secret}").status_code
        == 404
    )
    ok = client.get(f"/c/annen/threads/new?subject_kind=report&subject_id={shared}")
    assert ok.status_code == 200 and "Delt rapport om samarbeid" in ok.get_data(as_text=True)


def test_spelling_suggestion_never_comes_from_hidden_reports(app, client, login, lib):
    """A misspelt word only another circle's report contains gets no "Mente du"."""
    _setup(app, lib)
    login(lib.members["other_participant"])
    html = client.get("/c/annen/library?q=kvasirkvartalt").get_data(as_text=True)
    assert "Mente du" not in html and SECRET_WORD not in html
    client.post("/logout")
    login(lib.members["participant"])
    own = client.get("/c/egen/library?q=kvasirkvartalt").get_data(as_text=True)
    assert "Mente du" in own and SECRET_WORD in own
