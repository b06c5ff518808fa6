"""Views: participant directory and exports, invitations, roles, member administration."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from circle.audit import recent_events
from circle.auth.passwords import PasswordPolicyError
from circle.auth.services import deactivate_member, reactivate_member
from circle.auth.views import start_session
from circle.errors import DomainError
from circle.extensions import db
from circle.i18n import format_day
from circle.mail import Notice, queue_notices
from circle.members import services
from circle.members.export import directory_csv, directory_vcards
from circle.members.forms import (
    ROLE_LABELS,
    AcceptInvitationForm,
    InviteForm,
    RoleForm,
    fill_placement_choices,
)
from circle.models import Circle, Invitation, Member, Membership, Role, ServiceSite, Unit, utcnow
from circle.permissions import can_manage_circle, can_see_contact_details, is_admin
from circle.web import (
    attachment,
    circle_or_404,
    commit_or_flash,
    flash_domain_error,
    require,
    require_that,
    require_visible_that,
)

bp = Blueprint("members", __name__)


@bp.get("/c/<slug>/members")
@login_required
def directory(slug: str) -> str:
    """The participant directory; contact details only for leaders and participants."""
    circle = circle_or_404(slug)
    rows = services.directory(db.session, circle)
    manage = can_manage_circle(current_user, circle)
    role_form = None
    if manage:
        role_form = RoleForm()
        fill_placement_choices(role_form, circle)
    return render_template(
        "members/directory.html",
        circle=circle,
        rows=rows,
        role_labels=ROLE_LABELS,
        contacts=can_see_contact_details(current_user, circle),
        can_manage=manage,
        role_form=role_form,
    )


def _export(slug: str, body: str, content_type: str, ext: str) -> WerkzeugResponse:
    return attachment(body, content_type, f"deltakere-{slug}.{ext}")


@bp.get("/c/<slug>/members.csv")
@login_required
def export_csv(slug: str) -> Response:
    """Download the directory as CSV."""
    circle = circle_or_404(slug)
    require_visible_that(can_see_contact_details, circle)
    body = directory_csv(services.directory(db.session, circle), ROLE_LABELS)
    return _export(slug, body, "text/csv; charset=utf-8", "csv")


@bp.get("/c/<slug>/members.vcf")
@login_required
def export_vcard(slug: str) -> Response:
    """Download the directory as vCards."""
    circle = circle_or_404(slug)
    require_visible_that(can_see_contact_details, circle)
    body = directory_vcards(services.directory(db.session, circle))
    return _export(slug, body, "text/vcard; charset=utf-8", "vcf")


def _placement(
    circle: Circle, form: InviteForm | RoleForm
) -> tuple[Unit | None, ServiceSite | None]:
    unit = next((u for u in circle.units if u.id == form.unit.data), None)
    site = next((s for u in circle.units for s in u.sites if s.id == form.site.data), None)
    return unit, site


def _send_invitation(issued: services.IssuedInvitation, circle: Circle) -> None:
    """Queue the invitation mail in the request's transaction (sent after the commit)."""
    link = current_app.config["BASE_URL"] + url_for("members.accept", token=issued.token)
    queue_notices(
        db.session,
        [
            Notice(
                to=issued.invitation.email,
                subject=_("Invitasjon til %(circle)s", circle=circle.name),
                intro=_(
                    "%(name)s inviterer deg til forskningssirkelen på lenken under. Lenken er "
                    "personlig og gjelder til %(date)s.",
                    name=current_user.name,
                    date=format_day(issued.invitation.expires_at),
                ),
                title=circle.name,
                link=link,
            )
        ],
        circle_id=circle.id,
    )


@bp.route("/c/<slug>/invitations", methods=["GET", "POST"])
@login_required
def invitations(slug: str) -> WerkzeugResponse | str:
    """Invite people and see pending, accepted, revoked and expired invitations."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    form = InviteForm()
    fill_placement_choices(form, circle)
    if form.validate_on_submit():
        unit, site = _placement(circle, form)
        try:
            issued = services.invite_member(
                db.session,
                circle,
                actor=current_user,
                email=form.email.data,
                role=Role(form.role.data),
                unit=unit,
                site=site,
                organisation=form.organisation.data or "",
                valid_days=current_app.config["INVITATION_DAYS"],
            )
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            _send_invitation(issued, circle)
            db.session.commit()
            flash(
                _("Invitasjonen er sendt til %(email)s.", email=issued.invitation.email), "success"
            )
            return redirect(url_for("members.invitations", slug=slug))
    return render_template(
        "members/invitations.html",
        circle=circle,
        form=form,
        now=utcnow(),
        invitations=services.pending_invitations(db.session, circle),
        role_labels=ROLE_LABELS,
    )


def _invitation_or_404(circle: Circle, invitation_id: int) -> Invitation:
    """Return the circle's invitation; only its leaders see invitations, others get 404."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.circle_id != circle.id:
        abort(404)
    require_visible_that(can_manage_circle, circle)
    return invitation


@bp.post("/c/<slug>/invitations/<int:invitation_id>/resend")
@login_required
def resend(slug: str, invitation_id: int) -> WerkzeugResponse:
    """Send an invitation again with a new link and expiry."""
    circle = circle_or_404(slug)
    invitation = _invitation_or_404(circle, invitation_id)
    try:
        issued = services.reissue_invitation(
            db.session,
            invitation,
            actor=current_user,
            valid_days=current_app.config["INVITATION_DAYS"],
        )
    except DomainError as exc:
        flash_domain_error(exc)
    else:
        _send_invitation(issued, circle)
        db.session.commit()
        flash(_("Invitasjonen er sendt på nytt. Den gamle lenken virker ikke lenger."), "success")
    return redirect(url_for("members.invitations", slug=slug))


@bp.post("/c/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(slug: str, invitation_id: int) -> WerkzeugResponse:
    """Withdraw an invitation."""
    circle = circle_or_404(slug)
    invitation = _invitation_or_404(circle, invitation_id)
    commit_or_flash(
        lambda: services.revoke_invitation(db.session, invitation, actor=current_user),
        _("Invitasjonen er trukket tilbake."),
    )
    return redirect(url_for("members.invitations", slug=slug))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> WerkzeugResponse | str | tuple[str, int]:
    """Accept an invitation: set name and password, or join with the signed-in account."""
    invitation = services.find_invitation(db.session, token)
    if invitation is None:
        return render_template("members/invitation_invalid.html"), 404
    existing = db.session.scalar(select(Member).where(Member.email == invitation.email))
    if existing is not None:
        return _accept_existing(invitation, existing, token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            member = services.accept_invitation_new_account(
                db.session,
                invitation,
                name=form.name.data,
                password=form.password.data,
                job_title=form.job_title.data or "",
                phone=form.phone.data or "",
            )
        except PasswordPolicyError as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        except DomainError as exc:
            flash_domain_error(exc)
        else:
            db.session.commit()
            start_session(member)
            flash(
                _("Velkommen! Du er nå med i %(circle)s.", circle=invitation.circle.name), "success"
            )
            return redirect(url_for("circles.home", slug=invitation.circle.slug))
    return render_template("members/accept.html", form=form, invitation=invitation)


def _accept_existing(
    invitation: Invitation, existing: Member, token: str
) -> WerkzeugResponse | str:
    if not current_user.is_authenticated or current_user.id != existing.id:
        flash(_("Du har allerede en konto. Logg inn for å ta imot invitasjonen."), "info")
        return redirect(url_for("auth.login", next=url_for("members.accept", token=token)))
    if request.method == "POST":
        try:
            services.accept_invitation_existing(db.session, invitation, member=current_user)
        except DomainError as exc:
            flash_domain_error(exc)
            return redirect(url_for("circles.index"))
        db.session.commit()
        flash(_("Du er nå med i %(circle)s.", circle=invitation.circle.name), "success")
        return redirect(url_for("circles.home", slug=invitation.circle.slug))
    return render_template("members/accept_existing.html", invitation=invitation)


def _membership_or_404(circle: Circle, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.circle_id != circle.id:
        abort(404)
    return membership


@bp.post("/c/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int) -> WerkzeugResponse:
    """Change a member's role and placement."""
    circle = circle_or_404(slug)
    membership = _membership_or_404(circle, membership_id)
    require_that(can_manage_circle, circle)
    form = RoleForm()
    fill_placement_choices(form, circle)
    if not form.validate_on_submit():
        flash(_("Ugyldig valg."), "error")
        return redirect(url_for("members.directory", slug=slug))
    unit, site = _placement(circle, form)
    try:
        services.change_role(
            db.session,
            membership,
            actor=current_user,
            role=Role(form.role.data),
            unit=unit,
            site=site,
            organisation=form.organisation.data or "",
        )
    except DomainError as exc:
        flash_domain_error(exc)
    else:
        db.session.commit()
        flash(_("Rollen er endret."), "success")
    return redirect(url_for("members.directory", slug=slug))


@bp.post("/c/<slug>/members/<int:membership_id>/remove")
@login_required
def remove(slug: str, membership_id: int) -> WerkzeugResponse:
    """Take a member out of the circle."""
    circle = circle_or_404(slug)
    membership = _membership_or_404(circle, membership_id)
    require_that(can_manage_circle, circle)
    commit_or_flash(
        lambda: services.remove_membership(db.session, membership, actor=current_user),
        _("Personen er fjernet fra sirkelen."),
    )
    return redirect(url_for("members.directory", slug=slug))


@bp.get("/admin/members")
@login_required
def admin_members() -> str:
    """All accounts on the site (administrators)."""
    require(is_admin(current_user))
    members = db.session.scalars(select(Member).order_by(Member.name)).all()
    return render_template("members/admin.html", members=members)


def _admin_toggle(member_id: int, activate: bool) -> WerkzeugResponse:
    require(is_admin(current_user))
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    if member.id == current_user.id:
        flash(_("Du kan ikke deaktivere deg selv."), "error")
        return redirect(url_for("members.admin_members"))
    if activate:
        reactivate_member(db.session, member, actor=current_user)
    else:
        deactivate_member(db.session, member, actor=current_user)
    db.session.commit()
    flash(_("Kontoen er oppdatert."), "success")
    return redirect(url_for("members.admin_members"))


@bp.post("/admin/members/<int:member_id>/deactivate")
@login_required
def deactivate(member_id: int) -> WerkzeugResponse:
    """Deactivate an account; its sessions end at once."""
    return _admin_toggle(member_id, activate=False)


@bp.post("/admin/members/<int:member_id>/reactivate")
@login_required
def reactivate(member_id: int) -> WerkzeugResponse:
    """Reactivate an account."""
    return _admin_toggle(member_id, activate=True)


@bp.get("/admin/audit")
@login_required
def admin_audit() -> str:
    """The site's audit log (administrators)."""
    require(is_admin(current_user))
    action = request.args.get("action") or None
    return render_template(
        "members/audit.html",
        circle=None,
        action=action,
        events=recent_events(db.session, action=action),
    )


@bp.get("/c/<slug>/audit")
@login_required
def circle_audit(slug: str) -> str:
    """A circle's audit log (leaders): invitations, role changes, approvals."""
    circle = circle_or_404(slug)
    require_that(can_manage_circle, circle)
    action = request.args.get("action") or None
    return render_template(
        "members/audit.html",
        circle=circle,
        action=action,
        events=recent_events(db.session, circle=circle, action=action),
    )
