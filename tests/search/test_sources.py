"""Each area's search source: which entries it may index, who may see which ids, and which
rows change which entries (what the index job is told to write again)."""

from __future__ import annotations

import pytest


@pytest.fixture
def sources(app):  # noqa: ANN001, ANN201
    from circle.hooks import search_sources

    return {s.kind: s for s in search_sources(app)}


def _keys(entries) -> set[str]:  # noqa: ANN001
    return {e.key for e in entries}


def test_every_area_registers_its_kinds(sources) -> None:  # noqa: ANN001
    assert list(sources) == ["minutes", "agenda", "thread", "post", "writeup", "update"]
    assert [str(s.label) for s in sources.values()] == [
        "Referat",
        "Saksliste",
        "Tråd",
        "Innlegg",
        "Delprosjekt",
        "Framdrift",
    ]


def test_minutes_entries_are_approved_items_only(app, session, world, sources) -> None:  # noqa: ANN001
    with app.test_request_context("/"):
        keys = _keys(sources["minutes"].documents(session, None))
        visible = sources["minutes"].visible(session, world.leader, world.circle)
    approved = {f"minutes:{i.id}" for i in world.approved.items[:1]}
    other = {f"minutes:{i.id}" for i in world.other_approved.items[:1]}
    assert keys == approved | other  # never the draft, nor the minutes in review
    assert visible == {world.approved.items[0].id}  # a leader sees drafts, but not here


def test_agendas_follow_who_may_see_the_meeting(app, session, world, sources) -> None:  # noqa: ANN001
    with app.test_request_context("/"):
        entries = {e.key: e for e in sources["agenda"].documents(session, [world.approved.id])}
        seen = sources["agenda"].visible(session, world.participant, world.circle)
    entry = entries[f"agenda:{world.approved.id}"]
    assert entry.url.endswith(f"/meetings/{world.approved.id}#agenda")
    assert world.approved.items[0].title in entry.body
    assert {world.approved.id, world.draft.id, world.review.id} <= seen
    assert world.other_approved.id not in seen


def test_posts_skip_deleted_ones_and_follow_the_audience(app, session, world, sources) -> None:  # noqa: ANN001
    with app.test_request_context("/"):
        keys = _keys(sources["post"].documents(session, None))
        for_reference = sources["post"].visible(session, world.reference, world.circle)
        for_leader = sources["post"].visible(session, world.leader, world.circle)
        threads = sources["thread"].visible(session, world.reference, world.circle)
    assert f"post:{world.deleted_post.id}" not in keys
    assert world.deleted_post.id not in for_leader
    assert threads == {world.reference_thread.id}
    assert for_reference < for_leader


def test_updates_are_published_ones_and_writeups_follow_sharing(
    app, session, world, sources
) -> None:  # noqa: ANN001
    with app.test_request_context("/"):
        updates = _keys(sources["update"].documents(session, None))
        shared = sources["update"].visible(session, world.reference, world.circle)
        writeups = sources["writeup"].visible(session, world.reference, world.circle)
        staff = sources["writeup"].visible(session, world.participant, world.circle)
    assert updates == {f"update:{world.shared_update.id}"}
    assert shared == {world.shared_update.id}
    assert writeups == set() and staff == {world.project.id}


def test_changed_rows_map_to_their_entries(session, world, sources) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from circle.threads.models import Post
    from meetings.models import Minutes

    post = session.get(Post, world.deleted_post.id)
    assert sources["post"].changed(session, post) == [post.id]
    assert sources["thread"].changed(session, post) == []
    minutes = session.get(Minutes, world.approved.minutes.id)
    item_ids = {i.id for i in world.approved.items}
    assert set(sources["minutes"].changed(session, minutes)) == item_ids
    assert sources["agenda"].changed(session, minutes) == []
    thread = session.get(type(world.reference_thread), world.reference_thread.id)
    posts = set(session.scalars(select(Post.id).where(Post.thread_id == thread.id)))
    assert sources["post"].changed(session, thread) == []  # unchanged: no post is written again
    thread.title = "Nytt spørsmål til referansegruppen"
    assert set(sources["post"].changed(session, thread)) == posts  # each post shows the title
    assert len(posts) == 2
    session.rollback()


def test_the_job_writes_and_removes_by_key(app, session, world) -> None:  # noqa: ANN001
    from circle.jobs import enqueue
    from circle.search.index import SITE_JOB, get_site_backend

    backend = get_site_backend(app)
    key = f"update:{world.draft_update.id}"
    world_update = world.shared_update.id
    with app.app_context():
        enqueue(session, SITE_JOB, {"keys": [key, f"update:{world_update}"]})
        session.commit()
    digests = backend.digests()
    assert key not in digests and f"update:{world_update}" in digests
