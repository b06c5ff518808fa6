"""Forms of the projects area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired

from circle.forms import GuardedForm, Optional, required, text_limits
from projects.models import LogKind, PlanItemKind, PlanItemStatus
from projects.report.compile import STATUS_LABELS

LOG_LABELS = {
    LogKind.MEETING: _l("Prosjektmøte"),
    LogKind.WORKSHOP: _l("Workshop"),
    LogKind.DECISION: _l("Beslutning"),
    LogKind.NOTE: _l("Notat"),
}
PLAN_KIND_LABELS = {PlanItemKind.MILESTONE: _l("Milepæl"), PlanItemKind.TASK: _l("Oppgave")}
PLAN_STATUS_LABELS = {
    PlanItemStatus.OPEN: _l("Ikke startet"),
    PlanItemStatus.IN_PROGRESS: _l("Pågår"),
    PlanItemStatus.DONE: _l("Ferdig"),
}


class ProjectForm(GuardedForm):
    """Create or edit a project."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(200)])
    # Choices come from the circle; unknown values are refused by the service with a clear
    # message (not WTForms' generic "not a valid choice").
    unit = SelectField(_l("Enhet"), coerce=int, validate_choice=False)
    members = SelectMultipleField(_l("Medlemmer"), coerce=int, validate_choice=False)
    summary = TextAreaField(_l("Kort sammendrag"), validators=[Optional(), *text_limits(5000)])
    status = SelectField(
        _l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    status_reason = TextAreaField(
        _l("Hvorfor ble prosjektet avbrutt?"), validators=[Optional(), *text_limits(5000)]
    )
    starts_on = DateField(_l("Start"), validators=[Optional()])
    ends_on = DateField(_l("Slutt"), validators=[Optional()])


class SectionForm(GuardedForm):
    """Edit one section of the write-up."""

    body = TextAreaField(_l("Tekst (Markdown)"), validators=[Optional(), *text_limits(100_000)])
    base_revision = IntegerField(validators=[InputRequired()])


class CellForm(GuardedForm):
    """Edit one cell of the transition matrix."""

    body = TextAreaField(_l("Tekst"), validators=[Optional(), *text_limits(20_000)])
    base_revision = IntegerField(validators=[InputRequired()])


class ReadyForm(GuardedForm):
    """Mark a section ready or not ready."""

    ready = HiddenField(default="1")


class ShareForm(GuardedForm):
    """Share or stop sharing the write-up."""

    shared = HiddenField(default="1")


class UploadForm(GuardedForm):
    """Upload a new project file."""

    file = FileField(_l("Fil"), validators=[FileRequired(_l("Velg en fil."))])
    title = StringField(
        _l("Tittel (f.eks. «Kartleggingsskjema»)"), validators=[Optional(), *text_limits(200)]
    )
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional(), *text_limits(5000)])
    is_product = BooleanField(_l("Dette er et av prosjektets produkter"))


class VersionForm(GuardedForm):
    """Upload a new version of a file."""

    file = FileField(_l("Ny versjon"), validators=[FileRequired(_l("Velg en fil."))])
    note = StringField(_l("Hva er endret?"), validators=[Optional(), *text_limits(500)])


class FileInfoForm(GuardedForm):
    """Change a file's title and description."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional(), *text_limits(5000)])
    is_product = BooleanField(_l("Dette er et av prosjektets produkter"))


class LogForm(GuardedForm):
    """Add a log entry."""

    happened_on = DateField(_l("Dato"), validators=[required()])
    kind = SelectField(_l("Type"), choices=[(k.value, v) for k, v in LOG_LABELS.items()])
    text = TextAreaField(_l("Hva skjedde?"), validators=[required(), *text_limits(20_000)])


class PlanItemForm(GuardedForm):
    """Add a milestone or task."""

    kind = SelectField(_l("Type"), choices=[(k.value, v) for k, v in PLAN_KIND_LABELS.items()])
    title = StringField(_l("Hva"), validators=[required(), *text_limits(200)])
    due_on = DateField(_l("Frist"), validators=[Optional()])
    owner = SelectField(_l("Ansvarlig"), coerce=int, validate_choice=False, default=0)


class PlanStatusForm(GuardedForm):
    """Change a plan item's status."""

    status = SelectField(
        _l("Status"), choices=[(k.value, v) for k, v in PLAN_STATUS_LABELS.items()]
    )


class MeetingForm(GuardedForm):
    """Add a date to the project's meeting plan."""

    day = DateField(_l("Dato"), validators=[required()])
    time = TimeField(_l("Klokkeslett"), validators=[required()])
    place = StringField(_l("Sted"), validators=[Optional(), *text_limits(200)])
    note = StringField(_l("Merknad"), validators=[Optional(), *text_limits(500)])


class UpdateForm(GuardedForm):
    """Write a progress update."""

    body = TextAreaField(_l("Status nå"), validators=[required(), *text_limits(5000)])
    share_with_reference = BooleanField(_l("Del også med referansegruppen og enhetslederne"))
    publish = BooleanField(_l("Publiser nå (ellers lagres den som utkast)"), default=True)


class PublishUpdateForm(GuardedForm):
    """Publish a draft update."""

    share_with_reference = BooleanField(_l("Del også med referansegruppen og enhetslederne"))


class MatrixRowForm(GuardedForm):
    """Add a row to the transition matrix."""

    title = StringField(_l("Ny overgang"), validators=[required(), *text_limits(200)])


class SpecForm(GuardedForm):
    """Change a heading of the write-up template."""

    heading = StringField(_l("Overskrift"), validators=[required(), *text_limits(200)])
    guidance = StringField(_l("Veiledning"), validators=[Optional(), *text_limits(500)])
    hidden = BooleanField(_l("Skjul avsnittet"))


class NewSpecForm(GuardedForm):
    """Add a heading to the write-up template."""

    heading = StringField(_l("Overskrift"), validators=[required(), *text_limits(200)])
    guidance = StringField(_l("Veiledning"), validators=[Optional(), *text_limits(500)])
    only_discontinued = BooleanField(_l("Bare for avbrutte prosjekter"))


class MoveForm(GuardedForm):
    """Move a heading up or down."""

    offset = IntegerField(default=1)
