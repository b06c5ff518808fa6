"""Password reset: rate-limited per address and per client, one answer for every address."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from circle.auth.notices import reset_notice
from circle.auth.services import RESET_REQUESTED, address_key
from circle.mail import build_message
from circle.models import AuditEvent


def _ask(client, email: str, ip: str = "203.0.113.7"):  # noqa: ANN001, ANN202
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def _answer(response) -> tuple[int, str | None]:  # noqa: ANN001
    return response.status_code, response.headers.get("Location")


def _page(client) -> str:  # noqa: ANN001
    """Return the page the answer leads to, without its (always different) CSRF tokens."""
    page = client.get("/login").get_data(as_text=True)
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]*"', "csrf", page)


def test_the_answer_is_the_same_for_known_unknown_and_limited_addresses(
    app, client, make_member, mailbox
) -> None:
    member = make_member()
    limit = app.config["PASSWORD_RESET_PER_ADDRESS"]
    answers = []
    for n in range(limit + 2):
        for email in (member.email, f"ingen{n}@test.example", "ingen@test.example"):
            answers.append((_answer(_ask(client, email, ip=f"198.51.100.{n}")), _page(client)))
    assert len(set(answers)) == 1, "every answer (status, redirect, next page) must be the same"
    assert "Hvis adressen finnes hos oss" in answers[0][1]
    # Mail went out for the known address only, and only up to the per-address limit.
    assert [m["To"] for m in mailbox] == [member.email] * limit


def test_the_per_address_limit_counts_unknown_addresses_too(app, client, session) -> None:
    limit = app.config["PASSWORD_RESET_PER_ADDRESS"]
    for n in range(limit + 1):
        assert _answer(_ask(client, "Ingen@Test.example", ip=f"192.0.2.{n}")) == (302, "/login")
    key = address_key(app.config["SECRET_KEY"], "ingen@test.example")
    counted = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == RESET_REQUESTED, AuditEvent.key_hash == key
        )
    )
    assert counted == limit + 1
    # The log holds a keyed hash, never the address someone typed.
    details = session.scalars(select(AuditEvent.detail)).all()
    assert not any("ingen" in (d or "") for d in details)


def test_too_many_requests_from_one_client_get_429(app, client, make_member, mailbox) -> None:
    member = make_member()
    limit = app.config["PASSWORD_RESET_PER_CLIENT"]
    for n in range(limit):
        assert _ask(client, f"a{n}@test.example").status_code == 302
    assert _ask(client, member.email).status_code == 429
    assert _ask(client, "hvem@test.example").status_code == 429
    assert mailbox == []
    # Another client is not held back by the first one.
    assert _ask(client, member.email, ip="192.0.2.200").status_code == 302
    assert len(mailbox) == 1


def test_the_limits_are_shared_through_the_database(app, client, make_member, mailbox) -> None:
    """Two app instances (as two gunicorn workers) count the same requests."""
    from app import create_app

    member = make_member()
    second = create_app(
        {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "DATA_DIR")}
        | {"TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SERVER": app.config["MAIL_SERVER"]}
        | {"MAIL_PORT": app.config["MAIL_PORT"], "MAIL_STARTTLS": False, "MAIL_USERNAME": ""}
        | {"JOBS_EAGER": True, "QUEUE_URL": "memory://"}
    ).test_client()
    limit = app.config["PASSWORD_RESET_PER_ADDRESS"]
    for n in range(limit):
        worker = client if n % 2 else second
        _ask(worker, member.email, ip=f"198.51.100.{n}")
    _ask(client, member.email, ip="198.51.100.99")
    _ask(second, member.email, ip="198.51.100.98")
    assert len(mailbox) == limit


def test_a_mail_failure_does_not_change_the_answer(app, client, make_member, monkeypatch) -> None:
    member = make_member()

    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("SMTP is down")

    monkeypatch.setattr("circle.mail.send_messages", broken)
    assert _answer(_ask(client, member.email)) == (302, "/login")
    assert "Hvis adressen finnes hos oss" in _page(client)
    from sqlalchemy import select

    from circle.extensions import db
    from circle.jobs.models import Job, JobState

    with app.app_context():  # the mail waits in its job, to be tried again
        job = db.session.scalar(select(Job).where(Job.kind == "mail.send"))
        assert job.state == JobState.PENDING and "SMTP is down" in job.last_error


def test_the_reset_mail_is_built_in_one_function(app, make_member) -> None:
    member = make_member()
    with app.app_context():
        notice = reset_notice(app.config, member)
        message = build_message(notice, app.config["MAIL_FROM"])
    assert notice.to == member.email
    assert notice.link.startswith("http://sirkel.test/password/reset/")
    assert notice.link in message.get_body(("plain",)).get_content()
