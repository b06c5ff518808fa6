"""Agenda items and minutes keep their Markdown's HTML, rendered when the text is saved."""

from __future__ import annotations

from sqlalchemy import select, update

from circle.text import PIPELINE_VERSION
from meetings.models import AgendaItem, ItemKind


def test_setting_one_field_of_a_stale_row_renders_the_others_too(session, make_meeting) -> None:
    meeting = make_meeting()
    item = AgendaItem(
        meeting_id=meeting.id,
        kind=ItemKind.DISCUSSION,
        title="Sak",
        description="Om *saken*",
        preparation="Les **dette**",
    )
    session.add(item)
    session.commit()
    # As if an older pipeline had rendered the row.
    session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id)
        .values(preparation_html="<p>gammel</p>", html_version=PIPELINE_VERSION - 1)
    )
    session.commit()
    session.expire_all()
    assert str(item.rendered("preparation")) == "<p>Les <strong>dette</strong></p>"
    item.description = "Ny *tekst*"
    session.commit()
    session.expire_all()
    stored = session.execute(
        select(
            AgendaItem.description_html, AgendaItem.preparation_html, AgendaItem.html_version
        ).where(AgendaItem.id == item.id)
    ).one()
    assert stored == ("<p>Ny <em>tekst</em></p>", "<p>Les <strong>dette</strong></p>", 1)


def test_the_meeting_page_shows_the_stored_html(session, client, login, people, make_meeting):
    meeting = make_meeting()
    item = meeting.items[0]
    item.description = "Se *dette*"
    session.commit()
    # A rendering only the stored column holds: the page must read it, not render again.
    session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id)
        .values(description_html="<p>fra lageret</p>")
    )
    session.commit()
    login(people.leader)
    page = client.get(f"/c/{people.circle.slug}/meetings/{meeting.id}")
    assert page.status_code == 200
    assert "<p>fra lageret</p>" in page.get_data(as_text=True)
