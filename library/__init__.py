"""The library: research reports, text extraction, Norwegian search, citations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask

ALL_ROLES = frozenset({"leader", "participant", "reference", "unit_leader"})
_REPORT_PATH = re.compile(r"^(?:/c/[^/?#]+)?/library/reports/(\d{1,12})(?:[/?#]|$)")


def report_path(slug: str | None, report_id: int) -> str:
    """Return a report's path: in a circle, or the circle-less form that picks one."""
    from flask import url_for

    try:
        if slug:
            return url_for("library.show", slug=slug, report_id=report_id)
        return url_for("library.open_report", report_id=report_id)
    except RuntimeError:  # outside a request (a CLI job): the same paths, built by hand
        return f"/c/{slug}/library/reports/{report_id}" if slug else f"/library/reports/{report_id}"


def resolve_report_subject(session: Any, report_id: int) -> Any:
    """Return the threads Subject for a report (every role of a circle that sees it)."""
    from circle.models import Circle
    from circle.threads.subjects import Subject
    from library.models import Report

    report = session.get(Report, report_id)
    if report is None:
        return None
    slug = session.get(Circle, report.circle_id).slug if report.circle_id is not None else None
    return Subject(
        kind="report",
        id=report.id,
        circle_id=report.circle_id,
        title=report.title,
        url=report_path(slug, report.id),
        audience_ok=ALL_ROLES,
    )


def match_report_url(session: Any, url: str) -> int | None:
    """Return the id of the report a pasted library URL points at (meetings' pre-reading)."""
    from flask import current_app

    from library.models import Report

    text = (url or "").strip()
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if base and text.startswith(base + "/"):
        text = text[len(base) :]
    match = _REPORT_PATH.match(text)
    if match is None:
        return None
    report_id = int(match.group(1))
    return report_id if session.get(Report, report_id) is not None else None


def resolve_reports(session: Any, ids: Iterable[int], member: Any) -> dict[int, tuple[str, str]]:
    """Return (title, url) of the reports among ids that the member may see."""
    from sqlalchemy import select

    from circle.models import Circle
    from circle.permissions import is_admin
    from library.models import Report
    from library.permissions import visible_circle_ids

    ids = list(ids)
    if not ids:
        return {}
    all_ids = frozenset(session.scalars(select(Circle.id))) if is_admin(member) else frozenset()
    allowed = visible_circle_ids(member, all_ids)
    rows = session.execute(
        select(Report.id, Report.title, Report.circle_id, Circle.slug)
        .outerjoin(Circle, Circle.id == Report.circle_id)
        .where(Report.id.in_(ids))
    )
    return {
        rid: (title, report_path(slug, rid))
        for rid, title, circle_id, slug in rows
        if circle_id is None or circle_id in allowed
    }


def _register_hooks(app: Flask) -> None:
    from circle.hooks import register_report_links
    from circle.threads.subjects import register_subject_kind

    register_subject_kind(app, "report", resolve_report_subject)
    register_report_links(app, match=match_report_url, resolve=resolve_reports)


def init_app(app: Flask) -> None:
    """Register the area's blueprint, menu items, home-page panels, CLI and demo data."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    import library.models  # noqa: F401  (register the tables with the metadata)
    from circle.hooks import (
        SearchIndex,
        register_after_restore,
        register_check,
        register_demo_loader,
        register_file_consumer,
        register_home_panel,
        register_nav_item,
        register_search_index,
    )
    from circle.notifications.kinds import register_kind
    from library.cli import library_cli
    from library.demo import load_demo_library
    from library.index import integrity_check, integrity_repair
    from library.indexing import init_indexing
    from library.notifications import UPLOAD_REFUSED
    from library.panels import home_panel
    from library.services.reports import (
        ALLOWED_UPLOADS,
        REPORT_FILES,
        report_file_ready,
        report_file_refused,
    )
    from library.views import load_views

    app.register_blueprint(load_views())
    register_kind(app, UPLOAD_REFUSED)
    register_nav_item(app, 40, "library.index", _l("Bibliotek"))
    register_home_panel(app, 30, home_panel)
    register_demo_loader(app, load_demo_library)
    app.cli.add_command(library_cli)
    register_check(app, "library", integrity_check, integrity_repair)
    init_indexing(app)
    register_file_consumer(
        app,
        REPORT_FILES,
        on_ready=report_file_ready,
        on_refused=report_file_refused,
        allowed=ALLOWED_UPLOADS,
    )
    register_after_restore(app, _rebuild_after_restore)
    _register_hooks(app)
    register_search_index(
        app,
        SearchIndex(
            kind="report",
            label=_l("Rapport"),
            rebuild=_rebuild_reports,
            count=_count_reports,
            url=lambda circle, text: url_for("library.index", slug=circle.slug, q=text),
        ),
    )


def _rebuild_after_restore() -> None:
    """Rebuild the search index from the restored database (the index is not backed up)."""
    from circle.extensions import db

    _rebuild_reports(db.session)


def _rebuild_reports(session: Any) -> int:
    """Rebuild the reports' index (`flask search reindex`); return how many reports."""
    from library.index import get_backend, rebuild_index

    return rebuild_index(session, get_backend())


def _count_reports(session: Any, member: Any, circle: Any, text: str) -> int:
    """Return how many reports the member sees on this circle's pages match the text."""
    from library.index import get_backend
    from library.permissions import scope_circle_ids
    from library.services.search import search_library

    found = search_library(
        session,
        get_backend(),
        visible=scope_circle_ids(member, circle),
        text=text,
        per_page=1,
        pages_per_report=0,
    )
    return found.total
