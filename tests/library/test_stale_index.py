"""A lost index update never widens what search shows; `flask check` finds it, --repair mends it."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from circle.extensions import db
from library.models import Report, ReportPage
from library.search import SearchQuery
from tests.conftest import PASSWORD
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)
from tests.library.helpers import backend_class, whoosh_only

REPO = Path(__file__).resolve().parents[2]
WORD = "tussefjellkvartalet"  # only the report that becomes circle-only holds it
MISSPELT = "tussefjelkvartalet"
TITLE = "Evaluering av Tussefjellkvartalet"
PUBLISHER = "Tussefjell kommune"


def _setup(app: Flask, lib) -> tuple[int, int]:  # noqa: ANN001
    """Add a shared report that will be kept to "egen", and a shared one on the same topic."""
    secret = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["leader"],
        shared=True,
        name="t.txt",
        text=f"Samarbeid om bolig og ettervern i {WORD}. Barnevern og NAV møtes ukentlig.",
        metadata={"title": TITLE, "publisher": PUBLISHER, "year": 2009, "language": "sv"},
    )
    other = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["leader"],
        shared=True,
        name="d.txt",
        text="Samarbeid om bolig og ettervern. Barnevern og NAV møtes hver uke i bydelen.",
        metadata={"title": "Delt rapport om samarbeid", "publisher": "Felles", "year": 2020},
    )
    return secret, other


def _edit_form(visibility: str) -> dict[str, str]:
    return {
        "title": TITLE,
        "publisher": PUBLISHER,
        "year": "2009",
        "language": "sv",
        "document_type": "report",
        "visibility": visibility,
    }


def _indexed_circle(app: Flask, rid: int) -> int | None:
    from library.index import get_backend

    with app.app_context():
        fp = get_backend().fingerprints()[rid]
        assert fp is not None
        return fp.circle_id


def _assert_outsider_sees_nothing(app: Flask, client: FlaskClient, lib, secret: int, other: int):  # noqa: ANN001, ANN201
    """Another circle's member: no total, facet, suggestion, related report or page of it."""
    leaks = (TITLE, PUBLISHER, WORD, "2009", "Svensk")

    def clean(html: str) -> str:
        for leak in leaks:
            assert leak.lower() not in html.lower(), leak
        return html

    broad = clean(client.get("/c/annen/library?q=samarbeid").get_data(as_text=True))
    assert "1 rapport funnet" in broad
    browse = clean(client.get("/c/annen/library").get_data(as_text=True))
    assert "1 rapport i biblioteket" in browse
    for query in (f"/c/annen/library?q={MISSPELT}", f"/c/annen/library?q={WORD}"):
        html = client.get(query).get_data(as_text=True)
        assert "Mente du" not in html and TITLE not in html and "<mark>" not in html
        assert "0 rapporter funnet" in html
    assert "0 rapporter i biblioteket" in client.get("/c/annen/library?year=2009").get_data(
        as_text=True
    )
    filtered = client.get("/c/annen/library?q=samarbeid&language=sv").get_data(as_text=True)
    assert "0 rapporter funnet" in filtered
    clean(client.get(f"/c/annen/library/reports/{other}").get_data(as_text=True))  # related
    assert client.get(f"/c/annen/library/reports/{secret}?q=samarbeid").status_code == 404
    exported = client.get("/c/annen/library/export.json?q=samarbeid").get_data(as_text=True)
    assert [r["title"] for r in json.loads(exported)] == ["Delt rapport om samarbeid"]

    from library.index import get_backend
    from library.services.search import (
        related_reports,
        search_in_report,
        visible_report_ids,
    )

    with app.app_context():
        backend = get_backend()
        report = db.session.get(Report, secret)
        seen = frozenset({lib.other.id})
        assert search_in_report(db.session, backend, report, seen, "samarbeid").total == 0
        ids = visible_report_ids(db.session, seen)
        assert secret not in ids and other in ids
        inside = backend.search(SearchQuery("samarbeid", ids, report_id=secret))
        assert inside.total == 0 and inside.hits == [] and not any(inside.facets.values())
        assert backend.related(other, ids) == []
        shared = db.session.get(Report, other)
        assert related_reports(db.session, backend, shared, seen) == []
        # The stale index alone would still show the report to everyone: only the ids stop it.
        assert backend.search(SearchQuery(WORD, ids | {secret})).total == 1


def _assert_member_still_finds_it(client: FlaskClient, secret: int) -> None:
    html = client.get(f"/c/egen/library?q={MISSPELT}").get_data(as_text=True)
    assert "Mente du" in html and WORD in html
    assert TITLE in client.get(f"/c/egen/library?q={WORD}").get_data(as_text=True)
    assert client.get(f"/c/egen/library/reports/{secret}?q={WORD}").status_code == 200


def _check_names_and_repair(app: Flask, secret: int) -> None:
    runner = app.test_cli_runner()
    check = runner.invoke(args=["check"])
    assert check.exit_code != 0
    assert (
        f"library: report {secret} is kept to circle " in check.output
        and "in the database but shared with every circle in the search index" in check.output
    )
    repaired = runner.invoke(args=["check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"repaired: library: re-indexed report {secret}" in repaired.output
    assert "after the repair" in repaired.output
    again = runner.invoke(args=["check"])
    assert again.exit_code == 0, again.output
    assert "ok: database, files and indexes agree" in again.output


def test_failed_index_write_after_visibility_change_leaks_nothing(
    app, client, login, session, lib, monkeypatch
):
    """The index write after a report is made circle-only fails: nothing shows outside."""
    secret, other = _setup(app, lib)
    login(lib.members["other_participant"])
    assert TITLE in client.get("/c/annen/library?q=samarbeid").get_data(as_text=True)
    client.post("/logout")

    def disk_full(self, doc):  # noqa: ANN001, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(backend_class(app), "index_report", disk_full)
    login(lib.members["leader"])
    response = client.post(
        f"/c/egen/library/reports/{secret}/edit", data=_edit_form("circle"), follow_redirects=True
    )
    assert response.status_code == 200  # saved; the index job failed and waits to be retried
    monkeypatch.undo()
    from circle.jobs.models import Job, JobState

    retry = session.scalar(select(Job).where(Job.kind == "library.index").order_by(Job.id.desc()))
    assert retry.state == JobState.PENDING and "IndexUpdateFailed" in retry.last_error
    session.expire_all()
    assert session.get(Report, secret).circle_id == lib.circle.id
    assert _indexed_circle(app, secret) is None  # the index still calls it shared
    client.post("/logout")

    login(lib.members["other_participant"])
    _assert_outsider_sees_nothing(app, client, lib, secret, other)
    client.post("/logout")
    login(lib.members["participant"])
    _assert_member_still_finds_it(client, secret)

    _check_names_and_repair(app, secret)
    assert _indexed_circle(app, secret) == lib.circle.id
    _assert_member_still_finds_it(client, secret)
    client.post("/logout")
    login(lib.members["other_participant"])
    _assert_outsider_sees_nothing(app, client, lib, secret, other)


_CHILD = """
import json, sys

from app import create_app
from library.search.postgres_backend import PostgresBackend
from library.search.whoosh_backend import WhooshBackend

config, email, password, path, form = json.loads(sys.argv[1])


def killed_here(self, doc):
    # The database has committed; the parent kills this process before the index is written.
    print("committed", flush=True)
    sys.stdin.read()
    raise SystemExit("the parent did not kill this process")


WhooshBackend.index_report = killed_here
PostgresBackend.index_report = killed_here
client = create_app(config).test_client()
assert client.post("/login", data={"email": email, "password": password}).status_code == 302
client.post(path, data=form)
"""


def test_process_killed_between_commit_and_index_write_leaks_nothing(
    app, client, login, session, lib
):
    """A worker SIGKILLed after committing a visibility change, before indexing it."""
    secret, other = _setup(app, lib)
    keys = ("TESTING", "SECRET_KEY", "DATA_DIR", "UPLOAD_DIR", "INDEX_DIR", "OUTBOX_DIR")
    keys += ("JOBS_EAGER", "QUEUE_URL")  # the index job runs in the child, after its commit
    config = {k: app.config[k] for k in keys}
    config.update(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    config.update(WTF_CSRF_ENABLED=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    args = [config, lib.members["leader"].email, PASSWORD]
    args += [f"/c/egen/library/reports/{secret}/edit", _edit_form("circle")]
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(args)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line == "committed\n", child.stderr.read() if not line else line
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()
    session.expire_all()
    assert session.get(Report, secret).circle_id == lib.circle.id
    assert _indexed_circle(app, secret) is None

    login(lib.members["other_participant"])
    _assert_outsider_sees_nothing(app, client, lib, secret, other)
    _check_names_and_repair(app, secret)
    _assert_outsider_sees_nothing(app, client, lib, secret, other)


def test_check_finds_changed_text_metadata_and_deleted_reports(
    app, client, login, session, lib, monkeypatch
):
    """Page text, title and a deletion the index missed: named by check, mended by --repair."""
    secret, other = _setup(app, lib)
    extra = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["leader"],
        shared=True,
        name="x.txt",
        text="Rapport om fosterhjem som slettes.",
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["check"]).exit_code == 0
    # New page text in the database (as after a re-extraction) that never reached the index.
    session.execute(
        update(ReportPage)
        .where(ReportPage.report_id == other, ReportPage.number == 1)
        .values(text="Ny tekst om fosterhjem og institusjon.")
    )
    session.commit()

    def fails(self, *args):  # noqa: ANN001, ANN002, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(backend_class(app), "index_report", fails)
    monkeypatch.setattr(backend_class(app), "delete_report", fails)
    login(lib.members["leader"])
    form = _edit_form("shared") | {"title": "Ny tittel på evalueringen"}
    assert client.post(f"/c/egen/library/reports/{secret}/edit", data=form).status_code == 302
    assert client.post(f"/c/egen/library/reports/{extra}/delete").status_code == 302
    monkeypatch.undo()
    assert session.scalar(select(Report.id).where(Report.id == extra)) is None

    # The deleted report is still in the index, yet no search counts it.
    assert "0 rapporter funnet" in client.get("/c/egen/library?q=slettes").get_data(as_text=True)

    check = runner.invoke(args=["check"])
    assert check.exit_code != 0
    assert f"library: report {other} has other text in the search index on page 1" in check.output
    assert f"library: report {secret} has other title or metadata" in check.output
    assert f"the search index holds report {extra}, which is not in the database" in check.output
    assert "3 problem(s) found" in check.output
    repaired = runner.invoke(args=["check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"repaired: library: removed report {extra} from the search index" in repaired.output
    assert re.search(rf"repaired: library: re-indexed report {other}\n", repaired.output)
    assert runner.invoke(args=["check"]).exit_code == 0
    found = client.get("/c/egen/library?q=fosterhjem").get_data(as_text=True)
    assert "1 rapport funnet" in found and "<mark>fosterhjem</mark>" in found
    retitled = client.get(f"/c/egen/library?q={WORD}").get_data(as_text=True)
    assert "Ny tittel på evalueringen" in retitled


class _WithoutFingerprint:
    """A writer that stores the meta document as indexes did before fingerprints."""

    def __init__(self, writer) -> None:  # noqa: ANN001
        self.writer = writer

    def add_document(self, **fields) -> None:  # noqa: ANN003
        meta = fields.get("meta")
        if isinstance(meta, dict):
            fields["meta"] = {k: v for k, v in meta.items() if k != "fingerprint"}
        self.writer.add_document(**fields)


def test_check_names_entries_indexed_without_fingerprint(app, session, lib):
    """Reports indexed before fingerprints existed are named, and --repair re-indexes them."""
    whoosh_only(app)
    from whoosh import index

    from library.index import get_backend, report_doc
    from library.search.schema import FastSegmentWriter
    from library.search.whoosh_backend import add_report

    secret, _other = _setup(app, lib)
    with app.app_context():
        backend = get_backend()
        doc = report_doc(db.session.get(Report, secret))
        with backend.store.write_lock():
            writer = FastSegmentWriter(index.open_dir(str(backend.store.current())))
            writer.delete_by_term("rid", str(secret))
            add_report(_WithoutFingerprint(writer), doc)
            writer.commit(merge=False)
        assert backend.fingerprints()[secret] is None
    runner = app.test_cli_runner()
    check = runner.invoke(args=["check"])
    assert check.exit_code != 0
    assert f"library: report {secret} has no fingerprint in the search index" in check.output
    repaired = runner.invoke(args=["check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert runner.invoke(args=["check"]).exit_code == 0


def test_check_without_repair_changes_nothing(app, session, lib, monkeypatch):
    """Plain `flask check` only reports; the difference stays until --repair."""
    from library.index import get_backend

    secret, _other = _setup(app, lib)
    session.execute(update(Report).where(Report.id == secret).values(circle_id=lib.circle.id))
    session.commit()
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["check"])
        assert result.exit_code != 0 and "repaired" not in result.output
    with app.app_context():
        assert get_backend().fingerprints()[secret].circle_id is None
