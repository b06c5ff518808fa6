"""Shared fixtures: app, client, runner, session, factories, login, local SMTP server."""

from __future__ import annotations

import email.policy
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from itertools import count
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from app import create_app
from circle.auth.passwords import hash_password
from circle.extensions import db
from circle.models import Circle, Member, Membership, Role, ServiceSite, SiteKind, Unit

PASSWORD = "riktig-hest-batteri-stift"
_HASH = hash_password(PASSWORD)
_seq = count(1)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def need(condition: bool, reason: str) -> None:
    """Skip when a test's requirement is missing locally; fail instead in CI."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


class _Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        msg = message_from_bytes(envelope.content, policy=email.policy.default)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, _Collect]]:
    """A real SMTP server on loopback that keeps what it receives."""
    handler = _Collect()
    with socket.socket() as probe:  # ask the OS for a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> list[Message]:  # noqa: ANN001
    """The messages the local SMTP server received during this test."""
    _controller, handler = smtp_server
    with handler.lock:
        handler.messages.clear()
    return handler.messages


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    """A private redis-server on a free loopback port (no persistence), for the session.

    Skipped with the reason when Debian's `redis-server` is not installed; in CI it must be.
    """
    binary = shutil.which("redis-server")
    need(binary is not None, "redis-server is not installed (Debian package redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "redis.log").open("w")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        + ["--dir", str(folder), "--daemonize", "no"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server did not start: {(folder / 'redis.log').read_text()}")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _database_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


def _reset_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


_pg_schema_ready = False


@pytest.fixture
def app(tmp_path: Path, smtp_server) -> Iterator[Flask]:  # noqa: ANN001
    """A fresh app with an empty database and its own data folder."""
    global _pg_schema_ready
    controller, _handler = smtp_server
    data_dir = tmp_path / "data"
    os.environ.setdefault("APP_ENV", "development")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATA_DIR": str(data_dir),
            "UPLOAD_DIR": str(data_dir / "files"),
            "INDEX_DIR": str(data_dir / "index"),
            "OUTBOX_DIR": str(data_dir / "outbox"),
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
            "MAIL_SERVER": controller.hostname,
            "MAIL_PORT": controller.port,
            "MAIL_STARTTLS": False,
            "MAIL_USERNAME": "",
            "BASE_URL": "http://sirkel.test",
            # Jobs run right after the commit that queued them, in this process.
            "JOBS_EAGER": True,
            "QUEUE_URL": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            # Other tests (migrations, the matrix) drop and rebuild the schema: check it is whole.
            present = set(inspect(db.engine).get_table_names())
            if not _pg_schema_ready or not set(db.metadata.tables) <= present:
                db.drop_all()
                db.create_all()
                _pg_schema_ready = True
            _reset_postgres()
        else:
            db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # noqa: ANN201
    """A CLI runner for the app."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session on the app's engine.

    No app context stays pushed: each test-client request gets its own context (and its own
    `g`), as in production, so cached state cannot leak from one request into the next.
    """
    with app.app_context():
        engine = db.engine
    db_session = Session(engine)
    yield db_session
    db_session.rollback()
    db_session.close()


@pytest.fixture
def make_member(session) -> Callable[..., Member]:  # noqa: ANN001
    """Return a factory for members (committed, password PASSWORD)."""

    def make(
        name: str | None = None,
        email: str | None = None,
        *,
        admin: bool = False,
        active: bool = True,
        circle: Circle | None = None,
        role: Role | None = None,
        unit: Unit | None = None,
        site: ServiceSite | None = None,
        organisation: str = "",
    ) -> Member:
        n = next(_seq)
        member = Member(
            name=name or f"Person {n}",
            email=(email or f"person{n}@test.example").lower(),
            is_admin=admin,
            active=active,
            password_hash=_HASH,
            job_title="Rådgiver",
            phone=f"9{n:07d}",
        )
        session.add(member)
        if circle is not None:
            session.add(
                Membership(
                    member=member,
                    circle=circle,
                    role=role or Role.PARTICIPANT,
                    unit=unit,
                    service_site=site,
                    organisation=organisation,
                )
            )
        session.commit()
        return member

    return make


@pytest.fixture
def make_circle(session) -> Callable[..., Circle]:  # noqa: ANN001
    """Return a factory for circles with one unit and two service sites."""

    def make(slug: str | None = None, name: str | None = None) -> Circle:
        n = next(_seq)
        circle = Circle(
            slug=slug or f"sirkel-{n}",
            name=name or f"Sirkel {n}",
            institution="Høgskolen",
            description="Om *sirkelen*.",
        )
        unit = Unit(
            name=f"Bydel {n}",
            sites=[
                ServiceSite(name=f"Barnevern {n}", kind=SiteKind.BARNEVERN),
                ServiceSite(name=f"NAV {n}", kind=SiteKind.NAV),
            ],
        )
        circle.units.append(unit)
        session.add(circle)
        session.commit()
        return circle

    return make


@pytest.fixture
def add_member(session) -> Callable[..., Membership]:  # noqa: ANN001
    """Return a function that gives an existing member a role in a circle."""

    def add(
        member: Member, circle: Circle, role: Role = Role.PARTICIPANT, organisation: str = ""
    ) -> Membership:
        membership = Membership(
            member=member,
            circle=circle,
            role=role,
            unit=circle.units[0] if circle.units else None,
            organisation=organisation,
        )
        session.add(membership)
        session.commit()
        return membership

    return add


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., object]:
    """Return a function that signs a member in through the real login form."""

    def do_login(
        member_or_email: Member | str,
        password: str = PASSWORD,
        *,
        remember: bool = False,
        test_client: FlaskClient | None = None,
    ):  # noqa: ANN202
        email = member_or_email if isinstance(member_or_email, str) else member_or_email.email
        c = test_client or client
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return c.post("/login", data=data)

    return do_login


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    """The app with CSRF protection on (the default app has it on too; this is explicit)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app
