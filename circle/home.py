"""Slots on a circle's home page that the other areas fill without circle importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

# A panel returns (template name, context) for this circle and member, or None to stay hidden.
HomePanel = Callable[[Any, Any], tuple[str, dict[str, Any]] | None]


def register_home_panel(app: Flask, order: int, panel: HomePanel) -> None:
    """Add a panel to every circle's home page; lower order comes first."""
    panels = app.extensions.setdefault("home_panels", [])
    panels.append((order, panel))
    panels.sort(key=lambda item: item[0])


def render_panels(app: Flask, circle: Any, member: Any) -> list[tuple[str, dict[str, Any]]]:
    """Return the visible panels for this circle and member, in order."""
    shown = []
    for _order, panel in app.extensions.get("home_panels", []):
        result = panel(circle, member)
        if result is not None:
            shown.append(result)
    return shown


def register_nav_item(app: Flask, order: int, endpoint: str, label: Any) -> None:
    """Add a link (an endpoint taking `slug`) to every circle's menu."""
    items = app.extensions.setdefault("circle_nav", [])
    items.append((order, endpoint, label))
    items.sort(key=lambda item: item[0])


def init_home(app: Flask) -> None:
    """Expose the circle menu to templates."""

    @app.context_processor
    def _nav() -> dict[str, Any]:
        def circle_nav_items() -> list[tuple[str, Any]]:
            return [
                (endpoint, label) for _o, endpoint, label in app.extensions.get("circle_nav", [])
            ]

        return {"circle_nav_items": circle_nav_items}
