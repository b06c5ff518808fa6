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
