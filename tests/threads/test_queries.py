"""Query counts: a thread page costs the same with 500 posts as with 5; the bell costs one."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from circle.extensions import db
from circle.threads.models import Audience, Notification
from circle.threads.services.reading import REPLIES_PER_PAGE
from tests.threads.factories import big_thread


@contextmanager
def statements(app):  # noqa: ANN001, ANN201
    """Collect the SQL statements run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):  # noqa: ANN001, ARG001
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_thread_page_queries_do_not_grow_with_posts(app, client, login, people, session) -> None:
    """100 posts and 1,000 posts: the same queries, one page of branches each; a short thread
    (one page, no window) costs no more."""
    authors = [people.leader, people.participant, people.reference, people.participant2]
    short = big_thread(session, people.circle, authors, 5)
    small = big_thread(session, people.circle, authors, 100)
    large = big_thread(session, people.circle, authors, 1000)
    session.commit()
    login(people.leader)
    counts = {}
    for thread in (short, small, large):
        for query in ("", "?page=2", f"?post={thread.last_post_id}"):
            path = f"/c/egen/threads/{thread.id}{query}"
            client.get(path)  # warm caches outside the count
            with statements(app) as seen:
                answer = client.get(path)
            assert answer.status_code == 200
            counts[thread.post_count, query] = seen
    for query in ("", "?page=2"):
        few, many = counts[101, query], counts[1001, query]
        assert len(few) == len(many), "\n".join(s.split("\n")[0][:90] for s in few + ["--"] + many)
        assert len(many) <= 12
        assert len(counts[6, query]) <= len(many)
    # Opening at a post costs one query more (which page shows it), whatever the thread's size.
    assert len(counts[1001, f"?post={large.last_post_id}"]) == len(counts[1001, ""]) + 1
    assert len(counts[101, f"?post={small.last_post_id}"]) == len(counts[101, ""]) + 1


def test_nested_thread_of_50_and_500_posts_costs_the_same(app, client, login, people, session):  # noqa: ANN001, ANN201
    """50 and 500 nested posts, as a reference-group member sees them: equal query counts, and
    the page of the larger one holds one page of branches, nested to the third level."""
    authors = [people.leader, people.participant, people.reference, people.participant2]
    fifty = big_thread(session, people.circle, authors, 50)
    five_hundred = big_thread(session, people.circle, authors, 500)
    session.commit()
    small_path, large_path = f"/c/egen/threads/{fifty.id}", f"/c/egen/threads/{five_hundred.id}"
    login(people.reference)
    client.get(small_path)  # warm caches outside the count
    with statements(app) as few:
        small = client.get(small_path)
    with statements(app) as many:
        large = client.get(large_path)
    assert small.status_code == large.status_code == 200
    assert large.text.count('class="depth-1"') == REPLIES_PER_PAGE
    assert large.text.count('class="depth-3"') >= REPLIES_PER_PAGE // 3  # nested to the third level
    assert "depth-4" not in large.text
    assert len(few) == len(many), "\n".join(q.split("\n")[0][:100] for q in few + ["--"] + many)


def test_bell_costs_one_query_whatever_the_count(app, client, login, people, session) -> None:
    """The unread count is one COUNT on every page, for 1 or 300 notifications."""
    thread = big_thread(session, people.circle, [people.leader, people.participant], 1)
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
    counts = {}
    for label in ("one", "many"):
        if label == "many":
            session.add_all(
                Notification(
                    member_id=people.participant.id,
                    circle_id=people.circle.id,
                    thread_id=thread.id,
                    kind="post",
                )
                for _ in range(299)
            )
            session.commit()
        for path in ("/", "/c/egen", "/c/egen/members", "/profile"):
            with statements(app) as seen:
                page = client.get(path)
            assert page.status_code == 200
            bell = [s for s in seen if "FROM notification" in s]
            assert len(bell) == 1, (path, bell)
            counts[(label, path)] = len(seen)
        assert f"({1 if label == 'one' else 300} uleste)" in client.get("/profile").text
    for path in ("/", "/c/egen", "/c/egen/members", "/profile"):
        assert counts[("one", path)] == counts[("many", path)]


def test_bell_for_anonymous_costs_nothing(app, client) -> None:
    """Signed-out pages run no notification query."""
    with statements(app) as seen:
        assert client.get("/login").status_code == 200
    assert not [s for s in seen if "FROM notification" in s]


def test_big_thread_factory_is_visible_to_reference(people, session) -> None:
    """The factory's threads are reference-audience threads (sanity for the bench)."""
    thread = big_thread(session, people.circle, [people.leader, people.participant], 3)
    assert thread.audience == Audience.REFERENCE and thread.post_count == 4
