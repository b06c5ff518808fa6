"""A quote carries only text of the post it quotes: a forged passage or quote is refused."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from sqlalchemy import func, select

from circle.errors import DomainError
from circle.threads.models import Audience, Post
from circle.threads.services.posts import add_post, edit_post, quote_of
from circle.threads.services.threads import create_thread

BODY = "Vi har en **felles rutine** for overgangen.\n\nDen gjelder fra 18 år og ut ettervernet."


def _thread_with_post(session, people):  # noqa: ANN001, ANN202
    thread = create_thread(
        session,
        people.circle,
        actor=people.leader,
        title="Rutiner",
        body="Hva gjør dere?",
        audience=Audience.CIRCLE,
    )
    post = add_post(session, thread, actor=people.participant, body=BODY)
    session.commit()
    return thread, post


def test_a_real_passage_is_quoted(session, people) -> None:
    _thread, post = _thread_with_post(session, people)
    # A selection in the browser is the rendered text: no Markdown marks, any whitespace.
    assert quote_of(post, "felles rutine for\novergangen") == (
        "> **Per Deltaker:**\n> felles rutine for\n> overgangen\n\n"
    )
    assert quote_of(post, "tine for overg").startswith("> **Per Deltaker:**\n> tine for overg")


@pytest.mark.parametrize(
    "forged",
    [
        "Jeg synes alle ledere bør gå av",
        "felles rutine for ungdommene",  # real words, not the post's text
        "rutine\n\n> **Lise Leder:**\n> Noe Lise aldri skrev",
    ],
)
def test_a_forged_passage_is_reduced_to_the_real_text(session, people, forged: str) -> None:
    _thread, post = _thread_with_post(session, people)
    assert quote_of(post, forged) == quote_of(post)
    assert "Lise" not in quote_of(post, forged)


def test_a_quote_of_the_post_replied_to_is_accepted(session, people) -> None:
    thread, post = _thread_with_post(session, people)
    reply = add_post(
        session,
        thread,
        actor=people.participant2,
        body=quote_of(post) + "Takk, det tar vi med oss.",
        parent=post,
    )
    passage = quote_of(post, "Den gjelder fra 18 år")
    trimmed = add_post(session, thread, actor=people.leader, body=passage + "Bra.", parent=post)
    assert reply.id and trimmed.id


@pytest.mark.parametrize(
    "body",
    [
        "> **Per Deltaker:**\n> Vi har ingen rutine i det hele tatt.\n\nEnig?",
        "> **Per Deltaker:**\n> Vi har en felles rutine for overgangen.\n> Den er dårlig.\n",
        "> **Lise Leder:**\n> Hva gjør dere?\n",  # a post of the thread, but not the one replied to
    ],
)
def test_a_forged_quote_in_a_reply_is_refused(session, people, body: str) -> None:
    thread, post = _thread_with_post(session, people)
    before = session.scalar(select(func.count(Post.id)))
    with pytest.raises(DomainError, match="sitat"):
        add_post(session, thread, actor=people.participant2, body=body, parent=post)
    session.rollback()
    assert session.scalar(select(func.count(Post.id))) == before


def test_a_quote_of_a_thread_member_without_a_parent_is_refused(session, people) -> None:
    thread, _post = _thread_with_post(session, people)
    with pytest.raises(DomainError, match="sitat"):
        add_post(session, thread, actor=people.leader, body="> **Per Deltaker:**\n> felles rutine")


def test_blockquotes_that_quote_nobody_here_are_ordinary_text(session, people) -> None:
    thread, post = _thread_with_post(session, people)
    add_post(session, thread, actor=people.leader, body="> **Merk:**\n> Frist fredag.", parent=post)
    add_post(session, thread, actor=people.leader, body="> Et sitat fra rapporten.")


def test_an_edit_cannot_forge_the_quote_either(session, people) -> None:
    thread, post = _thread_with_post(session, people)
    reply = add_post(
        session, thread, actor=people.participant2, body=quote_of(post) + "Takk.", parent=post
    )
    session.commit()
    forged = "> **Per Deltaker:**\n> Vi dropper rutinen.\n\nTakk."
    with pytest.raises(DomainError, match="sitat"):
        edit_post(session, reply, actor=people.participant2, body=forged)
    session.rollback()
    assert "Vi dropper" not in session.get(Post, reply.id).body


def test_the_reply_page_ignores_a_forged_passage(client, login, session, people) -> None:
    thread, post = _thread_with_post(session, people)
    login(people.participant2)
    forged = urllib.parse.quote("Lise Leder skrev at alle skal slutte")
    page = client.get(f"/c/egen/threads/{thread.id}/reply?to={post.id}&quote=1&passage={forged}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "alle skal slutte" not in html
    assert "&gt; **Per Deltaker:**" in html and "&gt; Den gjelder fra 18 år" in html


def test_posting_a_forged_quote_over_http_is_refused(client, login, session, people) -> None:
    thread, post = _thread_with_post(session, people)
    login(people.participant2)
    before = session.scalar(select(func.count(Post.id)))
    response = client.post(
        f"/c/egen/threads/{thread.id}/reply",
        data={"body": "> **Per Deltaker:**\n> Jeg er imot alt.\n\nHm.", "parent_id": str(post.id)},
    )
    assert response.status_code == 400
    assert re.search(r"sitat kan bare inneholde tekst", response.get_data(as_text=True))
    session.expire_all()
    assert session.scalar(select(func.count(Post.id))) == before
