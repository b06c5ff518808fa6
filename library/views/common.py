"""Helpers shared by the library's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user

from circle.extensions import db
from circle.models import Circle
from circle.web import attachment
from library.models import Report
from library.permissions import can_view_report, scope_circle_ids
from library.services import citations
from library.services.reports import get_report
from library.services.search import FACET_FIELDS

bp = Blueprint("library", __name__)


def report_or_404(circle: Circle, report_id: int) -> Report:
    """Return the report if it belongs on this circle's pages and the member may see it."""
    report = get_report(db.session, circle, report_id)
    if report is None or not can_view_report(current_user, circle, report):
        abort(404)
    return report


def visible(circle: Circle) -> frozenset[int]:
    """Return the circle ids whose own reports the current member sees here."""
    return scope_circle_ids(current_user, circle)


def export_response(reports: list[Report], fmt: str, basename: str) -> Response:
    """Return the reports as a downloadable BibTeX, RIS or CSL-JSON file."""
    if fmt not in citations.EXPORT_FORMATS:
        abort(404)
    content_type, ext = citations.EXPORT_FORMATS[fmt]
    return attachment(citations.export(reports, fmt), content_type, f"{basename}.{ext}")


def search_args() -> dict[str, Any]:
    """Return the search parameters of the current request (query, filters, sort, page)."""
    args: dict[str, Any] = {}
    for key in ("q", "sort", *FACET_FIELDS):
        value = (request.args.get(key) or "").strip()
        if value:
            args[key] = value
    return args


def search_url(
    slug: str,
    endpoint: str = "library.index",
    *,
    base: dict[str, Any] | None = None,
    **changes: Any,
) -> str:
    """Return the search URL with some parameters changed (None removes one).

    ``base`` is this request's search_args(), when the caller already has them.
    """
    args = dict(base) if base is not None else search_args()
    page = changes.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    if page and page > 1:
        args["page"] = page
    return url_for(endpoint, slug=slug, **args)


# Stands in for an id while url_for builds a list's URL once (a number no id reaches).
_MARK = 987_654_321_987


def url_maker(endpoint: str, ids: tuple[str, ...], **values: Any) -> Callable[..., str]:
    """Return fn(**ids) giving url_for(endpoint, **values, **ids), with url_for run once.

    For lists that link every row to the same endpoint. Should the fixed values happen to
    contain the stand-in number, every call falls back to url_for.
    """
    marks = {name: _MARK + n for n, name in enumerate(ids)}
    built = url_for(endpoint, **values, **marks)
    if any(built.count(str(mark)) != 1 for mark in marks.values()):
        return lambda **given: url_for(endpoint, **values, **given)
    pattern = built.replace("{", "{{").replace("}", "}}")
    for name, mark in marks.items():
        pattern = pattern.replace(str(mark), "{" + name + "}")
    return pattern.format
