"""Tables that read well on paper: a header row repeated on each page, rows never split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu


def _row_flag(row: Any, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()  # python-docx has no public API for these row flags
    if trpr.find(qn(tag)) is None:
        trpr.append(OxmlElement(tag))


def usable_width(document: Any) -> int:
    """Return the width between the margins of the document's last section, in EMU."""
    section = document.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def add_table(
    document: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] | None = None,
    bold_first_column: bool = False,
) -> Any:
    """Add a grid table with a bold header row that repeats on each page.

    ``widths`` are relative column widths (e.g. ``[1, 2, 2]``) of the usable page width.
    """
    columns = max([len(header), *(len(r) for r in rows)] or [1])
    table = document.add_table(rows=1 + len(rows), cols=columns)
    table.style = "Table Grid"
    for j, text in enumerate(header):
        table.cell(0, j).paragraphs[0].add_run(str(text)).bold = True
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            run = table.cell(i, j).paragraphs[0].add_run(str(text))
            if bold_first_column and j == 0:
                run.bold = True
    _row_flag(table.rows[0], "w:tblHeader")
    for row in table.rows:
        _row_flag(row, "w:cantSplit")
    if widths:
        table.autofit = False
        total = sum(widths[:columns]) or 1
        for j, column in enumerate(table.columns):
            width = Emu(int(usable_width(document) * widths[j] / total))
            column.width = width
            for cell in column.cells:
                cell.width = width
    return table
