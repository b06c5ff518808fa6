"""Permission matrix rows for the library's routes."""

from __future__ import annotations

from circle.storage import get_storage
from tests.matrix import (
    DENIED,
    HIDDEN,
    LOGIN,
    Row,
    circle_view,
    expect,
    leaders_only,
    other_circle,
    staff_only,
)


def _r(w, key: str = "report") -> int:  # noqa: ANN001
    return w.extra[f"lib_{key}"].id


EDIT_DATA = {
    "title": "Ny tittel",
    "language": "nb",
    "document_type": "report",
    "visibility": "circle",
}
# The report was added by the participant: leaders curate it, the participant may fix it.
EDITORS = expect(DENIED, outsider=HIDDEN, participant=200, leader=200, admin=200)
NOWHERE = expect(HIDDEN)  # another circle's object under this circle's address

ROWS = [
    Row("library.index", lambda w: f"/c/{w.circle.slug}/library", circle_view()),
    Row(
        "library.index",
        lambda w: f"/c/{w.circle.slug}/library?q=samarbeid&year=2020",
        circle_view(),
        note="search with filter",
    ),
    Row(
        "library.index", lambda w: f"/c/{w.other.slug}/library", other_circle(), note="other circle"
    ),
    Row(
        "library.export_results",
        lambda w: f"/c/{w.circle.slug}/library/export.bib?q=bolig",
        circle_view(),
    ),
    Row(
        "library.export_results",
        lambda w: f"/c/{w.circle.slug}/library/export.pdf",
        expect(HIDDEN),
        note="unknown format",
    ),
    Row(
        "library.export_results",
        lambda w: f"/c/{w.other.slug}/library/export.ris",
        other_circle(),
        note="other circle",
    ),
    # a report kept to the circle, a shared one, and one of the other circle
    Row("library.show", lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}", circle_view()),
    Row(
        "library.show",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'shared')}",
        circle_view(),
        note="shared report",
    ),
    Row(
        "library.show",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}",
        NOWHERE,
        note="other circle's report here",
    ),
    Row(
        "library.show",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w, 'other')}",
        other_circle(),
        note="other circle's report",
    ),
    Row(
        "library.show",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w)}",
        expect(HIDDEN),
        note="circle report under other circle",
    ),
    Row(
        "library.page",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/pages/1?q=barnevern",
        circle_view(),
    ),
    Row(
        "library.page",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'shared')}/pages/1",
        circle_view(),
        note="shared report",
    ),
    Row(
        "library.page",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/pages/2",
        expect(HIDDEN),
        note="no such page",
    ),
    Row(
        "library.page",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/pages/1",
        NOWHERE,
        note="other circle's report here",
    ),
    Row(
        "library.page",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w)}/pages/1",
        expect(HIDDEN),
        note="circle report under other circle",
    ),
    Row(
        "library.download",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/file",
        circle_view(),
    ),
    Row(
        "library.download",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/file",
        NOWHERE,
        note="other circle's report",
    ),
    Row(
        "library.download",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w)}/file",
        expect(HIDDEN),
        note="circle report under other circle",
    ),
    Row(
        "library.cite",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/cite.ris",
        circle_view(),
    ),
    Row(
        "library.cite",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/cite.json",
        NOWHERE,
        note="other circle's report",
    ),
    Row("library.edit", lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/edit", EDITORS),
    Row(
        "library.edit",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/edit",
        expect(DENIED, outsider=HIDDEN, participant=302, leader=302, admin=302),
        method="POST",
        data=lambda w: EDIT_DATA,
    ),
    Row(
        "library.edit",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'shared')}/edit",
        leaders_only(),
        note="shared report added by the leader",
    ),
    Row(
        "library.edit",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/edit",
        NOWHERE,
        method="POST",
        data=lambda w: EDIT_DATA,
        note="other circle's report",
    ),
    Row(
        "library.edit",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w, 'other')}/edit",
        other_circle(),
        note="other circle's report",
    ),
    Row(
        "library.delete",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w)}/delete",
        leaders_only(302),
        method="POST",
    ),
    Row(
        "library.delete",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/delete",
        NOWHERE,
        method="POST",
        note="other circle's report",
    ),
    Row(
        "library.delete",
        lambda w: f"/c/{w.other.slug}/library/reports/{_r(w, 'other')}/delete",
        other_circle(302),
        method="POST",
        note="other circle's report",
    ),
    Row("library.open_report", lambda w: f"/library/reports/{_r(w)}", expect(302, outsider=HIDDEN)),
    Row(
        "library.open_report",
        lambda w: f"/library/reports/{_r(w, 'other')}",
        expect(HIDDEN, anonymous=LOGIN, deactivated=LOGIN, outsider=302, admin=302),
        note="other circle's report",
    ),
    Row(
        "library.open_report",
        lambda w: f"/library/reports/{_r(w, 'shared')}",
        expect(302),
        note="shared report",
    ),
    Row("library.upload", lambda w: f"/c/{w.circle.slug}/library/upload", staff_only()),
    Row(
        "library.upload",
        lambda w: f"/c/{w.circle.slug}/library/upload",
        staff_only(),
        method="POST",
        data=lambda w: {"visibility": "circle"},
        note="no files",
    ),
    Row(
        "library.upload",
        lambda w: f"/c/{w.other.slug}/library/upload",
        other_circle(),
        note="other circle",
    ),
    # reading lists
    Row("library.lists", lambda w: f"/c/{w.circle.slug}/library/lists", circle_view()),
    Row(
        "library.lists",
        lambda w: f"/c/{w.other.slug}/library/lists",
        other_circle(),
        note="other circle",
    ),
    Row(
        "library.create_list",
        lambda w: f"/c/{w.circle.slug}/library/lists",
        staff_only(302),
        method="POST",
        data=lambda w: {"title": "Ny liste"},
    ),
    Row(
        "library.show_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}",
        circle_view(),
    ),
    Row(
        "library.show_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'other_list')}",
        NOWHERE,
        note="other circle's list here",
    ),
    Row(
        "library.show_list",
        lambda w: f"/c/{w.other.slug}/library/lists/{_r(w, 'other_list')}",
        other_circle(),
        note="other circle's list",
    ),
    Row(
        "library.edit_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/edit",
        staff_only(302),
        method="POST",
        data=lambda w: {"title": "Omdøpt"},
    ),
    Row(
        "library.edit_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'other_list')}/edit",
        NOWHERE,
        method="POST",
        data=lambda w: {"title": "Omdøpt"},
        note="other circle's list",
    ),
    Row(
        "library.delete_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/delete",
        staff_only(302),
        method="POST",
    ),
    Row(
        "library.add_to_list",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'shared')}/lists",
        staff_only(302),
        method="POST",
        data=lambda w: {"list_id": str(_r(w, "list")), "note": "Les kapittel 2"},
    ),
    Row(
        "library.add_to_list",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'other')}/lists",
        NOWHERE,
        method="POST",
        data=lambda w: {"list_id": str(_r(w, "list"))},
        note="other circle's report",
    ),
    Row(
        "library.add_to_list",
        lambda w: f"/c/{w.circle.slug}/library/reports/{_r(w, 'shared')}/lists",
        expect(HIDDEN, reference=DENIED, unit_leader=DENIED),
        method="POST",
        data=lambda w: {"list_id": str(_r(w, "other_list"))},
        note="other circle's list",
    ),
    Row(
        "library.move_entry",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/entries/{_r(w, 'entry')}/move",
        staff_only(302),
        method="POST",
        data=lambda w: {"direction": "down"},
    ),
    Row(
        "library.move_entry",
        lambda w: (
            f"/c/{w.circle.slug}/library/lists/"
            f"{_r(w, 'other_list')}/entries/{_r(w, 'other_entry')}/move"
        ),
        NOWHERE,
        method="POST",
        data=lambda w: {"direction": "down"},
        note="other circle's list",
    ),
    Row(
        "library.set_note",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/entries/{_r(w, 'entry')}/note",
        staff_only(302),
        method="POST",
        data=lambda w: {"note": "Ny merknad"},
    ),
    Row(
        "library.remove_entry",
        lambda w: (
            f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/entries/{_r(w, 'entry')}/remove"
        ),
        staff_only(302),
        method="POST",
    ),
    Row(
        "library.remove_entry",
        lambda w: (
            f"/c/{w.other.slug}/library/lists/"
            f"{_r(w, 'other_list')}/entries/{_r(w, 'other_entry')}/remove"
        ),
        other_circle(302),
        method="POST",
        note="other circle's list",
    ),
    Row(
        "library.export_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'list')}/export.ris",
        circle_view(),
    ),
    Row(
        "library.export_list",
        lambda w: f"/c/{w.circle.slug}/library/lists/{_r(w, 'other_list')}/export.ris",
        NOWHERE,
        note="other circle's list",
    ),
]


def build(session, world) -> None:  # noqa: ANN001
    """Add reports (circle-only, shared, other circle's), reading lists and entries."""

    from library.models import ReadingList, ReadingListEntry
    from library.services.reports import add_report

    storage = get_storage()

    def report(name: str, circle, shared: bool, by) -> object:  # noqa: ANN001
        made = add_report(
            session,
            storage=storage,
            data=(f"Samarbeid mellom barnevern og NAV om bolig. Dokument {name}.").encode(),
            filename=f"{name}.txt",
            actor=None,
            circle=circle,
            shared=shared,
            metadata={"title": f"Rapport {name}", "year": 2020},
        )
        made.added_by_id = by.id
        return made

    world.extra["lib_report"] = report("egen", world.circle, False, world.members["participant"])
    world.extra["lib_shared"] = report("delt", world.circle, True, world.members["leader"])
    world.extra["lib_other"] = report("annen", world.other, False, world.members["outsider"])
    own = ReadingList(circle_id=world.circle.id, title="Forhåndslesing")
    other = ReadingList(circle_id=world.other.id, title="Annen liste")
    session.add_all([own, other])
    session.flush()
    world.extra["lib_list"] = own
    world.extra["lib_other_list"] = other
    world.extra["lib_entry"] = ReadingListEntry(list_id=own.id, report_id=_r(world), position=1)
    second = ReadingListEntry(list_id=own.id, report_id=_r(world, "shared"), position=2)
    world.extra["lib_other_entry"] = ReadingListEntry(
        list_id=other.id, report_id=_r(world, "other"), position=1
    )
    session.add_all([world.extra["lib_entry"], second, world.extra["lib_other_entry"]])
    session.flush()
