"""Pre-reading on agenda items, and the two hooks through which the library links its reports.

The meetings area never imports the library. The library registers, in its own init_app:

    from meetings.readings import register_report_links
    register_report_links(app, match=match_report_url, resolve=resolve_reports)

- match(session, url) -> int | None: the id of the library report a pasted URL points at
  (e.g. "/c/overganger/library/reports/12" or its full BASE_URL form), else None.
- resolve(session, ids, member) -> dict[int, tuple[str, str]]: for the reports among `ids`
  that `member` may see, their current (title, url). Reports left out are shown to that
  member as plain titles without a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

ReportMatcher = Callable[[Session, str], int | None]
ReportResolver = Callable[[Session, Iterable[int], Any], dict[int, tuple[str, str]]]


@dataclass(frozen=True)
class ReportLinks:
    """The library's two callbacks."""

    match: ReportMatcher
    resolve: ReportResolver


def register_report_links(app: Flask, *, match: ReportMatcher, resolve: ReportResolver) -> None:
    """Let the library turn pasted report URLs into report links (called from its init_app)."""
    app.extensions["meetings_report_links"] = ReportLinks(match, resolve)


def report_links(app: Flask) -> ReportLinks | None:
    """Return the library's callbacks, if the library registered them."""
    return app.extensions.get("meetings_report_links")


@dataclass(frozen=True)
class ShownReading:
    """A reading as shown to one member."""

    title: str
    url: str
    from_library: bool


def shown_readings(
    app: Flask, session: Session, readings: Iterable[Any], member: Any
) -> dict[int, ShownReading]:
    """Return how each reading (by id) shows to the member, resolving library reports once."""
    readings = list(readings)
    links = report_links(app)
    report_ids = {r.report_id for r in readings if r.report_id is not None}
    resolved = links.resolve(session, report_ids, member) if links and report_ids else {}
    shown = {}
    for reading in readings:
        if reading.report_id is None:
            shown[reading.id] = ShownReading(reading.title, reading.url, False)
        elif reading.report_id in resolved:
            title, url = resolved[reading.report_id]
            shown[reading.id] = ShownReading(title, url, True)
        else:  # unknown library, or a report this member may not open: the title only
            shown[reading.id] = ShownReading(reading.title, "", True)
    return shown
