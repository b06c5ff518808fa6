"""The library panel on a circle's home page: a few columns, the statement built once."""

from __future__ import annotations

import functools
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam, func, select

from circle.extensions import db
from library.models import Report
from library.permissions import can_view_library


@functools.cache
def _recent() -> Select:
    # The total rides along as an uncorrelated subquery (the database computes it once): no
    # query of its own, and unlike a window count it leaves the newest-first index usable.
    seen = Report.circle_id.is_(None) | (Report.circle_id == bindparam("circle_id"))
    total = select(func.count(Report.id)).where(seen).scalar_subquery()
    return (
        select(Report.id, Report.title, Report.year, Report.created_at, total.label("total"))
        .where(seen)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(bindparam("limit"))
    )


def home_panel(circle: Any, member: Any) -> tuple[str, dict[str, Any]] | None:
    """The most recent additions this circle's members see, on the circle's home page."""
    if not can_view_library(member, circle):
        return None
    rows = db.session.execute(_recent(), {"circle_id": circle.id, "limit": 5}).all()
    return "library/_panel.html", {
        "reports": rows,
        "total": rows[0].total if rows else 0,
        # One URL built for the list: a report's is this with its id on the end.
        "report_url": url_for("library.show", slug=circle.slug, report_id=0).removesuffix("0"),
    }
