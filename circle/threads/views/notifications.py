"""Views: the bell's list of notifications, e-mail settings, and unsubscribe links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from circle.extensions import csrf, db
from circle.models import Circle, Member, Membership
from circle.permissions import can_view_circle
from circle.threads.forms import MODE_LABELS, ConfirmForm, DefaultModeForm
from circle.threads.lookup import subject_lookup
from circle.threads.models import MailMode, NoticeKind, Thread
from circle.threads.permissions import can_view_thread
from circle.threads.services import following, notifications
from circle.threads.tokens import UnsubscribeToken, read_token
from circle.threads.views import notifications_bp as bp

KIND_TEXT = {
    NoticeKind.NEW_THREAD: "startet en ny tråd",
    NoticeKind.POST: "skrev et innlegg",
    NoticeKind.REPLY: "svarte deg",
    NoticeKind.MENTION: "nevnte deg",
    NoticeKind.RESOLVED: "markerte tråden som besvart",
}


@bp.get("/notifications")
@login_required
def index() -> str:
    """The member's notifications, newest first; unread ones are marked."""
    rows = notifications.list_notifications(db.session, current_user, subject_lookup())
    return render_template(
        "threads/notifications.html",
        rows=rows,
        kind_text={k: _(v) for k, v in KIND_TEXT.items()},
        unread=sum(1 for r in rows if r.read_at is None),
    )


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> Response:
    """Mark every notification as read."""
    notifications.mark_all_read(db.session, current_user)
    db.session.commit()
    flash(_("Alle varsler er merket som lest."), "success")
    return redirect(url_for("notifications.index"))


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
    if form.validate_on_submit():
        notifications.set_mail_mode(db.session, current_user, None, MailMode(form.mode.data))
        for circle in circles:
            value = request.form.get(f"circle-{circle.id}", "")
            mode = MailMode(value) if value in {m.value for m in MailMode} else None
            notifications.set_mail_mode(db.session, current_user, circle, mode)
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
