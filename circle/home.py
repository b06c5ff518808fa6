"""The circle home page's panels and the circle menu, filled by the areas through circle.hooks."""

from __future__ import annotations

from typing import Any

from flask import Flask

from circle.hooks import HomePanel, hooks, register_home_panel, register_nav_item

__all__ = ["HomePanel", "init_home", "register_home_panel", "register_nav_item", "render_panels"]


def render_panels(app: Flask, circle: Any, member: Any) -> list[tuple[str, dict[str, Any]]]:
    """Return the visible panels for this circle and member, in order."""
    shown = []
    for _order, panel in hooks(app).home_panels:
        result = panel(circle, member)
        if result is not None:
            shown.append(result)
    return shown


def init_home(app: Flask) -> None:
    """Expose the circle menu to templates."""

    @app.context_processor
    def _nav() -> dict[str, Any]:
        def circle_nav_items() -> list[tuple[str, Any]]:
            return [(item.endpoint, item.label) for item in hooks(app).nav_items]

        return {"circle_nav_items": circle_nav_items}
