"""Views: the notification settings (what the bell shows, e-mail about threads) and the
unsubscribe links in thread e-mails."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from circle.extensions import csrf, db
from circle.models import Circle, Member, Membership
from circle.notifications.kinds import registered_kinds
from circle.notifications.services import muted_kinds, set_muted_kinds
from circle.permissions import can_view_circle
from circle.threads.forms import MODE_LABELS, ConfirmForm, DefaultModeForm
from circle.threads.lookup import subject_lookup
from circle.threads.models import MailMode, Thread
from circle.threads.permissions import can_view_thread
from circle.threads.services import following, notifications
from circle.threads.tokens import UnsubscribeToken, read_token
from circle.threads.views import notifications_bp as bp


def _my_circles() -> list[Circle]:
    return list(
        db.session.scalars(
            select(Circle)
            .join(Membership, Membership.circle_id == Circle.id)
            .where(Membership.member_id == current_user.id)
            .order_by(Circle.name)
        )
    )


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings() -> Response | str:
    """Choose e-mail at once, a daily digest or none: by default and per circle."""
    circles = _my_circles()
    form = DefaultModeForm()
    if request.method == "GET":
        form.mode.data = notifications.mail_mode(db.session, current_user, None).value
    kinds = [k for k in registered_kinds(current_app).values() if k.can_be_muted]
    if form.validate_on_submit():
        notifications.set_mail_mode(db.session, current_user, None, MailMode(form.mode.data))
        for circle in circles:
            value = request.form.get(f"circle-{circle.id}", "")
            mode = MailMode(value) if value in {m.value for m in MailMode} else None
            notifications.set_mail_mode(db.session, current_user, circle, mode)
        if request.form.get("kinds") == "1":  # the form listed the kinds (unticked: off)
            shown = set(request.form.getlist("kind"))
            set_muted_kinds(
                db.session, current_user, {k.key for k in kinds if k.key not in shown}, kinds
            )
        db.session.commit()
        flash(_("Varselinnstillingene er lagret."), "success")
        return redirect(url_for("notifications.settings"))
    choices = {
        c.id: notifications.circle_mode_choice(db.session, current_user, c.id) for c in circles
    }
    return render_template(
        "threads/settings.html",
        form=form,
        circles=circles,
        choices=choices,
        mode_labels=MODE_LABELS,
        kinds=kinds,
        muted=muted_kinds(db.session, current_user),
    )


def _token_or_404(token: str) -> tuple[UnsubscribeToken, Member]:
    data = read_token(current_app.config["SECRET_KEY"], token)
    member = db.session.get(Member, data.member_id) if data is not None else None
    if data is None or member is None:
        abort(404)
    return data, member


def _stop(
    data: UnsubscribeToken, member: Member, thread: Thread | None, circle: Circle | None
) -> str:
    """Carry out what the link says and return the message to show."""
    if data.action == "all" or circle is None:
        notifications.stop_thread_mail(db.session, member)
        return _("Du får ikke lenger e-post om tråder (nevninger varsles likevel).")
    if data.action == "thread" and thread is not None:
        following.unfollow(db.session, thread, member)
        return _("Du får ikke lenger e-post om denne tråden (nevninger varsles likevel).")
    notifications.mute_circle(db.session, member, circle)
    return _("E-post fra %(circle)s er dempet (nevninger varsles likevel).", circle=circle.name)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the one-click POST carries no CSRF token; the form's POST is checked below
def unsubscribe(token: str) -> Response | str | tuple[str, int, dict[str, str]]:
    """From an e-mail link, without signing in: confirm, then stop a thread's or circle's mail.

    A POST with the body ``List-Unsubscribe=One-Click`` (RFC 8058, sent by mail clients from
    the List-Unsubscribe header) acts at once: the signed token alone is the authority.
    """
    data, member = _token_or_404(token)
    one_click = request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and not one_click and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # a browser form: the CSRF token is required as everywhere else
    form = ConfirmForm()
    thread = circle = None
    if data.action == "thread":
        thread = db.session.get(Thread, data.target_id)
        if thread is None:
            abort(404)
        circle = thread.circle
        lookup = subject_lookup()
        subject = lookup(thread.subject_kind, thread.subject_id) if thread.subject_kind else None
        # Only show the title to someone who may still see the thread.
        title = thread.title if can_view_thread(member, circle, thread, subject) else None
    elif data.action == "all":
        if data.target_id != member.id:
            abort(404)
        title = None
    else:
        circle = db.session.get(Circle, data.target_id)
        if circle is None:
            abort(404)
        title = None
    if one_click:
        _stop(data, member, thread, circle)
        db.session.commit()
        return "", 200, {"Content-Type": "text/plain; charset=utf-8"}
    if form.validate_on_submit():
        message = _stop(data, member, thread, circle)
        db.session.commit()
        return render_template("threads/unsubscribed.html", message=message)
    circle_name = circle.name if circle is not None and can_view_circle(member, circle) else None
    return render_template(
        "threads/unsubscribe.html",
        form=form,
        data=data,
        title=title,
        circle=None,
        circle_name=circle_name,
    )
