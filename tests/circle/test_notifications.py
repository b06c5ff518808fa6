"""The core's notifications: recording, muting, once per subject, the bell's count and list."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from circle.models import Membership, Role
from circle.notifications import services
from circle.notifications.kinds import NotificationKind, register_kind
from circle.notifications.models import Notification

TEST_KIND = NotificationKind(
    "test_kind", "gjorde noe", lambda note: "/profile", setting="Testvarsler"
)
FIXED_KIND = NotificationKind("test_fixed", "må du vite", lambda note: None)


def _count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Notification))


def test_record_skips_the_actor_and_muted_members(session, make_circle, make_member) -> None:
    """The actor never notifies themself; a member who turned the kind off gets nothing; a kind
    that cannot be turned off reaches them anyway."""
    circle = make_circle()
    actor = make_member(circle=circle, role=Role.LEADER)
    ann, bo = make_member(circle=circle), make_member(circle=circle)
    services.set_muted_kinds(session, bo, {"test_kind", "test_fixed"}, [TEST_KIND, FIXED_KIND])
    made = services.record_notification(
        session,
        kind=TEST_KIND,
        recipients=[actor, ann, bo, ann.id],
        actor=actor,
        circle_id=circle.id,
        title="Noe nytt",
    )
    assert [n.member_id for n in made] == [ann.id]
    assert services.muted_kinds(session, bo) == {"test_kind"}  # the fixed kind cannot be muted
    fixed = services.record_notification(
        session, kind=FIXED_KIND, recipients=[bo], actor=actor, circle_id=circle.id, title="X"
    )
    assert [n.member_id for n in fixed] == [bo.id]
    assert made[0].mailed_at is not None  # no e-mail is due for it from the notifications


def test_once_per_subject(session, make_circle, make_member) -> None:
    """once=True does not notify a member twice about the same subject."""
    circle = make_circle()
    ann = make_member(circle=circle)
    for _ in range(2):
        services.record_notification(
            session,
            kind=TEST_KIND,
            recipients=[ann],
            actor=None,
            circle_id=circle.id,
            title="Oppgave",
            subject_kind="action",
            subject_id=7,
            once=True,
        )
    assert _count(session) == 1


def test_bell_counts_unread_in_the_members_circles_only(session, make_circle, make_member) -> None:
    """Unread notices count until read; a circle the member left no longer shows its notices."""
    circle, other = make_circle(), make_circle()
    ann = make_member(circle=circle)
    session.add(Membership(member=ann, circle=other, role=Role.PARTICIPANT))
    session.commit()
    for c in (circle, other, None):
        services.record_notification(
            session,
            kind=TEST_KIND,
            recipients=[ann],
            actor=None,
            circle_id=c.id if c else None,
            title="Noe",
        )
    assert services.unread_count(session, ann) == 3
    session.delete(session.scalar(select(Membership).where(Membership.circle_id == other.id)))
    session.commit()
    assert services.unread_count(session, ann) == 2
    assert len(services.list_notifications(session, ann)) == 2
    first = services.list_notifications(session, ann)[0]
    services.mark_read(session, ann, first)
    assert services.unread_count(session, ann) == 1
    assert services.mark_all_read(session, ann) == 2  # the one no longer shown as well
    assert services.unread_count(session, ann) == 0


def test_page_lists_and_opens_a_notification(app, client, login, session, make_circle, make_member):
    """The page says who did what and links to it; opening one marks it read (POST)."""
    register_kind(app, TEST_KIND)
    circle = make_circle()
    actor = make_member("Ida Aktør", circle=circle, role=Role.LEADER)
    ann = make_member(circle=circle)
    note = services.record_notification(
        session,
        kind=TEST_KIND,
        recipients=[ann],
        actor=actor,
        circle_id=circle.id,
        title="Noe nytt",
    )[0]
    session.commit()
    login(ann)
    page = client.get("/notifications").text
    assert "Ida Aktør gjorde noe" in page and "Noe nytt" in page and "(1 uleste)" in page
    response = client.post(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert "uleste)" not in client.get("/notifications").text
    with app.test_request_context():
        assert url_for("notifications.open_notification", notification_id=note.id)


def test_settings_turn_kinds_off_but_never_mentions(app, client, login, session, make_member):
    """The settings page lists the kinds that can be turned off (not mentions) and saves them."""
    ann = make_member()
    login(ann)
    page = client.get("/notifications/settings").text
    assert 'value="minutes_review"' in page and 'value="upload_refused"' in page
    assert 'value="mention"' not in page
    response = client.post(
        "/notifications/settings",
        data={"mode": "immediate", "kinds": "1", "kind": ["minutes_review", "post"]},
    )
    assert response.status_code == 302
    muted = services.muted_kinds(session, ann)
    assert "meeting_invitation" in muted and "upload_refused" in muted
    assert "minutes_review" not in muted and "post" not in muted and "mention" not in muted
