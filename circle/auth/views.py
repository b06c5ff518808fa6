"""Views for sign-in and sign-out, password reset, profile and password change."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from circle.auth import services
from circle.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from circle.auth.notices import RESET_PATH
from circle.auth.passwords import PasswordPolicyError
from circle.auth.reset_mail import request_password_reset
from circle.errors import DomainError
from circle.extensions import db
from circle.security import client_ip, safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def start_session(member: object, remember: bool = False) -> None:
    """Clear the old session and sign the member in with a fresh one (no fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(member, remember=remember)  # type: ignore[arg-type]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Sign in."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "POST":
        cfg = current_app.config
        if services.is_rate_limited(
            db.session,
            ip=client_ip(),
            limit=cfg["LOGIN_RATE_LIMIT"],
            window_minutes=cfg["LOGIN_RATE_WINDOW_MINUTES"],
        ):
            abort(429)
    if form.validate_on_submit():
        member = services.authenticate(
            db.session, email=form.email.data, password=form.password.data, ip=client_ip()
        )
        db.session.commit()
        if member is not None:
            start_session(member, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("Feil e-post eller passord."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out and end every session and remember cookie of this member."""
    if current_user.is_authenticated:
        current_user.rotate_session_token()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du er logget ut."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Response | str:
    """Send a reset link; the answer is the same whether the address exists or not."""
    cfg = current_app.config
    window = cfg["PASSWORD_RESET_WINDOW_MINUTES"]
    if request.method == "POST" and (
        services.reset_requests(db.session, ip=client_ip(), window_minutes=window)
        >= cfg["PASSWORD_RESET_PER_CLIENT"]
    ):
        abort(429)  # about the client only: it says nothing about any address
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        key = services.address_key(cfg["SECRET_KEY"], form.email.data)
        # Every address is counted, known or not, and a limited one gets the same answer:
        # neither the limit nor the answer tells whether an account exists. The mail itself
        # is looked up and built by a job, so the request does the same work either way.
        allowed = (
            services.reset_requests(db.session, key_hash=key, window_minutes=window)
            < cfg["PASSWORD_RESET_PER_ADDRESS"]
        )
        services.record_reset_request(db.session, ip=client_ip(), key_hash=key)
        if allowed:
            request_password_reset(db.session, email=form.email.data, locale=str(get_locale()))
        db.session.commit()
        flash(
            _("Hvis adressen finnes hos oss, har vi sendt en lenke for å sette nytt passord."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route(RESET_PATH, methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int] | str:
    """Set a new password from an e-mailed, single-use link."""
    cfg = current_app.config
    member = services.member_for_reset_token(
        db.session, cfg["SECRET_KEY"], token, cfg["PASSWORD_RESET_SECONDS"]
    )
    if member is None:
        return render_template("auth/reset_invalid.html"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(db.session, member, form.password.data)
        except PasswordPolicyError as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Passordet er endret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> Response | str:
    """Edit one's own profile."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.job_title = (form.job_title.data or "").strip()
        current_user.phone = (form.phone.data or "").strip()
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Profilen er lagret."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=ChangePasswordForm())


@bp.post("/profile/password")
@login_required
def change_password() -> Response | str:
    """Change one's own password; other sessions end, this one continues."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session, current_user, current=form.current.data, new=form.password.data
            )
        except PasswordPolicyError as exc:
            form.password.errors.append(str(exc))
        except DomainError:
            form.current.errors.append(_("Nåværende passord er feil."))
        else:
            db.session.commit()
            start_session(current_user._get_current_object())
            flash(_("Passordet er endret. Andre innlogginger er avsluttet."), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", form=ProfileForm(obj=current_user), password_form=form
    ), 400


@bp.post("/language")
def set_language() -> Response:
    """Switch the interface language."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
