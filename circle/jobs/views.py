"""The failed list: administrators see every job; circle leaders see the mail that never went."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from circle.extensions import db
from circle.jobs.models import Job, JobState
from circle.jobs.queue import dispatch_after_commit
from circle.jobs.runner import retry_jobs
from circle.permissions import can_manage_circle, is_admin
from circle.web import circle_or_404, require

bp = Blueprint("jobs", __name__)

MAIL_KIND = "mail.send"
SHOWN = 200


def _retry(ids: list[int]) -> int:
    count = retry_jobs(db.session, ids)
    dispatch_after_commit(db.session, ids)
    db.session.commit()
    return count


@bp.get("/admin/jobs")
@login_required
def admin_index() -> str:
    """Counts per state and kind, and the failed jobs with their last error."""
    require(is_admin(current_user))
    counts = db.session.execute(
        select(Job.kind, Job.state, func.count(Job.id)).group_by(Job.kind, Job.state)
    ).all()
    failed = db.session.scalars(
        select(Job)
        .where(Job.state == JobState.FAILED)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template("jobs/admin.html", counts=sorted(counts), failed=failed)


@bp.post("/admin/jobs/<int:job_id>/retry")
@login_required
def admin_retry(job_id: int) -> Response:
    """Put one failed job back in the queue."""
    require(is_admin(current_user))
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.FAILED:
        abort(404)
    _retry([job.id])
    flash(_("Jobben er lagt i køen igjen."), "success")
    return redirect(url_for("jobs.admin_index"))


@bp.post("/admin/jobs/retry-failed")
@login_required
def admin_retry_all() -> Response:
    """Put every failed job back in the queue."""
    require(is_admin(current_user))
    ids = list(db.session.scalars(select(Job.id).where(Job.state == JobState.FAILED)))
    _retry(ids)
    flash(_("%(n)d jobber er lagt i køen igjen.", n=len(ids)), "success")
    return redirect(url_for("jobs.admin_index"))


def _circle_mail(slug: str):  # noqa: ANN202
    circle = circle_or_404(slug)
    require(can_manage_circle(current_user, circle))
    return circle


@bp.get("/c/<slug>/mail-failures")
@login_required
def circle_mail_failures(slug: str) -> str:
    """The circle's e-mails that could not be delivered after every attempt (leaders)."""
    circle = _circle_mail(slug)
    failed = db.session.scalars(
        select(Job)
        .where(Job.kind == MAIL_KIND, Job.circle_id == circle.id, Job.state == JobState.FAILED)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(SHOWN)
    ).all()
    waiting = db.session.scalar(
        select(func.count(Job.id)).where(
            Job.kind == MAIL_KIND,
            Job.circle_id == circle.id,
            Job.state.in_([JobState.PENDING, JobState.RUNNING]),
        )
    )
    return render_template(
        "jobs/mail_failures.html", circle=circle, failed=failed, waiting=waiting or 0
    )


@bp.post("/c/<slug>/mail-failures/<int:job_id>/retry")
@login_required
def circle_mail_retry(slug: str, job_id: int) -> Response:
    """Try to send one of the circle's failed e-mails again."""
    circle = _circle_mail(slug)
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind != MAIL_KIND
        or job.circle_id != circle.id
        or job.state != JobState.FAILED
    ):
        abort(404)
    _retry([job.id])
    current_app.logger.info("mail job %s retried by member %s", job.id, current_user.id)
    flash(_("E-posten sendes på nytt."), "success")
    return redirect(url_for("jobs.circle_mail_failures", slug=slug))


def home_panel(circle, member):  # noqa: ANN001, ANN201
    """Tell the circle's leaders on its home page when some of its mail never went."""
    if not can_manage_circle(member, circle):
        return None
    failed = db.session.scalar(
        select(func.count(Job.id)).where(
            Job.kind == MAIL_KIND, Job.circle_id == circle.id, Job.state == JobState.FAILED
        )
    )
    if not failed:
        return None
    return "jobs/_panel.html", {"failed": failed}
