"""Forms for uploading reports, their metadata, and reading lists."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from circle.forms import GuardedForm, Optional, required, text_limits
from circle.i18n import local_today
from library.models import DocumentType
from library.services.reports import DOCUMENT_TYPE_LABELS, LANGUAGES

VISIBILITY_CHOICES = [
    ("circle", _l("Bare denne sirkelen")),
    ("shared", _l("Alle sirkler på nettstedet")),
]


class PublicationYear:
    """A year from 1500 to next year, with next year taken on the day the form is checked."""

    def __call__(self, form, field) -> None:  # noqa: ANN001
        """Refuse a year outside the range."""
        try:
            NumberRange(min=1500, max=local_today().year + 1)(form, field)
        except ValidationError:
            raise ValidationError(_l("Oppgi et gyldig år.")) from None


class UploadForm(GuardedForm):
    """Upload one or more files."""

    files = MultipleFileField(_l("Filer (PDF, Word, tekst eller Markdown)"))
    visibility = RadioField(
        _l("Hvem skal se rapportene?"), choices=VISIBILITY_CHOICES, default="circle"
    )


class ReportForm(GuardedForm):
    """Confirm or correct a report's metadata."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(500)])
    subtitle = StringField(_l("Undertittel"), validators=[Optional(), *text_limits(500)])
    authors = TextAreaField(
        _l("Forfattere (én per linje)"), validators=[Optional(), *text_limits(5000)]
    )
    editors = TextAreaField(
        _l("Redaktører (én per linje)"), validators=[Optional(), *text_limits(5000)]
    )
    # Choices are the names saved on the report; a name added now is recognised automatically.
    organisations = SelectMultipleField(
        _l("Organisasjoner blant forfatterne og redaktørene"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    year = IntegerField(
        _l("År"),
        validators=[
            Optional(),
            PublicationYear(),
        ],
    )
    publisher = StringField(
        _l("Utgiver eller institusjon"), validators=[Optional(), *text_limits(300)]
    )
    container_title = StringField(
        _l("Tidsskrift (for artikler)"), validators=[Optional(), *text_limits(300)]
    )
    series = StringField(_l("Serie"), validators=[Optional(), *text_limits(300)])
    series_number = StringField(_l("Nummer i serien"), validators=[Optional(), *text_limits(60)])
    isbn = StringField(_l("ISBN"), validators=[Optional(), *text_limits(40)])
    issn = StringField(_l("ISSN"), validators=[Optional(), *text_limits(20)])
    language = SelectField(_l("Språk"), choices=list(LANGUAGES.items()), default="nb")
    document_type = SelectField(
        _l("Dokumenttype"),
        choices=[(t.value, label) for t, label in DOCUMENT_TYPE_LABELS.items()],
        default=DocumentType.REPORT.value,
    )
    keywords = StringField(
        _l("Emneord (skilt med komma)"), validators=[Optional(), *text_limits(4000)]
    )
    abstract = TextAreaField(_l("Sammendrag"), validators=[Optional(), *text_limits(10000)])
    commissioned_by = StringField(_l("Oppdragsgiver"), validators=[Optional(), *text_limits(300)])
    url = StringField(_l("Nettadresse"), validators=[Optional(), *text_limits(500)])
    doi = StringField(_l("DOI"), validators=[Optional(), *text_limits(200)])
    themes = SelectMultipleField(_l("Sirkelens temaer"), coerce=int, validate_choice=False)
    visibility = RadioField(
        _l("Hvem skal se rapporten?"), choices=VISIBILITY_CHOICES, default="circle"
    )

    def values(self) -> dict[str, object]:
        """Return the metadata fields as the service expects them."""
        return {
            "title": self.title.data,
            "subtitle": self.subtitle.data,
            "authors": (self.authors.data or "").splitlines(),
            "editors": (self.editors.data or "").splitlines(),
            "year": self.year.data,
            "publisher": self.publisher.data,
            "container_title": self.container_title.data,
            "series": self.series.data,
            "series_number": self.series_number.data,
            "isbn": self.isbn.data,
            "issn": self.issn.data,
            "language": self.language.data,
            "document_type": self.document_type.data,
            "keywords": self.keywords.data,
            "abstract": self.abstract.data,
            "commissioned_by": self.commissioned_by.data,
            "url": self.url.data,
            "doi": self.doi.data,
            "organisation_marks": {
                name: name in (self.organisations.data or [])
                for name, _label in self.organisations.choices or []
            },
        }


class ReadingListForm(GuardedForm):
    """Create or rename a reading list."""

    title = StringField(_l("Tittel"), validators=[required(), *text_limits(200)])
    description = TextAreaField(
        _l("Beskrivelse (valgfritt)"), validators=[Optional(), *text_limits(4000)]
    )


class AddToListForm(GuardedForm):
    """Put a report on one of the circle's reading lists."""

    list_id = SelectField(_l("Leseliste"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Notat (valgfritt)"), validators=[Optional(), *text_limits(2000)])


class NoteForm(GuardedForm):
    """Change the note of a reading-list entry."""

    note = TextAreaField(_l("Notat"), validators=[Optional(), *text_limits(2000)])


class MoveForm(GuardedForm):
    """Move a reading-list entry."""

    direction = SelectField(
        choices=[("up", "up"), ("down", "down"), ("top", "top"), ("bottom", "bottom")]
    )
