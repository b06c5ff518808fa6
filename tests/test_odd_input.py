"""Odd numbers in URLs and forms answer 4xx, never 500, on every route (SECURITY 32).

Non-ASCII digits (², ٣), ids beyond 32 and 64 bits and signs go into every int part of every route,
into the integer query parameters of every GET page, and into the id-like fields of every POST
form, for a signed-in administrator (who sees everything) and a participant.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app import create_app
from circle.extensions import db
from tests.test_permission_matrix import ROWS, build_world

BAD_IDS = ["²", "٣", "1²", "2147483648", "9223372036854775808", "99999999999999999999", "-1", "1.5"]
BIGGEST = "2147483647"  # 2**31 - 1, the largest id an Integer column holds: matches nothing
QUERY_NAMES = ["page", "p", "a", "b", "to", "owner", "unit", "subject_id", "upto", "quote", "year"]
_ARG_RE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@dataclass
class Sweep:
    """The app and, worked out from the world once, what the sweep requests."""

    app: Flask
    slug: str
    tokens: dict[str, str]
    gets: list[str]
    posts: list[tuple[str, str, dict[str, Any]]]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, smtp_server) -> Iterator[Sweep]:  # noqa: ANN001
    controller, _handler = smtp_server
    base = tmp_path_factory.mktemp("odd")
    data_dir = base / "data"
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{base / 'odd.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "odd",
            "DATA_DIR": str(data_dir),
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": controller.hostname,
            "MAIL_PORT": controller.port,
            "MAIL_STARTTLS": False,
            "MAIL_USERNAME": "",
            "BASE_URL": "http://sirkel.test",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = build_world(db.session)
        found = Sweep(
            app=app,
            slug=world.circle.slug,
            tokens={role: world.members[role].session_token for role in ("admin", "participant")},
            gets=[row.path(world) for row in ROWS if row.method == "GET"],
            posts=[
                (row.endpoint, row.path(world), row.data(world) if row.data else {})
                for row in ROWS
                if row.method == "POST"
            ],
        )
        db.session.remove()
    yield found
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.engine.dispose()


def _client(app: Flask, token: str | None):  # noqa: ANN202
    client = app.test_client()
    if token:
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True
    return client


def _int_routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """Return (endpoint, rule, methods) for every route with an int part."""
    found = []
    for rule in app.url_map.iter_rules():
        if any(match.group(1) == "int" for match in _ARG_RE.finditer(rule.rule)):
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            found.append((rule.endpoint, rule.rule, methods))
    return found


def _fill(rule: str, slug: str, bad: str) -> str:
    """Put `bad` into every int part of a rule and plausible values into the rest."""

    def part(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if converter == "int":
            return bad
        return slug if name == "slug" else "x"

    return _ARG_RE.sub(part, rule)


def test_every_int_part_of_every_route_uses_the_ascii_converter(sweep) -> None:
    from circle.security import AsciiIntConverter

    assert sweep.app.url_map.converters["int"] is AsciiIntConverter
    assert len(_int_routes(sweep.app)) > 80


@pytest.mark.parametrize("bad", BAD_IDS)
def test_odd_ids_in_every_route_answer_4xx(sweep, bad: str) -> None:
    app = sweep.app
    clients = {"admin": _client(app, sweep.tokens["admin"]), "anonymous": _client(app, None)}
    failures = []
    for endpoint, rule, methods in _int_routes(app):
        path = _fill(rule, sweep.slug, bad)
        for method in methods:
            for who, client in clients.items():
                status = client.open(path, method=method).status_code
                if status not in {400, 404, 405}:
                    failures.append(f"{method} {path} ({endpoint}) as {who}: {status}")
    assert not failures, "\n".join(failures)


def test_the_largest_id_is_a_plain_404(sweep) -> None:
    app = sweep.app
    client = _client(app, sweep.tokens["admin"])
    failures = []
    for endpoint, rule, methods in _int_routes(app):
        path = _fill(rule, sweep.slug, BIGGEST)
        status = client.open(path, method=methods[0]).status_code
        if status >= 500 or status == 200:
            failures.append(f"{methods[0]} {path} ({endpoint}): {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", ["²", "٣", "2147483648", "99999999999999999999", "-1", "1e9", ""])
def test_odd_integer_query_parameters_never_give_500(sweep, value: str) -> None:
    query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
    failures = []
    for role in ("admin", "participant"):
        client = _client(sweep.app, sweep.tokens[role])
        for path in sweep.gets:
            path += ("&" if "?" in path else "?") + query
            status = client.get(path).status_code
            if status >= 500:
                failures.append(f"GET {path} as {role}: {status}")
    assert not failures, "\n".join(failures)


def _oddly(data: dict[str, Any]) -> dict[str, Any]:
    """Return form data with every id-like value made odd, and the raw id fields views read."""
    odd: dict[str, Any] = {}
    for key, value in data.items():
        odd[key] = "²" if isinstance(value, str) and value.isdigit() else value
    odd.update(
        {
            "rows": "²",
            "upto": "²",
            "parent_id": odd.get("parent_id", "²"),
            "at_meeting": "²",
            "status-²": "present",
            "status-99999999999999999999": "present",
            "theme-²": "1",
            "theme-1": "99999999999999999999",
            "chosen": ["²", "99999999999999999999"],
            "position-1": "nan",
            "parent-1": "²",
            "subject_id": "²",
        }
    )
    return odd


def test_odd_ids_in_every_post_form_never_give_500(sweep) -> None:
    client = _client(sweep.app, sweep.tokens["admin"])
    failures = []
    for endpoint, path, data in sweep.posts:
        status = client.post(path, data=_oddly(data)).status_code
        if status >= 500:
            failures.append(f"POST {path} ({endpoint}): {status}")
    assert not failures, "\n".join(failures)
