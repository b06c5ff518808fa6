"""Write user Markdown into a python-docx document, through the shared sanitising pipeline."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from circle.docx_writer.tables import add_table
from circle.text import render_markdown

_BLOCKS = {"p", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class _Writer(HTMLParser):
    """Turn the allow-listed HTML of the Markdown pipeline into docx paragraphs and runs."""

    def __init__(self, document: Any, heading_offset: int, lead: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = document
        self.lead = lead
        self.offset = heading_offset
        self.par: Any = None
        self.bold = self.italic = self.code = self.quote = 0
        self.lists: list[str] = []
        self.pre = False
        self.href: str | None = None
        self.link_text = ""
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def _paragraph(self, style: str | None = None) -> Any:
        if style is None and self.quote:
            style = "Quote"
        par = self.doc.add_paragraph(style=style) if style else self.doc.add_paragraph()
        if self.lead:  # e.g. "Vedtak: " in bold before the first words
            par.add_run(self.lead).bold = True
            self.lead = None
        return par

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: C901
        """Open a block or an inline style."""
        if self.table is not None:
            if tag == "tr":
                self.table.append([])
            elif tag in {"td", "th"}:
                self.cell = []
            return
        if tag == "p":
            if not (self.lists and self.par is not None):
                self.par = self._paragraph()
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.par = self.doc.add_heading("", level=min(int(tag[1]) + self.offset, 9))
        elif tag in {"ul", "ol"}:
            self.lists.append(tag)
            self.par = None
        elif tag == "li":
            kind = "List Bullet" if (self.lists or ["ul"])[-1] == "ul" else "List Number"
            self.par = self._paragraph(kind + (" 2" if len(self.lists) > 1 else ""))
        elif tag in {"strong", "b"}:
            self.bold += 1
        elif tag in {"em", "i"}:
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "pre":
            self.pre = True
            self.par = self._paragraph()
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "br" and self.par is not None:
            self.par.add_run().add_break()
        elif tag == "hr":
            self.doc.add_paragraph("* * *")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = ""
        elif tag == "table":
            self.table = []

    def handle_endtag(self, tag: str) -> None:
        """Close a block or an inline style."""
        if self.table is not None:
            if tag in {"td", "th"} and self.cell is not None and self.table:
                self.table[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "table":
                self._write_table(self.table)
                self.table = None
            return
        if tag in _BLOCKS:
            if tag == "pre":
                self.pre = False
            if tag != "p" or not self.lists:
                self.par = None
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            self.par = None
        elif tag in {"strong", "b"}:
            self.bold = max(0, self.bold - 1)
        elif tag in {"em", "i"}:
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "a":
            if self.href and self.href.strip() != self.link_text.strip() and self.par is not None:
                self.par.add_run(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        """Add text as a run with the current styles."""
        if self.table is not None:
            if self.cell is not None:
                self.cell.append(data)
            return
        if self.par is None:
            if not data.strip():
                return
            self.par = self._paragraph()
        if self.href is not None:
            self.link_text += data
        if self.pre:
            lines = data.split("\n")
            for i, line in enumerate(lines):
                run = self.par.add_run(line)
                run.font.name = "Courier New"
                if i < len(lines) - 1:
                    run.add_break()
            return
        if not self.par.runs and not data.strip():
            return
        run = self.par.add_run(data if self.par.runs else data.lstrip())
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "Courier New"

    def _write_table(self, rows: list[list[str]]) -> None:
        rows = [r for r in rows if r]
        if rows:  # a Markdown table always has a header row
            add_table(self.doc, rows[0], rows[1:])


def add_markdown(
    document: Any, text: str | None, *, heading_offset: int = 2, lead: str | None = None
) -> None:
    """Append user Markdown to the document as paragraphs, lists, headings and tables.

    ``lead`` is bold text that starts the first paragraph.
    """
    if not text or not text.strip():
        return
    writer = _Writer(document, heading_offset, lead)
    writer.feed(str(render_markdown(text)))
    writer.close()
