"""Views: the transition matrix, cell edits with history, CSV and DOCX export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circle.docx_writer import DOCX_TYPE
from circle.errors import DomainError
from circle.extensions import db
from circle.inputs import parse_int
from circle.textdiff import diff_stats, line_diff
from circle.web import (
    attachment,
    circle_or_404,
    deleted_meanwhile,
    flash_domain_error,
    require_visible_that,
    run_and_redirect,
)
from projects.forms import CellForm, MatrixRowForm
from projects.models import MatrixColumn, MatrixRow
from projects.permissions import can_edit_matrix
from projects.report.docx_out import matrix_docx
from projects.services import matrix as services
from projects.services._common import StaleEdit
from projects.views import bp
from projects.views._helpers import flash_form_errors


def _matrix_url(slug: str, anchor: str = "") -> str:
    url = url_for("projects.matrix", slug=slug)
    return f"{url}#{anchor}" if anchor else url


@bp.get("/c/<slug>/matrix")
@login_required
def matrix(slug: str) -> str:
    """The transition matrix, printable."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    return render_template(
        "projects/matrix.html",
        circle=circle,
        rows=services.load_matrix(db.session, circle),
        columns=list(MatrixColumn),
        labels=services.COLUMN_LABELS,
        row_form=MatrixRowForm(),
    )


@bp.post("/c/<slug>/matrix/defaults")
@login_required
def matrix_defaults(slug: str) -> Response:
    """Start an empty matrix with the usual transition areas."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    return run_and_redirect(
        _matrix_url(slug),
        _("Matrisen er startet med de vanlige overgangene."),
        lambda: services.add_default_rows(db.session, circle, actor=current_user),
    )


@bp.post("/c/<slug>/matrix/rows")
@login_required
def matrix_add_row(slug: str) -> Response:
    """Add a transition area."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    form = MatrixRowForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_matrix_url(slug))
    return run_and_redirect(
        _matrix_url(slug),
        _("Raden er lagt til."),
        lambda: services.add_row(db.session, circle, actor=current_user, title=form.title.data),
    )


def _row_and_column(circle, row_id: int, column: str):  # noqa: ANN001, ANN202
    row = services.get_row(db.session, circle, row_id)
    if row is None or column not in {c.value for c in MatrixColumn}:
        abort(404)
    return row, MatrixColumn(column)


@bp.route("/c/<slug>/matrix/rows/<int:row_id>/<column>", methods=["GET", "POST"])
@login_required
def matrix_cell(slug: str, row_id: int, column: str) -> Response | tuple[str, int]:
    """Edit one cell; a save on an outdated base is refused and the difference shown."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    if request.method == "POST" and services.get_row(db.session, circle, row_id) is None:
        gone = deleted_meanwhile(
            MatrixRow,
            row_id,
            _matrix_url(slug),
            _("Raden er slettet fra matrisen i mellomtiden, så teksten ble ikke lagret."),
        )
        if gone is not None:
            return gone
    row, col = _row_and_column(circle, row_id, column)
    cell = services.get_cell(db.session, row, col)
    form = CellForm()
    if request.method == "GET":
        form.body.data = cell.body if cell else ""
        form.base_revision.data = cell.revision_number if cell else 0
    conflict, status = None, 200
    if form.validate_on_submit():
        try:
            services.save_cell(
                db.session,
                circle,
                row,
                col,
                actor=current_user,
                body=form.body.data or "",
                base_revision=form.base_revision.data,
            )
        except StaleEdit as exc:
            flash_domain_error(exc)
            conflict = {
                "author": exc.author_name,
                "revision": exc.current_revision,
                "lines": line_diff(exc.current_body, form.body.data or ""),
            }
            form.base_revision.data = exc.current_revision
            form.base_revision.raw_data = [str(exc.current_revision)]
            status = 409
        except DomainError as exc:
            flash_domain_error(exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Cellen er lagret."), "success")
            return redirect(_matrix_url(slug, f"row-{row_id}"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "projects/matrix_cell.html",
        circle=circle,
        row=row,
        column=col,
        label=services.COLUMN_LABELS[col],
        form=form,
        conflict=conflict,
        cell=cell,
    ), status


@bp.get("/c/<slug>/matrix/rows/<int:row_id>/<column>/history")
@login_required
def matrix_cell_history(slug: str, row_id: int, column: str) -> str:
    """Every revision of a cell and the difference between any two (?a=&b=)."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    row, col = _row_and_column(circle, row_id, column)
    cell = services.get_cell(db.session, row, col)
    revisions = services.cell_revisions(db.session, cell) if cell else []
    by_number = {r.number: r for r in revisions}
    a, b = parse_int(request.args.get("a")), parse_int(request.args.get("b"))
    if revisions and a is None and b is None and len(revisions) > 1:
        a, b = revisions[1].number, revisions[0].number
    diff = None
    if a is not None or b is not None:
        old, new = by_number.get(a or 0), by_number.get(b or 0)
        if old is None or new is None:
            abort(404)
        lines = line_diff(old.body, new.body)
        diff = {"old": old, "new": new, "lines": lines, "stats": diff_stats(lines)}
    return render_template(
        "projects/matrix_history.html",
        circle=circle,
        row=row,
        column=col,
        label=services.COLUMN_LABELS[col],
        revisions=revisions,
        diff=diff,
    )


@bp.get("/c/<slug>/matrix.csv")
@login_required
def matrix_csv(slug: str) -> Response:
    """The matrix as CSV."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    rows = services.load_matrix(db.session, circle)
    return attachment(
        services.matrix_csv(rows), "text/csv; charset=utf-8", f"overgangsmatrise-{circle.slug}.csv"
    )


@bp.get("/c/<slug>/matrix.docx")
@login_required
def matrix_docx_download(slug: str) -> Response:
    """The matrix as DOCX."""
    circle = circle_or_404(slug)
    require_visible_that(can_edit_matrix, circle)
    rows = services.load_matrix(db.session, circle)
    return attachment(matrix_docx(circle, rows), DOCX_TYPE, f"overgangsmatrise-{circle.slug}.docx")
