"""What the meetings area puts in the bell: invitations, reviews, comments, distribution, tasks."""

from __future__ import annotations

from sqlalchemy import select

from circle.notifications.models import Notification
from circle.notifications.services import unread_count
from meetings.services import attendance, workflow
from meetings.services.actions import add_action
from tests.meetings.conftest import at


def _kinds(session, member) -> list[str]:  # noqa: ANN001
    session.expire_all()
    return list(
        session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )


def test_invitation_and_change_notice_reach_the_invited(session, people, make_meeting) -> None:
    """Everyone invited (not the leader who sends it) hears of the invitation and the change."""
    meeting = make_meeting(5)
    attendance.send_invitation(session, meeting, people.circle, actor=people.leader)
    attendance.send_invitation(session, meeting, people.circle, actor=people.leader)
    session.commit()
    assert _kinds(session, people.participant) == ["meeting_invitation", "meeting_changed"]
    assert _kinds(session, people.leader2) == ["meeting_invitation", "meeting_changed"]
    assert _kinds(session, people.leader) == []
    assert _kinds(session, people.reference) == []  # a circle meeting: not invited


def test_review_comment_and_distribution(session, people, held_meeting) -> None:
    """Reviewers hear the minutes are ready; the writer hears of comments; the reference group
    and unit leaders hear of the distributed minutes."""
    meeting = held_meeting()
    workflow.send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(2))
    assert _kinds(session, people.participant) == ["minutes_review"]
    assert "minutes_review" not in _kinds(session, people.participant2)  # excused: no review
    comment = workflow.add_comment(
        session, meeting.minutes, people.circle, actor=people.participant, kind="comment", body="Ok"
    )
    assert _kinds(session, people.leader) == ["minutes_comment"]  # the leader wrote the minutes
    workflow.decide_comment(session, comment, people.circle, actor=people.leader, accept=False)
    workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)
    workflow.distribute_minutes(session, meeting, people.circle, actor=people.leader)
    session.commit()
    assert _kinds(session, people.reference) == ["minutes_distributed"]
    assert _kinds(session, people.unit_leader) == ["minutes_distributed"]
    assert unread_count(session, people.reference) == 1


def test_a_task_is_announced_once_when_its_owner_may_see_it(session, people, held_meeting):
    """A task in draft minutes is announced when the owner can see it: to a reviewer when the
    minutes go for review, to others at approval, never twice."""
    meeting = held_meeting()
    for owner in (people.participant, people.participant2):
        add_action(
            session,
            meeting.minutes,
            people.circle,
            actor=people.leader,
            what="Ring boligkontoret",
            owner_id=owner.id,
        )
    assert _kinds(session, people.participant) == [] == _kinds(session, people.participant2)
    workflow.send_for_review(session, meeting, people.circle, actor=people.leader, deadline=at(2))
    assert _kinds(session, people.participant) == ["minutes_review", "action_assigned"]
    assert _kinds(session, people.participant2) == []  # not a reviewer: cannot see it yet
    workflow.approve_minutes(session, meeting, people.circle, actor=people.leader)
    assert _kinds(session, people.participant) == ["minutes_review", "action_assigned"]
    assert _kinds(session, people.participant2) == ["action_assigned"]


def test_bell_page_shows_meeting_notices_with_links(
    client, session, people, make_meeting, login_as
) -> None:
    """The notifications page names who invited and links to the meeting; opening it marks it
    read."""
    meeting = make_meeting(5, title="Høstmøtet")
    attendance.send_invitation(session, meeting, people.circle, actor=people.leader)
    session.commit()
    note_id = session.scalar(
        select(Notification.id).where(Notification.member_id == people.participant.id)
    )
    login_as(people.participant)
    page = client.get("/notifications").text
    assert "Lea Leder sendte deg innkalling til et møte" in page and "Høstmøtet" in page
    response = client.post(f"/notifications/{note_id}/open")
    assert response.headers["Location"].endswith(f"/c/{people.circle.slug}/meetings/{meeting.id}")
    assert unread_count(session, people.participant) == 0
