"""The one guard against Norwegian national identity numbers (fødselsnummer, D- and H-nummer)."""

from __future__ import annotations

import datetime
import html
import re
import unicodedata
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, String, Text, event, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session
from sqlalchemy.types import TypeDecorator
from wtforms.validators import ValidationError

from circle.errors import DomainError
from circle.inputs import (
    ControlCharacterError,
    control_character_message,
    holds_control_characters,
    multiline_control_message,
)

IDENTITY_NUMBER_MESSAGE = _l(
    "Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Av hensyn til "
    "taushetsplikten kan slike opplysninger ikke lagres her. Fjern nummeret og prøv igjen."
)

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Remainders the first check digit may leave: 0 is the scheme in use since 1964; numbers issued
# from 2032 may also leave 1, 2 or 3 (Skatteetaten, "Nytt fødselsnummer fra 2032").
_K1_REMAINDERS = frozenset({0, 1, 2, 3})
_FIRST_YEAR, _LAST_YEAR = 1854, 2039

# --- Normalisation: the text as a reader sees it -------------------------------------------------
# Character references as the Markdown pipeline leaves them for the browser: only the complete
# forms (with the semicolon); bleach writes "&amp;#49;" back as "&#49;", so a second round of
# decoding is what the reader may see too.
_REFERENCE_RE = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")
_REFERENCE_ROUNDS = 3
# Invisible letters that are not format characters but show as nothing (Hangul fillers).
_FILLERS = "\u115f\u1160\u3164\uffa0"
# Minus-like signs outside the dash punctuation category (Pd).
_MINUS_LIKE = "\u2212\u2043\u02d7\u2796\u207b\u208b"
_WHITESPACE_RE = re.compile(r"\s+")
# Markdown emphasis, code and escape marks touching a digit disappear when rendered:
# "010190**12345**" shows as one run of digits. (Found by their own class, which is fast, and
# kept when no digit touches them.)
_MARKUP_RE = re.compile(r"[*_~`\\]+")
_ASCII_INVISIBLE_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]+")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_DIGIT_RUN_RE = re.compile(r"[0-9]+")

# --- Candidates -----------------------------------------------------------------------------------
# Between the date and the personal number: a short run of separators (after normalising, any
# whitespace run is one space and every dash is "-"). Three characters cover "010190 12345",
# "010190 - 12345", "010190 / 12345" and a line break with indentation; a longer run of
# punctuation is not how anyone writes one number, and counting it would glue unrelated figures.
_SEPARATOR_RUN = r"[ ./-]{0,3}"
# The date is six digits or DD.MM.YY; then five digits, and no digit on either side. Each run
# of digits is tried on its own, so an invalid 11-digit run never hides a valid one after it.
_CANDIDATE_RE = re.compile(
    r"(?<![0-9])(?=(?:([0-9]{6})|([0-9]{2})\.([0-9]{2})\.([0-9]{2}))"
    + _SEPARATOR_RUN
    + r"([0-9]{5})(?![0-9]))"
)


class IdentityNumberError(DomainError, ValueError):
    """Raised when a text holds what looks like a national identity number.

    ``where`` names the place, as a phrase that follows "står ... ": a field ("i feltet
    «Tittel»") or a place in a file ("i topptekst", "i en fotnote", "i dokumentegenskapene").
    """

    def __init__(self, where: Any = None) -> None:
        # The number itself is never part of the error: errors end up in logs and on pages.
        self.where = where
        message = (
            IDENTITY_NUMBER_MESSAGE
            if where is None
            else _l(
                "Det ser ut til å stå et fødselsnummer eller D-nummer %(where)s. Av hensyn til "
                "taushetsplikten kan slike opplysninger ikke lagres her. Fjern nummeret og "
                "prøv igjen.",
                where=where,
            )
        )
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.message)


def in_field(label: Any) -> Any:
    """Return the ``where`` phrase for a named field: "i feltet «Tittel»"."""
    return _l("i feltet «%(field)s»", field=label)


def _char_class(code_points: list[int]) -> str:
    """Return a regex character class of code points, as ranges (a long list is slow to match)."""
    ranges: list[list[int]] = []
    for cp in sorted(set(code_points)):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return (
        "["
        + "".join(
            re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in ranges
        )
        + "]"
    )


@cache
def _character_classes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Return patterns for what shows as nothing, every dash, and non-ASCII decimal digits.

    Only characters below U+10000: Python's regular expressions match such a class through a
    table, while ranges above it are tried one by one (the few astral ones are handled apart).
    """
    invisible = [ord(c) for c in _FILLERS]
    dashes = [ord(c) for c in _MINUS_LIKE]
    digits = []
    for code_point in range(0x80, 0x10000):
        char = chr(code_point)
        category = unicodedata.category(char)
        if _shows_as_nothing(char, category):
            invisible.append(code_point)
        elif category == "Pd":
            dashes.append(code_point)
        elif category == "Nd":
            digits.append(code_point)
    return (
        re.compile(_char_class(invisible) + "+"),
        re.compile(_char_class(dashes)),
        re.compile(_char_class(digits)),
    )


def _shows_as_nothing(char: str, category: str) -> bool:
    # Format (Cf), combining (Mn, Me) and control characters (Cc) show as nothing; the
    # whitespace controls (tab, line breaks) are separators instead.
    return category in {"Cf", "Mn", "Me"} or (category == "Cc" and not char.isspace())


def _astral(match: re.Match[str]) -> str:
    """Return an astral character as a reader sees it: nothing, a dash, an ASCII digit, itself."""
    char = match.group()
    category = unicodedata.category(char)
    if _shows_as_nothing(char, category):
        return ""
    if category == "Pd":
        return "-"
    return str(unicodedata.decimal(char)) if category == "Nd" else char


def _unmarked(match: re.Match[str]) -> str:
    """Drop Markdown marks that touch a digit; keep the others."""
    text, start, end = match.string, match.start(), match.end()
    touches = (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())
    return "" if touches else match.group()


def _decode_references(text: str) -> str:
    """Decode HTML character references as a browser shows them after the Markdown pipeline."""
    for _round in range(_REFERENCE_ROUNDS):
        decoded = _REFERENCE_RE.sub(lambda match: html.unescape(match.group()), text)
        if decoded == text:
            break
        text = decoded
    return text


def normalise_for_scan(text: str) -> str:
    """Return text as the guard reads it: what a reader would see, with separators unified."""
    if "&" in text:
        text = _decode_references(text)
    if not text.isascii():
        # NFKC turns full-width and superscript digits into ASCII digits, no-break spaces into
        # spaces and the non-breaking hyphen into a hyphen.
        text = unicodedata.normalize("NFKC", text)
        invisible, dashes, digits = _character_classes()
        text = invisible.sub("", text)
        if _ASTRAL_RE.search(text):
            text = _ASTRAL_RE.sub(_astral, text)
        text = digits.sub(lambda match: str(unicodedata.decimal(match.group())), text)
        text = dashes.sub("-", text)
    else:
        text = _ASCII_INVISIBLE_RE.sub("", text)
    if "*" in text or "_" in text or "~" in text or "`" in text or "\\" in text:
        text = _MARKUP_RE.sub(_unmarked, text)
    return _WHITESPACE_RE.sub(" ", text)


def _is_real_date(day: int, month: int, year_in_century: int) -> bool:
    """Tell whether day.month is a real date in some year ending in year_in_century."""
    # The individual number's century rules no longer hold for numbers issued from 2032, and a
    # guard should rather refuse too much than too little, so any plausible century will do.
    for century in (1800, 1900, 2000):
        year = century + year_in_century
        if _FIRST_YEAR <= year <= _LAST_YEAR:
            try:
                datetime.date(year, month, day)
            except ValueError:
                continue
            return True
    return False


def is_identity_number(digits: str) -> bool:
    """Tell whether 11 ASCII digits form a valid fødselsnummer, D-nummer or H-nummer."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    numbers = [int(digit) for digit in digits]
    day, month = numbers[0] * 10 + numbers[1], numbers[2] * 10 + numbers[3]
    if day > 40:  # D-nummer: 4 added to the first digit
        day -= 40
    elif month > 40:  # H-nummer: 4 added to the third digit (never together with D)
        month -= 40
    if not _is_real_date(day, month, numbers[4] * 10 + numbers[5]):
        return False
    k1_sum = sum(w * d for w, d in zip(_K1_WEIGHTS, numbers[:9], strict=True))
    if (k1_sum + numbers[9]) % 11 not in _K1_REMAINDERS:
        return False
    k2_sum = sum(w * d for w, d in zip(_K2_WEIGHTS, numbers[:10], strict=True))
    return (k2_sum + numbers[10]) % 11 == 0


def contains_identity_number(text: str | None) -> bool:
    """Tell whether text holds a valid national identity number anywhere, however spelt."""
    if not text:
        return False
    normalised = normalise_for_scan(text)
    # A number starts where a run of 2 (DD.MM.YY), 6 (the date) or 11 digits starts: only
    # there is the candidate pattern tried, not at every character of a long text.
    for run in _DIGIT_RUN_RE.finditer(normalised):
        if run.end() - run.start() not in {2, 6, 11}:
            continue
        match = _CANDIDATE_RE.match(normalised, run.start())
        if match is None:
            continue
        date = match.group(1) or match.group(2) + match.group(3) + match.group(4)
        if is_identity_number(date + match.group(5)):
            return True
    return False


def holds_identity_number(value: Any) -> bool:
    """Tell whether a value (text, or lists and mappings of text, as in JSON) holds a number."""
    if isinstance(value, str):
        return contains_identity_number(value)
    if isinstance(value, dict):
        return any(holds_identity_number(k) or holds_identity_number(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds_identity_number(item) for item in value)
    return False


def ensure_no_identity_number(*texts: str | None, where: Any = None) -> None:
    """Raise IdentityNumberError (naming ``where``) if any text holds an identity number."""
    if any(contains_identity_number(text) for text in texts):
        raise IdentityNumberError(where)


class NoIdentityNumber:
    """WTForms validator refusing a field whose text holds a national identity number."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Raise ValidationError if the field's text holds a national identity number."""
        data = field.data
        # Multi-valued fields (lists of strings) are checked value by value; files and
        # numbers are not text and are guarded where their content is read.
        values = data if isinstance(data, list | tuple) else [data]
        if any(isinstance(value, str) and contains_identity_number(value) for value in values):
            message = self.message if self.message is not None else IDENTITY_NUMBER_MESSAGE
            raise ValidationError(message)


# --- The database boundary ------------------------------------------------------------------------
# Every String, Text, Enum and JSON column of every mapped model is scanned when a new or changed
# object is flushed, whichever form, service or command set it. A column whose values are made by
# the machine (hashes, random tokens, keys) is exempted on the column itself, with the reason:
#     mapped_column(String(64), info=exempt("sha256 hex digest of the file"))
IDENTITY_EXEMPT = "identity_exempt"


def exempt(reason: str) -> dict[str, str]:
    """Return the column ``info`` that exempts a machine-made column from the flush guard."""
    if not reason.strip():
        raise ValueError("an exemption needs a reason")
    return {IDENTITY_EXEMPT: reason}


def is_text_type(column_type: Any) -> bool:
    """Tell whether a column type holds text (String, Text, Enum) or JSON."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, String | JSON)


def exemption(column: Any) -> str | None:
    """Return why a column is not scanned, if it is exempted."""
    reason = column.info.get(IDENTITY_EXEMPT)
    return reason if isinstance(reason, str) and reason.strip() else None


def scanned_columns(mapper: Mapper[Any]) -> tuple[tuple[str, str], ...]:
    """Return (attribute key, "Model.attribute") for each text column the flush guard scans."""
    return tuple((key, name) for key, name, _single_line in _scanned_columns(mapper))


@cache
def _scanned_columns(mapper: Mapper[Any]) -> tuple[tuple[str, str, bool], ...]:
    found = []
    for attr in mapper.column_attrs:
        texts = [c for c in attr.columns if is_text_type(c.type) and exemption(c) is None]
        if texts:
            # A String with a length (VARCHAR) is a single line: a title, a name, an address.
            single_line = all(_is_single_line(c.type) for c in texts)
            found.append((attr.key, f"{mapper.class_.__name__}.{attr.key}", single_line))
    return tuple(found)


def _is_single_line(column_type: Any) -> bool:
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return (
        isinstance(column_type, String)
        and not isinstance(column_type, Text | Enum)
        and (column_type.length is not None)
    )


def check_instance(obj: Any) -> None:
    """Refuse a changed text attribute holding an identity number or a misplaced control."""
    state = inspect(obj)
    for key, name, single_line in _scanned_columns(state.mapper):
        added = state.attrs[key].history.added
        if not added:
            continue
        values = list(added)
        if holds_identity_number(values):
            raise IdentityNumberError(in_field(name))
        # Text columns keep line breaks and tabs; no column keeps NUL or other controls.
        if holds_control_characters(values, multiline=not single_line):
            raise ControlCharacterError(
                control_character_message(name) if single_line else multiline_control_message(name)
            )


def _guard_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Scan the changed text attributes of every new and dirty object before it is written."""
    for obj in (*session.new, *session.dirty):
        check_instance(obj)


def _guard_statement(execute_state: ORMExecuteState) -> None:
    """Scan the text values of INSERT and UPDATE statements run through a session."""
    if not (execute_state.is_insert or execute_state.is_update):
        return
    statement = execute_state.statement
    table = getattr(statement, "table", None)
    columns = getattr(table, "c", None)
    params = execute_state.parameters
    if isinstance(params, list | tuple):
        # Bulk: one parameter set per row, keyed by attribute; the statement holds no values.
        rows = list(params)
    else:
        bind = execute_state.session.get_bind(mapper=execute_state.bind_mapper, clause=statement)
        rows = [statement.compile(dialect=bind.dialect).params, params or {}]
    for row in rows:
        for key, value in row.items():
            column = columns.get(key) if columns is not None else None
            if column is not None and exemption(column) is not None:
                continue
            name = f"{table.name}.{key}" if table is not None else key
            if holds_identity_number(value):
                raise IdentityNumberError(in_field(name))
            if column is not None and is_text_type(column.type):
                single_line = _is_single_line(column.type)
                if holds_control_characters(value, multiline=not single_line):
                    raise ControlCharacterError(
                        control_character_message(name)
                        if single_line
                        else multiline_control_message(name)
                    )


def install_flush_guard() -> None:
    """Apply the guard to every session (Flask-SQLAlchemy's and any other) before it writes."""
    for name, listener in (("before_flush", _guard_flush), ("do_orm_execute", _guard_statement)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
