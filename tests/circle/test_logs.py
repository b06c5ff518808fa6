"""No log line carries an identity number, a password, post text or a query (SECURITY 26, 32)."""

from __future__ import annotations

import datetime
import io
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from circle.extensions import db
from circle.logs import ScrubFilter, scrub
from circle.mail import Notice, send_notices
from circle.models import Circle
from tests.circle.test_identity import valid_number
from tests.conftest import need
from tests.load.httpclient import Client
from tests.load.servers import flask as _flask
from tests.load.servers import free_port as _free_port
from tests.load.servers import wait_for_port as _wait_for

ROOT = Path(__file__).resolve().parents[2]
NUMBER = valid_number(datetime.date(1984, 6, 23))
DATE, PERSONAL = NUMBER[:6], NUMBER[6:]
PASSWORD = "Fjellrev-Sykkel-Blekk-29"
WRONG_PASSWORD = "Feil-Passord-Helt-Sikkert-77"
POST_TEXT = "Innlegget forteller om en hemmelig ettervernsordning i bydelen"
TOKEN = "Zk3vQ9tYbW1xR7uP0sLmN2cJ5hGfDeA8"


def _leaks(text: str) -> list[str]:
    """Return what should never be in a log but is."""
    found = [s for s in (DATE, PERSONAL, PASSWORD, WRONG_PASSWORD, POST_TEXT, TOKEN) if s in text]
    return found + [line for line in text.splitlines() if "?q=" in line or "next=" in line]


# --- The scrubber -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f'127.0.0.1 - - "GET /c/x/library?q={DATE}+{PERSONAL} HTTP/1.1" 303 -',
        f'"GET /c/x/library?q={DATE}%20{PERSONAL}&page=2 HTTP/1.1" 303',
        f"unhandled error on GET /finnes/{DATE}-{PERSONAL}",
        f"ValueError: invalid literal for int() with base 10: '{DATE}\u200b{PERSONAL}'",
        f"GET /password/reset/{TOKEN} 400",
    ],
)
def test_scrub_removes_queries_numbers_and_tokens(line: str) -> None:
    cleaned = scrub(line)
    assert not _leaks(cleaned), cleaned


def test_scrub_leaves_ordinary_lines_alone() -> None:
    line = '127.0.0.1 - - [01/Dec/2026:10:00:00] "GET /c/x/library HTTP/1.1" 200 5120 12ms'
    assert scrub(line) == line
    assert scrub("sent 3 mail(s) via SMTP, report 12345678901") == (
        "sent 3 mail(s) via SMTP, report 12345678901"
    )


def test_scrub_filter_covers_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logger = logging.getLogger("tests.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("refused %s for %s", f"{DATE} {PERSONAL}", "x")
        try:
            int(f"{DATE}{PERSONAL}x")
        except ValueError:
            logger.exception("could not read")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "refused" in output and "could not read" in output and "ValueError" in output
    assert not _leaks(output), output


def test_the_app_scrubs_every_root_handler(app) -> None:
    handlers = logging.getLogger().handlers
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, ScrubFilter) for f in handler.filters), handler
    assert any(isinstance(f, ScrubFilter) for f in logging.getLogger("werkzeug").filters)


def test_outbox_mail_log_names_the_file_only(app, caplog) -> None:
    config = dict(app.config, MAIL_SERVER="")
    notice = Notice(to="a@test.example", subject=POST_TEXT, intro="Hei", link="http://x/1")
    with caplog.at_level(logging.INFO, logger="circle.mail"):
        assert send_notices(config, [notice]) == 1
    assert "mail written to outbox" in caplog.text
    assert POST_TEXT not in caplog.text


def test_database_errors_do_not_carry_the_statements_values(app) -> None:
    with app.app_context():
        db.session.add(Circle(slug="dobbel", name="A", description=POST_TEXT))
        db.session.commit()
        db.session.add(Circle(slug="dobbel", name="B", description=POST_TEXT))
        with pytest.raises(IntegrityError) as excinfo:
            db.session.commit()
        db.session.rollback()
    assert POST_TEXT not in str(excinfo.value)


# --- The development server's request log -------------------------------------------------------


def test_development_server_logs_the_path_without_the_query(app) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    werkzeug_logger = logging.getLogger("werkzeug")
    werkzeug_logger.addHandler(handler)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for path in (
            f"/login?next=/c/x/library%3Fq%3D{DATE}-{PERSONAL}",
            f"/login?q={urllib.parse.quote(DATE + ' ' + PERSONAL)}",
            f"/finnes-ikke/{DATE}.{PERSONAL}",
            f"/password/reset/{TOKEN}",
        ):
            try:
                urllib.request.urlopen(base + path, timeout=10).close()  # noqa: S310
            except urllib.error.HTTPError as error:
                error.close()
    finally:
        server.shutdown()
        thread.join(10)
        werkzeug_logger.removeHandler(handler)
    output = stream.getvalue()
    assert "GET /login" in output and "GET /finnes-ikke" in output
    assert not _leaks(output), output


# --- Gunicorn with the shipped configuration ----------------------------------------------------


def _run_flask(env: dict[str, str], *args: str) -> None:
    result = _flask(env, *args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_gunicorn_logs_carry_no_number_password_post_text_or_query(tmp_path) -> None:
    need(sys.platform != "win32", "gunicorn needs a POSIX system")
    port = _free_port()
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "TEST_DATABASE"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY="log-test-secret",
        DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'logs.db'}",
        BASE_URL=f"http://127.0.0.1:{port}",
    )
    _run_flask(env, "db", "upgrade")
    account = ["leder@logg.example", "--name", "Leder", "--admin", "--password", PASSWORD]
    _run_flask(env, "users", "create", *account)
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(access)]
        + ["--error-logfile", str(errors), "app:create_app()"],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port, proc, time.monotonic() + 60)
        base = f"http://127.0.0.1:{port}"
        visitor = Client(base)
        spelt = urllib.parse.quote(f"{DATE}\u00a0{PERSONAL}")
        assert visitor.get(f"/c/sirkel/library?q={spelt}&page=2").status == 200  # to /login
        assert visitor.get(f"/login?next=/c/sirkel/library%3Fq%3D{DATE}-{PERSONAL}").status == 200
        assert visitor.get(f"/finnes-ikke/{DATE}.{PERSONAL}").status == 404
        assert visitor.get(f"/password/reset/{TOKEN}").status == 400
        action, fields = visitor.form("/login", "email")
        fields.update(email="leder@logg.example", password=WRONG_PASSWORD)
        assert visitor.post(action, fields).status == 401

        leader = Client(base)
        leader.sign_in("leder@logg.example", PASSWORD)
        action, fields = leader.form("/circles/new", "slug")
        fields.update(name="Loggsirkel", slug="logg", institution="Høgskolen")
        assert leader.post(action, fields).status == 200
        action, fields = leader.form("/c/logg/threads/new", "title")
        fields.update(title="Om ettervern", body=POST_TEXT)
        answer = leader.post(action, fields)
        assert answer.status == 200 and POST_TEXT in answer.body
        fields.update(title="Om en sak", body=f"Gjelder {DATE} {PERSONAL}")
        refused = leader.post(action, fields)
        assert refused.status in {200, 400} and "fødselsnummer" in refused.body
        searched = leader.get(f"/c/logg/library?q={spelt}")
        assert "fødselsnummer" in searched.body and DATE not in searched.body
    finally:
        proc.terminate()
        proc.wait(30)
    access_text, error_text = access.read_text(), errors.read_text()
    assert '"GET /c/sirkel/library HTTP/1.1" 303' in access_text
    assert '"POST /login HTTP/1.1" 401' in access_text
    assert "Booting worker" in error_text
    assert not _leaks(access_text), access_text
    assert not _leaks(error_text), error_text
