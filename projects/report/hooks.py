"""Sections other areas contribute to the final report, without importing each other.

Contract (the meetings area uses it for the meeting series):

    app.extensions.setdefault("final_report_sections", []).append((order, fn))
    # or, equivalently: projects.report.hooks.register_report_section(app, fn, order=20)

`fn(session, circle)` returns None (nothing to add) or a mapping / ReportBlockSection with
`title` (str), `blocks` (a list of {"kind": "paragraph", "text": str},
{"kind": "markdown", "text": str} or {"kind": "table", "header": [str], "rows": [[str]]})
and optionally `ready` (bool, default True; False is flagged in the report). Sections appear
after the circle's background and before the projects, lower `order` first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

EXTENSION_KEY = "final_report_sections"
ReportSectionFn = Callable[[Session, Any], Any]


@dataclass
class ReportBlockSection:
    """A contributed section: a title and blocks (paragraph, markdown or table)."""

    title: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    ready: bool = True


def register_report_section(app: Flask, fn: ReportSectionFn, order: int = 20) -> None:
    """Let another area add a section to every circle's final report."""
    sections = app.extensions.setdefault(EXTENSION_KEY, [])
    sections.append((order, fn))


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
    entries = sorted(app.extensions.get(EXTENSION_KEY, []), key=lambda item: item[0])
    sections = []
    for _order, fn in entries:
        section = _normalise(fn(session, circle))
        if section is not None:
            sections.append(section)
    return sections
