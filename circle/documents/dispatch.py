"""Which reader reads which type; runs in the child process, so it imports no Flask."""

from __future__ import annotations

from circle.documents.budget import Budget
from circle.documents.model import Document, Refusal
from circle.documents.sniff import basename, check_type


def read_file(data: bytes, filename: str, allowed: list[str] | None, *, budget: Budget) -> Document:
    """Check the file's type and read it in full; runs inside the budgeted child process."""
    file_type = check_type(filename, data, allowed)
    kind, name = file_type.kind, basename(filename)
    if kind == "pdf":
        from circle.documents.pdf import read_pdf

        return read_pdf(data, budget)
    if kind == "docx":
        from circle.documents.docx import read_docx

        return read_docx(data, budget, name)
    if kind in ("xlsx", "pptx"):
        from circle.documents import office

        reader = office.read_xlsx if kind == "xlsx" else office.read_pptx
        return reader(data, budget, name)
    if kind in ("odt", "ods", "odp"):
        from circle.documents.opendocument import read_opendocument

        return read_opendocument(data, kind, budget, name)
    if kind in ("png", "jpeg"):
        from circle.documents.images import read_image

        return read_image(data, kind, name)
    from circle.documents.text import read_text

    try:
        return read_text(data, kind, budget)
    except Refusal as refusal:
        if refusal.code != "mismatch_binary":
            raise
        raise Refusal("mismatch", name=name, ext=file_type.extension, actual="binary") from None
