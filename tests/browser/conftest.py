"""Browser fixtures: the app served on loopback, and Playwright driving Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from circle.extensions import db
from circle.models import Circle, Member, Membership, Role, ServiceSite, SiteKind, Unit
from tests.conftest import _HASH, PASSWORD, need

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # reported by need() below, so the tests skip locally and fail in CI
    sync_playwright = None  # type: ignore[assignment]
    Browser = Page = Any  # type: ignore[assignment,misc]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if Path(path).is_file() and os.access(path, os.X_OK):
        return path
    return shutil.which(path)


@pytest.fixture
def live_app(tmp_path: Path, smtp_server) -> Iterator[Flask]:  # noqa: ANN001
    """An app with its own data folder and SQLite file, CSRF on, mail to the local SMTP server."""
    controller, _handler = smtp_server
    data_dir = tmp_path / "data"
    os.environ.setdefault("APP_ENV", "development")
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-key",
            "DATA_DIR": str(data_dir),
            "UPLOAD_DIR": str(data_dir / "files"),
            "INDEX_DIR": str(data_dir / "index"),
            "OUTBOX_DIR": str(data_dir / "outbox"),
            # Browser journeys always use SQLite; the PostgreSQL run leaves them out (-m "not browser").
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
            "MAIL_SERVER": controller.hostname,
            "MAIL_PORT": controller.port,
            "MAIL_STARTTLS": False,
            "MAIL_SSL": False,
            "MAIL_USERNAME": "",
            # Jobs run right after the commit that queued them, in this process.
            "JOBS_EAGER": True,
            "QUEUE_URL": "memory://",
            "WTF_CSRF_ENABLED": True,
            "BASE_URL": "http://127.0.0.1",  # replaced by live_server with the real port
        }
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve live_app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = base_url
    # A short poll interval lets shutdown() return quickly at teardown.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    need(sync_playwright is not None, "the playwright Python package is not installed")
    executable = _chromium_path()
    need(
        executable is not None,
        "Chromium not found (set CHROMIUM_PATH or install Debian's chromium at /usr/bin/chromium)",
    )
    with sync_playwright() as playwright:
        expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors, page errors and CSP violations seen by this test's pages."""
    return []


@pytest.fixture
def new_page(browser: Browser, console_errors: list[str]) -> Iterator[Callable[[], Page]]:
    """Return a factory for fresh pages, each in its own browser context (its own cookies)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def on_console(msg) -> None:  # noqa: ANN001
            if msg.type == "error":
                console_errors.append(f"{msg.text} [{page.url}]")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: console_errors.append(f"page error: {exc} [{page.url}]"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A fresh page in a fresh browser context for this test."""
    return new_page()


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the next page."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def sign_out(page: Page) -> None:
    """Sign out with the header's button and wait for the login page."""
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()


def make_circle_with_people(
    app: Flask,
    people: dict[str, Role],
    *,
    slug: str = "overganger",
    name: str = "Overganger til voksenlivet",
) -> dict[str, int]:
    """Create a circle (one unit, two sites) and members with the given roles; return their ids.

    Every member gets the password tests.conftest.PASSWORD; keys are e-mail addresses.
    """
    with app.app_context():
        circle = Circle(
            slug=slug,
            name=name,
            institution="Høgskolen i sør",
            description="Barnevern og NAV arbeider sammen med forskere.",
        )
        unit = Unit(
            name="Bydel Nord",
            sites=[
                ServiceSite(name="Barneverntjenesten Nord", kind=SiteKind.BARNEVERN),
                ServiceSite(name="NAV Nord", kind=SiteKind.NAV),
            ],
        )
        circle.units.append(unit)
        db.session.add(circle)
        ids = {}
        for email, role in people.items():
            member = Member(
                email=email,
                name=email.split("@")[0].replace(".", " ").title(),
                password_hash=_HASH,
                job_title="Rådgiver",
            )
            db.session.add(member)
            db.session.add(Membership(member=member, circle=circle, role=role, unit=unit))
            db.session.flush()
            ids[email] = member.id
        db.session.commit()
        ids["circle"] = circle.id
        return ids
