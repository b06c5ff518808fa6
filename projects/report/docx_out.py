"""The final report and the transition matrix as DOCX files a researcher can finish in Word."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_BREAK
from docx.shared import RGBColor
from flask_babel import gettext as _

from circle.docx_writer import (
    add_markdown,
    add_table,
    document_bytes,
    landscape_section,
    new_document,
    portrait_section,
)
from circle.i18n import format_day
from projects.models import MATRIX_COLUMNS, MatrixRow
from projects.report.compile import STATUS_LABELS, FinalReport
from projects.report.hooks import ReportBlockSection
from projects.services.matrix import COLUMN_LABELS

FLAG_COLOUR = RGBColor(0xA4, 0x00, 0x1D)
AUTHOR = "Forskningssirkel"


def _date(value: Any) -> str:
    return format_day(value) if value else ""


def _flag(document: Any, text: str) -> None:
    run = document.add_paragraph().add_run("⚠ " + text)
    run.bold = True
    run.font.color.rgb = FLAG_COLOUR


def _matrix_table(document: Any, rows: list[MatrixRow]) -> None:
    """The matrix on landscape A4: the transition column narrower, the others equal."""
    header = [_("Overgang"), *(str(COLUMN_LABELS[c]) for c in MATRIX_COLUMNS)]
    body = [
        [row.title, *((row.cell(c).body if row.cell(c) else "") for c in MATRIX_COLUMNS)]
        for row in rows
    ]
    add_table(
        document, header, body, widths=[1, *([1.6] * len(MATRIX_COLUMNS))], bold_first_column=True
    )


def matrix_docx(circle: Any, rows: list[MatrixRow]) -> bytes:
    """Return the transition matrix as a landscape DOCX table."""
    title = _("Overgangsmatrise – %(circle)s", circle=circle.name)
    document = new_document(title=title, author=AUTHOR, landscape=True)
    document.add_heading(_("Overgangsmatrise"), level=0)
    document.add_paragraph(circle.name)
    _matrix_table(document, rows)
    return document_bytes(document)


def _contributed(document: Any, section: ReportBlockSection) -> None:
    document.add_heading(section.title, level=1)
    if not section.ready:
        _flag(document, _("Denne delen er ikke ferdig."))
    for block in section.blocks:
        if block["kind"] == "markdown":
            add_markdown(document, block["text"], heading_offset=1)
        elif block["kind"] == "paragraph":
            document.add_paragraph(block["text"])
        elif block["kind"] == "table":
            add_table(document, block["header"], block["rows"])


def _background(document: Any, report: FinalReport) -> None:
    circle = report.circle
    document.add_heading(_("Bakgrunn for forskningssirkelen"), level=1)
    add_markdown(document, circle.description, heading_offset=1)
    if circle.starts_on:
        document.add_paragraph(
            _(
                "Periode: %(start)s – %(end)s",
                start=_date(circle.starts_on),
                end=_date(circle.ends_on),
            )
        )
    if report.phases:
        document.add_heading(_("Faser"), level=2)
        for phase in report.phases:
            document.add_paragraph(
                f"{phase.name}: {_date(phase.starts_on)} – {_date(phase.ends_on)}",
                style="List Bullet",
            )
    document.add_heading(_("Deltakere og enheter"), level=2)
    if report.leaders:
        document.add_paragraph(
            _("Sirkelledere: %(names)s", names=", ".join(m.name for m in report.leaders))
        )
    for unit, members in report.units:
        names = ", ".join(m.name for m in members) or _("ingen registrerte deltakere")
        document.add_paragraph(f"{unit.name}: {names}", style="List Bullet")
    if report.reference_group:
        document.add_heading(_("Referansegruppen"), level=2)
        for member, organisation in report.reference_group:
            document.add_paragraph(
                f"{member.name}" + (f", {organisation}" if organisation else ""),
                style="List Bullet",
            )
    if report.unit_leaders:
        document.add_paragraph(
            _(
                "Ledere i enhetene: %(names)s",
                names=", ".join(
                    f"{m.name} ({where})" if where else m.name for m, where in report.unit_leaders
                ),
            )
        )
    document.add_heading(_("Temaer og problemstillinger"), level=2)
    if report.themes:
        document.add_paragraph(_("Valgte temaer:"))
        for theme in report.themes:
            document.add_paragraph(theme, style="List Bullet")
    if report.questions:
        document.add_paragraph(_("Problemstillinger:"))
        for question in report.questions:
            document.add_paragraph(question, style="List Number")
    if not report.themes and not report.questions:
        _flag(document, _("Temaer og problemstillinger er ikke fastsatt."))


def report_docx(report: FinalReport) -> bytes:
    """Return the final report as DOCX."""
    circle = report.circle
    document = new_document(
        title=_("Sluttrapport – %(circle)s", circle=circle.name),
        author=", ".join(m.name for m in report.leaders) or circle.institution or AUTHOR,
    )
    document.add_heading(circle.name, level=0)
    document.add_paragraph(_("Sluttrapport fra forskningssirkelen"))
    if circle.institution:
        document.add_paragraph(circle.institution)
    if circle.starts_on:
        document.add_paragraph(f"{_date(circle.starts_on)} – {_date(circle.ends_on)}")
    document.add_paragraph(_("Satt sammen %(day)s", day=_date(report.generated_at)))
    if report.flags:
        document.add_heading(_("Dette mangler før rapporten er ferdig"), level=2)
        for flag in report.flags:
            document.add_paragraph(flag, style="List Bullet")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    _background(document, report)
    for section in report.contributed:
        _contributed(document, section)
    if not report.contributed:
        document.add_heading(_("Møteserien"), level=1)
        _flag(document, _("Møteoversikten er ikke tilgjengelig ennå."))

    document.add_heading(_("Delprosjektene"), level=1)
    for chapter in report.projects:
        project = chapter.project
        document.add_heading(f"{chapter.unit.name}: {project.title}", level=2)
        meta = [str(STATUS_LABELS[project.status])]
        if project.starts_on:
            meta.append(f"{_date(project.starts_on)} – {_date(project.ends_on)}")
        document.add_paragraph(" · ".join(meta))
        if chapter.members:
            document.add_paragraph(
                _("Deltakere: %(names)s", names=", ".join(m.name for m in chapter.members))
            )
        if project.status_reason:
            document.add_paragraph(
                _("Hvorfor prosjektet ble avbrutt: %(reason)s", reason=project.status_reason)
            )
        for section in chapter.sections:
            document.add_heading(section.heading, level=3)
            if section.state == "empty":
                _flag(document, _("Ikke skrevet."))
                continue
            if section.state == "draft":
                _flag(document, _("Ikke markert som klar for sluttrapporten."))
            add_markdown(document, section.body, heading_offset=3)
        if chapter.appendices:
            document.add_paragraph(
                _(
                    "Produkter: %(list)s",
                    list=", ".join(
                        _("vedlegg %(n)d", n=a.number) + f" ({a.file.title})"
                        for a in chapter.appendices
                    ),
                )
            )

    if report.matrix:
        # A wide table: its own landscape pages, so that no word breaks inside a narrow cell.
        landscape_section(document)
        document.add_heading(_("Overgangsmatrisen"), level=1)
        _matrix_table(document, report.matrix)
        portrait_section(document)
    else:
        document.add_heading(_("Overgangsmatrisen"), level=1)
        _flag(document, _("Overgangsmatrisen er ikke fylt ut."))

    appendices = [a for chapter in report.projects for a in chapter.appendices]
    if appendices:
        document.add_heading(_("Vedlegg"), level=1)
        for a in appendices:
            line = _("Vedlegg %(n)d: %(title)s", n=a.number, title=a.file.title)
            if a.version is not None:
                line += " – " + _(
                    "%(name)s, versjon %(v)d, %(day)s",
                    name=a.version.stored.original_name,
                    v=a.version.number,
                    day=_date(a.version.created_at),
                )
            document.add_paragraph(line, style="List Bullet")
            if a.file.description:
                document.add_paragraph(a.file.description)
    return document_bytes(document)
