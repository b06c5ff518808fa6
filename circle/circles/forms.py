"""Forms for circles, phases, main questions, units and service sites."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField

from circle.forms import GuardedForm, Optional, required, text_limits
from circle.models import PhaseKind, SiteKind, UnitKind

PHASE_LABELS = {
    PhaseKind.OPENING: _l("Innledningsfase"),
    PhaseKind.PROJECT: _l("Prosjektfase"),
    PhaseKind.CLOSING: _l("Avslutning"),
}
UNIT_LABELS = {UnitKind.BYDEL: _l("Bydel"), UnitKind.KOMMUNE: _l("Kommune")}
SITE_LABELS = {
    SiteKind.BARNEVERN: _l("Barneverntjeneste"),
    SiteKind.NAV: _l("NAV-kontor"),
    SiteKind.INSTITUTION: _l("Institusjon"),
    SiteKind.OTHER: _l("Annet"),
}


class CircleForm(GuardedForm):
    """Create or edit a circle."""

    name = StringField(_l("Navn"), validators=[required(), *text_limits(200)])
    slug = StringField(
        _l("Kortnavn (brukes i adressen)"), validators=[required(), *text_limits(60)]
    )
    institution = StringField(_l("Ledende institusjon"), validators=[Optional(), *text_limits(200)])
    description = TextAreaField(
        _l("Beskrivelse (Markdown)"), validators=[Optional(), *text_limits(20000)]
    )
    starts_on = DateField(_l("Starter"), validators=[Optional()])
    ends_on = DateField(_l("Slutter"), validators=[Optional()])


class PhaseForm(GuardedForm):
    """Add a phase."""

    kind = SelectField(_l("Type"), choices=[(k.value, v) for k, v in PHASE_LABELS.items()])
    name = StringField(_l("Navn"), validators=[required(), *text_limits(120)])
    starts_on = DateField(_l("Fra"), validators=[required()])
    ends_on = DateField(_l("Til"), validators=[required()])


class QuestionsForm(GuardedForm):
    """Edit the main questions, one per line."""

    questions = TextAreaField(
        _l("Problemstillinger (én per linje)"), validators=[Optional(), *text_limits(10000)]
    )


class UnitForm(GuardedForm):
    """Add a unit."""

    name = StringField(_l("Navn"), validators=[required(), *text_limits(120)])
    kind = SelectField(_l("Type"), choices=[(k.value, v) for k, v in UNIT_LABELS.items()])


class SiteForm(GuardedForm):
    """Add a service site to a unit."""

    name = StringField(_l("Navn"), validators=[required(), *text_limits(160)])
    kind = SelectField(_l("Type"), choices=[(k.value, v) for k, v in SITE_LABELS.items()])
