"""The subject lookup bound to the running app's registry, cached for one request."""

from __future__ import annotations

from flask import current_app, g, has_app_context

from circle.extensions import db
from circle.threads.services.common import SubjectLookup
from circle.threads.subjects import Subject, resolve_subject


def subject_lookup() -> SubjectLookup:
    """Return a lookup resolving (kind, id) through the registry, once per request each."""
    cache: dict[tuple[str, int], Subject | None] = (
        g.setdefault("_thread_subjects", {}) if has_app_context() else {}
    )
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def lookup(kind: str | None, id: int | None) -> Subject | None:  # noqa: A002
        if kind is None or id is None:
            return None
        key = (kind, id)
        if key not in cache:
            cache[key] = resolve_subject(app, db.session, kind, id)
        return cache[key]

    return lookup
