"""The one guard against Norwegian national identity numbers (fødselsnummer, D- and H-nummer)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from circle.errors import DomainError

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
# One separator is allowed between the date and the personal number, as people write them
# ("010190 12345", "010190.12345", "010190-12345"); word processors turn the space into a
# no-break space and the hyphen into a dash, so those count too.
_SEPARATORS = " .\u00a0\u202f\u2009\u2010\u2011\u2012\u2013-"
# A lookahead, so candidates may overlap: an invalid 11-digit run must not hide a valid one.
_CANDIDATE_RE = re.compile(
    rf"(?<![0-9])(?=([0-9]{{6}})[{re.escape(_SEPARATORS)}]?([0-9]{{5}})(?![0-9]))"
)
_UNICODE_DIGIT_RE = re.compile(r"\d")


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


def _ascii_digits(text: str) -> str:
    """Replace every Unicode decimal digit (e.g. full-width ０-９) with its ASCII digit."""
    if text.isascii():
        return text
    return _UNICODE_DIGIT_RE.sub(lambda match: str(unicodedata.decimal(match.group())), text)


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
    """Tell whether text holds a valid national identity number anywhere."""
    if not text:
        return False
    for match in _CANDIDATE_RE.finditer(_ascii_digits(text)):
        if is_identity_number(match.group(1) + match.group(2)):
            return True
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
