"""What reading a file gives: text per page and every hidden place, labelled; or a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Refusal(Exception):  # noqa: N818 - a refusal, not a programming error
    """A file the reader will not accept: a code and its parameters (plain values only)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def thousands(n: int) -> str:
    """Return n with a space between thousands, as Norwegian writes it ("3 000")."""
    return f"{n:,}".replace(",", " ")


@dataclass
class Part:
    """Text from one place in a file, outside the page text (a header, a note, metadata)."""

    place: str
    text: str
    number: int | None = None
    name: str = ""

    @property
    def where(self) -> Any:
        """The lazy phrase naming this place, for messages."""
        from circle.documents.places import where_phrase

        return where_phrase(self.place, self.number, self.name)


@dataclass
class Document:
    """An uploaded file as read: body text per page, hidden places, and file metadata.

    ``pages`` is the body text as the file holds it (before clean-up for search); for
    presentations a page is a slide, for spreadsheets there are no pages (each sheet is a
    part). ``info`` holds what the file says about itself (title, author, year) and
    ``heading`` the most prominent line of its first page, when there is one.
    """

    kind: str
    pages: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    page_place: str = "page"
    info: dict[str, Any] = field(default_factory=dict)
    heading: str | None = None

    def page_where(self, number: int) -> Any:
        """Return the phrase naming page (or slide) ``number``, counted from 1."""
        from circle.documents.places import where_phrase

        return where_phrase(self.page_place, number)

    def characters(self) -> int:
        """Return how many characters of text the document holds in all."""
        return sum(map(len, self.pages)) + sum(len(p.text) for p in self.parts)
