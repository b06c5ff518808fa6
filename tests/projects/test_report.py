"""The compiled final report: content, flags, the contributed-section hook, HTML and DOCX."""

from __future__ import annotations

import io

import docx

from circle.models import MainQuestion, Phase, PhaseKind
from circle.storage import get_storage
from projects.models import MatrixColumn, ProjectStatus
from projects.report.compile import compile_report
from projects.report.docx_out import report_docx
from projects.report.hooks import register_report_section
from projects.services import files, matrix, writeup
from projects.services.projects import set_writeup_shared
from tests.circle.test_docx_writer import NS, W, check_document_setup, check_tables

KEYS = ("background", "goals", "product", "preconditions", "process", "advice")


def _write_all(session, people, project, ready=True) -> None:  # noqa: ANN001
    for key in KEYS:
        writeup.save_section(
            session,
            people.circle,
            project,
            key,
            actor=people.writer,
            body=f"**{key}** for {project.title}.\n\n- punkt en\n- punkt to",
            base_revision=0,
        )
    if ready:
        writeup.mark_writeup_ready(session, people.circle, project, actor=people.writer)
    session.commit()


def _circle_background(session, people) -> None:  # noqa: ANN001
    from datetime import date

    people.circle.phases.append(
        Phase(
            kind=PhaseKind.PROJECT,
            name="Prosjektfase",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 9, 1),
        )
    )
    people.circle.questions.append(MainQuestion(position=0, text="Hvordan planlegge overgangen?"))
    session.commit()


def test_compile_flags_unready_sections_instead_of_leaving_them_out(
    app, session, people, make_project
) -> None:  # noqa: ANN001
    done = make_project("Samarbeidsmodell")
    _write_all(session, people, done)
    draft = make_project("Sluttrapportmal", unit=people.unit2, members=[people.colleague])
    writeup.save_section(
        session,
        people.circle,
        draft,
        "background",
        actor=people.colleague,
        body="Bare bakgrunn.",
        base_revision=0,
    )
    session.commit()
    with app.test_request_context():
        report = compile_report(app, session, people.circle)
    chapters = {c.project.title: c for c in report.projects}
    assert [s.state for s in chapters["Samarbeidsmodell"].sections] == ["ready"] * 6
    states = [s.state for s in chapters["Sluttrapportmal"].sections]
    assert states[0] == "draft" and states[1:] == ["empty"] * 5
    assert any("Sluttrapportmal" in f and "Bakgrunn" in f for f in report.flags)
    assert any("Møteserien" in f for f in report.flags)  # no meetings section contributed


def test_report_page_links_each_missing_part_to_its_section(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    """ "Dette mangler" links every item to the place in the report it is about."""
    import re

    draft = make_project("Sluttrapportmal", unit=people.unit2, members=[people.colleague])
    writeup.save_section(
        session,
        people.circle,
        draft,
        "background",
        actor=people.colleague,
        body="Bare bakgrunn.",
        base_revision=0,
    )
    session.commit()
    login(people.leader)
    page = client.get(f"/c/{people.circle.slug}/report").get_data(as_text=True)
    flags = page.split('id="flags-h"')[1].split("</section>")[0]
    anchors = re.findall(r'<li><a href="#([^"]+)">', flags)
    assert len(anchors) == flags.count("<li>") >= 2
    for anchor in anchors:
        assert f'id="{anchor}"' in page, anchor
    assert f"project-{draft.id}-background" in anchors


def test_docx_holds_every_ready_section_in_order(
    app, client, login, session, people, make_project
) -> None:  # noqa: ANN001
    _circle_background(session, people)
    first = make_project("Samarbeidsmodell")
    _write_all(session, people, first)
    make_project(
        "Enslige mindreårige",
        unit=people.unit2,
        members=[people.colleague],
        status=ProjectStatus.DISCONTINUED,
        reason="Stor arbeidsmengde",
    )
    files.upload_file(
        session,
        people.circle,
        first,
        actor=people.writer,
        storage=get_storage(app),
        data=b"Modell\n",
        filename="modell.txt",
        title="Samarbeidsmodellen",
        is_product=True,
    )
    row = matrix.add_row(session, people.circle, actor=people.writer, title="Bolig")
    matrix.save_cell(
        session,
        people.circle,
        row,
        MatrixColumn.PRACTICE,
        actor=people.writer,
        body="Botrening",
        base_revision=0,
    )
    session.commit()
    login(people.leader)
    response = client.get(f"/c/{people.circle.slug}/report.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    # Every ready section of the first project, in the circle's order.
    chapter = headings.index(f"{people.unit.name}: Samarbeidsmodell")
    assert headings[chapter + 1 : chapter + 7] == [
        "Bakgrunn",
        "Mål",
        "Produkt eller resultat",
        "Forutsetninger for at produktet skal virke",
        "Prosessen",
        "Råd til andre",
    ]
    for key in KEYS:
        assert any(t == f"{key} for Samarbeidsmodell." for t in texts), key
    assert any(p.style.name == "List Bullet" and p.text == "punkt en" for p in document.paragraphs)
    # The discontinued project is flagged, with its reason and the obstacles heading.
    assert "Hva sto i veien" in headings
    assert any("Stor arbeidsmengde" in t for t in texts)
    assert sum("Ikke skrevet" in t for t in texts) >= 7
    # Background, appendix and matrix.
    assert "Hvordan planlegge overgangen?" in texts
    assert any(t.startswith("Vedlegg 1: Samarbeidsmodellen") for t in texts)
    assert document.tables[-1].cell(1, 0).text == "Bolig"
    assert document.tables[-1].cell(1, 4).text == "Botrening"
    # Read as Word does: A4, Norwegian, title and author, page numbers, header rows.
    parts = check_document_setup(
        response.data,
        title=f"Sluttrapport – {people.circle.name}",
        author=", ".join(m.name for m in compile_report_leaders(app, session, people)),
    )
    check_tables(parts)
    sections = parts["word/document.xml"].findall(".//w:sectPr/w:pgSz", NS)
    assert [s.get(f"{W}orient") for s in sections].count("landscape") == 1  # the matrix
    # The transition matrix on its own: landscape, the columns given widths.
    matrix_file = client.get(f"/c/{people.circle.slug}/matrix.docx")
    parts = check_document_setup(
        matrix_file.data,
        title=f"Overgangsmatrise – {people.circle.name}",
        author="Forskningssirkel",
    )
    check_tables(parts)
    assert parts["word/document.xml"].find(".//w:tblGrid/w:gridCol", NS) is not None
    first_row = parts["word/document.xml"].find(".//w:tbl/w:tr", NS)
    widths = [int(c.get(f"{W}w")) for c in first_row.findall(".//w:tcW", NS)]
    assert widths[0] < widths[1] and len(set(widths[1:])) == 1


def compile_report_leaders(app, session, people):  # noqa: ANN001, ANN201
    """Return the circle's leaders as the report names them."""
    with app.test_request_context():
        return compile_report(app, session, people.circle).leaders


def test_html_report_is_printable_and_escapes_text(
    client, login, session, people, make_project
) -> None:  # noqa: ANN001
    project = make_project("Prosjekt <b>fet</b>")
    writeup.save_section(
        session,
        people.circle,
        project,
        "background",
        actor=people.writer,
        body="<script>alert(1)</script> og *vanlig* tekst",
        base_revision=0,
    )
    session.commit()
    login(people.writer)
    page = client.get(f"/c/{people.circle.slug}/report").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Prosjekt &lt;b&gt;fet&lt;/b&gt;" in page
    assert "Ikke markert som klar for sluttrapporten." in page
    assert 'class="actions no-print"' in page


def test_contributed_section_from_another_area(app, session, people, make_project) -> None:  # noqa: ANN001
    def meetings_section(session, circle):  # noqa: ANN001, ANN202
        return {
            "title": "Møteserien",
            "blocks": [
                {"kind": "table", "header": ["Dato", "Sted"], "rows": [["3. mars 2026", "VID"]]}
            ],
        }

    register_report_section(app, meetings_section, order=10)
    register_report_section(app, lambda s, c: None, order=20)
    with app.test_request_context():
        report = compile_report(app, session, people.circle)
        data = report_docx(report)
    assert [s.title for s in report.contributed] == ["Møteserien"]
    assert not any("Møteserien mangler" in f for f in report.flags)
    document = docx.Document(io.BytesIO(data))
    assert any(t.cell(1, 1).text == "VID" for t in document.tables if len(t.rows) > 1)


def test_shared_writeup_view_for_reference(client, login, session, people, make_project) -> None:  # noqa: ANN001
    project = make_project("Delt prosjekt")
    _write_all(session, people, project, ready=False)
    login(people.reference)
    url = f"/c/{people.circle.slug}/projects/{project.id}/shared"
    assert client.get(url).status_code == 404
    set_writeup_shared(session, people.circle, project, actor=people.writer, shared=True)
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<strong>background</strong> for Delt prosjekt." in page
    assert client.get(f"/c/{people.circle.slug}/projects/{project.id}").status_code == 404
    assert client.get(f"/c/{people.circle.slug}/report").status_code == 404
