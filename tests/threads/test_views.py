"""View tests: the pages, bad input over HTTP, unread markers, the bell, the reference page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from circle.threads.models import Audience, Notification, Post, Thread, ThreadKind
from circle.threads.services import moderation
from circle.threads.services.posts import add_post
from circle.threads.services.threads import create_thread
from circle.threads.subjects import FeedItem, register_reference_feed
from tests.threads.conftest import STAFF, Doc

VALID_FNR = "15076500565"


def _thread(session, people, audience=Audience.CIRCLE, **kw):  # noqa: ANN001, ANN202
    thread = create_thread(
        session,
        people.circle,
        actor=kw.pop("actor", people.leader),
        title=kw.pop("title", "Overgang til NAV"),
        body=kw.pop("body", "Hvordan gjør dere det?"),
        audience=audience,
        **kw,
    )
    session.commit()
    return thread


def _posts(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Post))


def test_start_thread_and_reply_over_http(client, login, people, session) -> None:
    """Start a thread, reply, reply nested, quote; the page shows it all."""
    login(people.participant)
    response = client.post(
        "/c/egen/threads/new",
        data={
            "title": "Felles mal",
            "kind": "discussion",
            "audience": "circle",
            "body": "Utkast til **mal**",
        },
    )
    assert response.status_code == 302
    thread_id = int(re.search(r"/threads/(\d+)", response.headers["Location"]).group(1))
    first = client.post(f"/c/egen/threads/{thread_id}/reply", data={"body": "Første svar"})
    first_id = int(first.headers["Location"].rsplit("post-", 1)[1])
    nested = client.post(
        f"/c/egen/threads/{thread_id}/reply",
        data={"body": "Nestet svar", "parent_id": str(first_id)},
    )
    assert nested.status_code == 302
    assert session.get(Post, first_id + 1).depth == 2
    quote = client.get(f"/c/egen/threads/{thread_id}/reply?to={first_id}&quote=1")
    assert "&gt; Første svar" in quote.text
    page = client.get(f"/c/egen/threads/{thread_id}")
    assert page.status_code == 200
    assert "<strong>mal</strong>" in page.text and "Nestet svar" in page.text
    assert 'class="replies"' in page.text


def test_thread_outside_audience_is_404_and_nothing_is_saved(
    client, login, people, session
) -> None:
    """A reference member cannot see or post to a circle-only thread: 404, no trace."""
    thread = _thread(session, people, Audience.CIRCLE, title="Bare for sirkelen")
    login(people.reference)
    assert client.get(f"/c/egen/threads/{thread.id}").status_code == 404
    before = _posts(session)
    response = client.post(f"/c/egen/threads/{thread.id}/reply", data={"body": "Hei"})
    assert response.status_code == 404
    assert "Bare for sirkelen" not in response.text
    assert _posts(session) == before
    assert "Bare for sirkelen" not in client.get("/c/egen/threads").text


def test_reply_to_locked_thread_is_refused_with_a_message(client, login, people, session) -> None:
    """Locked: 409, a clear message, nothing saved."""
    thread = _thread(session, people, Audience.REFERENCE)
    moderation.set_locked(session, thread, True, actor=people.leader)
    session.commit()
    login(people.participant)
    before = _posts(session)
    response = client.post(f"/c/egen/threads/{thread.id}/reply", data={"body": "Hei"})
    assert response.status_code == 409 and "låst" in response.text
    assert _posts(session) == before


def test_bad_input_over_http(client, login, people, session) -> None:
    """Empty, oversized, identity number, mention outside audience: 400, message, nothing saved."""
    thread = _thread(session, people, Audience.CIRCLE)
    login(people.participant)
    before = _posts(session)
    cases = [
        ("", "Feltet må fylles ut"),
        ("x" * 100_000, "mellom"),
        (f"Gjelder {VALID_FNR}", "fødselsnummer"),
        ("Hei @Rita Referanse", "Rita Referanse er ikke med"),
    ]
    for body, message in cases:
        response = client.post(f"/c/egen/threads/{thread.id}/reply", data={"body": body})
        assert response.status_code == 400, body[:20]
        assert message in response.text
    assert _posts(session) == before
    assert (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.member_id == people.reference.id)
        )
        == 0
    )


def test_identity_number_in_title_over_http(client, login, people, session) -> None:
    """A fødselsnummer in the title: the form says why, no thread is made."""
    login(people.leader)
    response = client.post(
        "/c/egen/threads/new",
        data={"title": f"Sak {VALID_FNR}", "kind": "discussion", "audience": "circle", "body": "x"},
    )
    assert response.status_code == 400 and "fødselsnummer" in response.text
    assert session.scalar(select(func.count()).select_from(Thread)) == 0


def test_edit_history_and_delete(client, login, people, session) -> None:
    """Edited posts say so; the author and leaders see the history; removal leaves a marker."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Opprinnelig tekst")
    session.commit()
    base = f"/c/egen/threads/{thread.id}/posts/{post.id}"
    login(people.participant)
    assert client.post(f"{base}/edit", data={"body": "Ny tekst"}).status_code == 302
    assert "redigert" in client.get(f"/c/egen/threads/{thread.id}").text
    assert "Opprinnelig tekst" in client.get(f"{base}/history").text
    client.post("/logout")
    login(people.participant2)
    assert client.get(f"{base}/history").status_code == 403
    assert client.get(f"{base}/edit").status_code == 403
    client.post("/logout")
    login(people.leader)
    assert client.get(f"{base}/history").status_code == 200
    client.post("/logout")
    login(people.participant)
    assert client.post(f"{base}/delete").status_code == 302
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "Innlegget er fjernet." in page and "Ny tekst" not in page


def test_hidden_post_shows_only_to_leaders(client, login, people, session) -> None:
    """A hidden post's text is shown to leaders only."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Upassende tekst")
    moderation.hide_post(session, post, actor=people.leader)
    session.commit()
    login(people.participant2)
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "Upassende tekst" not in page and "skjult av en sirkelleder" in page
    client.post("/logout")
    login(people.leader)
    assert "Upassende tekst" in client.get(f"/c/egen/threads/{thread.id}").text


def test_report_and_moderation_views(client, login, people, session) -> None:
    """Report a post; leaders see it in the list and hide it; the thread can be resolved."""
    thread = _thread(session, people, Audience.REFERENCE)
    post = add_post(session, thread, actor=people.participant, body="Rapporter meg")
    session.commit()
    login(people.reference)
    assert (
        client.post(
            f"/c/egen/threads/{thread.id}/posts/{post.id}/report",
            data={"reason": "Personopplysninger?"},
        ).status_code
        == 302
    )
    assert client.get("/c/egen/threads/reports").status_code == 403
    client.post("/logout")
    login(people.leader)
    assert "Rapporter meg" in client.get("/c/egen/threads/reports").text
    client.post(f"/c/egen/threads/{thread.id}/posts/{post.id}/hide")
    assert "Ingen ubehandlede" in client.get("/c/egen/threads/reports").text
    response = client.post(
        f"/c/egen/threads/{thread.id}/resolve", data={"resolution": "Tatt inn i rutinen"}
    )
    assert response.status_code == 302
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "Slik ble innspillene brukt" in page and "Tatt inn i rutinen" in page
    assert (
        client.post(f"/c/egen/threads/{thread.id}/state", data={"action": "close"}).status_code
        == 302
    )
    assert "tar ikke imot nye innlegg" in client.get(f"/c/egen/threads/{thread.id}").text
    assert (
        client.post(f"/c/egen/threads/{thread.id}/state", data={"action": "explode"}).status_code
        == 400
    )


def test_unread_markers_and_bell(client, login, people, session) -> None:
    """New posts are marked and counted on the bell until the thread is marked read."""
    thread = _thread(session, people, Audience.REFERENCE, actor=people.leader)
    login(people.reference)
    client.post(f"/c/egen/threads/{thread.id}/reply", data={"body": "Mitt innspill"})
    add_post(session, thread, actor=people.participant, body="Svar til @Rita Referanse")
    session.commit()
    home = client.get("/c/egen").text
    assert "(1 uleste)" in home  # the mention (posting read the rest)
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "1 nye innlegg siden du sist var her" in page
    assert page.count('class="badge new"') == 1
    response = client.post(
        f"/c/egen/threads/{thread.id}/read",
        data={"upto": str(thread.last_post_id)},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 204
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert 'class="badge new"' not in page and "uleste" not in page


def test_notifications_page_and_mark_all_read(client, login, people, session) -> None:
    """The list shows what happened; mark all read empties the bell."""
    _thread(session, people, Audience.REFERENCE, title="Ny høring om bolig")
    login(people.unit_leader)
    page = client.get("/notifications").text
    assert "Ny høring om bolig" in page and "Ulest" in page
    assert client.post("/notifications/read").status_code == 302
    assert "uleste)" not in client.get("/notifications").text


def test_notification_list_hides_threads_out_of_audience(client, login, people, session) -> None:
    """A notification for a leaders-only thread is never listed for a participant."""
    thread = _thread(session, people, Audience.LEADERS, title="Ledersak")
    session.add(
        Notification(
            member_id=people.participant.id,
            circle_id=people.circle.id,
            thread_id=thread.id,
            kind="post",
        )
    )
    session.commit()
    login(people.participant)
    assert "Ledersak" not in client.get("/notifications").text
    assert "uleste" not in client.get("/").text


def test_follow_and_unfollow(client, login, people, session) -> None:
    """Follow and stop following any thread one sees (POST)."""
    thread = _thread(session, people, Audience.REFERENCE)
    login(people.unit_leader)
    assert "Følg tråden" in client.get(f"/c/egen/threads/{thread.id}").text
    client.post(f"/c/egen/threads/{thread.id}/follow")
    assert "Slutt å følge" in client.get(f"/c/egen/threads/{thread.id}").text
    assert "Overgang til NAV" in client.get("/c/egen/reference").text
    client.post(f"/c/egen/threads/{thread.id}/unfollow")
    assert "Følg tråden" in client.get(f"/c/egen/threads/{thread.id}").text


def test_settings_page_saves_modes(client, login, people, session) -> None:
    """Default and per-circle e-mail modes are saved."""
    from circle.threads.models import MailMode
    from circle.threads.services.notifications import mail_modes

    login(people.participant)
    assert client.get("/notifications/settings").status_code == 200
    client.post(
        "/notifications/settings", data={"mode": "daily", f"circle-{people.circle.id}": "off"}
    )
    assert mail_modes(session, [people.participant.id], people.circle.id) == {
        people.participant.id: MailMode.OFF
    }
    assert mail_modes(session, [people.participant.id], people.other.id) == {
        people.participant.id: MailMode.DAILY
    }


def test_reference_page_shows_shared_items_and_consultations(
    app, client, login, people, session, docs
) -> None:
    """Status updates, feed items, open consultations with deadlines, followed threads."""
    docs[1] = Doc(people.circle.id, "Referat fra aprilmøtet")
    register_reference_feed(
        app,
        lambda s, c: (
            [
                FeedItem(
                    title="Referat fra aprilmøtet",
                    url="/docs/1",
                    date=date(2026, 4, 2),
                    kind="testdoc",
                    id=1,
                )
            ]
            if c.id == people.circle.id
            else []
        ),
    )
    register_reference_feed(
        app, lambda s, c: [{"title": "Farlig", "url": "javascript:x", "kind": "x", "date": None}]
    )
    deadline = date.today() + timedelta(days=10)
    _thread(
        session,
        people,
        Audience.REFERENCE,
        kind=ThreadKind.CONSULTATION,
        deadline=deadline,
        requested_by="Direktoratet",
        title="Innspill til veileder",
    )
    login(people.leader)
    form = client.get("/c/egen/status/new").text
    assert 'value="testdoc:1"' in form
    response = client.post(
        "/c/egen/status/new",
        data={"title": "Status i mai", "body": "Prosjektene er i gang.", "links": ["testdoc:1"]},
    )
    assert response.status_code == 302
    status_page = client.get(response.headers["Location"]).text
    assert 'href="/docs/1"' in status_page and "Kommentarer (0)" in status_page
    client.post("/logout")
    login(people.reference)
    page = client.get("/c/egen/reference").text
    assert "Status i mai" in page and "Referat fra aprilmøtet" in page
    assert "Innspill til veileder" in page and "Direktoratet" in page
    assert "javascript:" not in page
    assert client.get("/c/egen/status/new").status_code == 403


def test_status_link_to_unshared_item_is_refused(app, client, login, people, session, docs) -> None:
    """A status update cannot link what the reference group may not see."""
    docs[2] = Doc(people.circle.id, "Internt prosjekt", audience_ok=STAFF)
    register_reference_feed(
        app,
        lambda s, c: [
            FeedItem(title="Internt prosjekt", url="/docs/2", date=None, kind="testdoc", id=2)
        ],
    )
    login(people.leader)
    assert 'value="testdoc:2"' not in client.get("/c/egen/status/new").text
    response = client.post(
        "/c/egen/status/new", data={"title": "Status", "body": "Tekst", "links": ["testdoc:2"]}
    )
    assert response.status_code == 400  # not a valid choice


def test_thread_on_a_subject(client, login, people, session, docs) -> None:
    """A thread on a shared document; a draft gives 404; the thread shows its subject."""
    docs[1] = Doc(people.circle.id, "Godkjent referat")
    docs[2] = Doc(people.circle.id, "Utkast", shareable=False)
    login(people.participant)
    assert client.get("/c/egen/threads/new?subject_kind=testdoc&subject_id=2").status_code == 404
    assert client.get("/c/egen/threads/new?subject_kind=testdoc&subject_id=9").status_code == 404
    page = client.get("/c/egen/threads/new?subject_kind=testdoc&subject_id=1")
    assert page.status_code == 200 and "Godkjent referat" in page.text
    response = client.post(
        "/c/egen/threads/new",
        data={
            "title": "Spørsmål til referatet",
            "audience": "reference",
            "body": "",
            "subject_kind": "testdoc",
            "subject_id": "1",
        },
    )
    assert response.status_code == 302
    thread_page = client.get(response.headers["Location"]).text
    assert 'href="/docs/1"' in thread_page
    docs[1].shareable = False
    assert client.get(response.headers["Location"]).status_code == 404


def test_home_panel_lists_open_threads(client, login, people, session) -> None:
    """The circle's home page lists open threads the member sees."""
    _thread(session, people, Audience.REFERENCE, title="Åpen referansetråd")
    _thread(session, people, Audience.LEADERS, title="Ledernes tråd")
    login(people.reference)
    page = client.get("/c/egen").text
    assert "Åpen referansetråd" in page and "Ledernes tråd" not in page
    assert 'href="/c/egen/threads"' in page  # the "Innspill" menu item


def test_xss_in_post_is_neutralised(client, login, people, session) -> None:
    """Posts go through the shared Markdown pipeline."""
    thread = _thread(session, people)
    login(people.participant)
    client.post(
        f"/c/egen/threads/{thread.id}/reply",
        data={"body": "<script>alert(1)</script> [x](javascript:alert(1))"},
    )
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert "<script>alert" not in page and 'href="javascript:' not in page
