"""The command-line contract: `flask library import | search | reindex`, and `flask check`."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from library.models import DocumentType, Report
from tests.library.factories import (  # noqa: F401  (lib is a fixture)
    IDENTITY_NUMBER,
    encrypted_pdf,
    good_pdf,
    index_ids,
    lib,
    pdf_bytes,
    problems,
)

HOUSING = [
    "Bolig for unge voksne\nEn rapport om boligsosialt arbeid",
    "Startlån og bostøtte gjør det mulig å kjøpe egen bolig.\nBoligkontoret følger opp.",
    "Husbanken samarbeider med kommunen om startlån til unge.",
]
WELFARE = [
    "Samarbeid mellom barnevern og NAV\nOm overgangen ved 18 år",
    "Barnevernstjenesten og NAV-kontoret holder felles møter.",
]


def _files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "bolig.pdf": pdf_bytes(HOUSING, title="Bolig for unge voksne"),
        "samarbeid.pdf": pdf_bytes(WELFARE),
        "kryptert.pdf": encrypted_pdf(good_pdf()),
        "notat.txt": f"Ungdom nr. {IDENTITY_NUMBER} fikk bolig i bydelen.".encode(),
    }
    out = {}
    for name, data in paths.items():
        out[name] = tmp_path / name
        out[name].write_bytes(data)
    meta = {
        "bolig.pdf": {
            "title": "Bolig for unge voksne",
            "subtitle": "Boligsosialt arbeid",
            "authors": ["Kari Nordmann"],
            "editors": [],
            "year": 2019,
            "publisher": "NOVA",
            "series": "NOVA-rapport",
            "series_number": "7/19",
            "language": "nb",
            "keywords": ["bolig", "startlån"],
            "document_type": "rapport",
        },
        "samarbeid.pdf": {
            "title": "Samarbeid ved 18 år",
            "document_type": "masteroppgave",
            "language": "nb (med engelsk sammendrag)",
        },
    }
    out["meta"] = tmp_path / "meta.json"
    out["meta"].write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return out


def _import(runner, files: dict[str, Path], *extra: str):  # noqa: ANN001, ANN202
    names = [str(files[n]) for n in ("bolig.pdf", "samarbeid.pdf", "kryptert.pdf", "notat.txt")]
    return runner.invoke(
        args=["library", "import", *names, "--metadata", str(files["meta"]), *extra]
    )


def test_import_reports_bad_files_and_exits_nonzero(app, runner, session, lib, tmp_path):
    """Good files are imported with their metadata, shared; bad ones are named with a reason."""
    result = _import(runner, _files(tmp_path))
    assert result.exit_code == 1
    assert "2 imported, 2 failed" in result.stdout
    assert "kryptert.pdf: PDF-filen er passordbeskyttet" in result.stderr
    assert (
        "notat.txt: «notat.txt» er ikke lagret: filen ser ut til å inneholde et fødselsnummer"
        in result.stderr
    )
    assert IDENTITY_NUMBER not in result.output
    assert "Importerer" in result.stderr  # the progress bar
    reports = {r.stored_file.original_name: r for r in session.scalars(select(Report))}
    assert set(reports) == {"bolig.pdf", "samarbeid.pdf"}
    housing = reports["bolig.pdf"]
    assert (housing.title, housing.subtitle, housing.year, housing.publisher) == (
        "Bolig for unge voksne",
        "Boligsosialt arbeid",
        2019,
        "NOVA",
    )
    assert housing.series == "NOVA-rapport" and housing.series_number == "7/19"
    assert housing.keywords == ["bolig", "startlån"] and housing.metadata_confirmed
    assert reports["samarbeid.pdf"].document_type == DocumentType.THESIS
    assert reports["samarbeid.pdf"].language == "nb"
    assert all(r.circle_id is None and r.origin_circle_id is None for r in reports.values())
    assert index_ids(app) == {r.id for r in reports.values()}
    assert problems(app) == []


def test_import_into_one_circle_and_all_good_exits_zero(app, runner, session, lib, tmp_path):
    """--circle keeps the reports to that circle; a clean run exits 0."""
    files = _files(tmp_path)
    result = runner.invoke(args=["library", "import", str(files["bolig.pdf"]), "--circle", "egen"])
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 failed" in result.stdout
    report = session.scalar(select(Report))
    assert report.circle_id == lib.circle.id and report.title == "Bolig for unge voksne"
    again = runner.invoke(args=["library", "import", str(files["bolig.pdf"])])
    assert again.exit_code == 1 and "finnes allerede" in again.stderr
    unknown = runner.invoke(args=["library", "import", str(files["bolig.pdf"]), "--circle", "x"])
    assert unknown.exit_code != 0 and "no circle" in unknown.output


def test_search_json_contract(app, runner, session, lib, tmp_path):
    """--json prints an array of {id, title, filename, score, pages[{page, snippet}]}."""
    _import(runner, _files(tmp_path))
    result = runner.invoke(args=["library", "search", "startlån", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == ["id", "title", "filename", "score", "pages"]
    assert row["title"] == "Bolig for unge voksne" and row["filename"] == "bolig.pdf"
    assert isinstance(row["score"], float) and row["score"] > 0
    assert [p["page"] for p in row["pages"]][:2] in ([2, 3], [3, 2])
    assert all(set(p) == {"page", "snippet"} for p in row["pages"])
    assert any("<mark>" in p["snippet"] for p in row["pages"])
    both = json.loads(runner.invoke(args=["library", "search", "bolig OR NAV", "--json"]).stdout)
    assert len(both) == 2 and both[0]["score"] >= both[1]["score"]
    limited = json.loads(
        runner.invoke(args=["library", "search", "bolig OR NAV", "--json", "--limit", "1"]).stdout
    )
    assert [r["id"] for r in limited] == [both[0]["id"]]
    assert json.loads(runner.invoke(args=["library", "search", "romferd", "--json"]).stdout) == []
    text = runner.invoke(args=["library", "search", "startlån"])
    assert "bolig.pdf" in text.stdout and "s. " in text.stdout


def test_cli_search_sees_every_circle(app, runner, session, lib, tmp_path):
    """The command line is for administrators: circle-only reports are found too."""
    files = _files(tmp_path)
    runner.invoke(args=["library", "import", str(files["samarbeid.pdf"]), "--circle", "annen"])
    rows = json.loads(runner.invoke(args=["library", "search", "barnevern", "--json"]).stdout)
    assert [r["filename"] for r in rows] == ["samarbeid.pdf"]


def test_reindex_rebuilds_and_check_agrees(app, runner, session, lib, tmp_path):
    """`flask check` finds a missing report; `flask library reindex` repairs it."""
    from circle.extensions import db
    from library.index import get_backend

    _import(runner, _files(tmp_path))
    ids = sorted(index_ids(app))
    with app.app_context():
        get_backend().delete_report(ids[0])
    check = runner.invoke(args=["check"])
    assert check.exit_code != 0
    assert f"report {ids[0]} is missing from the search index" in check.output
    result = runner.invoke(args=["library", "reindex"])
    assert result.exit_code == 0, result.output
    assert "reindexed 2 report(s)" in result.stdout
    assert "Bygger søkeindeks" in result.stderr
    assert index_ids(app) == set(ids)
    assert runner.invoke(args=["check"]).exit_code == 0
    rows = json.loads(runner.invoke(args=["library", "search", "husbanken", "--json"]).stdout)
    assert [r["filename"] for r in rows] == ["bolig.pdf"]
    with app.app_context():
        db.session.execute(db.text("DELETE FROM report_page"))
        db.session.execute(db.text("DELETE FROM report"))
        db.session.commit()
    stale = runner.invoke(args=["check"])
    assert "which is not in the database" in stale.output


def test_search_for_a_keyword_after_reindex(app, runner, session, lib, tmp_path):
    """After `flask library reindex`, a word that is one report's keyword is still searchable."""
    _import(runner, _files(tmp_path))  # bolig.pdf has keywords, samarbeid.pdf has none
    assert runner.invoke(args=["library", "reindex"]).exit_code == 0
    result = runner.invoke(args=["library", "search", "bolig", "--json"])
    assert result.exit_code == 0, result.output
    assert "bolig.pdf" in [r["filename"] for r in json.loads(result.stdout)]


def test_import_names_no_file_whose_name_holds_a_number(app, runner, session, lib, tmp_path):
    """A file named with an identity number is refused, and neither its name nor the number is
    printed (the progress bar and the failure list show "fil.txt")."""
    named = tmp_path / f"notat {IDENTITY_NUMBER[:6]}-{IDENTITY_NUMBER[6:]}.txt"
    named.write_text("Tekst om samarbeid og ettervern.", encoding="utf-8")
    meta = tmp_path / "meta.json"
    meta.write_text(
        json.dumps({"ok.txt": {"title": "Rapport", "authors": [f"Ola {IDENTITY_NUMBER}"]}}),
        encoding="utf-8",
    )
    fine = tmp_path / "ok.txt"
    fine.write_text("Tekst om bolig.", encoding="utf-8")
    result = runner.invoke(
        args=["library", "import", str(named), str(fine), "--metadata", str(meta)]
    )
    assert result.exit_code == 1
    assert "0 imported, 2 failed" in result.stdout
    assert "FEIL fil.txt:" in result.stderr and "filnavnet" in result.stderr
    assert IDENTITY_NUMBER[:6] not in result.output and IDENTITY_NUMBER[6:] not in result.output
    assert session.scalar(select(func.count(Report.id))) == 0
