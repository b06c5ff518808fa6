"""Integrity checks the areas register for `flask check`, each optionally with a repair."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy.orm import Session

EXTENSION_KEY = "integrity_checks"

# A check returns one line per problem found; a repair mends them and returns what it did.
CheckFn = Callable[[Session], list[str]]
RepairFn = Callable[[Session], list[str]]


@dataclass(frozen=True)
class IntegrityCheck:
    """A registered check of an area's own data, and what `flask check --repair` runs for it."""

    check: CheckFn
    repair: RepairFn | None = None


def register_integrity_check(app: Flask, check: CheckFn, *, repair: RepairFn | None = None) -> None:
    """Add an area's check (and its repair, if it has one) to `flask check`."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(IntegrityCheck(check, repair))


def integrity_checks(app: Flask) -> list[IntegrityCheck]:
    """Return the registered checks; a bare function registered there is a check without repair."""
    return [
        entry if isinstance(entry, IntegrityCheck) else IntegrityCheck(entry)
        for entry in app.extensions.get(EXTENSION_KEY, [])
    ]
