"""A post's HTML is rendered by the shared pipeline when its text is set, and kept in step."""

from __future__ import annotations

from circle.models import Role
from circle.text import sanitize_html
from circle.threads.models import Audience, Post, Thread, ThreadKind, ThreadState


def _thread(session, make_circle, make_member):  # noqa: ANN001, ANN202
    circle = make_circle()
    author = make_member(circle=circle, role=Role.PARTICIPANT)
    thread = Thread(
        circle_id=circle.id,
        kind=ThreadKind.DISCUSSION,
        audience=Audience.CIRCLE,
        state=ThreadState.OPEN,
        title="Tråd",
        created_by_id=author.id,
    )
    session.add(thread)
    session.flush()
    return thread, author


def test_html_is_sanitised_on_save_and_follows_edits(session, make_circle, make_member):
    thread, author = _thread(session, make_circle, make_member)
    post = Post(
        thread_id=thread.id,
        depth=1,
        author_id=author.id,
        body="**Viktig** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    session.add(post)
    session.commit()
    assert "<strong>Viktig</strong>" in post.body_html
    assert "<script" not in post.body_html and "javascript:" not in post.body_html
    assert sanitize_html(post.body_html) == post.body_html
    assert str(post.html) == post.body_html
    post.body = "Ny *tekst*"
    assert post.body_html == "<p>Ny <em>tekst</em></p>"
    post.body = ""
    assert post.body_html == "" and str(post.html) == ""
