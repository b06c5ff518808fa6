"""Forms for threads, posts, moderation, status updates and notification settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional as OptionalValue

from circle.forms import GuardedForm, Optional, required, text_limits
from circle.threads.models import Audience, MailMode, ThreadKind
from circle.threads.services.common import MAX_NOTE, MAX_POST, MAX_REASON, MAX_TITLE

AUDIENCE_LABELS = {
    Audience.CIRCLE: _l("Sirkelen (ledere og deltakere)"),
    Audience.REFERENCE: _l("Sirkelen og referansegruppen (med enhetslederne)"),
    Audience.LEADERS: _l("Bare sirkelledere"),
}
KIND_LABELS = {
    ThreadKind.DISCUSSION: _l("Diskusjon"),
    ThreadKind.CONSULTATION: _l("Høring: et spørsmål med svarfrist"),
    ThreadKind.SUBJECT: _l("Tråd om et dokument"),
}
STATE_LABELS = {"open": _l("Åpen"), "resolved": _l("Besvart"), "closed": _l("Lukket")}
MODE_LABELS = {
    MailMode.IMMEDIATE: _l("E-post med en gang"),
    MailMode.DAILY: _l("Daglig sammendrag"),
    MailMode.OFF: _l("Ingen e-post (bare varsler på nettstedet; nevninger sendes likevel)"),
}
POST_HINT = _l(
    "Markdown er tillatt. Nevn noen med @ og fullt navn, f.eks. @Kari Nordmann. "
    "Skriv aldri personopplysninger om brukere."
)


class ThreadForm(GuardedForm):
    """Start a thread or a consultation."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(MAX_TITLE)])
    kind = SelectField(
        _l("Type"),
        choices=[
            (k.value, KIND_LABELS[k]) for k in (ThreadKind.DISCUSSION, ThreadKind.CONSULTATION)
        ],
        default=ThreadKind.DISCUSSION.value,
    )
    audience = SelectField(_l("Hvem ser tråden?"), choices=[])
    body = TextAreaField(_l("Innlegg"), validators=[Optional(), *text_limits(MAX_POST)])
    deadline = DateField(_l("Svarfrist (for høringer)"), validators=[OptionalValue()])
    requested_by = StringField(
        _l("Hvem spør? (for høringer, valgfritt)"), validators=[Optional(), *text_limits(MAX_TITLE)]
    )
    subject_kind = HiddenField()
    subject_id = HiddenField()


class PostForm(GuardedForm):
    """Write a post or a reply."""

    body = TextAreaField(_l("Ditt innlegg"), validators=[required(), *text_limits(MAX_POST)])
    parent_id = HiddenField()
    upto = HiddenField()


class EditPostForm(GuardedForm):
    """Change one's post."""

    body = TextAreaField(_l("Innlegg"), validators=[required(), *text_limits(MAX_POST)])


class ReportForm(GuardedForm):
    """Report a post to the leaders."""

    reason = StringField(
        _l("Hvorfor? (valgfritt)"), validators=[Optional(), *text_limits(MAX_REASON)]
    )


class ResolveForm(GuardedForm):
    """Mark a thread as answered with how the input was used."""

    resolution = TextAreaField(
        _l("Hvordan ble innspillene brukt?"), validators=[required(), *text_limits(MAX_NOTE)]
    )


class StatusForm(GuardedForm):
    """Write a status update for the reference group."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(MAX_TITLE)])
    body = TextAreaField(_l("Tekst"), validators=[required(), *text_limits(MAX_POST)])
    links = SelectMultipleField(
        _l("Lenk til det som er delt med referansegruppen"), choices=[], validate_choice=True
    )


class TitleForm(GuardedForm):
    """Change a thread's title."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(MAX_TITLE)])


class StatusEditForm(GuardedForm):
    """Change a status update's title and text."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(MAX_TITLE)])
    body = TextAreaField(_l("Tekst"), validators=[required(), *text_limits(MAX_POST)])


class ConfirmForm(GuardedForm):
    """A form with only the CSRF token (confirmation buttons)."""


MODE_CHOICES = [(m.value, MODE_LABELS[m]) for m in MailMode]


class DefaultModeForm(GuardedForm):
    """The member's default e-mail choice."""

    mode = SelectField(_l("Standard for alle sirkler"), choices=MODE_CHOICES)
