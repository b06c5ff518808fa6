"""Form pieces shared by every area: the guarded base form and standard field validators.

Every form of the platform derives from GuardedForm, which checks every text the form takes in
(strings, text areas, hidden fields, choices, lists of strings) for a national identity number
and for control characters, and every integer for the range of an Integer column, whatever
validators the field itself lists. The error is put on the offending field, so the field macro
marks it (aria-invalid, aria-describedby) and the message names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from circle.identity import (
    IdentityNumberError,
    NoIdentityNumber,
    contains_identity_number,
    in_field,
)
from circle.inputs import (
    MAX_INT,
    control_character_message,
    has_control_characters,
    multiline_control_message,
)

__all__ = [
    "GuardedForm",
    "NoIdentityNumber",
    "Optional",
    "ValidationError",
    "field_errors",
    "required",
    "text_limits",
]

# Passwords are hashed, never stored or shown; the CSRF token is the form's own.
_UNGUARDED = (PasswordField, CSRFTokenField)


def required() -> DataRequired:
    """Return a DataRequired validator with a Norwegian message."""
    return DataRequired(message=_l("Feltet må fylles ut."))


def text_limits(max_length: int, min_length: int = 0) -> list[object]:
    """Return the length validator every free-text field needs (the base form guards the rest)."""
    return [
        Length(
            min=min_length,
            max=max_length,
            message=_l("Teksten må ha mellom %(min)d og %(max)d tegn."),
        )
    ]


def _values(data: Any) -> Iterator[Any]:
    if isinstance(data, list | tuple):
        yield from data
    else:
        yield data


def _label(field: Field) -> str:
    return str(field.label.text) if field.label is not None and field.label.text else field.name


def field_errors(field: Field) -> list[Any]:
    """Return the guard's errors for one field's data (empty when it may be stored)."""
    if isinstance(field, _UNGUARDED):
        return []
    values = list(_values(field.data))
    texts = [value for value in values if isinstance(value, str)]
    errors: list[Any] = []
    multiline = isinstance(field, TextAreaField)
    if any(has_control_characters(text, multiline=multiline) for text in texts):
        label = _label(field)
        errors.append(
            multiline_control_message(label) if multiline else control_character_message(label)
        )
    if any(contains_identity_number(text) for text in texts):
        errors.append(IdentityNumberError(in_field(_label(field))).message)
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if any(abs(number) > MAX_INT for number in numbers):
        errors.append(_l("Tallet i feltet «%(field)s» er for stort.", field=_label(field)))
    return errors


class GuardedForm(FlaskForm):
    """The base of every form: no identity number, control character or huge integer passes."""

    def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
        """Run the fields' own validators, then the guard on every field."""
        valid = super().validate(extra_validators)
        for field in self:
            errors = field_errors(field)
            if errors:
                field.errors = [*field.errors, *errors]
                valid = False
        return valid
