"""Derived data follows the database: a watcher notes what each flush changed and queues one job
for it in the same transaction, so no view or command can forget it, a rollback queues
nothing, and a crash after the commit leaves the job to run (the job must be idempotent)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from circle.jobs import enqueue

# What a flush changed, from session.new, dirty and deleted: a set of keys (ids, strings).
Collect = Callable[[Session], set[Any]]


@dataclass(frozen=True)
class Watcher:
    """Queue ``job`` with ``payload(sorted keys)`` for what ``collect`` finds in a transaction."""

    name: str
    collect: Collect
    job: str
    payload: Callable[[list[Any]], dict[str, Any]]


_watchers: dict[str, Watcher] = {}
_listening = False


def watch_changes(
    name: str, collect: Collect, job: str, payload: Callable[[list[Any]], dict[str, Any]]
) -> None:
    """Queue ``job`` in every transaction where ``collect`` finds changed keys (once per name)."""
    global _listening
    _watchers[name] = Watcher(name, collect, job, payload)
    if _listening:
        return
    for name, fn in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_rollback", _after_rollback),
    ):
        event.listen(Session, name, fn)
    _listening = True


def _info_key(watcher: Watcher) -> str:
    return f"watch.{watcher.name}"


def _after_flush(session: Session, _context: Any) -> None:
    for watcher in list(_watchers.values()):
        found = watcher.collect(session)
        if found:
            session.info.setdefault(_info_key(watcher), set()).update(found)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer commit queues the job
        return
    if session.dirty or session.new or session.deleted:
        session.flush()  # new rows get their ids before the job is written
    for watcher in list(_watchers.values()):
        keys: set[Hashable] | None = session.info.pop(_info_key(watcher), None)
        if keys:
            enqueue(session, watcher.job, watcher.payload(sorted(keys)))


def _after_rollback(session: Session) -> None:
    for watcher in list(_watchers.values()):
        session.info.pop(_info_key(watcher), None)
