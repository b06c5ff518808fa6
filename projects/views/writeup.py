"""Views: editing write-up sections, their history and diffs, readiness, the template."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from circle.errors import DomainError
from circle.extensions import db
from circle.inputs import parse_int
from circle.textdiff import diff_stats, line_diff
from circle.web import circle_or_404, flash_domain_error, require, require_that, run_and_redirect
from projects.forms import MoveForm, NewSpecForm, ReadyForm, SectionForm, SpecForm
from projects.permissions import can_edit_template
from projects.services import writeup as services
from projects.services._common import StaleEdit
from projects.views import bp
from projects.views._helpers import (
    editable_project,
    flash_form_errors,
    workspace_project,
    workspace_url,
)


def _spec_or_404(circle, project, key: str):  # noqa: ANN001, ANN202
    spec = services.find_spec(db.session, circle, project, key)
    if spec is None:
        abort(404)
    return spec


@bp.route("/c/<slug>/projects/<int:project_id>/sections/<key>", methods=["GET", "POST"])
@login_required
def edit_section(slug: str, project_id: int, key: str) -> Response | tuple[str, int] | str:
    """Edit one section; a save on an outdated base is refused and the difference shown."""
    circle, project = editable_project(slug, project_id)
    spec = _spec_or_404(circle, project, key)
    section = services.get_section(db.session, project, key)
    form = SectionForm()
    if request.method == "GET":
        form.body.data = section.body if section else ""
        form.base_revision.data = section.revision_number if section else 0
    conflict = None
    status = 200
    if form.validate_on_submit():
        try:
            services.save_section(
                db.session,
                circle,
                project,
                key,
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
            # The next save is a deliberate choice to keep this text over the newer one.
            form.base_revision.data = exc.current_revision
            form.base_revision.raw_data = [str(exc.current_revision)]
            status = 409
        except DomainError as exc:
            flash_domain_error(exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Avsnittet «%(heading)s» er lagret.", heading=spec.heading), "success")
            return redirect(workspace_url(circle, project, f"section-{key}"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "projects/section_edit.html",
        circle=circle,
        project=project,
        spec=spec,
        form=form,
        conflict=conflict,
        section=section,
    ), status


@bp.get("/c/<slug>/projects/<int:project_id>/sections/<key>/history")
@login_required
def section_history(slug: str, project_id: int, key: str) -> str:
    """Every revision of a section, and the difference between any two (?a=&b=)."""
    circle, project = workspace_project(slug, project_id)
    spec = _spec_or_404(circle, project, key)
    section = services.get_section(db.session, project, key)
    revisions = services.list_revisions(db.session, section) if section else []
    by_number = {r.number: r for r in revisions}
    diff = None
    a, b = parse_int(request.args.get("a")), parse_int(request.args.get("b"))
    if revisions and a is None and b is None and len(revisions) > 1:
        a, b = revisions[1].number, revisions[0].number
    if a is not None or b is not None:
        old, new = by_number.get(a or 0), by_number.get(b or 0)
        if old is None or new is None:
            abort(404)
        lines = line_diff(old.body, new.body)
        diff = {"old": old, "new": new, "lines": lines, "stats": diff_stats(lines)}
    return render_template(
        "projects/section_history.html",
        circle=circle,
        project=project,
        spec=spec,
        revisions=revisions,
        diff=diff,
    )


@bp.post("/c/<slug>/projects/<int:project_id>/sections/<key>/ready")
@login_required
def section_ready(slug: str, project_id: int, key: str) -> Response:
    """Mark a section ready (ready=1) or not ready (ready=0) for the final report."""
    circle, project = editable_project(slug, project_id)
    spec = _spec_or_404(circle, project, key)
    form = ReadyForm()
    require(form.validate_on_submit())
    ready = form.ready.data != "0"
    message = (
        _("«%(h)s» er markert som klar.", h=spec.heading)
        if ready
        else _("«%(h)s» er ikke lenger markert som klar.", h=spec.heading)
    )
    return run_and_redirect(
        workspace_url(circle, project, f"section-{key}"),
        message,
        lambda: services.set_section_ready(
            db.session, circle, project, key, actor=current_user, ready=ready
        ),
    )


@bp.post("/c/<slug>/projects/<int:project_id>/ready")
@login_required
def writeup_ready(slug: str, project_id: int) -> Response:
    """Mark the whole write-up ready for the final report."""
    circle, project = editable_project(slug, project_id)
    return run_and_redirect(
        workspace_url(circle, project, "writeup"),
        _("Hele prosjektskrivingen er markert som klar for sluttrapporten."),
        lambda: services.mark_writeup_ready(db.session, circle, project, actor=current_user),
    )


# The circle's template ------------------------------------------------------------------------


@bp.get("/c/<slug>/projects/template")
@login_required
def template(slug: str) -> str:
    """The write-up template: headings, guidance and order (leaders)."""
    circle = circle_or_404(slug)
    require_that(can_edit_template, circle)
    specs = services.section_specs(db.session, circle, include_hidden=True)
    forms = {
        s.key: SpecForm(prefix=s.key, heading=s.heading, guidance=s.guidance, hidden=s.hidden)
        for s in specs
    }
    return render_template(
        "projects/template.html",
        circle=circle,
        specs=specs,
        forms=forms,
        new_form=NewSpecForm(),
        move_form=MoveForm(),
    )


def _template_url(slug: str) -> str:
    return url_for("projects.template", slug=slug)


@bp.post("/c/<slug>/projects/template/<key>")
@login_required
def update_spec(slug: str, key: str) -> Response:
    """Rename a heading, change its guidance or hide it."""
    circle = circle_or_404(slug)
    require_that(can_edit_template, circle)
    form = SpecForm(prefix=key)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_template_url(slug))
    return run_and_redirect(
        _template_url(slug),
        _("Malen er oppdatert."),
        lambda: services.update_spec(
            db.session,
            circle,
            key,
            actor=current_user,
            heading=form.heading.data,
            guidance=form.guidance.data or "",
            hidden=form.hidden.data,
        ),
    )


@bp.post("/c/<slug>/projects/template/<key>/move")
@login_required
def move_spec(slug: str, key: str) -> Response:
    """Move a heading up or down."""
    circle = circle_or_404(slug)
    require_that(can_edit_template, circle)
    form = MoveForm()
    require(form.validate_on_submit())
    return run_and_redirect(
        _template_url(slug),
        _("Rekkefølgen er endret."),
        lambda: services.move_spec(
            db.session, circle, key, actor=current_user, offset=form.offset.data or 1
        ),
    )


@bp.post("/c/<slug>/projects/template/new")
@login_required
def add_spec(slug: str) -> Response:
    """Add a heading of the circle's own."""
    circle = circle_or_404(slug)
    require_that(can_edit_template, circle)
    form = NewSpecForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_template_url(slug))
    return run_and_redirect(
        _template_url(slug),
        _("Avsnittet er lagt til i malen."),
        lambda: services.add_spec(
            db.session,
            circle,
            actor=current_user,
            heading=form.heading.data,
            guidance=form.guidance.data or "",
            only_discontinued=form.only_discontinued.data,
        ),
    )
