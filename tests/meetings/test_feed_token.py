"""A calendar-feed token dies with deactivation and stays dead after reactivation."""

from __future__ import annotations

from sqlalchemy import select

from circle.models import Member
from meetings.models import FeedToken
from meetings.services import ical


def _feed(client, token: str) -> int:  # noqa: ANN001
    return client.get(f"/meetings/feed/{token}.ics").status_code


def test_deactivation_kills_the_feed_and_reactivation_does_not_revive_it(
    client, session, people, make_meeting, make_member, login_as
) -> None:
    make_meeting(5)
    member = people.participant
    old = ical.renew_feed_token(session, member).token
    session.commit()
    assert _feed(client, old) == 200
    admin = make_member("Ada Admin", admin=True)
    login_as(admin)
    assert client.post(f"/admin/members/{member.id}/deactivate").status_code == 302
    assert _feed(client, old) == 404
    session.expire_all()
    assert session.scalar(select(FeedToken).where(FeedToken.member_id == member.id)) is None
    assert client.post(f"/admin/members/{member.id}/reactivate").status_code == 302
    assert _feed(client, old) == 404
    # Back in: no feed link until the member asks for a new one, which then works.
    login_as(session.get(Member, member.id))
    page = client.get("/meetings/calendar").get_data(as_text=True)
    assert old not in page and "Lag kalenderlenke" in page
    assert client.post("/meetings/calendar/renew").status_code == 302
    session.expire_all()
    new = session.scalar(select(FeedToken.token).where(FeedToken.member_id == member.id))
    assert new and new != old
    assert _feed(client, new) == 200 and _feed(client, old) == 404


def test_the_command_line_deactivation_kills_the_feed_too(
    client, runner, session, people, make_meeting
) -> None:
    make_meeting(5)
    token = ical.renew_feed_token(session, people.participant2).token
    session.commit()
    assert _feed(client, token) == 200
    result = runner.invoke(args=["users", "deactivate", people.participant2.email])
    assert result.exit_code == 0, result.output
    assert _feed(client, token) == 404
    session.expire_all()
    assert session.scalar(select(FeedToken)) is None
