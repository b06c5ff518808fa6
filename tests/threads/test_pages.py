"""A long thread in pages of branches: every post on one page with its whole branch, links to a
post open its page, what is new counts over the whole thread, and reading a page marks read
only what no other page holds."""

from __future__ import annotations

import re

from sqlalchemy import select

from circle.threads.models import Post
from circle.threads.services import following
from circle.threads.services.posts import add_post
from circle.threads.services.reading import REPLIES_PER_PAGE
from tests.threads.factories import big_thread

POST_RE = re.compile(r'<li id="post-(\d+)" class="depth-(\d)"')
UPTO_RE = re.compile(r'name="upto" value="(\d+)"')


def _authors(people):  # noqa: ANN001, ANN202
    return [people.leader, people.participant, people.reference, people.participant2]


def _shown(html: str) -> list[tuple[int, int]]:
    return [(int(i), int(d)) for i, d in POST_RE.findall(html)]


def _thread(session, people, posts=200):  # noqa: ANN001, ANN202
    # The factory's pattern gives two branches per four posts: 200 posts are 100 branches.
    thread = big_thread(session, people.circle, _authors(people), posts)
    session.commit()
    return thread, f"/c/egen/threads/{thread.id}"


def test_every_post_is_on_exactly_one_page_with_its_whole_branch(client, login, people, session):  # noqa: ANN001, ANN201
    """Pages of REPLIES_PER_PAGE branches in order; the opening post heads each page."""
    thread, base = _thread(session, people)
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.thread_id == thread.id))}
    opening = next(p.id for p in posts.values() if p.depth == 0)
    login(people.leader)
    assert "Side 1 av 3" in client.get(base).text
    everywhere: list[int] = []
    roots_per_page = []
    for number in (1, 2, 3):
        html = client.get(f"{base}?page={number}").text
        assert f"Side {number} av 3" in html
        shown = _shown(html)
        assert shown[0] == (opening, 0)
        ids = {i for i, _d in shown}
        for post_id, depth in shown[1:]:
            parent = posts[post_id].parent_id
            assert depth == 1 or parent in ids, f"post {post_id} shown without its parent"
        roots_per_page.append(sum(1 for _i, d in shown if d == 1))
        everywhere += [i for i, _d in shown[1:]]
    assert roots_per_page == [REPLIES_PER_PAGE, REPLIES_PER_PAGE, 100 - 2 * REPLIES_PER_PAGE]
    assert sorted(everywhere) == sorted(set(posts) - {opening}), "a post missing or on two pages"
    html = client.get(f"{base}?page=2").text
    assert f'href="{base}?page=1" rel="prev"' in html and f'href="{base}?page=3" rel="next"' in html


def test_a_link_to_a_post_opens_the_page_that_shows_it(client, login, people, session):  # noqa: ANN001, ANN201
    """?post= a reply three levels down on page 2 opens page 2; a stranger's post, page 1."""
    thread, base = _thread(session, people)
    other, _other_base = _thread(session, people, posts=10)
    login(people.participant)
    page_two = _shown(client.get(f"{base}?page=2").text)
    deepest = next(i for i, d in reversed(page_two) if d == 3)
    html = client.get(f"{base}?post={deepest}").text
    assert "Side 2 av 3" in html and f'id="post-{deepest}"' in html
    assert "Side 1 av 3" in client.get(f"{base}?post={other.last_post_id}").text
    assert "Side 3 av 3" in client.get(f"{base}?post={thread.last_post_id}").text


def test_page_numbers_that_are_not_pages_fall_back(client, login, people, session):  # noqa: ANN001, ANN201
    """Nonsense in ?page= or ?post= gives the first page; a page past the end, the last."""
    _thread_, base = _thread(session, people)
    login(people.participant)
    for query, expected in (
        ("page=0", 1),
        ("page=-2", 1),
        ("page=abc", 1),
        ("page=%EF%BC%92", 1),  # a full-width two
        ("page=2%E2%80%8B", 1),  # a zero-width space after the digit
        ("page=99999999999999999999", 1),
        ("page=999", 3),
        ("post=abc", 1),
        ("post=0", 1),
    ):
        answer = client.get(f"{base}?{query}")
        assert answer.status_code == 200, query
        assert f"Side {expected} av 3" in answer.text, query


def test_a_reply_leads_to_the_page_that_shows_it(client, login, people, session):  # noqa: ANN001, ANN201
    """Answering a branch on page 2 redirects to page 2, at the new post."""
    _thread_, base = _thread(session, people)
    login(people.participant)
    root = next(i for i, d in _shown(client.get(f"{base}?page=2").text) if d == 1)
    answer = client.post(f"{base}/reply", data={"body": "Svar langt nede", "parent_id": str(root)})
    assert answer.status_code == 302
    match = re.search(r"\?post=(\d+)#post-(\d+)$", answer.headers["Location"])
    assert match and match.group(1) == match.group(2)
    html = client.get(answer.headers["Location"]).text
    assert "Side 2 av 3" in html and f'id="post-{match.group(1)}"' in html


def test_new_posts_count_over_the_whole_thread_and_mark_read_stops_at_other_pages(  # noqa: ANN201
    client,  # noqa: ANN001
    login,  # noqa: ANN001
    people,  # noqa: ANN001
    session,  # noqa: ANN001
):
    """A reply in a branch on page 1 and a new branch on page 3: page 3 says two new posts and
    links to page 1 for the first; reading page 3 first marks nothing read past that reply."""
    thread, base = _thread(session, people)
    me = people.participant2
    following.mark_read(session, me, thread, thread.last_post_id)
    session.commit()
    first_root = next(
        session.scalars(
            select(Post).where(Post.thread_id == thread.id, Post.depth == 1).order_by(Post.id)
        )
    )
    early = add_post(
        session, thread, actor=people.leader, body="Svar i en gammel gren", parent=first_root
    )
    late = add_post(session, thread, actor=people.reference, body="En ny gren")
    session.commit()
    login(me)
    html = client.get(f"{base}?page=3").text
    assert "2 nye innlegg siden du sist var her" in html
    assert f'href="{base}?post={early.id}#post-{early.id}"' in html
    upto = int(UPTO_RE.search(html).group(1))
    assert upto < early.id
    client.post(f"{base}/read", data={"upto": str(upto)})
    assert following.new_post_counts(session, me, [thread.id]) == {thread.id: 2}
    # Page 1 holds the early reply; the new branch is still on page 3.
    html = client.get(f"{base}?post={early.id}").text
    assert "Side 1 av 3" in html and 'id="new-start"' in html
    upto = int(UPTO_RE.search(html).group(1))
    assert early.id <= upto < late.id
    client.post(f"{base}/read", data={"upto": str(upto)})
    assert following.new_post_counts(session, me, [thread.id]) == {thread.id: 1}
    html = client.get(f"{base}?page=3").text
    assert "1 nye innlegg siden du sist var her" in html
    client.post(f"{base}/read", data={"upto": UPTO_RE.search(html).group(1)})
    assert following.new_post_counts(session, me, [thread.id]) == {}


def test_lists_say_when_a_thread_has_more_new_posts_than_they_count(client, login, people, session):  # noqa: ANN001, ANN201
    """A member who never opened a thread of 300 posts sees "100+ nye" in the list."""
    thread, _base = _thread(session, people, posts=300)
    login(people.participant2)
    html = client.get("/c/egen/threads").text
    assert f"{following.NEW_POSTS_COUNTED}+ nye" in html
