""" "Mine oppgaver": the tasks a member has in a circle, gathered from every area.

Meetings list their action items themselves; other areas (a project's plan) add theirs by
registering a source, so the page needs no import of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

_KEY = "task_sources"


@dataclass(frozen=True)
class Task:
    """A task of the member's from some area: what, where it lives, when it is due."""

    title: str
    url: str
    where: str  # e.g. the project's title
    due_on: date | None
    done: bool
    status: str  # a label for the task's status

    def is_overdue(self, today: date) -> bool:
        """Return whether the task is past its due date and not done."""
        return not self.done and self.due_on is not None and self.due_on < today


# fn(session, circle, member) -> the member's tasks in that circle from one area.
TaskSource = Callable[[Session, Any, Any], list[Task]]


def register_task_source(app: Flask, source: TaskSource) -> None:
    """Add an area's tasks to every member's "Mine oppgaver"."""
    app.extensions.setdefault(_KEY, []).append(source)


def tasks_for(app: Flask, session: Session, circle: Any, member: Any) -> list[Task]:
    """Return the member's tasks in the circle from every registered source: open ones first,
    then by due date."""
    tasks = [
        task for source in app.extensions.get(_KEY, []) for task in source(session, circle, member)
    ]
    return sorted(tasks, key=lambda t: (t.done, t.due_on is None, t.due_on or date.max, t.title))
