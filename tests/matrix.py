"""The permission matrix: every route x role x object, with the status each must get.

Each area lists its rows in tests/<area>/matrix_rows.py as ROWS; test_permission_matrix.py
collects them, runs every (row, role) pair against a fresh world, and fails when a method of a
route of the app has no row or a row's URL does not reach the endpoint it names.

A redirect is told apart by where it goes: LOGIN is a 302 to the sign-in page that asks to come
back to the requested page; any other 302 expected must go elsewhere. A row may name its
`effect`, a query whose answer the request changes when it succeeds and leaves alone when it is
refused, so a handler that lost its check cannot pass on its status alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.sql import Executable

ROLES = (
    "anonymous",
    "outsider",
    "deactivated",
    "reference",
    "unit_leader",
    "participant",
    "leader",
    "admin",
)


class LoginRedirect(int):
    """A 302 to the sign-in page with `next=` the requested page (equal to the int 302)."""

    def __repr__(self) -> str:
        return "LOGIN"


# Shorthands for the expectations most rows share.
LOGIN = LoginRedirect(302)  # anonymous users are sent to the sign-in page
HIDDEN = 404  # another circle's (or a draft's) existence is not revealed
DENIED = 403  # a member of the circle without the right


@dataclass
class World:
    """The objects every row can point at; areas add theirs in `extra` via world builders."""

    circle: Any
    other: Any
    members: dict[str, Any]
    memberships: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One route with one kind of object, and the status per role."""

    endpoint: str
    path: Callable[[World], str]
    expect: dict[str, int]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] | None = None
    note: str = ""
    # A query (built from the world) whose answer changes exactly when the request succeeds.
    effect: Callable[[World], Executable] | None = None

    def id(self) -> str:
        """Return a readable test id."""
        return f"{self.method} {self.endpoint}{' ' + self.note if self.note else ''}"


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Return an expectation dict: `default` for signed-in roles, LOGIN for anonymous."""
    result = {role: default for role in ROLES}
    result["anonymous"] = LOGIN
    result["deactivated"] = LOGIN  # a deactivated member's session no longer loads
    result.update(overrides)
    return result


def circle_view(ok: int = 200) -> dict[str, int]:
    """Any member of the circle may see it; outsiders get 404."""
    return expect(ok, outsider=HIDDEN)


def staff_only(ok: int = 200) -> dict[str, int]:
    """Leaders and participants (and admins); reference group and unit leaders get 403."""
    return expect(ok, outsider=HIDDEN, reference=DENIED, unit_leader=DENIED)


def staff_view(ok: int = 200) -> dict[str, int]:
    """What only leaders and participants see: outside the audience of the reference group and
    the unit leaders, so it answers them 404 like a page that does not exist."""
    return expect(ok, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN)


def leaders_only(ok: int = 200) -> dict[str, int]:
    """Only circle leaders and site administrators."""
    return expect(DENIED, outsider=HIDDEN, leader=ok, admin=ok)


def other_circle(ok: int = 200) -> dict[str, int]:
    """The other circle's objects: hidden from everyone but its own leader (the outsider here)
    and site administrators."""
    return expect(HIDDEN, outsider=ok, admin=ok)
