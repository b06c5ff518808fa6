"""Reading lists: create, add with a note, reorder, edit notes, remove, export, permissions."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from circle.errors import Conflict, DomainError, NotAllowed
from circle.extensions import db
from library.models import ReadingList, ReadingListEntry
from library.services import reading_lists as services
from tests.library.factories import (  # noqa: F401  (lib is a fixture)
    IDENTITY_NUMBER,
    add_report_directly,
    lib,
)


def _three_reports(app, lib) -> list[int]:  # noqa: ANN001
    return [
        add_report_directly(
            app,
            circle=lib.circle,
            actor=lib.members["participant"],
            shared=False,
            name=f"r{i}.txt",
            text=f"Rapport nummer {i} om bolig og ettervern.",
            metadata={"title": f"Rapport {i}", "authors": [f"Kari Nordmann{i}"], "year": 2020 + i},
        )
        for i in range(3)
    ]


def test_services_keep_order_and_notes(app, lib):
    """Entries go last, move up and down, keep notes, and a report is only on a list once."""
    ids = _three_reports(app, lib)
    with app.app_context():
        s = db.session
        circle = s.merge(lib.circle)
        actor = s.merge(lib.members["participant"])
        reading_list = services.create_reading_list(
            s, circle, actor=actor, title="Forhåndslesing", description="Før møte 4"
        )
        from library.models import Report

        entries = [
            services.add_entry(
                s, reading_list, circle, s.get(Report, rid), actor=actor, note=f"Notat {i}"
            )
            for i, rid in enumerate(ids)
        ]
        with pytest.raises(Conflict):
            services.add_entry(s, reading_list, circle, s.get(Report, ids[0]), actor=actor)
        services.move_entry(s, reading_list, circle, entries[2].id, actor=actor, direction="up")
        services.move_entry(s, reading_list, circle, entries[0].id, actor=actor, direction="bottom")
        order = [e.report_id for e in services.visible_entries(reading_list, circle)]
        assert order == [ids[2], ids[1], ids[0]]
        services.set_note(s, reading_list, circle, entries[1].id, actor=actor, note="Les s. 4")
        services.remove_entry(s, reading_list, circle, entries[2].id, actor=actor)
        assert [(e.report_id, e.note) for e in reading_list.entries] == [
            (ids[1], "Les s. 4"),
            (ids[0], "Notat 0"),
        ]
        with pytest.raises(DomainError):
            services.set_note(
                s, reading_list, circle, entries[0].id, actor=actor, note=f"Elev {IDENTITY_NUMBER}"
            )
        with pytest.raises(DomainError):
            services.move_entry(
                s, reading_list, circle, entries[0].id, actor=actor, direction="sideways"
            )
        reference = s.merge(lib.members["reference"])
        with pytest.raises(NotAllowed):
            services.create_reading_list(s, circle, actor=reference, title="Min liste")
        with pytest.raises(DomainError):
            services.create_reading_list(s, circle, actor=actor, title="  ")


def test_reading_list_journey_in_the_browserless_ui(app, client, login, session, lib):
    """Create a list, add reports from their pages, reorder, note, export, remove."""
    ids = _three_reports(app, lib)
    login(lib.members["participant"])
    response = client.post(
        "/c/egen/library/lists",
        data={"title": "Fagpresentasjon om bolig", "description": "Les *før* møtet."},
    )
    list_id = session.scalar(select(ReadingList.id))
    assert response.headers["Location"].endswith(f"/c/egen/library/lists/{list_id}")
    report_page = client.get(f"/c/egen/library/reports/{ids[0]}").get_data(as_text=True)
    assert "Fagpresentasjon om bolig" in report_page  # offered in the add-to-list form
    for rid in ids:
        client.post(
            f"/c/egen/library/reports/{rid}/lists",
            data={"list_id": str(list_id), "note": f"Merknad {rid}"},
        )
    again = client.post(
        f"/c/egen/library/reports/{ids[0]}/lists",
        data={"list_id": str(list_id)},
        follow_redirects=True,
    )
    assert "står allerede på leselisten" in again.get_data(as_text=True)
    entries = session.scalars(select(ReadingListEntry).order_by(ReadingListEntry.position)).all()
    client.post(
        f"/c/egen/library/lists/{list_id}/entries/{entries[0].id}/move", data={"direction": "down"}
    )
    client.post(
        f"/c/egen/library/lists/{list_id}/entries/{entries[2].id}/note", data={"note": "Viktigst"}
    )
    page = client.get(f"/c/egen/library/lists/{list_id}").get_data(as_text=True)
    assert page.index("Rapport 1") < page.index("Rapport 0") < page.index("Rapport 2")
    assert "Viktigst" in page and "<em>før</em>" in page
    exported = json.loads(client.get(f"/c/egen/library/lists/{list_id}/export.json").data)
    assert [item["title"] for item in exported] == ["Rapport 1", "Rapport 0", "Rapport 2"]
    ris = client.get(f"/c/egen/library/lists/{list_id}/export.ris").get_data(as_text=True)
    assert ris.count("TY  - ") == 3
    client.post(f"/c/egen/library/lists/{list_id}/entries/{entries[1].id}/remove")
    session.expire_all()
    assert session.scalar(select(db.func.count(ReadingListEntry.id))) == 2
    client.post(f"/c/egen/library/lists/{list_id}/edit", data={"title": "Nytt navn"})
    assert "Nytt navn" in client.get("/c/egen/library/lists").get_data(as_text=True)
    client.post(f"/c/egen/library/lists/{list_id}/delete")
    session.expire_all()
    assert session.scalar(select(db.func.count(ReadingList.id))) == 0
    assert session.scalar(select(db.func.count(ReadingListEntry.id))) == 0


def test_reference_group_reads_lists_but_cannot_change_them(app, client, login, session, lib):
    """The reference group sees the circle's reading lists; changing them is 403."""
    ids = _three_reports(app, lib)
    login(lib.members["leader"])
    client.post("/c/egen/library/lists", data={"title": "Liste"})
    list_id = session.scalar(select(ReadingList.id))
    client.post(f"/c/egen/library/reports/{ids[0]}/lists", data={"list_id": str(list_id)})
    client.post("/logout")
    login(lib.members["reference"])
    assert "Rapport 0" in client.get(f"/c/egen/library/lists/{list_id}").get_data(as_text=True)
    assert client.post("/c/egen/library/lists", data={"title": "X"}).status_code == 403
    assert client.post(f"/c/egen/library/lists/{list_id}/delete").status_code == 403
    page = client.get(f"/c/egen/library/reports/{ids[1]}").get_data(as_text=True)
    assert "Legg på en leseliste" not in page


def test_deleting_a_report_removes_it_from_lists(app, client, login, session, lib):
    """A deleted report leaves the reading lists it was on."""
    ids = _three_reports(app, lib)
    login(lib.members["leader"])
    client.post("/c/egen/library/lists", data={"title": "Liste"})
    list_id = session.scalar(select(ReadingList.id))
    client.post(f"/c/egen/library/reports/{ids[0]}/lists", data={"list_id": str(list_id)})
    client.post(f"/c/egen/library/reports/{ids[0]}/delete")
    session.expire_all()
    assert session.scalar(select(db.func.count(ReadingListEntry.id))) == 0
