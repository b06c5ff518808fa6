"""One policy for every mail: queued in the transaction, sent by a job, retried, never twice."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from circle.extensions import db
from circle.jobs import run_due_jobs
from circle.jobs.models import Job, JobState
from circle.mail import MAIL_JOB, Notice, notice_payload, queue_notices, send_mail_job
from circle.models import Role, utcnow


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def _mail_jobs(app) -> list[Job]:  # noqa: ANN001
    with app.app_context():
        jobs = list(db.session.scalars(select(Job).where(Job.kind == MAIL_JOB).order_by(Job.id)))
        db.session.expunge_all()
        return jobs


def _make_due(app) -> None:  # noqa: ANN001
    with app.app_context():
        db.session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def _notice(to: str = "kari@test.example") -> Notice:
    return Notice(to=to, subject="Nytt referat", intro="Et referat er godkjent.", link="http://x/")


def test_a_rollback_sends_nothing(app, mailbox) -> None:
    with app.app_context():
        queue_notices(db.session, [_notice()])
        db.session.flush()
        db.session.rollback()
    assert mailbox == [] and _mail_jobs(app) == []


def test_smtp_down_then_up_delivers_each_mail_exactly_once(app, mailbox) -> None:
    real_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    with app.app_context():
        queue_notices(db.session, [_notice("a@test.example"), _notice("b@test.example")])
        db.session.commit()
    jobs = _mail_jobs(app)
    assert [j.state for j in jobs] == [JobState.PENDING, JobState.PENDING]
    assert all("ConnectionRefusedError" in (j.last_error or "") for j in jobs)
    assert mailbox == []
    _make_due(app)
    assert run_due_jobs(app) == {"retry": 2}  # still down: tried again later, nothing lost
    app.config["MAIL_PORT"] = real_port
    _make_due(app)
    assert run_due_jobs(app) == {"done": 2}
    assert sorted(m["To"] for m in mailbox) == ["a@test.example", "b@test.example"]
    ids = [m["Message-ID"] for m in mailbox]
    assert len(set(ids)) == 2
    _make_due(app)
    assert run_due_jobs(app) == {}  # nothing is sent twice
    assert len(mailbox) == 2


def test_the_message_id_is_fixed_when_queued_so_a_retry_is_the_same_message(app, tmp_path) -> None:
    payload = notice_payload(_notice(), "<fixed-id@forskningssirkel.local>")
    app.config.update(MAIL_SERVER="", OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.test_request_context("/"):
        send_mail_job(db.session, payload)
        send_mail_job(db.session, payload)  # a retry after a crash that came after the send
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert b"Message-ID: <fixed-id@forskningssirkel.local>" in files[0].read_bytes()


def test_a_refused_recipient_fails_at_once_and_shows_to_the_circles_leaders(
    app, client, login, make_member, make_circle
) -> None:
    class Refuse:
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201, N802
            return "550 no such user"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refusing = Controller(Refuse(), hostname="127.0.0.1", port=port)
    refusing.start()
    try:
        circle = make_circle(slug="egen")
        leader = make_member(circle=circle, role=Role.LEADER)
        app.config["MAIL_PORT"] = port
        with app.app_context():
            queue_notices(db.session, [_notice("borte@test.example")], circle_id=circle.id)
            db.session.commit()
    finally:
        refusing.stop()
    (job,) = _mail_jobs(app)
    assert job.state == JobState.FAILED and job.attempts == 1
    assert "refused" in job.last_error
    login(leader)
    page = client.get("/c/egen/mail-failures").get_data(as_text=True)
    assert "borte@test.example" in page and "Nytt referat" in page


def test_an_invitation_while_smtp_is_down_is_saved_and_sent_later(
    app, client, login, make_member, make_circle, mailbox
) -> None:
    circle = make_circle(slug="egen")
    login(make_member(circle=circle, role=Role.LEADER))
    real_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    unit = circle.units[0]
    response = client.post(
        "/c/egen/invitations",
        data={
            "email": "ny@test.example",
            "role": "participant",
            "unit": str(unit.id),
            "site": str(unit.sites[0].id),
            "organisation": "",
        },
    )
    assert response.status_code == 302  # no 500, and nothing about mail that failed
    assert mailbox == []
    app.config["MAIL_PORT"] = real_port
    _make_due(app)
    run_due_jobs(app)
    assert [m["To"] for m in mailbox] == ["ny@test.example"]


def test_password_reset_queues_the_same_work_whether_or_not_the_address_exists(
    app, client, make_member, mailbox
) -> None:
    member = make_member(email="finnes@test.example")
    answers = []
    for address in (member.email, "finnes-ikke@test.example"):
        response = client.post("/password/forgot", data={"email": address})
        answers.append((response.status_code, response.headers.get("Location")))
    assert answers[0] == answers[1]
    with app.app_context():
        kinds = list(db.session.scalars(select(Job.kind).order_by(Job.id)))
    # Each request queued one reset job; only the existing address led to a mail job.
    assert kinds.count("auth.password_reset") == 2 and kinds.count(MAIL_JOB) == 1
    assert [m["To"] for m in mailbox] == [member.email]


def test_thread_mail_goes_through_the_queue_when_smtp_is_down(
    app, session, make_member, make_circle, mailbox
) -> None:
    from circle.threads.models import Audience
    from circle.threads.services.threads import create_thread

    circle = make_circle(slug="egen")
    author = make_member(circle=circle, role=Role.LEADER)
    reader = make_member(circle=circle, role=Role.PARTICIPANT)
    real_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    create_thread(
        session, circle, actor=author, title="Tråd", body="Tekst", audience=Audience.CIRCLE
    )
    session.commit()
    assert mailbox == []
    (job,) = _mail_jobs(app)
    assert job.state == JobState.PENDING and job.payload["to"] == reader.email
    app.config["MAIL_PORT"] = real_port
    _make_due(app)
    run_due_jobs(app)
    assert [m["To"] for m in mailbox] == [reader.email]


def test_concurrent_runs_of_one_mail_job_send_it_once(app, mailbox, monkeypatch) -> None:
    """Two workers handed the same job id: the claim lets one of them run it."""
    import circle.jobs.queue as queue
    from circle.jobs.runner import run_job

    monkeypatch.setattr(queue, "dispatch", lambda *a, **k: None)
    with app.app_context():
        queue_notices(db.session, [_notice()])
        db.session.commit()
    (job,) = _mail_jobs(app)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(run_job(app, job.id))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("done") == 1
    assert len(mailbox) == 1


def test_leaders_see_failed_mail_on_the_circle_home_page_and_can_resend(
    app, client, login, make_member, make_circle, mailbox
) -> None:
    circle = make_circle(slug="egen")
    leader = make_member(circle=circle, role=Role.LEADER)
    participant = make_member(circle=circle, role=Role.PARTICIPANT)
    with app.app_context():
        job = Job(
            kind=MAIL_JOB,
            payload=notice_payload(_notice("igjen@test.example"), "<id-1@forskningssirkel.local>"),
            state=JobState.FAILED,
            attempts=16,
            max_attempts=16,
            circle_id=circle.id,
            last_error="SMTPServerDisconnected: gone",
        )
        db.session.add(job)
        db.session.info.clear()  # written as failed: nothing to hand over
        db.session.commit()
        job_id = job.id
    login(participant)
    assert "E-post som ikke kom fram" not in client.get("/c/egen").get_data(as_text=True)
    client.post("/logout")
    login(leader)
    home = client.get("/c/egen").get_data(as_text=True)
    assert "E-post som ikke kom fram" in home and "/c/egen/mail-failures" in home
    assert client.post(f"/c/egen/mail-failures/{job_id}/retry").status_code == 302
    assert [m["To"] for m in mailbox] == ["igjen@test.example"]
    assert "E-post som ikke kom fram" not in client.get("/c/egen").get_data(as_text=True)
