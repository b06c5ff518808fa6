"""Read an uploaded file within a budget, and scan every page and part for identity numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from circle.documents.budget import Budget
from circle.documents.dispatch import read_file
from circle.documents.errors import DocumentError
from circle.documents.model import Document, Refusal, thousands
from circle.documents.places import where_phrase
from circle.documents.sniff import TEXT_KINDS, FileType, check_extension, check_type
from circle.documents.worker import run_budgeted
from circle.identity import IdentityNumberError, contains_identity_number

# Whitespace between two digits: a number broken over two lines or two text runs.
_DIGIT_GAP_RE = re.compile(r"(?<=\d)[\s\u00ad\u200b]+(?=\d)")


def read_document(
    data: bytes,
    filename: str,
    *,
    budget: Budget | None = None,
    allowed: Iterable[str] | None = None,
    scan: bool = True,
) -> Document:
    """Read an uploaded file in full, in a child process within the budget.

    ``allowed`` limits the accepted extensions (default: every accepted type). Raises
    DocumentError for a file that cannot be used and, with ``scan``, IdentityNumberError
    naming the place when any page or part holds an identity number. Safe to call from any
    process: it needs no Flask request or application context.
    """
    budget = budget or Budget()
    allowed = None if allowed is None else list(allowed)
    try:
        file_type = check_extension(filename, data, allowed)
        if file_type.kind in TEXT_KINDS and len(data) > 4 * budget.max_characters:
            # More bytes than any UTF-8 text within the budget can have: refuse at once.
            raise Refusal("too_much_text", n=thousands(budget.max_characters))
        doc = run_budgeted(read_file, data, filename, allowed, budget=budget)
    except Refusal as refusal:
        raise DocumentError.from_refusal(refusal) from None
    if scan:
        scan_document(doc)
    return doc


def _holds_number(text: str) -> bool:
    return contains_identity_number(text) or (
        bool(_DIGIT_GAP_RE.search(text)) and contains_identity_number(_DIGIT_GAP_RE.sub("", text))
    )


def scan_document(doc: Document) -> None:
    """Raise IdentityNumberError naming the first place (part or page) with an identity number."""
    for part in doc.parts:
        if contains_identity_number(part.text) or contains_identity_number(part.name):
            where = part.where
            if contains_identity_number(part.name):  # the place's own name must not echo it
                where = where_phrase("sheet_names" if part.place == "sheet" else "text")
            raise IdentityNumberError(where=where)
    for number, page in enumerate(doc.pages, 1):
        if _holds_number(page):
            raise IdentityNumberError(where=doc.page_where(number))
    for part in doc.parts:
        if part.place in ("annotation", "textbox", "notes", "form_field") and _holds_number(
            part.text
        ):
            raise IdentityNumberError(where=part.where)


def check_file_type(filename: str, data: bytes, allowed: Iterable[str] | None = None) -> FileType:
    """Return the file's accepted type, or raise DocumentError (wrong name, content or type)."""
    try:
        return check_type(filename, data, allowed)
    except Refusal as refusal:
        raise DocumentError.from_refusal(refusal) from None
