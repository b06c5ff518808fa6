"""Sections other areas contribute to the final report (registered through circle.hooks).

An area calls `circle.hooks.register_report_section(app, fn, order=20)`; `fn(session, circle)`
returns None (nothing to add) or a `circle.hooks.ReportSection`. Sections appear after the
circle's background and before the projects, lower `order` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from circle.hooks import ReportSection, hooks, register_report_section

# The name the compiler has always used for a contributed section.
ReportBlockSection = ReportSection

__all__ = ["ReportBlockSection", "contributed_sections", "register_report_section"]


def _normalise(value: Any) -> ReportBlockSection | None:
    if value is None:
        return None
    if isinstance(value, ReportBlockSection):
        return value
    if isinstance(value, Mapping):
        get = value.get
    else:

        def get(name: str, default: Any = None) -> Any:
            return getattr(value, name, default)

    blocks = []
    for block in get("blocks", []) or []:
        kind = (block.get("kind") if isinstance(block, Mapping) else None) or "paragraph"
        if kind == "table":
            blocks.append(
                {
                    "kind": "table",
                    "header": [str(h) for h in block.get("header", [])],
                    "rows": [[str(c) for c in row] for row in block.get("rows", [])],
                }
            )
        elif kind in {"paragraph", "markdown"}:
            blocks.append({"kind": kind, "text": str(block.get("text", ""))})
    return ReportBlockSection(
        title=str(get("title", "")), blocks=blocks, ready=bool(get("ready", True))
    )


def contributed_sections(app: Flask, session: Session, circle: Any) -> list[ReportBlockSection]:
    """Collect the sections other areas contribute, in order."""
    entries = hooks(app).report_sections
    sections = []
    for _order, fn in entries:
        section = _normalise(fn(session, circle))
        if section is not None:
            sections.append(section)
    return sections
