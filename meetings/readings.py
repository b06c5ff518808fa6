"""Pre-reading on agenda items; the library links its reports through circle.hooks.

The meetings area never imports the library: the library registers, in its own init_app,
`circle.hooks.register_report_links(app, match=..., resolve=...)` (see circle.hooks.ReportLinks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from circle.hooks import ReportLinks, hooks


def report_links(app: Flask) -> ReportLinks | None:
    """Return the library's callbacks, if the library registered them."""
    return hooks(app).report_links


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
