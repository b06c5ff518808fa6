"""Permission matrix rows for the projects area: workspaces, shared views, matrix, report."""

from __future__ import annotations

import io

from circle.storage import get_storage
from tests.matrix import (
    HIDDEN,
    Row,
    circle_view,
    expect,
    leaders_only,
    other_circle,
    staff_only,
    staff_view,
)


def workspace_view(ok: int = 200) -> dict[str, int]:
    """Leaders, participants (members here) and admins; the informed get 404 like outsiders."""
    return expect(ok, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN)


def _p(w, key: str = "project") -> str:  # noqa: ANN001
    return f"/c/{w.circle.slug}/projects/{w.extra[key].id}"


def _other(w) -> str:  # noqa: ANN001
    return f"/c/{w.other.slug}/projects/{w.extra['other_project'].id}"


def _file(w, project: str, pfile: str) -> str:  # noqa: ANN001
    return f"{_p(w, project)}/files/{w.extra[pfile].id}"


def _project_form(w) -> dict:  # noqa: ANN001
    return {
        "title": "Nytt prosjekt",
        "unit": str(w.circle.units[0].id),
        "status": "active",
        "members": [str(w.members["participant"].id)],
    }


def _upload(w) -> dict:  # noqa: ANN001
    return {"file": (io.BytesIO(b"Notat fra arbeidet.\n"), "notat.txt"), "title": "Notat"}


def _version(w) -> dict:  # noqa: ANN001
    return {"file": (io.BytesIO(b"Ny versjon.\n"), "skjema.txt"), "note": "Rettet"}


def _cell(w, row: str = "matrix_row", circle: str = "circle") -> str:  # noqa: ANN001
    return f"/c/{getattr(w, circle).slug}/matrix/rows/{w.extra[row].id}/practice"


ROWS = [
    # overview, create, edit
    Row("projects.index", lambda w: f"/c/{w.circle.slug}/projects", circle_view()),
    Row(
        "projects.index",
        lambda w: f"/c/{w.other.slug}/projects",
        other_circle(),
        note="other circle",
    ),
    Row("projects.create", lambda w: f"/c/{w.circle.slug}/projects/new", staff_only()),
    Row(
        "projects.create",
        lambda w: f"/c/{w.circle.slug}/projects/new",
        staff_only(302),
        method="POST",
        data=_project_form,
    ),
    Row(
        "projects.create",
        lambda w: f"/c/{w.other.slug}/projects/new",
        other_circle(),
        note="other circle",
    ),
    Row("projects.workspace", _p, workspace_view()),
    Row(
        "projects.workspace",
        lambda w: _p(w, "shared_project"),
        workspace_view(),
        note="shared project: workspace still closed to the informed",
    ),
    Row(
        "projects.workspace",
        lambda w: f"/c/{w.circle.slug}/projects/{w.extra['other_project'].id}",
        expect(HIDDEN),
        note="other circle's project",
    ),
    Row("projects.workspace", _other, other_circle(), note="other circle"),
    Row("projects.edit", lambda w: f"{_p(w)}/edit", workspace_view()),
    Row(
        "projects.edit",
        lambda w: f"{_p(w)}/edit",
        workspace_view(302),
        method="POST",
        data=_project_form,
    ),
    Row("projects.edit", lambda w: f"{_other(w)}/edit", other_circle(), note="other circle"),
    Row("projects.shared", lambda w: f"{_p(w)}/shared", workspace_view(), note="nothing shared"),
    Row(
        "projects.shared",
        lambda w: f"{_p(w, 'shared_project')}/shared",
        circle_view(),
        note="shared write-up",
    ),
    Row(
        "projects.shared",
        lambda w: f"{_p(w, 'update_project')}/shared",
        circle_view(),
        note="only a shared update",
    ),
    Row("projects.shared", lambda w: f"{_other(w)}/shared", other_circle(), note="other circle"),
    Row(
        "projects.share",
        lambda w: f"{_p(w)}/share",
        workspace_view(302),
        method="POST",
        data=lambda w: {"shared": "1"},
    ),
    Row(
        "projects.share",
        lambda w: f"{_other(w)}/share",
        other_circle(302),
        method="POST",
        data=lambda w: {"shared": "1"},
        note="other circle",
    ),
    # write-up
    Row("projects.edit_section", lambda w: f"{_p(w)}/sections/background", workspace_view()),
    Row(
        "projects.edit_section",
        lambda w: f"{_p(w)}/sections/background",
        workspace_view(302),
        method="POST",
        data=lambda w: {"body": "Ny tekst", "base_revision": "2"},
    ),
    Row(
        "projects.edit_section",
        lambda w: f"{_p(w)}/sections/obstacles",
        expect(HIDDEN),
        note="section not in this project's template",
    ),
    Row(
        "projects.edit_section",
        lambda w: f"{_other(w)}/sections/background",
        other_circle(),
        note="other circle",
    ),
    Row(
        "projects.section_history",
        lambda w: f"{_p(w)}/sections/background/history",
        workspace_view(),
    ),
    Row(
        "projects.section_history",
        lambda w: f"{_p(w, 'shared_project')}/sections/background/history",
        workspace_view(),
        note="shared write-up: revisions stay closed",
    ),
    Row(
        "projects.section_history",
        lambda w: f"{_other(w)}/sections/background/history",
        other_circle(),
        note="other circle",
    ),
    Row(
        "projects.section_ready",
        lambda w: f"{_p(w)}/sections/background/ready",
        workspace_view(302),
        method="POST",
        data=lambda w: {"ready": "1"},
    ),
    Row("projects.writeup_ready", lambda w: f"{_p(w)}/ready", workspace_view(302), method="POST"),
    Row(
        "projects.writeup_ready",
        lambda w: f"{_other(w)}/ready",
        other_circle(302),
        method="POST",
        note="other circle",
    ),
    # template
    Row("projects.template", lambda w: f"/c/{w.circle.slug}/projects/template", leaders_only()),
    Row(
        "projects.template",
        lambda w: f"/c/{w.other.slug}/projects/template",
        other_circle(),
        note="other circle",
    ),
    Row(
        "projects.update_spec",
        lambda w: f"/c/{w.circle.slug}/projects/template/goals",
        leaders_only(302),
        method="POST",
        data=lambda w: {"goals-heading": "Mål og delmål", "goals-guidance": ""},
    ),
    Row(
        "projects.move_spec",
        lambda w: f"/c/{w.circle.slug}/projects/template/goals/move",
        leaders_only(302),
        method="POST",
        data=lambda w: {"offset": "1"},
    ),
    Row(
        "projects.add_spec",
        lambda w: f"/c/{w.circle.slug}/projects/template/new",
        leaders_only(302),
        method="POST",
        data=lambda w: {"heading": "Brukermedvirkning"},
    ),
    # files
    Row(
        "projects.upload",
        lambda w: f"{_p(w)}/files",
        workspace_view(302),
        method="POST",
        data=_upload,
    ),
    Row(
        "projects.upload",
        lambda w: f"{_other(w)}/files",
        other_circle(302),
        method="POST",
        data=_upload,
        note="other circle",
    ),
    Row("projects.file_detail", lambda w: _file(w, "project", "product"), workspace_view()),
    Row(
        "projects.file_detail",
        lambda w: _file(w, "shared_project", "shared_product"),
        workspace_view(),
        note="shared product: the version history stays closed",
    ),
    Row(
        "projects.file_detail",
        lambda w: f"{_p(w)}/files/{w.extra['shared_product'].id}",
        expect(HIDDEN),
        note="file of another project",
    ),
    Row(
        "projects.new_version",
        lambda w: f"{_file(w, 'project', 'product')}/versions",
        workspace_view(302),
        method="POST",
        data=_version,
    ),
    Row(
        "projects.file_info",
        lambda w: f"{_file(w, 'project', 'product')}/info",
        workspace_view(302),
        method="POST",
        data=lambda w: {"title": "Kartleggingsskjema", "description": "Ny", "is_product": "y"},
    ),
    Row(
        "projects.download",
        lambda w: f"{_file(w, 'project', 'product')}/v/1",
        workspace_view(),
        note="unshared project",
    ),
    Row(
        "projects.download",
        lambda w: f"{_file(w, 'shared_project', 'shared_product')}/v/1",
        circle_view(),
        note="product of a shared write-up",
    ),
    Row(
        "projects.download",
        lambda w: f"{_file(w, 'shared_project', 'shared_attachment')}/v/1",
        workspace_view(),
        note="attachment (not a product) of a shared write-up",
    ),
    Row(
        "projects.download",
        lambda w: f"{_file(w, 'project', 'product')}/v/9",
        expect(HIDDEN, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN),
        note="unknown version",
    ),
    Row(
        "projects.download",
        lambda w: (
            f"/c/{w.other.slug}/projects/"
            f"{w.extra['other_project'].id}/files/{w.extra['other_file'].id}/v/1"
        ),
        other_circle(),
        note="other circle",
    ),
    # log, plan, updates
    Row("projects.log", lambda w: f"{_p(w)}/log", workspace_view()),
    Row("projects.log", lambda w: f"{_other(w)}/log", other_circle(), note="other circle"),
    Row(
        "projects.add_log",
        lambda w: f"{_p(w)}/log",
        workspace_view(302),
        method="POST",
        data=lambda w: {"happened_on": "2026-03-01", "kind": "meeting", "text": "Møte"},
    ),
    Row("projects.plan", lambda w: f"{_p(w)}/plan", workspace_view()),
    Row("projects.plan", lambda w: f"{_other(w)}/plan", other_circle(), note="other circle"),
    Row(
        "projects.add_plan_item",
        lambda w: f"{_p(w)}/plan/items",
        workspace_view(302),
        method="POST",
        data=lambda w: {"kind": "task", "title": "Skrive", "owner": "0"},
    ),
    Row(
        "projects.plan_item_status",
        lambda w: f"{_p(w)}/plan/items/{w.extra['plan_item'].id}/status",
        workspace_view(302),
        method="POST",
        data=lambda w: {"status": "done"},
    ),
    Row(
        "projects.plan_item_status",
        lambda w: f"{_p(w, 'shared_project')}/plan/items/{w.extra['plan_item'].id}/status",
        expect(HIDDEN),
        method="POST",
        data=lambda w: {"status": "done"},
        note="item of another project",
    ),
    Row(
        "projects.add_meeting",
        lambda w: f"{_p(w)}/plan/meetings",
        workspace_view(302),
        method="POST",
        data=lambda w: {"day": "2026-05-01", "time": "12:00", "place": "NAV"},
    ),
    Row(
        "projects.post_update",
        lambda w: f"{_p(w)}/updates",
        workspace_view(302),
        method="POST",
        data=lambda w: {"body": "Vi er i rute.", "publish": "y"},
    ),
    Row(
        "projects.update_detail",
        lambda w: f"{_p(w, 'shared_project')}/updates/{w.extra['shared_update'].id}",
        circle_view(),
        note="published, shared",
    ),
    Row(
        "projects.update_detail",
        lambda w: f"{_p(w, 'shared_project')}/updates/{w.extra['circle_update'].id}",
        workspace_view(),
        note="published, circle only",
    ),
    Row(
        "projects.update_detail",
        lambda w: f"{_p(w, 'shared_project')}/updates/{w.extra['draft_update'].id}",
        workspace_view(),
        note="draft",
    ),
    Row(
        "projects.update_detail",
        lambda w: f"{_other(w)}/updates/{w.extra['other_update'].id}",
        other_circle(),
        note="other circle",
    ),
    Row(
        "projects.publish_update",
        lambda w: f"{_p(w, 'shared_project')}/updates/{w.extra['draft_update'].id}/publish",
        workspace_view(302),
        method="POST",
        data=lambda w: {"share_with_reference": "y"},
    ),
    # transition matrix
    Row("projects.matrix", lambda w: f"/c/{w.circle.slug}/matrix", staff_view()),
    Row(
        "projects.matrix",
        lambda w: f"/c/{w.other.slug}/matrix",
        other_circle(),
        note="other circle",
    ),
    Row(
        "projects.matrix_defaults",
        lambda w: f"/c/{w.circle.slug}/matrix/defaults",
        staff_view(302),
        method="POST",
    ),
    Row(
        "projects.matrix_add_row",
        lambda w: f"/c/{w.circle.slug}/matrix/rows",
        staff_view(302),
        method="POST",
        data=lambda w: {"title": "Nettverk"},
    ),
    Row("projects.matrix_cell", lambda w: _cell(w), staff_view()),
    Row(
        "projects.matrix_cell",
        lambda w: _cell(w),
        staff_view(302),
        method="POST",
        data=lambda w: {"body": "Tett oppfølging", "base_revision": "1"},
    ),
    Row(
        "projects.matrix_cell",
        lambda w: f"/c/{w.circle.slug}/matrix/rows/{w.extra['other_matrix_row'].id}/practice",
        expect(HIDDEN),
        note="row of other circle",
    ),
    Row(
        "projects.matrix_cell",
        lambda w: _cell(w, "other_matrix_row", "other"),
        other_circle(),
        note="other circle",
    ),
    Row("projects.matrix_cell_history", lambda w: _cell(w) + "/history", staff_view()),
    Row(
        "projects.matrix_cell_history",
        lambda w: _cell(w, "other_matrix_row", "other") + "/history",
        other_circle(),
        note="other circle",
    ),
    Row("projects.matrix_csv", lambda w: f"/c/{w.circle.slug}/matrix.csv", staff_view()),
    Row(
        "projects.matrix_csv",
        lambda w: f"/c/{w.other.slug}/matrix.csv",
        other_circle(),
        note="other circle",
    ),
    Row("projects.matrix_docx_download", lambda w: f"/c/{w.circle.slug}/matrix.docx", staff_view()),
    Row(
        "projects.matrix_docx_download",
        lambda w: f"/c/{w.other.slug}/matrix.docx",
        other_circle(),
        note="other circle",
    ),
    # final report
    Row("projects.report", lambda w: f"/c/{w.circle.slug}/report", staff_view()),
    Row(
        "projects.report",
        lambda w: f"/c/{w.other.slug}/report",
        other_circle(),
        note="other circle",
    ),
    Row("projects.report_docx_download", lambda w: f"/c/{w.circle.slug}/report.docx", staff_view()),
    Row(
        "projects.report_docx_download",
        lambda w: f"/c/{w.other.slug}/report.docx",
        other_circle(),
        note="other circle",
    ),
    # withdraw, delete, archive (a second removal answers 302 with a message)
    Row(
        "projects.withdraw_file",
        lambda w: f"{_file(w, 'project', 'product')}/withdraw",
        workspace_view(302),
        method="POST",
    ),
    Row(
        "projects.withdraw_file",
        lambda w: f"{_other(w)}/files/{w.extra['other_file'].id}/withdraw",
        other_circle(302),
        method="POST",
        note="other circle",
    ),
    Row(
        "projects.file_detail",
        lambda w: _file(w, "project", "withdrawn_file"),
        expect(HIDDEN, leader=200, admin=200),
        note="withdrawn: leaders keep the history",
    ),
    Row(
        "projects.download",
        lambda w: f"{_file(w, 'project', 'withdrawn_file')}/v/1",
        expect(HIDDEN, leader=200, admin=200),
        note="withdrawn",
    ),
    Row(
        "projects.delete_log_entry",
        lambda w: f"{_p(w)}/log/{w.extra['log_entry'].id}/delete",
        workspace_view(302),
        method="POST",
    ),
    Row(
        "projects.delete_log_entry",
        lambda w: f"{_p(w, 'shared_project')}/log/{w.extra['log_entry'].id}/delete",
        workspace_view(302),
        method="POST",
        note="entry of another project: nothing happens",
    ),
    Row(
        "projects.delete_plan_item",
        lambda w: f"{_p(w)}/plan/{w.extra['plan_item'].id}/delete",
        workspace_view(302),
        method="POST",
    ),
    Row(
        "projects.delete_matrix_row",
        lambda w: f"/c/{w.circle.slug}/matrix/rows/{w.extra['matrix_row'].id}/delete",
        staff_view(302),
        method="POST",
    ),
    Row(
        "projects.delete_matrix_row",
        lambda w: f"/c/{w.other.slug}/matrix/rows/{w.extra['other_matrix_row'].id}/delete",
        other_circle(302),
        method="POST",
        note="other circle",
    ),
    Row("projects.archive", lambda w: f"{_p(w)}/archive", workspace_view(302), method="POST"),
    Row(
        "projects.archive",
        lambda w: f"{_other(w)}/archive",
        other_circle(302),
        method="POST",
        note="other circle",
    ),
    Row("projects.unarchive", lambda w: f"{_p(w)}/unarchive", workspace_view(302), method="POST"),
]


def build(session, world) -> None:  # noqa: ANN001
    """Add projects (unshared, shared, other circle), files, updates and matrix rows."""

    from datetime import date

    from circle.files import store_file
    from circle.models import utcnow
    from projects.models import (
        FileVersion,
        LogEntry,
        MatrixCell,
        MatrixCellRevision,
        MatrixColumn,
        MatrixRow,
        PlanItem,
        ProgressUpdate,
        Project,
        ProjectFile,
        ProjectMember,
        ProjectSection,
        ProjectStatus,
        SectionRevision,
    )

    participant = world.members["participant"]
    storage = get_storage()

    def project(circle, title: str, shared: bool = False) -> Project:  # noqa: ANN001
        p = Project(
            circle_id=circle.id,
            unit_id=circle.units[0].id,
            title=title,
            status=ProjectStatus.ACTIVE,
            writeup_shared_at=utcnow() if shared else None,
        )
        if circle is world.circle:
            p.members = [ProjectMember(member_id=participant.id)]
        session.add(p)
        session.flush()
        section = ProjectSection(
            project_id=p.id, key="background", body="To\nlinjer", revision_number=2
        )
        session.add(section)
        session.flush()
        session.add_all(
            [
                SectionRevision(section_id=section.id, number=1, body="To"),
                SectionRevision(section_id=section.id, number=2, body="To\nlinjer"),
            ]
        )
        return p

    def pfile(p: Project, title: str, product: bool) -> ProjectFile:
        stored = store_file(
            session,
            storage=storage,
            data=b"Skjema\n",
            filename=f"{title}.txt",
            uploaded_by=participant,
            purpose="projects.file",
        )
        f = ProjectFile(project_id=p.id, title=title, is_product=product)
        f.versions = [FileVersion(number=1, stored=stored)]
        session.add(f)
        session.flush()
        return f

    def update(p: Project, published: bool, shared: bool) -> ProgressUpdate:
        u = ProgressUpdate(
            project_id=p.id,
            body="Status",
            shared_with_reference=shared,
            published_at=utcnow() if published else None,
        )
        session.add(u)
        session.flush()
        return u

    extra = world.extra
    extra["project"] = project(world.circle, "Lukket prosjekt")
    extra["shared_project"] = project(world.circle, "Delt prosjekt", shared=True)
    extra["update_project"] = project(world.circle, "Prosjekt med delt status")
    extra["other_project"] = project(world.other, "Annen sirkels prosjekt", shared=True)
    extra["product"] = pfile(extra["project"], "Kartleggingsskjema", True)
    extra["shared_product"] = pfile(extra["shared_project"], "Sluttrapportmal", True)
    extra["shared_attachment"] = pfile(extra["shared_project"], "Arbeidsnotat", False)
    extra["other_file"] = pfile(extra["other_project"], "Prosedyre", True)
    extra["shared_update"] = update(extra["shared_project"], True, True)
    extra["circle_update"] = update(extra["shared_project"], True, False)
    extra["draft_update"] = update(extra["shared_project"], False, False)
    update(extra["update_project"], True, True)
    extra["other_update"] = update(extra["other_project"], True, True)
    extra["withdrawn_file"] = pfile(extra["project"], "Gammel mal", False)
    extra["withdrawn_file"].withdrawn_at = utcnow()
    extra["log_entry"] = LogEntry(
        project_id=extra["project"].id, happened_on=date(2026, 3, 1), text="Møte med NAV"
    )
    session.add(extra["log_entry"])
    extra["plan_item"] = PlanItem(project_id=extra["project"].id, title="Forankre")
    extra["matrix_row"] = MatrixRow(circle_id=world.circle.id, title="Bolig")
    extra["other_matrix_row"] = MatrixRow(circle_id=world.other.id, title="Bolig")
    session.add_all([extra["plan_item"], extra["matrix_row"], extra["other_matrix_row"]])
    session.flush()
    cell = MatrixCell(
        row_id=extra["matrix_row"].id,
        column=MatrixColumn.PRACTICE,
        body="Botrening",
        revision_number=1,
    )
    session.add(cell)
    session.flush()
    session.add(MatrixCellRevision(cell_id=cell.id, number=1, body="Botrening"))
    session.flush()
