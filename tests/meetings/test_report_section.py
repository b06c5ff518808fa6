"""The meeting series section of the compiled final report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from meetings.models import Meeting, MeetingKind
from meetings.services.report import meeting_series_section


def test_series_section_lists_meetings_in_order(app, session, make_circle):
    circle = make_circle()
    assert meeting_series_section(session, circle) is None
    start = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    for i, (title, kind, days) in enumerate(
        [("Oppstart", MeetingKind.CIRCLE, 0), ("Avslutning", MeetingKind.SEMINAR, 1)]
    ):
        session.add(
            Meeting(
                circle_id=circle.id,
                number=i + 1,
                kind=kind,
                title=title,
                starts_at=start + timedelta(days=30 * i),
                ends_at=start + timedelta(days=30 * i + days, hours=3),
                place="Høgskolen",
            )
        )
    session.commit()
    with app.app_context():
        section = meeting_series_section(session, circle)
    table = section["blocks"][1]
    assert [row[1] for row in table["rows"]] == ["Oppstart", "Avslutning"]
    assert table["rows"][0][0] == "10.03.2026" and table["rows"][1][0] == "09.04.2026–10.04.2026"
    assert table["rows"][0][3] == "Høgskolen"


def test_series_section_names_a_hosting_unit_once(app, session, make_circle):
    """A meeting held at its host unit ("Bydel Stovner" hosting in Bydel Stovner) names it once."""
    circle = make_circle()
    unit = circle.units[0]
    start = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    session.add(
        Meeting(
            circle_id=circle.id,
            number=1,
            kind=MeetingKind.CIRCLE,
            title="Hos enheten",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place=unit.name,
            host_unit_id=unit.id,
        )
    )
    session.commit()
    with app.app_context():
        section = meeting_series_section(session, circle)
    assert section["blocks"][1]["rows"][0][3] == unit.name
