"""Uploading one or many files as reports; each file gets its own result."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from circle.documents import describe_types, types_for
from circle.extensions import db
from circle.storage import get_storage
from circle.web import circle_or_404, require_that
from library.forms import UploadForm
from library.permissions import can_add_report
from library.services import reports as services
from library.views.common import bp

MAX_FILES = 50
_RESULTS_KEY = "library_upload_results"
_SHOWN_RESULTS = 20  # what fits in the session cookie; the rest is summed up


@bp.route("/c/<slug>/library/upload", methods=["GET", "POST"])
@login_required
def upload(slug: str) -> Response | str:
    """Upload files; refused files get their reason, the rest of the batch is kept."""
    circle = circle_or_404(slug)
    require_that(can_add_report, circle)
    form = UploadForm()
    if request.method == "POST" and form.validate_on_submit():
        files = [f for f in request.files.getlist("files") if f and f.filename]
        if not files:
            flash(_("Velg minst én fil."), "error")
        elif len(files) > MAX_FILES:
            flash(_("Last opp høyst %(n)d filer om gangen.", n=MAX_FILES), "error")
        else:
            return _receive(slug, circle, files, shared=form.visibility.data == "shared")
    results = session.pop(_RESULTS_KEY, None)
    return render_template(
        "library/upload.html",
        circle=circle,
        form=form,
        results=results,
        waiting=services.unconfirmed_reports(db.session, circle, current_user),
        allowed=describe_types(services.ALLOWED_UPLOADS),
        accept=",".join(f".{t.extension}" for t in types_for(services.ALLOWED_UPLOADS)),
        max_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 1_000_000,
    )


def _receive(slug: str, circle, files, *, shared: bool) -> Response:  # noqa: ANN001
    # Each file is stored as pending and read by a job after the commit: the request answers
    # at once, whatever the files hold (a refused one shows its reason on its page and in the
    # uploader's bell).
    outcomes = services.upload_reports(
        db.session,
        [(f.filename or "", f.read()) for f in files],
        storage=get_storage(),
        actor=current_user,
        circle=circle,
        shared=shared,
        locale=str(get_locale() or "nb"),
    )
    added = [o.report for o in outcomes if o.report is not None]
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the pending files of this batch are removed with it
        # Two identical files uploaded at the same moment: the database's unique checksum
        # keeps one; this batch is refused whole with a clear message.
        flash(
            _(
                "Den samme filen ble lastet opp samtidig av noen andre, og finnes nå i "
                "biblioteket. Ingenting fra denne opplastingen er lagret."
            ),
            "error",
        )
        return redirect(url_for("library.upload", slug=slug))
    if len(outcomes) == 1 and added:
        report = added[0]
        flash(
            _(
                "«%(name)s» er lastet opp og leses nå. Kontroller opplysningene og lagre.",
                name=outcomes[0].filename,
            ),
            "success",
        )
        return redirect(url_for("library.edit", slug=slug, report_id=report.id))
    session[_RESULTS_KEY] = [_result(o) for o in outcomes[:_SHOWN_RESULTS]]
    failed = sum(1 for o in outcomes if o.report is None)
    if added:
        flash(
            _("%(ok)d av %(n)d filer er lagt til.", ok=len(added), n=len(outcomes)),
            "success" if not failed else "info",
        )
    else:
        flash(_("Ingen av filene ble lagt til."), "error")
    if len(outcomes) > _SHOWN_RESULTS:
        flash(_("Viser de første %(n)d resultatene.", n=_SHOWN_RESULTS), "info")
    return redirect(url_for("library.upload", slug=slug))


def _result(outcome: services.UploadOutcome) -> dict[str, object]:
    report = outcome.report
    return {
        "name": outcome.filename[:120],
        "ok": report is not None,
        "message": outcome.error[:400],
        "report_id": report.id if report is not None else outcome.existing_id,
        "title": report.title[:200] if report is not None else "",
    }
