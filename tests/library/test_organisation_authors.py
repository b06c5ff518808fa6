"""Marking authors as organisations on the edit form, and the journal of an article."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import re

import rispy

from library.models import Report
from library.services import citations
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)


def _form(report_id: int, **values) -> dict:  # noqa: ANN003
    data = {
        "title": "Samarbeid om overganger",
        "authors": "Ungdomsrådet Grorud\nBydel Stovner\nLine Krane",
        "editors": "",
        "language": "nb",
        "document_type": "article",
        "container_title": "Tidsskrift for velferdsforskning",
        "visibility": "circle",
    }
    data.update(values)
    return data


def test_member_marks_an_organisation_on_the_edit_form(app, client, login, session, lib):
    """The form lists the names as checkboxes; recognised bodies come pre-ticked; a ticked
    name is an organisation in every format, an unticked one a person."""
    rid = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        text="Samarbeid om overganger for unge voksne med ettervern og bolig.",
        metadata={
            "title": "Samarbeid om overganger",
            "authors": ["Ungdomsrådet Grorud", "Bydel Stovner", "Line Krane"],
        },
    )
    login(lib.members["participant"])
    page = client.get(f"/c/egen/library/reports/{rid}/edit").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'value="Ungdomsrådet Grorud"' in page
    inputs = re.findall(r"<input[^>]*>", page)
    assert any("checked" in tag and 'value="Bydel Stovner"' in tag for tag in inputs)
    assert not any("checked" in tag and 'value="Line Krane"' in tag for tag in inputs)
    response = client.post(
        f"/c/egen/library/reports/{rid}/edit",
        data={**_form(rid), "organisations": ["Ungdomsrådet Grorud", "Bydel Stovner"]},
    )
    assert response.status_code == 302
    session.expire_all()
    report = session.get(Report, rid)
    assert report.organisation_marks == {
        "Ungdomsrådet Grorud": True,
        "Bydel Stovner": True,
        "Line Krane": False,
    }
    assert report.container_title == "Tidsskrift for velferdsforskning"
    assert citations.apa(report).startswith("Ungdomsrådet Grorud, Bydel Stovner og Krane, L. (")
    [record] = rispy.loads(
        client.get(f"/c/egen/library/reports/{rid}/cite.ris").get_data(as_text=True)
    )
    assert record["authors"] == ["Ungdomsrådet Grorud", "Bydel Stovner", "Krane, Line"]
    assert record["secondary_title"] == "Tidsskrift for velferdsforskning"
    # A name taken off the list takes its mark with it; the others keep theirs.
    client.post(
        f"/c/egen/library/reports/{rid}/edit",
        data={
            **_form(rid, authors="Ungdomsrådet Grorud\nLine Krane"),
            "organisations": ["Ungdomsrådet Grorud"],
        },
    )
    session.expire_all()
    assert session.get(Report, rid).organisation_marks == {
        "Ungdomsrådet Grorud": True,
        "Line Krane": False,
    }
