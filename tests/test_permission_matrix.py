"""Run every permission-matrix row for every role, and require a row for every route.

The world (two circles, a member per role, every area's objects) is built once per run. After a
request that changed something (a non-GET that sent a writing statement to the database or
changed the data folder) the database rows and the data folder are put back exactly as they
were, so every case sees the same world; a GET that writes fails instead (no GET changes state).
"""

from __future__ import annotations

import importlib
import io
import os
import pkgutil
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import delete, event, insert, select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

import tests
from app import create_app
from circle.extensions import db
from circle.models import Circle, Member, Membership, Role, ServiceSite, SiteKind, Unit
from tests.conftest import _HASH
from tests.matrix import ROLES, LoginRedirect, Row, World


def _area_modules() -> list:
    modules = []
    for info in pkgutil.iter_modules([str(Path(tests.__file__).parent)]):
        if info.ispkg:
            try:
                modules.append(importlib.import_module(f"tests.{info.name}.matrix_rows"))
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.matrix_rows":
                    raise
    return modules


MODULES = _area_modules()
ROWS: list[Row] = [row for module in MODULES for row in module.ROWS]

ROLE_IN_CIRCLE = {
    "reference": Role.REFERENCE,
    "unit_leader": Role.UNIT_LEADER,
    "participant": Role.PARTICIPANT,
    "leader": Role.LEADER,
    "deactivated": Role.PARTICIPANT,
}


def _circle(slug: str) -> Circle:
    circle = Circle(slug=slug, name=slug.title(), institution="Høgskolen")
    circle.units.append(
        Unit(
            name=f"Bydel {slug}",
            sites=[ServiceSite(name=f"Barnevern {slug}", kind=SiteKind.BARNEVERN)],
        )
    )
    return circle


def _freeze(data: dict[str, Any]) -> dict[str, Any]:
    """Turn file streams into bytes so the same form can be sent again in every case."""
    frozen = {}
    for key, value in data.items():
        if isinstance(value, tuple) and value and hasattr(value[0], "read"):
            frozen[key] = ("__file__", value[0].read(), *value[1:])
        else:
            frozen[key] = value
    return frozen


def _thaw(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (io.BytesIO(value[1]), *value[2:])
        if isinstance(value, tuple) and value and value[0] == "__file__"
        else value
        for key, value in data.items()
    }


def build_world(session) -> World:  # noqa: ANN001
    """Create two circles, a member per role and every area's objects."""
    circle, other = _circle("egen"), _circle("annen")
    session.add_all([circle, other])
    members, memberships = {}, {}
    for role in ROLES[1:]:
        member = Member(
            email=f"{role}@matrix.example",
            name=role.title(),
            password_hash=_HASH,
            is_admin=(role == "admin"),
            active=(role != "deactivated"),
        )
        session.add(member)
        members[role] = member
        if role in ROLE_IN_CIRCLE:
            memberships[role] = Membership(
                member=member, circle=circle, role=ROLE_IN_CIRCLE[role], unit=circle.units[0]
            )
        elif role == "outsider":
            memberships[role] = Membership(member=member, circle=other, role=Role.LEADER)
    session.add_all(memberships.values())
    session.flush()
    world = World(circle=circle, other=other, members=members, memberships=memberships)
    for module in MODULES:
        if hasattr(module, "build"):
            module.build(session, world)
    session.commit()
    return world


@dataclass
class MatrixEnv:
    """The app, each row's request, each role's session token, and the saved world."""

    app: Flask
    requests: list[tuple[str, dict[str, Any]]]
    tokens: dict[str, str | None]
    rows: dict[str, list[dict[str, Any]]]
    data_dir: Path
    saved_data: Path
    effects: dict[int, tuple[Any, list[tuple]]]
    writes: list[str] | None

    def restore(self) -> None:
        """Put every table and the data folder back as they were after the world was built."""
        with self.app.app_context():
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(delete(table))
                for table in db.metadata.sorted_tables:
                    if self.rows[table.name]:
                        conn.execute(insert(table), self.rows[table.name])
            db.engine.dispose()  # pooled connections must not keep cached state
        shutil.rmtree(self.data_dir)
        shutil.copytree(self.saved_data, self.data_dir)

    def effect(self, index: int) -> list[tuple]:
        """Return the current answer of row `index`'s effect query."""
        with self.app.app_context():
            try:
                return [tuple(r) for r in db.session.execute(self.effects[index][0])]
            finally:
                db.session.remove()

    @contextmanager
    def watching_writes(self) -> Iterator[list[str]]:
        """Collect the writing SQL statements and data-folder changes made inside the block."""
        writes: list[str] = []
        before = _listing(self.data_dir)
        self.writes = writes
        try:
            yield writes
        finally:
            self.writes = None
        if _listing(self.data_dir) != before:
            writes.append("the data folder changed")


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _listing(folder: Path) -> set[tuple[str, int, int]]:
    """Every file below `folder` with its size and modification time."""
    found = set()
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            found.add((str(path.relative_to(folder)), info.st_size, info.st_mtime_ns))
    return found


@pytest.fixture(scope="module")
def matrix_env(tmp_path_factory, smtp_server) -> MatrixEnv:  # noqa: ANN001
    """Build the world once and record what every row will request."""
    controller, _handler = smtp_server
    base = tmp_path_factory.mktemp("matrix")
    data_dir = base / "data"
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{base / 'matrix.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "matrix",
            "DATA_DIR": str(data_dir),
            "UPLOAD_DIR": str(data_dir / "files"),
            "INDEX_DIR": str(data_dir / "index"),
            "OUTBOX_DIR": str(data_dir / "outbox"),
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": controller.hostname,
            "MAIL_PORT": controller.port,
            "MAIL_STARTTLS": False,
            "MAIL_USERNAME": "",
            "BASE_URL": "http://sirkel.test",
            "JOBS_EAGER": True,
            "QUEUE_URL": "memory://",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = build_world(db.session)
        requests = [(row.path(world), _freeze(row.data(world)) if row.data else {}) for row in ROWS]
        effects = {i: (row.effect(world), []) for i, row in enumerate(ROWS) if row.effect}
        tokens = {
            role: (world.members[role].session_token if role != "anonymous" else None)
            for role in ROLES
        }
        with db.engine.connect() as conn:
            rows = {
                t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                for t in db.metadata.sorted_tables
            }
        for stmt, baseline in effects.values():
            baseline.extend(tuple(r) for r in db.session.execute(stmt))
        db.session.remove()
    saved = base / "saved-data"
    shutil.copytree(data_dir, saved)
    env = MatrixEnv(app, requests, tokens, rows, data_dir, saved, effects, None)

    def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        if env.writes is not None and statement.lstrip().upper().startswith(_WRITES):
            env.writes.append(statement.split("\n", 1)[0][:120])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _note_write)
    yield env
    event.remove(engine, "before_cursor_execute", _note_write)
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.engine.dispose()


def _is_login_page(location: str, path: str) -> bool:
    """Whether a redirect goes to the sign-in page, asking to come back to `path`."""
    target = urlsplit(location)
    back = parse_qs(target.query).get("next", [""])[0]
    return target.path == "/login" and urlsplit(back).path == urlsplit(path).path


def _succeeds(want: int) -> bool:
    return want < 400 and not isinstance(want, LoginRedirect)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r.id() for r in ROWS])
def test_matrix(matrix_env: MatrixEnv, index: int, role: str) -> None:
    """The route answers this role with the expected status, redirect target and effect."""
    row = ROWS[index]
    path, data = matrix_env.requests[index]
    want = row.expect[role]
    client = matrix_env.app.test_client()
    token = matrix_env.tokens[role]
    if token:
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True
    effect, changed = None, True
    try:
        with matrix_env.watching_writes() as writes:
            response = client.open(path, method=row.method, data=_thaw(data))
            status, location = response.status_code, response.headers.get("Location", "")
            response.close()
        changed = bool(writes)
        if index in matrix_env.effects:
            effect = matrix_env.effect(index)
    finally:
        if row.method != "GET" and changed:  # a refusal that wrote nothing leaves all as it was
            matrix_env.restore()
    case = f"{row.method} {path} as {role}"
    assert status == want, f"{case}: got {status}, want {want!r}"
    if status == 302:
        to_login = _is_login_page(location, path)
        assert to_login == isinstance(want, LoginRedirect), (
            f"{case}: redirected to {location!r}; "
            + ("want LOGIN, the sign-in page" if not to_login else "the row wants a success")
        )
    if row.method == "GET":
        assert not writes, f"{case}: a GET changed state: {writes}"
    if effect is not None:
        baseline = matrix_env.effects[index][1]
        if _succeeds(want):
            assert effect != baseline, f"{case}: answered {status} but had no effect"
        else:
            assert effect == baseline, f"{case}: refused with {status} but changed {effect}"


def _routed_endpoint(app: Flask, method: str, path: str) -> str | None:
    """The endpoint `method path` is routed to, or None when no route takes it as it is."""
    adapter = app.url_map.bind("sirkel.test")
    try:
        endpoint, _args = adapter.match(urlsplit(path).path, method=method)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return endpoint


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r.id() for r in ROWS])
def test_row_reaches_its_endpoint(matrix_env: MatrixEnv, index: int) -> None:
    """A row's URL and method are routed to the endpoint the row names."""
    row = ROWS[index]
    path = matrix_env.requests[index][0]
    reached = _routed_endpoint(matrix_env.app, row.method, path)
    assert reached == row.endpoint, f"{row.method} {path} reaches {reached}, not {row.endpoint}"


def test_the_checks_tell_rows_apart(matrix_env: MatrixEnv) -> None:
    """The routing and redirect checks above can fail: a wrong method or page is noticed."""
    app = matrix_env.app
    assert _routed_endpoint(app, "GET", "/c/egen/members") == "members.directory"
    assert _routed_endpoint(app, "POST", "/c/egen/members") is None  # GET only
    assert _routed_endpoint(app, "GET", "/c/egen/members/") is None  # no such page
    assert _routed_endpoint(app, "GET", "/c/egen/edit") == "circles.edit"
    assert _is_login_page("/login?next=%2Fc%2Fegen%2Fedit", "/c/egen/edit")
    assert not _is_login_page("/login", "/c/egen/edit")  # logout's own redirect
    assert not _is_login_page("/login?next=%2F", "/c/egen/edit")
    assert not _is_login_page("/c/egen", "/c/egen/edit")


def test_every_route_has_a_row() -> None:
    """A new route, or a new method on a route, without a matrix row fails here."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.endpoint} {rule.rule}")
    assert not missing, "route methods without a permission-matrix row:\n" + "\n".join(missing)


def test_the_world_is_as_it_was_after_every_case(matrix_env: MatrixEnv) -> None:
    """Skipping the restore after refusals that wrote nothing left no change behind."""
    with matrix_env.app.app_context():
        with db.engine.connect() as conn:
            now = {
                t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                for t in db.metadata.sorted_tables
            }
    changed = [
        name
        for name, rows in now.items()
        if sorted(map(repr, rows)) != sorted(map(repr, matrix_env.rows[name]))
    ]
    assert not changed, f"tables changed by the matrix: {changed}"
    assert _listing(matrix_env.data_dir) == _listing(matrix_env.saved_data)
