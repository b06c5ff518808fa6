"""The demo threads: each state, a consultation, a status update, and unread items for Lena."""

from __future__ import annotations

from sqlalchemy import select

from circle.demo import load_demo
from circle.extensions import db
from circle.models import Member
from circle.notifications.services import unread_count
from circle.threads.demo import load_demo as load_threads
from circle.threads.models import StatusUpdate, Thread, ThreadKind, ThreadState
from circle.threads.services.posts import LONG_BRANCH, MAX_DEPTH
from circle.threads.services.reading import load_thread_page


def test_demo_threads(app) -> None:
    """The loader makes threads in every state and leaves the reference member unread items."""
    with app.app_context():
        session = db.session
        assert load_demo(session, [load_threads])
        _check(session)


def _check(session) -> None:  # noqa: ANN001
    threads = list(session.scalars(select(Thread)))
    assert {t.state for t in threads} == set(ThreadState)
    assert any(t.locked for t in threads) and any(t.pinned for t in threads)
    consultation = next(t for t in threads if t.kind == ThreadKind.CONSULTATION)
    assert consultation.deadline and consultation.requested_by == "Bufdir"
    assert session.scalar(select(StatusUpdate.id)) is not None
    assert max(t.post_count for t in threads) >= 5
    lena = session.scalar(select(Member).where(Member.email == "lena.brekke@demo.example"))
    assert unread_count(session, lena) >= 1
    # A nested thread with mentions shown as links, a long branch that folds, an edited title.
    housing = next(t for t in threads if t.title.startswith("Bolig før 18"))
    page = load_thread_page(session, housing, with_reports=False)
    assert max(p.depth for p in page.by_id.values()) == MAX_DEPTH
    assert max(page.branch_sizes.values()) >= LONG_BRANCH
    assert sum('href="/c/' in p.body_html for p in page.by_id.values()) >= 4
    assert any(t.title_edited_at for t in threads)
