"""Service tests: audiences, posts, nesting, mentions, edits, removal, moderation, states."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import AuditEvent, Membership, Role
from circle.notifications import services as bell
from circle.threads.models import (
    Audience,
    NoticeKind,
    Notification,
    Post,
    PostMention,
    PostRevision,
    Thread,
    ThreadFollow,
    ThreadKind,
    ThreadState,
)
from circle.threads.permissions import can_view_thread
from circle.threads.services import following, moderation
from circle.threads.services.common import MAX_POST, no_subjects
from circle.threads.services.posts import add_post, delete_post, edit_post, quote_of, revisions
from circle.threads.services.threads import create_thread, visible_threads
from tests.threads.conftest import STAFF, Doc, lookup_for

FNR = "01019012345"  # not valid; see VALID_FNR
VALID_FNR = "15076500565"  # a valid test number (mod-11 check digits hold)


def _thread(session, people, audience=Audience.CIRCLE, actor=None, **kw):  # noqa: ANN001, ANN202
    thread = create_thread(
        session,
        people.circle,
        actor=actor or people.leader,
        title=kw.pop("title", "Et spørsmål"),
        body=kw.pop("body", "Hva mener dere?"),
        audience=audience,
        **kw,
    )
    session.commit()
    return thread


def _count(session, model) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def _titles(session, people, member):  # noqa: ANN001, ANN202
    return {r.thread.title for r in visible_threads(session, people.circle, member, no_subjects)}


def test_audiences_decide_who_sees_a_thread(session, people) -> None:
    """Circle threads: staff; reference threads: everyone in the circle; leaders: leaders."""
    _thread(session, people, Audience.CIRCLE, title="Sirkel")
    _thread(session, people, Audience.REFERENCE, title="Referanse")
    _thread(session, people, Audience.LEADERS, title="Ledere")
    assert _titles(session, people, people.leader) == {"Sirkel", "Referanse", "Ledere"}
    assert _titles(session, people, people.participant) == {"Sirkel", "Referanse"}
    assert _titles(session, people, people.reference) == {"Referanse"}
    assert _titles(session, people, people.unit_leader) == {"Referanse"}
    assert _titles(session, people, people.admin) == {"Sirkel", "Referanse", "Ledere"}
    assert visible_threads(session, people.other, people.outsider, no_subjects) == []
    assert _titles(session, people, people.outsider) == set()


def test_reference_member_can_only_start_threads_for_their_audience(session, people) -> None:
    """A reference-group member starts a consultation for the reference audience only."""
    with pytest.raises(NotAllowed):
        create_thread(
            session,
            people.circle,
            actor=people.reference,
            title="T",
            body="B",
            audience=Audience.CIRCLE,
        )
    with pytest.raises(NotAllowed):
        create_thread(
            session,
            people.circle,
            actor=people.participant,
            title="T",
            body="B",
            audience=Audience.LEADERS,
        )
    thread = create_thread(
        session,
        people.circle,
        actor=people.reference,
        title="Høring",
        body="Innspill ønskes",
        audience=Audience.REFERENCE,
        kind=ThreadKind.CONSULTATION,
        deadline=date.today() + timedelta(days=7),
        requested_by="Direktoratet",
    )
    assert thread.deadline and thread.requested_by == "Direktoratet"


def test_consultation_needs_a_future_deadline(session, people) -> None:
    """A consultation without a deadline, or with one in the past, is refused."""
    for deadline in (None, date.today() - timedelta(days=1)):
        with pytest.raises(DomainError):
            create_thread(
                session,
                people.circle,
                actor=people.leader,
                title="Høring",
                body="?",
                audience=Audience.REFERENCE,
                kind=ThreadKind.CONSULTATION,
                deadline=deadline,
            )
    session.rollback()
    assert _count(session, Thread) == 0


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "tomt"),
        ("   \n ", "tomt"),
        ("x" * 100_000, "for lang"),
        (f"Saken gjelder {VALID_FNR} i bydelen", "fødselsnummer"),
        ("Saken gjelder 150765 00565", "fødselsnummer"),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_saved(session, people, body, message) -> None:
    """Empty, oversized and identity-number posts: a clear message, nothing half-saved."""
    thread = _thread(session, people)
    before = (_count(session, Post), _count(session, Notification), thread.post_count)
    with pytest.raises(DomainError) as exc:
        add_post(session, thread, actor=people.participant, body=body)
    session.rollback()
    assert message in str(exc.value.message)
    assert VALID_FNR not in str(exc.value.message)
    assert (
        _count(session, Post),
        _count(session, Notification),
        session.get(Thread, thread.id).post_count,
    ) == before


def test_post_limit_is_twenty_thousand(session, people) -> None:
    """A post at the limit is accepted; one character more is refused."""
    thread = _thread(session, people)
    add_post(session, thread, actor=people.participant, body="a" * MAX_POST)
    with pytest.raises(DomainError):
        add_post(session, thread, actor=people.participant, body="a" * (MAX_POST + 1))


def test_identity_number_in_title_is_refused(session, people) -> None:
    """A fødselsnummer in a thread title is refused before anything is stored."""
    with pytest.raises(DomainError) as exc:
        create_thread(
            session,
            people.circle,
            actor=people.leader,
            title=f"Om {VALID_FNR}",
            body="Tekst",
            audience=Audience.CIRCLE,
        )
    session.rollback()
    assert VALID_FNR not in str(exc.value.message)
    assert _count(session, Thread) == 0


def test_ordinary_eleven_digit_figures_pass(session, people) -> None:
    """An 11-digit figure that is not a valid identity number is fine."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body=f"Budsjett {FNR} kroner")
    assert post.id


def test_replies_nest_three_levels_then_stay_at_three(session, people) -> None:
    """Level 1, 2, 3; a reply to level 3 stays at 3 and remembers whom it answers."""
    thread = _thread(session, people)
    one = add_post(session, thread, actor=people.participant, body="1")
    two = add_post(session, thread, actor=people.leader, body="2", parent=one)
    three = add_post(session, thread, actor=people.participant, body="3", parent=two)
    four = add_post(session, thread, actor=people.leader, body="4", parent=three)
    assert [p.depth for p in (one, two, three, four)] == [1, 2, 3, 3]
    assert four.parent_id == two.id and four.reply_to_id == three.id
    opening = session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))
    top = add_post(session, thread, actor=people.participant, body="svar", parent=opening)
    assert top.depth == 1 and top.parent_id is None


def test_reply_to_a_post_of_another_thread_is_refused(session, people) -> None:
    """A parent from another thread cannot be answered here."""
    a, b = _thread(session, people, title="A"), _thread(session, people, title="B")
    post = add_post(session, a, actor=people.participant, body="i A")
    with pytest.raises(DomainError):
        add_post(session, b, actor=people.participant, body="svar", parent=post)


def test_posting_outside_the_audience_is_refused(session, people) -> None:
    """A reference-group member cannot post in a circle-only thread."""
    thread = _thread(session, people, Audience.CIRCLE)
    with pytest.raises(NotAllowed):
        add_post(session, thread, actor=people.reference, body="Hei")
    with pytest.raises(NotAllowed):
        add_post(session, thread, actor=people.outsider, body="Hei")


@pytest.mark.parametrize("change", ["lock", "close"])
def test_locked_and_closed_threads_take_no_posts(session, people, change) -> None:
    """Locked or closed: a Conflict with a clear message, for leaders as well."""
    thread = _thread(session, people)
    if change == "lock":
        moderation.set_locked(session, thread, True, actor=people.leader)
    else:
        moderation.close_thread(session, thread, actor=people.leader)
    for member in (people.participant, people.leader):
        with pytest.raises(Conflict) as exc:
            add_post(session, thread, actor=member, body="Hei")
        assert ("låst" if change == "lock" else "lukket") in str(exc.value.message)


def test_resolved_threads_still_take_posts(session, people) -> None:
    """After a resolution the conversation may go on."""
    thread = _thread(session, people)
    moderation.resolve_thread(session, thread, actor=people.leader, resolution="Tatt inn i planen")
    assert thread.state == ThreadState.RESOLVED
    assert add_post(session, thread, actor=people.participant, body="Takk").id


def test_resolution_requires_a_note_and_a_leader(session, people) -> None:
    """Only leaders resolve, and they say how the input was used."""
    thread = _thread(session, people)
    with pytest.raises(NotAllowed):
        moderation.resolve_thread(session, thread, actor=people.participant, resolution="Ja")
    with pytest.raises(DomainError):
        moderation.resolve_thread(session, thread, actor=people.leader, resolution="  ")
    assert thread.state == ThreadState.OPEN


def test_mentions_notify_and_follow(session, people) -> None:
    """@Full Name of someone in the audience: a mention, a notification and a follow."""
    thread = _thread(session, people, Audience.REFERENCE)
    post = add_post(
        session, thread, actor=people.participant, body="Hva tenker @Rita Referanse om dette?"
    )
    assert (
        session.scalar(select(PostMention.member_id).where(PostMention.post_id == post.id))
        == people.reference.id
    )
    assert following.is_following(session, people.reference, thread)
    kinds = set(
        session.scalars(
            select(Notification.kind).where(
                Notification.member_id == people.reference.id, Notification.post_id == post.id
            )
        )
    )
    assert kinds == {NoticeKind.MENTION}


def test_a_mention_in_the_opening_post_is_a_mention(session, people) -> None:
    """Starting a thread with @Name notifies that member of a mention, once, and the rest of
    the audience of the new thread."""
    thread = _thread(session, people, Audience.CIRCLE, body="Hei @Pia Deltaker, hva tenker du?")
    kinds = dict(
        session.execute(
            select(Notification.member_id, Notification.kind).where(
                Notification.thread_id == thread.id
            )
        ).all()
    )
    assert kinds == {
        people.participant2.id: NoticeKind.MENTION,
        people.participant.id: NoticeKind.NEW_THREAD,
    }
    assert following.is_following(session, people.participant2, thread)
    opening = session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert session.scalar(
        select(PostMention.member_id).where(PostMention.post_id == opening.id)
    ) == (people.participant2.id)


def test_mention_outside_the_audience_is_a_clear_error(session, people) -> None:
    """Mentioning a reference-group member in a circle-only thread names them and saves nothing."""
    thread = _thread(session, people, Audience.CIRCLE)
    with pytest.raises(DomainError) as exc:
        add_post(session, thread, actor=people.participant, body="Spør @rita referanse her")
    session.rollback()
    assert "Rita Referanse" in str(exc.value.message)
    assert _count(session, Post) == 1  # only the opening post


def test_mentions_in_quotes_and_code_and_of_strangers_are_not_mentions(session, people) -> None:
    """Quoted or code @names do not notify; another circle's member is plain text."""
    thread = _thread(session, people, Audience.CIRCLE)
    post = add_post(
        session,
        thread,
        actor=people.participant,
        body=(
            "> @Rita Referanse skrev noe\n\n`@Rita Referanse`\n\nHei @Otto Utenfor og e@Pia Deltaker"
        ),
    )
    assert (
        session.scalar(
            select(func.count()).select_from(PostMention).where(PostMention.post_id == post.id)
        )
        == 0
    )


def test_edit_keeps_history_and_marks_edited(session, people) -> None:
    """An edit stores the earlier text; only the author may edit."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Første versjon")
    with pytest.raises(NotAllowed):
        edit_post(session, post, actor=people.leader, body="Lederens tekst")
    edit_post(session, post, actor=people.participant, body="Andre versjon")
    assert post.edited_at is not None and post.body == "Andre versjon"
    assert [r.body for r in revisions(session, post)] == ["Første versjon"]
    session.commit()
    with pytest.raises(DomainError):
        edit_post(session, post, actor=people.participant, body=f"Ny {VALID_FNR}")
    session.rollback()
    assert session.get(Post, post.id).body == "Andre versjon"


def test_edit_with_a_new_mention_notifies_the_new_one(session, people) -> None:
    """Adding a mention in an edit notifies that member."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Hei")
    edit_post(session, post, actor=people.participant, body="Hei @Pia Deltaker")
    assert (
        session.scalar(
            select(Notification.kind).where(
                Notification.member_id == people.participant2.id, Notification.post_id == post.id
            )
        )
        == NoticeKind.MENTION
    )


def test_delete_leaves_removed_and_keeps_no_text(session, people) -> None:
    """A removed post keeps its place (replies stay) but none of its text or history."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Noe jeg angrer på")
    edit_post(session, post, actor=people.participant, body="Noe annet jeg angrer på")
    reply = add_post(session, thread, actor=people.leader, body="Svar", parent=post)
    with pytest.raises(NotAllowed):
        delete_post(session, post, actor=people.leader)
    delete_post(session, post, actor=people.participant)
    assert post.deleted_at is not None and post.body == ""
    assert _count(session, PostRevision) == 0
    assert session.get(Post, reply.id).parent_id == post.id


def test_reports_hiding_and_locking_are_audited(session, people) -> None:
    """Anyone reports; leaders hide, restore and lock; each leaves an audit event."""
    thread = _thread(session, people, Audience.REFERENCE)
    post = add_post(session, thread, actor=people.participant, body="Tvilsomt innlegg")
    with pytest.raises(NotAllowed):
        moderation.report_post(session, post, actor=people.participant)  # own post
    moderation.report_post(session, post, actor=people.reference, reason="Uheldig")
    with pytest.raises(Conflict):
        moderation.report_post(session, post, actor=people.reference)
    assert len(moderation.open_reports(session, people.circle)) == 1
    with pytest.raises(NotAllowed):
        moderation.hide_post(session, post, actor=people.participant)
    moderation.hide_post(session, post, actor=people.leader)
    assert moderation.open_reports(session, people.circle) == []
    moderation.restore_post(session, post, actor=people.leader)
    moderation.set_locked(session, thread, True, actor=people.leader)
    moderation.set_pinned(session, thread, True, actor=people.leader)
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == [
        "threads.post_reported",
        "threads.post_hidden",
        "threads.post_restored",
        "threads.locked",
        "threads.pinned",
    ]
    details = " ".join(session.scalars(select(AuditEvent.detail)))
    assert "Tvilsomt" not in details and "Uheldig" not in details


def test_pinned_threads_come_first(session, people) -> None:
    """A pinned thread is listed before newer ones."""
    old = _thread(session, people, title="Gammel")
    _thread(session, people, title="Ny")
    moderation.set_pinned(session, old, True, actor=people.leader)
    rows = visible_threads(session, people.circle, people.participant, no_subjects)
    assert [r.thread.title for r in rows] == ["Gammel", "Ny"]


def test_following_when_starting_posting_and_unfollowing(session, people) -> None:
    """You follow what you start or post in; you can stop."""
    thread = _thread(session, people)
    assert following.is_following(session, people.leader, thread)
    assert not following.is_following(session, people.participant, thread)
    add_post(session, thread, actor=people.participant, body="Jeg er med")
    assert following.is_following(session, people.participant, thread)
    assert following.unfollow(session, thread, people.participant)
    add_post(session, thread, actor=people.leader, body="Fint")
    assert not session.scalar(
        select(Notification.id).where(
            Notification.member_id == people.participant.id, Notification.kind == NoticeKind.POST
        )
    )


def test_unread_tracking(session, people) -> None:
    """New posts by others count as new until the member marks the thread read."""
    thread = _thread(session, people)
    add_post(session, thread, actor=people.participant, body="Først")
    add_post(session, thread, actor=people.participant2, body="Så")
    counts = following.new_post_counts(session, people.leader, [thread.id])
    assert counts == {thread.id: 2}
    assert bell.unread_count(session, people.leader) == 2
    following.mark_read(session, people.leader, thread, thread.last_post_id)
    assert following.new_post_counts(session, people.leader, [thread.id]) == {}
    assert bell.unread_count(session, people.leader) == 0
    add_post(session, thread, actor=people.participant, body="Enda en")
    assert following.new_post_counts(session, people.leader, [thread.id]) == {thread.id: 1}


def test_new_post_counts_stop_at_the_cap_and_skip_own_and_removed_posts(session, people) -> None:
    """A long unread thread counts up to NEW_POSTS_COUNTED, not every post; the list says "100+"."""
    thread = _thread(session, people)
    cap = following.NEW_POSTS_COUNTED
    others = [
        Post(thread_id=thread.id, depth=1, author_id=people.participant.id, body="x", body_html="x")
        for _ in range(cap + 5)
    ]
    mine = Post(thread_id=thread.id, depth=1, author_id=people.leader.id, body="y", body_html="y")
    session.add_all([*others, mine])
    session.flush()
    thread.last_post_id = mine.id
    assert following.new_post_counts(session, people.leader, [thread.id]) == {thread.id: cap}
    rows = visible_threads(session, people.circle, people.leader, no_subjects)
    row = next(r for r in rows if r.thread.id == thread.id)
    assert row.new_posts == cap
    assert row.new_posts_capped
    # Below the cap the count is exact: own posts and removed posts are not new.
    following.mark_read(session, people.leader, thread, others[-10].id)
    others[-1].deleted_at = others[-1].created_at
    session.flush()
    assert following.new_post_counts(session, people.leader, [thread.id]) == {thread.id: 8}
    row = next(
        r
        for r in visible_threads(session, people.circle, people.leader, no_subjects)
        if r.thread.id == thread.id
    )
    assert (row.new_posts, row.new_posts_capped) == (8, False)


def test_visit_state_tells_last_seen_post_and_following(session, people) -> None:
    """The thread page's one query: the last post seen (None before a visit) and following."""
    thread = _thread(session, people)
    assert following.visit_state(session, people.participant, thread) == (None, False)
    # The one who starts a thread has seen its opening post and follows it.
    assert following.visit_state(session, people.leader, thread) == (thread.last_post_id, True)
    add_post(session, thread, actor=people.participant, body="Først")
    following.mark_read(session, people.participant, thread, thread.last_post_id)
    assert following.visit_state(session, people.participant, thread) == (
        thread.last_post_id,
        True,
    )
    following.unfollow(session, thread, people.participant)
    assert following.visit_state(session, people.participant, thread) == (
        thread.last_post_id,
        False,
    )


def test_new_thread_notifies_only_its_audience(session, people) -> None:
    """A leaders-only thread reaches leaders; a reference thread reaches the whole circle."""
    _thread(session, people, Audience.LEADERS, actor=people.admin)
    notified = set(session.scalars(select(Notification.member_id)))
    assert notified == {people.leader.id}
    session.query(Notification).delete()
    _thread(session, people, Audience.REFERENCE)
    notified = set(session.scalars(select(Notification.member_id)))
    assert notified == {
        people.participant.id,
        people.participant2.id,
        people.reference.id,
        people.unit_leader.id,
    }
    assert people.outsider.id not in notified


def test_a_follower_who_leaves_the_audience_hears_nothing(session, people) -> None:
    """A participant who becomes a reference member stops hearing of a circle-only thread."""
    thread = _thread(session, people, Audience.CIRCLE)
    add_post(session, thread, actor=people.participant, body="Jeg følger")
    membership = session.scalar(
        select(Membership).where(Membership.member_id == people.participant.id)
    )
    membership.role = Role.REFERENCE
    session.commit()
    assert bell.unread_count(session, people.participant) == 0
    before = _count(session, Notification)
    add_post(session, thread, actor=people.leader, body="Nytt")
    assert not session.scalar(
        select(Notification.id).where(
            Notification.member_id == people.participant.id, Notification.id > before
        )
    )


def test_bell_count_hides_threads_no_longer_visible(session, people) -> None:
    """Unread notifications for a thread the member can no longer see are not counted."""
    _thread(session, people, Audience.CIRCLE)
    assert bell.unread_count(session, people.participant) == 1
    membership = session.scalar(
        select(Membership).where(Membership.member_id == people.participant.id)
    )
    session.delete(membership)
    session.commit()
    assert bell.unread_count(session, people.participant) == 0


def test_subject_threads_follow_the_subject(app, session, people, docs) -> None:
    """Drafts get no thread; an unshared subject hides its threads; audience must fit."""
    lookup = lookup_for(app, session)
    docs[1] = Doc(people.circle.id, "Referat mars")
    docs[2] = Doc(people.circle.id, "Utkast", shareable=False)
    docs[3] = Doc(people.circle.id, "Prosjekt", audience_ok=STAFF)
    docs[4] = Doc(people.other.id, "Annen sirkel")
    for doc_id in (2, 4):
        with pytest.raises(DomainError):
            create_thread(
                session,
                people.circle,
                actor=people.leader,
                title="T",
                body="",
                audience=Audience.CIRCLE,
                kind=ThreadKind.SUBJECT,
                subject=lookup("testdoc", doc_id),
            )
    with pytest.raises(DomainError):
        create_thread(
            session,
            people.circle,
            actor=people.leader,
            title="T",
            body="",
            audience=Audience.REFERENCE,
            kind=ThreadKind.SUBJECT,
            subject=lookup("testdoc", 3),
        )
    thread = create_thread(
        session,
        people.circle,
        actor=people.leader,
        title="Om referatet",
        body="",
        audience=Audience.REFERENCE,
        kind=ThreadKind.SUBJECT,
        subject=lookup("testdoc", 1),
    )
    session.commit()
    assert thread.post_count == 0
    rows = visible_threads(session, people.circle, people.reference, lookup)
    assert [r.subject.title for r in rows] == ["Referat mars"]
    docs[1].shareable = False  # e.g. the minutes went back to draft
    assert visible_threads(session, people.circle, people.reference, lookup) == []
    assert visible_threads(session, people.circle, people.admin, lookup) == []
    assert not can_view_thread(people.leader, people.circle, thread, None)
    docs[1] = Doc(people.circle.id, "Referat mars", audience_ok=STAFF)  # unshared with reference
    assert visible_threads(session, people.circle, people.reference, lookup) == []
    assert len(visible_threads(session, people.circle, people.participant, lookup)) == 1


def test_quote_of_a_post(session, people) -> None:
    """A quote starts with the author's name and quotes each line (or a chosen passage)."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Linje en\nLinje to")
    assert quote_of(post) == "> **Per Deltaker:**\n> Linje en\n> Linje to\n\n"
    assert quote_of(post, "Linje to") == "> **Per Deltaker:**\n> Linje to\n\n"
    delete_post(session, post, actor=people.participant)
    assert quote_of(post) == ""


def test_follow_rows_are_unique(session, people) -> None:
    """Following twice keeps one row."""
    thread = _thread(session, people)
    following.follow(session, thread, {people.participant.id})
    following.follow(session, thread, {people.participant.id, people.leader.id})
    assert (
        session.scalar(
            select(func.count())
            .select_from(ThreadFollow)
            .where(ThreadFollow.thread_id == thread.id)
        )
        == 2
    )


def test_post_count_is_counted_in_sql_so_concurrent_posts_both_count(app, session, people):  # noqa: ANN001
    """Two sessions hold the same thread (count 1); each adds a post and commits: the count
    is 3, not 2 (an increment computed in Python would lose one of them)."""
    from sqlalchemy.orm import Session

    from circle.extensions import db
    from circle.models import Member

    thread = _thread(session, people, Audience.REFERENCE)
    assert thread.post_count == 1
    with app.app_context():
        engine = db.engine
    with Session(engine) as other:
        theirs = other.get(Thread, thread.id)
        assert theirs.post_count == 1  # loaded before the first post below is written
        add_post(session, thread, actor=people.participant, body="Først.")
        session.commit()
        add_post(other, theirs, actor=other.get(Member, people.reference.id), body="Samtidig.")
        other.commit()
        assert theirs.post_count == 3
    session.expire_all()
    assert session.get(Thread, thread.id).post_count == 3
    assert _count(session, Post) == 3


def test_bell_statement_built_once_counts_each_members_own(session, people) -> None:
    """The bell's COUNT is one statement with the member as a parameter: no count leaks."""
    _thread(session, people, Audience.LEADERS, actor=people.admin)
    _thread(session, people, Audience.CIRCLE, actor=people.admin)
    assert bell.unread_count(session, people.leader) == 2
    assert bell.unread_count(session, people.participant) == 1
    assert bell.unread_count(session, people.reference) == 0
    assert bell.unread_count(session, people.outsider) == 0
    assert bell.unread_count(session, people.leader) == 2
    people.leader.active = False
    session.commit()
    assert bell.unread_count(session, people.leader) == 0
