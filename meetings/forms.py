"""Forms of the meetings area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange

from circle.forms import GuardedForm, Optional, required, text_limits
from meetings.models import CommentKind, ItemKind, MeetingKind, RsvpAnswer
from meetings.services.agenda import KIND_LABELS as ITEM_KIND_LABELS
from meetings.services.meetings import KIND_LABELS as MEETING_KIND_LABELS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
_datetime_message = _l("Skriv dato og klokkeslett (dd.mm.åååå tt:mm).")


def _int_or_none(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number or None


class MeetingForm(GuardedForm):
    """Create or edit a meeting; times are Europe/Oslo wall-clock times."""

    kind = SelectField(
        _l("Type møte"), choices=[(k.value, MEETING_KIND_LABELS[k]) for k in MeetingKind]
    )
    title = StringField(_l("Tittel"), validators=[required(), *text_limits(200)])
    starts_at = DateTimeLocalField(_l("Start"), format=DATETIME_FORMAT, validators=[required()])
    ends_at = DateTimeLocalField(_l("Slutt"), format=DATETIME_FORMAT, validators=[required()])
    place = StringField(_l("Sted"), validators=[Optional(), *text_limits(200)])
    host_unit_id = SelectField(
        _l("Vertsenhet"), coerce=_int_or_none, choices=[], validate_choice=False
    )
    address = StringField(_l("Adresse"), validators=[Optional(), *text_limits(300)])
    video_url = StringField(
        _l("Videolenke (valgfritt)"), validators=[Optional(), *text_limits(500)]
    )
    theme = StringField(_l("Tema"), validators=[Optional(), *text_limits(200)])

    def validate_ends_at(self, field) -> None:  # noqa: ANN001
        """Refuse an end before the start."""
        from wtforms.validators import ValidationError

        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Slutt må være etter start."))


class MoveMeetingForm(GuardedForm):
    """Move a meeting: a new time or place (Europe/Oslo wall-clock times)."""

    starts_at = DateTimeLocalField(_l("Ny start"), format=DATETIME_FORMAT, validators=[required()])
    ends_at = DateTimeLocalField(_l("Ny slutt"), format=DATETIME_FORMAT, validators=[required()])
    place = StringField(_l("Sted"), validators=[Optional(), *text_limits(200)])
    address = StringField(_l("Adresse"), validators=[Optional(), *text_limits(300)])
    validate_ends_at = MeetingForm.validate_ends_at


class ReminderSettingsForm(GuardedForm):
    """How many days before a meeting the invitees are reminded (0: no reminder)."""

    days = IntegerField(
        _l("Dager før møtet"),
        validators=[required(), NumberRange(min=0, max=14, message=_l("Velg mellom 0 og 14."))],
    )


class MaterialForm(GuardedForm):
    """Attach slides or a handout to an agenda item (or, item 0, to the minutes)."""

    attach_to = SelectField(_l("Til punkt"), coerce=int, choices=[], validate_choice=False)
    file = FileField(_l("Fil"), validators=[FileRequired(_l("Velg en fil."))])


class CancelMeetingForm(GuardedForm):
    """Cancel a meeting, with a short reason the invitees see."""

    reason = TextAreaField(
        _l("Begrunnelse (valgfritt)"), validators=[Optional(), *text_limits(500)]
    )


class AgendaItemForm(GuardedForm):
    """Add or edit an agenda item."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(200)])
    kind = SelectField(
        _l("Type"),
        choices=[(k.value, ITEM_KIND_LABELS[k]) for k in ItemKind],
        default=ItemKind.DISCUSSION.value,
    )
    parent_id = SelectField(
        _l("Plassering"), coerce=_int_or_none, choices=[], validate_choice=False
    )
    presenter = StringField(_l("Innleder"), validators=[Optional(), *text_limits(120)])
    minutes_planned = IntegerField(
        _l("Planlagt tid (minutter)"),
        default=15,
        validators=[
            Optional(),
            NumberRange(min=0, max=600, message=_l("Mellom 0 og 600 minutter.")),
        ],
    )
    description = TextAreaField(
        _l("Beskrivelse (Markdown)"), validators=[Optional(), *text_limits(20000)]
    )
    preparation = TextAreaField(
        _l("Forberedelsesspørsmål"), validators=[Optional(), *text_limits(5000)]
    )
    readings = TextAreaField(
        _l("Forhåndslesing (én per linje: Tittel | lenke)"),
        validators=[Optional(), *text_limits(12000)],
    )


class CsrfForm(GuardedForm):
    """A form with only the CSRF token (for POST buttons and dynamic tables)."""


class RsvpForm(GuardedForm):
    """Answer an invitation."""

    answer = RadioField(
        _l("Svar"),
        choices=[
            (RsvpAnswer.ATTENDING.value, _l("Jeg kommer")),
            (RsvpAnswer.ABSENT.value, _l("Jeg melder forfall")),
        ],
        validators=[required()],
    )
    message = StringField(
        _l("Melding ved forfall (valgfritt)"), validators=[Optional(), *text_limits(500)]
    )


class MinutesForm(GuardedForm):
    """The minutes' evaluation and version; per-item notes are read by the service."""

    version = HiddenField(default="0")
    evaluation = TextAreaField(
        _l("Kort evaluering av møtet"), validators=[Optional(), *text_limits(20000)]
    )


class CorrectionForm(MinutesForm):
    """Correct approved minutes: a new version with a reason."""

    reason = TextAreaField(
        _l("Hvorfor rettes referatet?"), validators=[required(), *text_limits(2000)]
    )


class ReviewForm(GuardedForm):
    """Send the minutes for review with a deadline."""

    deadline = DateTimeLocalField(
        _l("Frist for kommentarer"), format=DATETIME_FORMAT, validators=[required()]
    )


class CommentForm(GuardedForm):
    """Comment on the minutes or suggest a correction of an item's notes."""

    kind = SelectField(
        _l("Type"),
        choices=[
            (CommentKind.COMMENT.value, _l("Kommentar")),
            (CommentKind.CORRECTION.value, _l("Forslag til rettelse")),
        ],
    )
    item_id = SelectField(
        _l("Gjelder punkt"), coerce=_int_or_none, choices=[], validate_choice=False
    )
    body = TextAreaField(_l("Kommentar"), validators=[Optional(), *text_limits(5000)])
    suggested_text = TextAreaField(
        _l("Foreslått tekst for notatene under punktet"),
        validators=[Optional(), *text_limits(100000)],
    )


class DecideForm(GuardedForm):
    """Accept or decline a review comment."""

    decision = RadioField(
        _l("Beslutning"),
        choices=[("accept", _l("Godta")), ("decline", _l("Avslå"))],
        validators=[required()],
    )
    note = StringField(_l("Begrunnelse (valgfritt)"), validators=[Optional(), *text_limits(500)])


class ApproveForm(GuardedForm):
    """Approve the minutes (optionally at a later meeting)."""

    at_meeting = HiddenField()


class ActionForm(GuardedForm):
    """Add an action item to the minutes."""

    what = StringField(_l("Oppgave"), validators=[required(), *text_limits(500)])
    owner_id = SelectField(_l("Ansvarlig"), coerce=_int_or_none, choices=[], validate_choice=False)
    due_on = DateField(_l("Frist"), validators=[Optional()])
    item_id = SelectField(_l("Punkt"), coerce=_int_or_none, choices=[], validate_choice=False)
