"""Mail headers of thread notices and digests: List-Unsubscribe one-click (RFC 8058), Date."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from circle.threads.models import Audience, MailMode, NoticeKind, NotificationSetting
from circle.threads.services import following
from circle.threads.services import notifications as notes
from circle.threads.services.threads import create_thread


def _strict(message) -> email.message.EmailMessage:  # noqa: ANN001
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.strict)


def _one_click_path(message) -> str:  # noqa: ANN001
    header = _strict(message)["List-Unsubscribe"]
    match = re.fullmatch(r"<http://sirkel\.test(/notifications/unsubscribe/[^>\s]+)>", header)
    assert match, header
    return match.group(1)


def _thread(session, people, title="Bolig før 18"):  # noqa: ANN001, ANN202
    thread = create_thread(
        session, people.circle, actor=people.leader, title=title, body="x", audience=Audience.CIRCLE
    )
    session.commit()
    return thread


def test_thread_notice_has_one_click_unsubscribe_and_oslo_date(
    csrf_app, people, session, mailbox
) -> None:
    """The header names the signed link; a POST of List-Unsubscribe=One-Click stops the mail
    without a CSRF token or a session, and a browser POST without a token is still 400."""
    client = csrf_app.test_client()
    thread = _thread(session, people)
    following.follow(session, thread, [people.participant.id])
    session.commit()
    from circle.threads.delivery import notice_for
    from circle.threads.models import Notification

    mailbox.clear()
    note = Notification(
        member_id=people.participant.id,
        circle_id=people.circle.id,
        thread_id=thread.id,
        actor_id=people.leader.id,
        kind=NoticeKind.POST,
    )
    session.add(note)
    session.commit()
    from circle.mail import send_notices

    with csrf_app.test_request_context("/"):
        send_notices(csrf_app.config, [notice_for(note, people.participant)])
    [message] = mailbox
    parsed = _strict(message)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = parsedate_to_datetime(parsed["Date"])
    oslo = datetime.now(ZoneInfo("Europe/Oslo")).utcoffset()
    assert sent.utcoffset() == oslo and "-0000" not in parsed["Date"]
    path = _one_click_path(message)
    assert client.post(path).status_code == 400  # a form POST without its CSRF token
    assert following.is_following(session, people.participant, thread)
    fresh = csrf_app.test_client()  # no cookie, no session: the signed token alone
    response = fresh.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    session.expire_all()
    assert not following.is_following(session, people.participant, thread)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert fresh.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_digest_has_one_click_unsubscribe_for_all_thread_mail(
    app, client, people, session, mailbox
) -> None:
    """The digest's header stops thread e-mail in every circle with one POST."""
    from circle.threads.delivery import send_digests

    notes.set_mail_mode(session, people.participant, None, MailMode.DAILY)
    session.commit()
    _thread(session, people, title="Først")
    mailbox.clear()
    with app.test_request_context("/"):
        assert send_digests(session) >= 1
        session.commit()  # the digest's mail job runs after the commit
    message = next(m for m in mailbox if m["To"] == people.participant.email)
    assert _strict(message)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _one_click_path(message)
    page = client.get(path)  # a client that opens the link shows the confirmation
    assert page.status_code == 200 and "<form" in page.text
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    modes = dict(
        session.execute(
            select(NotificationSetting.circle_id, NotificationSetting.mode).where(
                NotificationSetting.member_id == people.participant.id
            )
        ).all()
    )
    assert modes[None] == MailMode.OFF and modes[people.circle.id] == MailMode.OFF
