"""E-mail: immediate notices, digests, muting, unsubscribe links; never the post's text."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from circle.models import utcnow
from circle.threads.models import (
    Audience,
    DigestRecord,
    MailMode,
    Notification,
    NotificationSetting,
)
from circle.threads.services import following
from circle.threads.services import notifications as notes
from circle.threads.services.threads import create_thread

SECRET_TEXT = "Hemmelig formulering om en ungdom i Bydel Test"


def _recipients(mailbox) -> set[str]:  # noqa: ANN001
    return {m["To"] for m in mailbox}


def _body(msg) -> str:  # noqa: ANN001
    return msg.get_payload(decode=True).decode()


def _start(client, login, people, audience="circle", title="Bolig før 18"):  # noqa: ANN001, ANN202
    login(people.leader)
    response = client.post(
        "/c/egen/threads/new",
        data={"title": title, "kind": "discussion", "audience": audience, "body": SECRET_TEXT},
    )
    assert response.status_code == 302
    client.post("/logout")
    return int(re.search(r"/threads/(\d+)", response.headers["Location"]).group(1))


def test_reply_mail_has_title_author_link_and_no_text(client, login, people, mailbox) -> None:
    """Followers get an immediate e-mail: title, who wrote, a link; never the post's text."""
    thread_id = _start(client, login, people)
    mailbox.clear()
    login(people.participant)
    response = client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": SECRET_TEXT})
    assert response.status_code == 302
    assert _recipients(mailbox) == {people.leader.email}
    body = _body(mailbox[0])
    assert "Bolig før 18" in body and "Per Deltaker" in body
    link = re.search(
        rf"http://sirkel\.test/c/egen/threads/{thread_id}\?post=(\d+)#post-(\d+)", body
    )
    assert link and link.group(1) == link.group(2)
    assert "/notifications/unsubscribe/" in body
    assert SECRET_TEXT not in body and "Hemmelig" not in mailbox[0]["Subject"]


def test_new_thread_mail_reaches_the_audience_only(client, login, people, mailbox) -> None:
    """A circle thread e-mails leaders and participants; never the reference group or others."""
    _start(client, login, people, audience="circle")
    assert _recipients(mailbox) == {people.participant.email, people.participant2.email}
    mailbox.clear()
    _start(client, login, people, audience="leaders")
    assert mailbox == []  # the leader started it; nobody else is in the audience
    _start(client, login, people, audience="reference")
    assert people.outsider.email not in _recipients(mailbox)
    assert people.admin.email not in _recipients(mailbox)
    assert {people.reference.email, people.unit_leader.email} <= _recipients(mailbox)
    assert all(SECRET_TEXT not in _body(m) for m in mailbox)


def test_muted_circle_gets_no_mail_but_a_mention_still_does(
    client, login, people, session, mailbox
) -> None:
    """Muting stops e-mail; a mention always notifies (bell and e-mail)."""
    notes.mute_circle(session, people.participant2, people.circle)
    session.commit()
    thread_id = _start(client, login, people)
    assert people.participant2.email not in _recipients(mailbox)
    login(people.participant)
    client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": "Hei @Pia Deltaker"})
    assert people.participant2.email in _recipients(mailbox)
    mention = next(m for m in mailbox if m["To"] == people.participant2.email)
    assert "nevnte deg" in mention["Subject"]


def test_mention_in_the_opening_post_reaches_a_muted_member(
    client, login, people, session, mailbox
) -> None:
    """@Name in the first post is a mention: the muted member is e-mailed, the others hear of a
    new thread."""
    notes.mute_circle(session, people.participant2, people.circle)
    session.commit()
    login(people.leader)
    response = client.post(
        "/c/egen/threads/new",
        data={
            "title": "Bolig før 18",
            "kind": "discussion",
            "audience": "circle",
            "body": "Hva mener @Pia Deltaker om dette?",
        },
    )
    assert response.status_code == 302
    mention = [m for m in mailbox if m["To"] == people.participant2.email]
    assert len(mention) == 1 and "nevnte deg" in mention[0]["Subject"]
    other = next(m for m in mailbox if m["To"] == people.participant.email)
    assert "Ny tråd" in other["Subject"]


def test_daily_digest_is_sent_once(app, client, login, people, session, runner, mailbox) -> None:
    """Daily mode: no immediate mail; the digest command sends one; a second run sends none."""
    notes.set_mail_mode(session, people.leader, None, MailMode.DAILY)
    session.commit()
    thread_id = _start(client, login, people, title="Digesttråd")
    login(people.participant)
    client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": SECRET_TEXT})
    client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": "Enda et innlegg"})
    assert people.leader.email not in _recipients(mailbox)
    mailbox.clear()
    result = runner.invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0, result.output
    assert _recipients(mailbox) == {people.leader.email}
    body = _body(mailbox[0])
    assert "Digesttråd" in body and "Per Deltaker" in body and "2 nytt" in body
    assert SECRET_TEXT not in body and "Enda et innlegg" not in body
    assert f"/c/egen/threads/{thread_id}" in body
    mailbox.clear()
    again = runner.invoke(args=["notifications", "send-digests"])
    assert again.exit_code == 0 and "digests queued: 0" in again.output
    assert mailbox == []
    assert session.scalar(select(func.count()).select_from(DigestRecord)) == 1


def test_digest_waits_for_tomorrow_after_todays_is_sent(app, people, session, mailbox) -> None:
    """A second digest the same day is not sent; the new items wait."""
    from circle.threads.delivery import send_digests

    notes.set_mail_mode(session, people.participant, None, MailMode.DAILY)
    session.commit()
    create_thread(
        session,
        people.circle,
        actor=people.leader,
        title="Først",
        body="a",
        audience=Audience.CIRCLE,
    )
    session.commit()
    with app.test_request_context("/"):
        assert send_digests(session) >= 1
        session.commit()
        create_thread(
            session,
            people.circle,
            actor=people.leader,
            title="Senere",
            body="b",
            audience=Audience.CIRCLE,
        )
        session.commit()
        mailbox.clear()
        assert send_digests(session) == 0
        session.commit()
        assert mailbox == []
        pending = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.mailed_at.is_(None), Notification.member_id == people.participant.id
            )
        )
        assert pending == 1
        assert send_digests(session, utcnow() + timedelta(days=1)) >= 1
        session.commit()
    assert "Senere" in _body(mailbox[-1])


def test_digest_never_mails_a_thread_the_member_no_longer_sees(
    app, people, session, mailbox
) -> None:
    """Pending notifications of a thread the member lost access to are dropped."""
    from circle.models import Membership
    from circle.threads.delivery import send_digests

    notes.set_mail_mode(session, people.participant, None, MailMode.DAILY)
    session.commit()
    create_thread(
        session,
        people.circle,
        actor=people.leader,
        title="Internt",
        body="x",
        audience=Audience.CIRCLE,
    )
    session.delete(
        session.scalar(select(Membership).where(Membership.member_id == people.participant.id))
    )
    session.commit()
    with app.test_request_context("/"):
        send_digests(session)
        session.commit()
    assert people.participant.email not in _recipients(mailbox)


def _unsubscribe_links(msg) -> list[str]:  # noqa: ANN001
    return re.findall(r"http://sirkel\.test(/notifications/unsubscribe/\S+)", _body(msg))


def test_unsubscribe_link_confirms_then_unfollows(client, login, people, session, mailbox) -> None:
    """The thread link shows a confirmation (GET changes nothing); POST stops following."""
    thread_id = _start(client, login, people)
    login(people.participant)
    client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": "Med"})
    client.post("/logout")
    mailbox.clear()
    login(people.leader)
    client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": "Svar"})
    client.post("/logout")
    mail = next(m for m in mailbox if m["To"] == people.participant.email)
    thread_link, circle_link = _unsubscribe_links(mail)[:2]
    page = client.get(thread_link)  # signed out
    assert page.status_code == 200 and "Bolig før 18" in page.text and "<form" in page.text
    from circle.threads.models import Thread

    thread = session.get(Thread, thread_id)
    assert following.is_following(session, people.participant, thread)
    assert client.post(thread_link).status_code == 200
    session.expire_all()
    assert not following.is_following(session, people.participant, thread)
    assert client.post(circle_link).status_code == 200
    assert (
        session.scalar(
            select(NotificationSetting.mode).where(
                NotificationSetting.member_id == people.participant.id
            )
        )
        == MailMode.OFF
    )


def test_bad_unsubscribe_tokens_are_404(client, app) -> None:
    """Forged or garbled tokens show nothing."""
    from circle.threads.tokens import make_token

    assert client.get("/notifications/unsubscribe/nonsense").status_code == 404
    forged = make_token("another-secret", 1, "thread", 1)
    assert client.get(f"/notifications/unsubscribe/{forged}").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{forged}").status_code == 404


def test_unsubscribe_post_needs_csrf(csrf_app, people) -> None:
    """The confirmation is a POST with a CSRF token; without one: 400."""
    from circle.threads.tokens import make_token

    with csrf_app.app_context():
        token = make_token(
            csrf_app.config["SECRET_KEY"], people.participant.id, "circle", people.circle.id
        )
    response = csrf_app.test_client().post(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 400
