"""Write DOCX files: one document setup (A4, language, metadata, page numbers), tables, Markdown.

The final report, the transition matrix and the minutes archive are all written through it.
"""

from __future__ import annotations

from circle.docx_writer.markdown import add_markdown
from circle.docx_writer.setup import (
    DOCX_TYPE,
    document_bytes,
    landscape_section,
    new_document,
    portrait_section,
)
from circle.docx_writer.tables import add_table

__all__ = [
    "DOCX_TYPE",
    "add_markdown",
    "add_table",
    "document_bytes",
    "landscape_section",
    "new_document",
    "portrait_section",
]
