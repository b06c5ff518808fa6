"""Registries other areas fill: subject kinds threads attach to, and the reference-group feed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from circle.hooks import hooks

ROLE_NAMES = frozenset({"leader", "participant", "reference", "unit_leader"})


@dataclass(frozen=True)
class Subject:
    """An object of some area that a thread can be about."""

    kind: str  # "minutes", "project_update", "report", ...
    id: int
    circle_id: int | None  # the circle the object belongs to (None: shared site-wide)
    title: str
    url: str  # site path, e.g. url_for(...) result
    audience_ok: frozenset[str]  # roles that may see the object: subset of ROLE_NAMES


Resolver = Callable[[Session, int], Subject | None]


def register_subject_kind(app: Flask, kind: str, resolve: Resolver) -> None:
    """Let threads attach to objects of this kind; resolve returns None for unshareable ones."""
    kinds = hooks(app).subject_kinds
    if kind in kinds and kinds[kind] is not resolve:
        raise ValueError(f"subject kind {kind!r} is registered already")
    kinds[kind] = resolve


def subject_kinds(app: Flask) -> frozenset[str]:
    """Return the registered subject kinds."""
    return frozenset(hooks(app).subject_kinds)


def resolve_subject(
    app: Flask, session: Session, kind: str | None, id: int | None
) -> Subject | None:  # noqa: A002
    """Return the subject, or None when the kind is unknown or the object is not shareable."""
    if kind is None or id is None:
        return None
    resolve = hooks(app).subject_kinds.get(kind)
    if resolve is None:
        return None
    subject = resolve(session, id)
    if subject is None:
        return None
    # A resolver that answers for another kind or id is a bug; treat it as "not shareable".
    if subject.kind != kind or subject.id != id or not subject.audience_ok <= ROLE_NAMES:
        return None
    if not _is_site_path(subject.url):
        return None
    return subject


def _is_site_path(url: str) -> bool:
    # Links come from other areas' code, but a path on this site is all they may point to.
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


@dataclass(frozen=True)
class FeedItem:
    """One entry on the reference group's start page from another area."""

    title: str
    url: str
    date: date | datetime | None
    kind: str  # e.g. "minutes", "project_update"
    # The object's id: when kind is a registered subject kind, status updates can link to it
    # and members can start a thread on it.
    id: int | None = None


# fn(session, circle) -> iterable of FeedItem, or of objects/dicts with title, url, date, kind.
ReferenceFeed = Callable[[Session, Any], Iterable[Any]]


def register_reference_feed(app: Flask, fn: ReferenceFeed) -> None:
    """Add a source of items shared with a circle's reference group (approved minutes, ...)."""
    hooks(app).reference_feeds.append(fn)


def _as_item(raw: Any) -> FeedItem:
    if isinstance(raw, FeedItem):
        return raw
    get = raw.get if isinstance(raw, dict) else lambda name: getattr(raw, name, None)
    return FeedItem(
        title=str(get("title") or ""),
        url=str(get("url") or ""),
        date=get("date"),
        kind=str(get("kind") or ""),
        id=get("id") if isinstance(get("id"), int) else None,
    )


def _sort_key(item: FeedItem) -> tuple[int, str]:
    value = item.date
    if value is None:
        return (0, "")
    if isinstance(value, datetime):
        return (1, value.date().isoformat() + value.strftime("T%H:%M:%S"))
    return (1, value.isoformat() + "T00:00:00")


def reference_feed(app: Flask, session: Session, circle: Any, limit: int = 20) -> list[FeedItem]:
    """Return the items every registered feed shares with the circle's reference group."""
    items: list[FeedItem] = []
    for fn in hooks(app).reference_feeds:
        items.extend(_as_item(raw) for raw in fn(session, circle))
    items = [item for item in items if item.title and _is_site_path(item.url)]
    items.sort(key=_sort_key, reverse=True)
    return items[:limit]
