"""Form pieces shared by every area: the text guard and standard field validators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from circle.identity import NoIdentityNumber

__all__ = ["NoIdentityNumber", "Optional", "ValidationError", "required", "text_limits"]


def required() -> DataRequired:
    """Return a DataRequired validator with a Norwegian message."""
    return DataRequired(message=_l("Feltet må fylles ut."))


def text_limits(max_length: int, min_length: int = 0) -> list[object]:
    """Return the length and identity-number validators every free-text field needs."""
    return [
        Length(
            min=min_length,
            max=max_length,
            message=_l("Teksten må ha mellom %(min)d og %(max)d tegn."),
        ),
        NoIdentityNumber(),
    ]
