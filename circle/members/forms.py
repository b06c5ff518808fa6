"""Forms for inviting, accepting invitations and changing roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, Length

from circle.forms import GuardedForm, Optional, required, text_limits
from circle.models import Role

ROLE_LABELS = {
    Role.LEADER: _l("Sirkelleder"),
    Role.PARTICIPANT: _l("Deltaker"),
    Role.REFERENCE: _l("Referansegruppe"),
    Role.UNIT_LEADER: _l("Enhetsleder"),
}


class _PlacementMixin:
    unit = SelectField(_l("Enhet"), coerce=int, choices=[], validate_choice=True)
    site = SelectField(_l("Tjenestested"), coerce=int, choices=[], validate_choice=True)
    organisation = StringField(
        _l("Organisasjon (for referansegruppen)"), validators=[Optional(), *text_limits(200)]
    )


class InviteForm(_PlacementMixin, GuardedForm):
    """Invite a person by e-mail with a role."""

    email = EmailField(
        _l("E-post"),
        validators=[required(), Email(message=_l("Ugyldig e-postadresse.")), Length(max=254)],
    )
    role = SelectField(
        _l("Rolle"),
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        default=Role.PARTICIPANT.value,
    )


class RoleForm(_PlacementMixin, GuardedForm):
    """Change a member's role and placement."""

    role = SelectField(_l("Rolle"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])


class AcceptInvitationForm(GuardedForm):
    """Set up an account from an invitation."""

    name = StringField(_l("Navn"), validators=[required(), *text_limits(120)])
    job_title = StringField(_l("Stilling"), validators=[Optional(), *text_limits(120)])
    phone = StringField(_l("Telefon"), validators=[Optional(), *text_limits(40)])
    password = PasswordField(_l("Velg passord"), validators=[required()])
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[required(), EqualTo("password", message=_l("Passordene er ikke like."))],
    )


def fill_placement_choices(form: _PlacementMixin, circle) -> None:  # noqa: ANN001
    """Offer the circle's units and service sites (0 means none)."""
    none = (0, "–")
    form.unit.choices = [none] + [(u.id, u.name) for u in circle.units]
    form.site.choices = [none] + [
        (s.id, f"{u.name}: {s.name}") for u in circle.units for s in u.sites
    ]
