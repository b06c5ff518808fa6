"""Views: the compiled final report as print-ready HTML and as DOCX."""

from __future__ import annotations

from flask import Response, current_app, render_template
from flask_login import login_required

from circle.docx_writer import DOCX_TYPE
from circle.extensions import db
from circle.web import attachment, circle_or_404, require_visible_that
from projects.models import MATRIX_COLUMNS
from projects.permissions import can_view_report
from projects.report.compile import STATUS_LABELS, compile_report
from projects.report.docx_out import report_docx
from projects.services.matrix import COLUMN_LABELS
from projects.views import bp


@bp.get("/c/<slug>/report")
@login_required
def report(slug: str) -> str:
    """The final report, compiled now, ready to print."""
    circle = circle_or_404(slug)
    require_visible_that(can_view_report, circle)
    compiled = compile_report(current_app, db.session, circle)
    return render_template(
        "projects/report.html",
        circle=circle,
        report=compiled,
        status_labels=STATUS_LABELS,
        columns=MATRIX_COLUMNS,
        column_labels=COLUMN_LABELS,
    )


@bp.get("/c/<slug>/report.docx")
@login_required
def report_docx_download(slug: str) -> Response:
    """The final report as DOCX, to finish in Word."""
    circle = circle_or_404(slug)
    require_visible_that(can_view_report, circle)
    compiled = compile_report(current_app, db.session, circle)
    return attachment(report_docx(compiled), DOCX_TYPE, f"sluttrapport-{circle.slug}.docx")
