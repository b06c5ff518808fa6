"""Library services and models: metadata rules, permissions, search mapping, panel, demo."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update

from circle.errors import DomainError, NotAllowed
from circle.extensions import db
from circle.search.snippets import snippet_html
from circle.storage import get_storage
from circle.themes.models import Theme
from library.models import DocumentType, Report
from library.permissions import (
    can_add_report,
    can_curate_report,
    can_delete_report,
    can_edit_report,
    can_view_report,
    visible_circle_ids,
)
from library.services import reports as services
from library.services.search import search_library
from tests.library.factories import (  # noqa: F401  (lib is a fixture)
    IDENTITY_NUMBER,
    add_report_directly,
    index_ids,
    lib,
    problems,
)
from tests.library.helpers import backend_class


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("rapport fra forskningssirkel (redigert rapport)", DocumentType.REPORT),
        ("nettside: eksempel på boligsosialt arbeid", DocumentType.WEB_PAGE),
        ("kunnskapssammenstilling / kunnskapsoversikt", DocumentType.REPORT),
        ("masteroppgave", DocumentType.THESIS),
        ("Lokal rutine", DocumentType.ROUTINE),
        ("article", DocumentType.ARTICLE),
        ("plakat", DocumentType.OTHER),
        ("web_page", DocumentType.WEB_PAGE),
    ],
)
def test_document_type_from_free_text(raw, expected):
    """Seed metadata describes types in words; they map onto the enum."""
    assert services.guess_document_type(raw) == expected


def test_clean_metadata_normalises_and_validates():
    """Names and keywords are split and trimmed; bad years, URLs, DOIs and ISSNs refused."""
    clean = services.clean_metadata(
        {
            "title": "  Tittel  med   mellomrom ",
            "authors": "Kari Nordmann\n\n Ola Hansen ",
            "keywords": "bolig, Bolig, ettervern;NAV",
            "year": "2019",
            "language": "NN",
            "doi": "doi: 10.1000/xyz.1",
            "issn": "1234-567X",
            "isbn": "978-82-123-4567-8",
        }
    )
    assert clean["title"] == "Tittel med mellomrom"
    assert clean["authors"] == ["Kari Nordmann", "Ola Hansen"]
    assert clean["keywords"] == ["bolig", "ettervern", "NAV"]
    assert (clean["year"], clean["language"], clean["doi"]) == (2019, "nn", "10.1000/xyz.1")
    assert clean["document_type"] == DocumentType.REPORT
    for bad in (
        {"year": "1200"},
        {"year": "tjue"},
        {"url": "javascript:alert(1)"},
        {"doi": "11.2/x"},
        {"issn": "12345"},
        {"isbn": "ISBN?"},
        {"title": ""},
        {"subtitle": f"Nr {IDENTITY_NUMBER}"},
        {"authors": [f"Kari {IDENTITY_NUMBER}"]},
        {"title": "x" * 501},
        {"authors": ["Navn"] * 51},
    ):
        with pytest.raises(DomainError):
            services.clean_metadata({"title": "Tittel", **bad})


def test_permissions_per_role(app, lib):
    """Who adds, edits, curates and deletes; reference group and unit leaders read."""
    rid = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        text="Tekst om bolig og ettervern.",
    )
    with app.app_context():
        report = db.session.get(Report, rid)
        circle, other = db.session.merge(lib.circle), db.session.merge(lib.other)
        m = {k: db.session.merge(v) for k, v in lib.members.items()}
        assert [k for k in m if can_add_report(m[k], circle)] == ["leader", "participant", "admin"]
        assert [k for k in m if can_view_report(m[k], circle, report)] == [
            "leader",
            "participant",
            "reference",
            "unit_leader",
            "admin",
        ]
        assert [k for k in m if can_edit_report(m[k], circle, report)] == [
            "leader",
            "participant",
            "admin",
        ]
        assert [k for k in m if can_curate_report(m[k], circle, report)] == ["leader", "admin"]
        assert [k for k in m if can_delete_report(m[k], circle, report)] == ["leader", "admin"]
        assert not can_view_report(m["other_leader"], other, report)
        assert visible_circle_ids(m["participant"]) == {circle.id}
        assert visible_circle_ids(m["admin"], frozenset({circle.id, other.id})) == {
            circle.id,
            other.id,
        }


def test_update_report_themes_and_visibility(app, lib):
    """Themes come from the circle; only curators change who sees a report."""
    rid = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        text="Tekst om bolig og ettervern.",
    )
    with app.app_context():
        s = db.session
        circle, other = s.merge(lib.circle), s.merge(lib.other)
        own = Theme(circle_id=circle.id, title="Bolig")
        foreign = Theme(circle_id=other.id, title="Hemmelig tema")
        s.add_all([own, foreign])
        s.flush()
        report = s.get(Report, rid)
        participant, leader = s.merge(lib.members["participant"]), s.merge(lib.members["leader"])
        values = {"title": "Ny", "document_type": "routine"}
        services.update_report(
            s, report, circle, actor=participant, values=values, theme_ids=[own.id]
        )
        assert [t.title for t in report.themes] == ["Bolig"] and report.metadata_confirmed
        with pytest.raises(DomainError):
            services.update_report(
                s, report, circle, actor=participant, values=values, theme_ids=[foreign.id]
            )
        with pytest.raises(NotAllowed):
            services.update_report(s, report, circle, actor=participant, values=values, shared=True)
        services.update_report(s, report, circle, actor=leader, values=values, shared=True)
        assert report.circle_id is None and report.origin_circle_id == circle.id
        with pytest.raises(NotAllowed):
            services.update_report(
                s, report, circle, actor=s.merge(lib.members["reference"]), values=values
            )


def test_search_service_loads_hits_in_one_query_and_labels_facets(app, lib):
    """One query for the visible ids, one to load the hits; facet values get readable labels."""
    for i in range(4):
        add_report_directly(
            app,
            circle=lib.circle,
            actor=lib.members["participant"],
            shared=bool(i % 2),
            name=f"r{i}.txt",
            text=f"Rapport {i} om samarbeid mellom barnevern og NAV.",
            metadata={
                "title": f"Rapport {i}",
                "document_type": "routine",
                "language": "nn",
                "year": 2020 + i,
            },
        )
    with app.app_context():
        from library.index import get_backend

        backend = get_backend()
        statements: list[str] = []

        def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            results = search_library(
                db.session,
                backend,
                visible=frozenset({lib.circle.id}),
                text="samarbeid",
                circle=db.session.merge(lib.circle),
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        report_selects = [s for s in statements if "FROM report " in s and "report_page" not in s]
        assert len(report_selects) == 2
        assert report_selects[0].startswith("SELECT report.id \nFROM report")  # visible ids
        assert "report.id IN" in report_selects[1]  # the hits, all at once
        assert results.total == 4 and len(results.hits) == 4
        assert [(v.label, v.count) for v in results.facets["document_type"]] == [
            ("Rutine eller prosedyre", 4)
        ]
        assert [(v.label, v.count) for v in results.facets["language"]] == [("Nynorsk", 4)]
        assert results.hits[0].pages and "<mark>" in results.hits[0].pages[0].snippet
        newest = search_library(
            db.session,
            backend,
            visible=frozenset({lib.circle.id}),
            text="samarbeid",
            sort="newest",
            filters={"year": "2022", "bogus": "x"},
        )
        assert [h.report.title for h in newest.hits] == ["Rapport 2"]
        outsider = search_library(
            db.session, backend, visible=frozenset({lib.other.id}), text="samarbeid"
        )
        assert outsider.total == 2  # only the shared ones


def test_snippet_markup_only_for_backend_snippets():
    """Escaped text with <mark> passes; anything with other tags is escaped whole."""
    assert str(snippet_html("a &lt;b&gt; <mark>bolig</mark>")) == "a &lt;b&gt; <mark>bolig</mark>"
    assert str(snippet_html("<script>x</script><mark>y</mark>")).startswith("&lt;script&gt;")
    assert "<mark>" not in str(snippet_html("<mark>open"))


def test_home_panel_lists_recent_visible_reports(app, client, login, lib):
    """The home panel shows recent additions this circle sees, not other circles' reports."""
    add_report_directly(
        app,
        circle=lib.other,
        actor=lib.members["other_participant"],
        shared=False,
        name="a.txt",
        text="Annen sirkels tekst om bolig.",
        metadata={"title": "Annen sirkels rapport"},
    )
    add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=True,
        name="b.txt",
        text="Delt tekst om ettervern og bolig.",
        metadata={"title": "Delt rapport"},
    )
    login(lib.members["unit_leader"])
    html = client.get("/c/egen").get_data(as_text=True)
    assert "Nytt i biblioteket" in html and "Delt rapport" in html
    assert "Annen sirkels rapport" not in html
    nav = client.get("/c/egen/library").get_data(as_text=True)
    assert 'href="/c/egen/library"' in nav and "Bibliotek" in nav


def test_demo_loader_builds_an_indexed_library(app, runner, lib):
    """`flask demo` adds the generated PDFs, the seed reports and a reading list, indexed."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        reports = db.session.scalars(select(Report)).all()
        titles = {r.title for r in reports}
        assert "Fra barnevern til egen bolig" in titles
        assert len(reports) >= 5
        routine = next(r for r in reports if r.document_type == DocumentType.ROUTINE)
        assert routine.circle_id is not None  # the local routine stays in the demo circle
        assert all(r.has_text for r in reports)
        from library.models import ReadingList

        assert len(db.session.scalar(select(ReadingList)).entries) == 3
        ids = {r.id for r in reports}
    assert index_ids(app) == ids
    assert problems(app) == []
    rows = runner.invoke(args=["library", "search", "startlån", "--json"])
    assert "egen-bolig-tre-bydeler.pdf" in rows.stdout


def test_indexing_failure_keeps_report_and_the_job_retries_it(
    app, client, login, session, lib, monkeypatch
):
    """If the index write fails the report stays, `flask check` sees it, and the job retries."""
    import io

    from circle.jobs.models import Job, JobState

    def broken(self, doc):  # noqa: ANN001
        raise OSError("disk full")

    monkeypatch.setattr(backend_class(app), "index_report", broken)
    login(lib.members["participant"])
    response = client.post(
        "/c/egen/library/upload",
        data={
            "visibility": "circle",
            "files": [(io.BytesIO(b"Tekst om bolig og ettervern."), "a.txt")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    rid = session.scalar(select(Report.id))
    assert rid is not None and problems(app) == [
        f"library: report {rid} is missing from the search index"
    ]
    job = session.scalar(select(Job).where(Job.kind == "library.index"))
    assert job.state == JobState.PENDING and job.attempts == 1
    assert "IndexUpdateFailed" in job.last_error and job.run_after > job.created_at
    monkeypatch.undo()
    runner = app.test_cli_runner()
    assert "nothing due" in runner.invoke(args=["jobs", "run"]).output  # it waits its turn
    session.execute(update(Job).values(run_after=job.created_at))
    session.commit()
    rerun = runner.invoke(args=["jobs", "run"]).output
    assert rerun.startswith("done ") and "retry" not in rerun and "failed" not in rerun
    assert problems(app) == []
    assert runner.invoke(args=["library", "reindex"]).exit_code == 0
    assert problems(app) == []


def test_add_report_refuses_without_right(app, lib):
    """The reference group cannot add reports through the service either."""
    with app.app_context(), pytest.raises(NotAllowed):
        services.add_report(
            db.session,
            storage=get_storage(app),
            data=b"Tekst om bolig og ettervern.",
            filename="a.txt",
            actor=db.session.merge(lib.members["reference"]),
            circle=db.session.merge(lib.circle),
            shared=False,
        )


def test_search_page_facets_sort_pagination_and_suggestion(app, client, login, lib):
    """Facet links with counts filter, newest sorts by year, pages of 10, "Mente du"."""
    for i in range(12):
        add_report_directly(
            app,
            circle=lib.circle,
            actor=lib.members["participant"],
            shared=False,
            name=f"r{i}.txt",
            text=f"Rapport {i} om ettervern og samarbeid med barnevernstjenesten.",
            metadata={
                "title": f"Ettervernsrapport {i}",
                "year": 2010 + i,
                "publisher": "NOVA" if i < 3 else "Fafo",
            },
        )
    login(lib.members["reference"])
    html = client.get("/c/egen/library?q=ettervern").get_data(as_text=True)
    assert "12 rapporter funnet" in html and "Side 1 av 2" in html
    assert html.count('class="card search-hit"') == 10
    facet_link = 'href="/c/egen/library?q=ettervern&amp;publisher=NOVA">NOVA</a>'
    assert facet_link + ' <span class="meta">(3)' in html
    filtered = client.get("/c/egen/library?q=ettervern&publisher=NOVA").get_data(as_text=True)
    assert "3 rapporter funnet" in filtered and 'aria-current="true"' in filtered
    second = client.get("/c/egen/library?q=ettervern&page=2").get_data(as_text=True)
    assert second.count('class="card search-hit"') == 2 and 'rel="prev"' in second
    newest = client.get("/c/egen/library?q=ettervern&sort=newest").get_data(as_text=True)
    assert newest.index("Ettervernsrapport 11") < newest.index("Ettervernsrapport 10")
    misspelt = client.get("/c/egen/library?q=barnevernstjenestn").get_data(as_text=True)
    assert "Mente du" in misspelt and "barnevernstjenesten" in misspelt
    weird = client.get("/c/egen/library?q=%22uavsluttet&page=abc&sort=zzz&year=x")
    assert weird.status_code == 200


def test_admin_edits_a_report_imported_for_all_circles(app, client, login, session, lib):
    """A command-line import (no circle) is edited by an admin and stays shared."""
    rid = add_report_directly(
        app, circle=None, actor=None, shared=True, text="Felles rapport om bolig og ettervern."
    )
    login(lib.members["leader"])
    assert client.get(f"/c/egen/library/reports/{rid}/edit").status_code == 403
    client.post("/logout")
    login(lib.members["admin"])
    response = client.post(
        f"/c/egen/library/reports/{rid}/edit",
        data={"title": "Felles rapport", "language": "nb", "document_type": "report"},
    )
    assert response.status_code == 302
    session.expire_all()
    report = session.get(Report, rid)
    assert report.title == "Felles rapport" and report.circle_id is None
