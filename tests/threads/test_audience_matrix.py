"""Role x audience x thread state: who is notified and e-mailed, who may post; never outsiders."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from circle.errors import Conflict, NotAllowed
from circle.threads.models import Audience, Notification
from circle.threads.permissions import audience_roles
from circle.threads.services import moderation
from circle.threads.services.posts import add_post
from circle.threads.services.threads import create_thread

ROLES = ("leader", "participant", "reference", "unit_leader")


@pytest.mark.parametrize("audience", list(Audience))
def test_notifications_and_mail_reach_exactly_the_audience(
    app, people, session, mailbox, audience
) -> None:
    """Everyone in the audience hears of a new thread and of posts they follow; nobody else."""
    create_thread(
        session,
        people.circle,
        actor=people.admin,
        title="Målgruppetest",
        body="Innhold som aldri skal i e-post",
        audience=audience,
    )
    session.commit()  # the mail goes out from the job the commit hands over
    expected = {getattr(people, role).id for role in ROLES if role in audience_roles(audience)}
    if "participant" in audience_roles(audience):
        expected.add(people.participant2.id)
    notified = set(session.scalars(select(Notification.member_id)))
    assert notified == expected
    mailed = {m["To"] for m in mailbox}
    staff_too = {people.participant2.email} if "participant" in audience_roles(audience) else set()
    assert (
        mailed
        == {getattr(people, r).email for r in ROLES if r in audience_roles(audience)} | staff_too
    )
    assert people.outsider.email not in mailed
    assert all("aldri skal i e-post" not in m.get_payload(decode=True).decode() for m in mailbox)


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("state", ["open", "locked", "closed", "resolved"])
def test_who_may_post_per_audience_and_state(session, people, audience, state) -> None:
    """Members in the audience post while the thread is open or resolved; no one else ever."""
    thread = create_thread(
        session, people.circle, actor=people.admin, title="T", body="B", audience=audience
    )
    if state == "locked":
        moderation.set_locked(session, thread, True, actor=people.admin)
    elif state == "closed":
        moderation.close_thread(session, thread, actor=people.admin)
    elif state == "resolved":
        moderation.resolve_thread(session, thread, actor=people.admin, resolution="Brukt")
    session.commit()
    for role in (*ROLES, "outsider"):
        member = getattr(people, role)
        inside = role in audience_roles(audience)
        if not inside:
            with pytest.raises(NotAllowed):
                add_post(session, thread, actor=member, body="Hei")
        elif state in ("locked", "closed"):
            with pytest.raises(Conflict):
                add_post(session, thread, actor=member, body="Hei")
        else:
            assert add_post(session, thread, actor=member, body="Hei").id
        session.rollback()
