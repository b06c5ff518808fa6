"""Run every permission-matrix row for every role, and require a row for every route.

The world (two circles, a member per role, every area's objects) is built once per run. After a
request that may have changed something (a non-GET answered below 400) the database rows and the
data folder are put back exactly as they were, so every case sees the same world.
"""

from __future__ import annotations

import importlib
import io
import os
import pkgutil
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, insert, select

import tests
from app import create_app
from circle.extensions import db
from circle.models import Circle, Member, Membership, Role, ServiceSite, SiteKind, Unit
from tests.conftest import _HASH
from tests.matrix import ROLES, Row, World


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
        tokens = {
            role: (world.members[role].session_token if role != "anonymous" else None)
            for role in ROLES
        }
        with db.engine.connect() as conn:
            rows = {
                t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                for t in db.metadata.sorted_tables
            }
        db.session.remove()
    saved = base / "saved-data"
    shutil.copytree(data_dir, saved)
    env = MatrixEnv(app, requests, tokens, rows, data_dir, saved)
    yield env
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.engine.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r.id() for r in ROWS])
def test_matrix(matrix_env: MatrixEnv, index: int, role: str) -> None:
    """The route answers this role with the expected status."""
    row = ROWS[index]
    path, data = matrix_env.requests[index]
    client = matrix_env.app.test_client()
    token = matrix_env.tokens[role]
    if token:
        with client.session_transaction() as sess:
            sess["_user_id"] = token
            sess["_fresh"] = True
    try:
        response = client.open(path, method=row.method, data=_thaw(data))
        status = response.status_code
        response.close()
    finally:
        if row.method != "GET":
            matrix_env.restore()
    assert status == row.expect[role], (
        f"{row.method} {path} as {role}: got {status}, want {row.expect[role]}"
    )


def test_every_route_has_a_row() -> None:
    """A new route without a matrix row fails here."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if not any((rule.endpoint, m) in covered for m in methods):
            missing.append(f"{rule.endpoint} {sorted(methods)} {rule.rule}")
    assert not missing, "routes without a permission-matrix row:\n" + "\n".join(missing)
