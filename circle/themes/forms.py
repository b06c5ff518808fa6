"""Forms for proposing themes and running the vote."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange

from circle.forms import GuardedForm, Optional, required, text_limits


class ProposeThemeForm(GuardedForm):
    """Propose a theme."""

    title = StringField(_l("Tema"), validators=[required(), *text_limits(200)])
    description = TextAreaField(
        _l("Hvorfor er dette viktig? (valgfritt)"), validators=[Optional(), *text_limits(2000)]
    )


class OpenVoteForm(GuardedForm):
    """Open a vote."""

    votes_per_member = IntegerField(
        _l("Stemmer per deltaker"),
        default=3,
        validators=[required(), NumberRange(min=1, max=20, message=_l("Velg mellom 1 og 20."))],
    )


class CloseVoteForm(GuardedForm):
    """Close the vote and record the result."""

    main_questions = TextAreaField(
        _l("Problemstillinger (én per linje, valgfritt)"),
        validators=[Optional(), *text_limits(10000)],
    )
