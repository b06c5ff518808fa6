"""Forms for sign-in, password reset, profile and password change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, Length

from circle.auth.passwords import MAX_LENGTH
from circle.forms import GuardedForm, Optional, required, text_limits


class LoginForm(GuardedForm):
    """Sign in with e-mail and password."""

    email = EmailField(_l("E-post"), validators=[required(), Length(max=254)])
    password = PasswordField(_l("Passord"), validators=[required(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Husk meg på denne maskinen (30 dager)"))


class ForgotPasswordForm(GuardedForm):
    """Ask for a password reset link."""

    email = EmailField(
        _l("E-post"),
        validators=[required(), Email(message=_l("Ugyldig e-postadresse.")), Length(max=254)],
    )


class NewPasswordForm(GuardedForm):
    """Choose a new password (reset link or invitation)."""

    password = PasswordField(_l("Nytt passord"), validators=[required()])
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[required(), EqualTo("password", message=_l("Passordene er ikke like."))],
    )


class ChangePasswordForm(NewPasswordForm):
    """Change one's own password."""

    current = PasswordField(_l("Nåværende passord"), validators=[required()])


class ProfileForm(GuardedForm):
    """Edit one's own profile."""

    name = StringField(_l("Navn"), validators=[required(), *text_limits(120)])
    job_title = StringField(_l("Stilling"), validators=[Optional(), *text_limits(120)])
    phone = StringField(_l("Telefon"), validators=[Optional(), *text_limits(40)])
    locale = SelectField(_l("Språk"), choices=[("nb", "Norsk bokmål"), ("en", "English")])
