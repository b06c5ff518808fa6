"""Permission matrix rows for the threads area: every route x role x audience x thread state."""

from __future__ import annotations

from tests.matrix import DENIED, HIDDEN, Row, circle_view, expect, leaders_only, other_circle

OWN, OTHER = "egen", "annen"


def circle_audience(ok: int = 200) -> dict[str, int]:
    """A circle-only thread: leaders, participants and admins; hidden from everyone else."""
    return expect(ok, outsider=HIDDEN, reference=HIDDEN, unit_leader=HIDDEN)


def leaders_audience(ok: int = 200) -> dict[str, int]:
    """A leaders-only thread: hidden from everyone but leaders and admins."""
    return expect(HIDDEN, leader=ok, admin=ok)


def moderators(ok: int = 302, thread_hidden_from: tuple[str, ...] = ()) -> dict[str, int]:
    """Leaders and admins act; other members who see the thread get 403."""
    result = expect(DENIED, outsider=HIDDEN, leader=ok, admin=ok)
    result.update({role: HIDDEN for role in thread_hidden_from})
    return result


def author_only(ok: int, *, also: tuple[str, ...] = (), hidden: tuple[str, ...] = ()):  # noqa: ANN201
    """Only the post's author ("participant"), plus `also`; `hidden` do not see the thread."""
    result = expect(DENIED, outsider=HIDDEN, participant=ok)
    result.update({role: ok for role in also})
    result.update({role: HIDDEN for role in hidden})
    return result


def _t(w, key: str, slug: str = OWN) -> str:  # noqa: ANN001
    return f"/c/{slug}/threads/{w.extra[key].id}"


def _p(w, thread: str, post: str, action: str, slug: str = OWN) -> str:  # noqa: ANN001
    return f"{_t(w, thread, slug)}/posts/{w.extra[post].id}/{action}"


BODY = {"body": "Et innspill fra praksis"}
CIRCLE_HIDDEN = ("reference", "unit_leader")

ROWS = [
    # lists and new threads
    Row("threads.index", lambda w: f"/c/{OWN}/threads", circle_view()),
    Row("threads.index", lambda w: f"/c/{OTHER}/threads", other_circle(), note="other circle"),
    Row("threads.new", lambda w: f"/c/{OWN}/threads/new", circle_view()),
    Row(
        "threads.new",
        lambda w: f"/c/{OWN}/threads/new",
        circle_view(302),
        method="POST",
        data=lambda w: {
            "title": "Ny tråd",
            "kind": "discussion",
            "audience": "reference",
            "body": "Hva tenker dere?",
        },
        note="reference audience",
    ),
    Row(
        "threads.new",
        lambda w: f"/c/{OWN}/threads/new",
        expect(400, outsider=HIDDEN, leader=302, admin=302),
        method="POST",
        data=lambda w: {
            "title": "Ny tråd",
            "kind": "discussion",
            "audience": "leaders",
            "body": "Bare ledere",
        },
        note="leaders audience",
    ),
    Row(
        "threads.new",
        lambda w: (
            f"/c/{OWN}/threads/new?subject_kind=status_update&subject_id={w.extra['status'].id}"
        ),
        circle_view(),
        note="on a status update",
    ),
    Row(
        "threads.new",
        lambda w: (
            f"/c/{OWN}/threads/new?subject_kind=status_update"
            f"&subject_id={w.extra['other_status'].id}"
        ),
        expect(HIDDEN),
        note="on another circle's status update",
    ),
    Row(
        "threads.new",
        lambda w: f"/c/{OWN}/threads/new?subject_kind=status_update&subject_id=999999",
        expect(HIDDEN),
        note="on a missing subject",
    ),
    # reading a thread, per audience and state
    Row("threads.show", lambda w: _t(w, "t_circle"), circle_audience(), note="circle audience"),
    Row("threads.show", lambda w: _t(w, "t_ref"), circle_view(), note="reference audience"),
    Row("threads.show", lambda w: _t(w, "t_leaders"), leaders_audience(), note="leaders audience"),
    Row("threads.show", lambda w: _t(w, "t_locked"), circle_view(), note="locked"),
    Row("threads.show", lambda w: _t(w, "t_closed"), circle_view(), note="closed"),
    Row("threads.show", lambda w: _t(w, "t_resolved"), circle_view(), note="resolved"),
    Row("threads.show", lambda w: _t(w, "t_status"), circle_view(), note="status update"),
    Row(
        "threads.show",
        lambda w: _t(w, "t_other"),
        expect(HIDDEN),
        note="other circle's thread under own slug",
    ),
    Row("threads.show", lambda w: _t(w, "t_other", OTHER), other_circle(), note="other circle"),
    Row("threads.show", lambda w: f"/c/{OWN}/threads/999999", expect(HIDDEN), note="missing"),
    # read marker, following
    Row(
        "threads.mark_read",
        lambda w: _t(w, "t_ref") + "/read",
        circle_view(302),
        method="POST",
        data=lambda w: {"upto": "999"},
    ),
    Row(
        "threads.mark_read",
        lambda w: _t(w, "t_leaders") + "/read",
        leaders_audience(302),
        method="POST",
        note="leaders audience",
    ),
    Row("threads.follow", lambda w: _t(w, "t_ref") + "/follow", circle_view(302), method="POST"),
    Row(
        "threads.follow",
        lambda w: _t(w, "t_circle") + "/follow",
        circle_audience(302),
        method="POST",
        note="circle audience",
    ),
    Row(
        "threads.follow",
        lambda w: _t(w, "t_other") + "/follow",
        expect(HIDDEN),
        method="POST",
        note="other circle's thread under own slug",
    ),
    Row(
        "threads.unfollow", lambda w: _t(w, "t_ref") + "/unfollow", circle_view(302), method="POST"
    ),
    Row(
        "threads.unfollow",
        lambda w: _t(w, "t_leaders") + "/unfollow",
        leaders_audience(302),
        method="POST",
        note="leaders audience",
    ),
    # states and moderation of threads
    Row(
        "threads.change_state",
        lambda w: _t(w, "t_ref") + "/state",
        moderators(),
        method="POST",
        data=lambda w: {"action": "lock"},
    ),
    Row(
        "threads.change_state",
        lambda w: _t(w, "t_circle") + "/state",
        moderators(thread_hidden_from=CIRCLE_HIDDEN),
        method="POST",
        data=lambda w: {"action": "pin"},
        note="circle audience",
    ),
    Row(
        "threads.change_state",
        lambda w: _t(w, "t_closed") + "/state",
        moderators(),
        method="POST",
        data=lambda w: {"action": "reopen"},
        note="closed",
    ),
    Row(
        "threads.change_state",
        lambda w: _t(w, "t_other", OTHER) + "/state",
        other_circle(302),
        method="POST",
        data=lambda w: {"action": "close"},
        note="other circle",
    ),
    Row(
        "threads.resolve",
        lambda w: _t(w, "t_ref") + "/resolve",
        moderators(),
        method="POST",
        data=lambda w: {"resolution": "Tatt inn i veilederen"},
    ),
    Row(
        "threads.resolve",
        lambda w: _t(w, "t_leaders") + "/resolve",
        leaders_audience(302),
        method="POST",
        data=lambda w: {"resolution": "Ok"},
        note="leaders audience",
    ),
    Row("threads.reports", lambda w: f"/c/{OWN}/threads/reports", leaders_only()),
    Row(
        "threads.reports",
        lambda w: f"/c/{OTHER}/threads/reports",
        other_circle(),
        note="other circle",
    ),
    # writing
    Row("threads.reply", lambda w: _t(w, "t_ref") + "/reply", circle_view()),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + f"/reply?to={w.extra['p_ref'].id}&quote=1",
        circle_view(),
        note="quote",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + f"/reply?to={w.extra['p_circle'].id}",
        expect(HIDDEN),
        note="parent from another thread",
    ),
    Row("threads.reply", lambda w: _t(w, "t_locked") + "/reply", circle_view(409), note="locked"),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + "/reply",
        circle_view(302),
        method="POST",
        data=lambda w: BODY,
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + "/reply",
        circle_view(302),
        method="POST",
        data=lambda w: {**BODY, "parent_id": str(w.extra["p_ref"].id)},
        note="nested",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_circle") + "/reply",
        circle_audience(302),
        method="POST",
        data=lambda w: BODY,
        note="circle audience",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_leaders") + "/reply",
        leaders_audience(302),
        method="POST",
        data=lambda w: BODY,
        note="leaders audience",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_locked") + "/reply",
        circle_view(409),
        method="POST",
        data=lambda w: BODY,
        note="locked",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_closed") + "/reply",
        circle_view(409),
        method="POST",
        data=lambda w: BODY,
        note="closed",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_resolved") + "/reply",
        circle_view(302),
        method="POST",
        data=lambda w: BODY,
        note="resolved",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + "/reply",
        circle_view(400),
        method="POST",
        data=lambda w: {"body": ""},
        note="empty",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_other") + "/reply",
        expect(HIDDEN),
        method="POST",
        data=lambda w: BODY,
        note="other circle's thread under own slug",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_other", OTHER) + "/reply",
        other_circle(302),
        method="POST",
        data=lambda w: BODY,
        note="other circle",
    ),
    # a post's own actions (the posts are written by "participant")
    Row("threads.edit_post", lambda w: _p(w, "t_ref", "p_ref", "edit"), author_only(200)),
    Row(
        "threads.edit_post",
        lambda w: _p(w, "t_ref", "p_ref", "edit"),
        author_only(302),
        method="POST",
        data=lambda w: {"body": "Endret tekst"},
    ),
    Row(
        "threads.edit_post",
        lambda w: _p(w, "t_circle", "p_circle", "edit"),
        author_only(200, hidden=CIRCLE_HIDDEN),
        note="circle audience",
    ),
    Row(
        "threads.edit_post",
        lambda w: _p(w, "t_locked", "p_locked", "edit"),
        author_only(409),
        note="locked",
    ),
    Row(
        "threads.edit_post",
        lambda w: _p(w, "t_ref", "p_circle", "edit"),
        expect(HIDDEN),
        note="post of another thread",
    ),
    Row(
        "threads.delete_post",
        lambda w: _p(w, "t_ref", "p_ref", "delete"),
        author_only(302),
        method="POST",
    ),
    Row(
        "threads.delete_post",
        lambda w: _p(w, "t_leaders", "p_leaders", "delete"),
        leaders_audience(DENIED) | {"leader": 302},
        method="POST",
        note="leaders audience, leader's post",
    ),
    Row(
        "threads.history",
        lambda w: _p(w, "t_ref", "p_ref", "history"),
        author_only(200, also=("leader", "admin")),
    ),
    Row(
        "threads.history",
        lambda w: _p(w, "t_circle", "p_circle", "history"),
        author_only(200, also=("leader", "admin"), hidden=CIRCLE_HIDDEN),
        note="circle audience",
    ),
    Row(
        "threads.report",
        lambda w: _p(w, "t_ref", "p_ref", "report"),
        circle_view(302) | {"participant": DENIED},
        method="POST",
        data=lambda w: {"reason": "Bør sjekkes"},
    ),
    Row(
        "threads.report",
        lambda w: _p(w, "t_circle", "p_circle", "report"),
        circle_audience(302) | {"participant": DENIED},
        method="POST",
        note="circle audience",
    ),
    Row("threads.hide", lambda w: _p(w, "t_ref", "p_ref", "hide"), moderators(), method="POST"),
    Row(
        "threads.hide",
        lambda w: _p(w, "t_leaders", "p_leaders", "hide"),
        leaders_audience(302),
        method="POST",
        note="leaders audience",
    ),
    Row(
        "threads.hide",
        lambda w: _p(w, "t_ref", "p_circle", "hide"),
        expect(HIDDEN),
        method="POST",
        note="post of another thread",
    ),
    Row(
        "threads.restore",
        lambda w: _p(w, "t_ref", "p_hidden", "restore"),
        moderators(),
        method="POST",
    ),
    Row(
        "threads.dismiss", lambda w: _p(w, "t_ref", "p_ref", "dismiss"), moderators(), method="POST"
    ),
    Row(
        "threads.dismiss",
        lambda w: _p(w, "t_other", "p_other", "dismiss", OTHER),
        other_circle(302),
        method="POST",
        note="other circle",
    ),
    # the mention picker, previews, titles with history
    Row("threads.mentions", lambda w: _t(w, "t_ref") + "/mentions?q=p", circle_view()),
    Row(
        "threads.mentions",
        lambda w: _t(w, "t_circle") + "/mentions?q=p",
        circle_audience(),
        note="circle audience",
    ),
    Row(
        "threads.mentions",
        lambda w: _t(w, "t_leaders") + "/mentions",
        leaders_audience(),
        note="leaders audience",
    ),
    Row(
        "threads.mentions",
        lambda w: _t(w, "t_other", OTHER) + "/mentions",
        other_circle(),
        note="other circle",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_ref") + "/reply",
        circle_view(200),
        method="POST",
        data=lambda w: {"body": "Et *utkast*", "preview": "1"},
        note="preview",
    ),
    Row(
        "threads.reply",
        lambda w: _t(w, "t_circle") + "/reply",
        circle_audience(200),
        method="POST",
        data=lambda w: {"body": "Et *utkast*", "preview": "1"},
        note="preview, circle audience",
    ),
    Row(
        "threads.edit_post",
        lambda w: _p(w, "t_ref", "p_ref", "edit"),
        author_only(200),
        method="POST",
        data=lambda w: {"body": "Forslag", "preview": "1"},
        note="preview",
    ),
    Row("threads.edit_title", lambda w: _t(w, "t_ref") + "/title", moderators(200)),
    Row(
        "threads.edit_title",
        lambda w: _t(w, "t_ref") + "/title",
        moderators(302),
        method="POST",
        data=lambda w: {"title": "Ny tittel"},
    ),
    Row(
        "threads.edit_title",
        lambda w: _t(w, "t_circle") + "/title",
        moderators(200, thread_hidden_from=CIRCLE_HIDDEN),
        note="circle audience",
    ),
    Row(
        "threads.edit_title",
        lambda w: _t(w, "t_leaders") + "/title",
        leaders_audience(200),
        note="leaders audience",
    ),
    Row(
        "threads.edit_title",
        lambda w: _t(w, "t_other", OTHER) + "/title",
        other_circle(200),
        note="other circle",
    ),
    Row("threads.title_history", lambda w: _t(w, "t_ref") + "/title/history", circle_view()),
    Row(
        "threads.title_history",
        lambda w: _t(w, "t_leaders") + "/title/history",
        leaders_audience(),
        note="leaders audience",
    ),
    Row(
        "threads.edit_status",
        lambda w: f"/c/{OWN}/status/{w.extra['status'].id}/edit",
        leaders_only(),
    ),
    Row(
        "threads.edit_status",
        lambda w: f"/c/{OWN}/status/{w.extra['status'].id}/edit",
        leaders_only(302),
        method="POST",
        data=lambda w: {"title": "Status i april", "body": "Godt i gang."},
    ),
    Row(
        "threads.edit_status",
        lambda w: f"/c/{OWN}/status/{w.extra['other_status'].id}/edit",
        expect(HIDDEN),
        note="other circle's status under own slug",
    ),
    Row(
        "threads.edit_status",
        lambda w: f"/c/{OTHER}/status/{w.extra['other_status'].id}/edit",
        other_circle(),
        note="other circle",
    ),
    Row(
        "threads.status_history",
        lambda w: f"/c/{OWN}/status/{w.extra['status'].id}/history",
        circle_view(),
    ),
    Row(
        "threads.status_history",
        lambda w: f"/c/{OTHER}/status/{w.extra['other_status'].id}/history",
        other_circle(),
        note="other circle",
    ),
    # the reference group's page and status updates
    Row("threads.reference_home", lambda w: f"/c/{OWN}/reference", circle_view()),
    Row(
        "threads.reference_home",
        lambda w: f"/c/{OTHER}/reference",
        other_circle(),
        note="other circle",
    ),
    Row("threads.new_status", lambda w: f"/c/{OWN}/status/new", leaders_only()),
    Row(
        "threads.new_status",
        lambda w: f"/c/{OWN}/status/new",
        leaders_only(302),
        method="POST",
        data=lambda w: {"title": "Status", "body": "Godt i gang."},
    ),
    Row(
        "threads.new_status",
        lambda w: f"/c/{OTHER}/status/new",
        other_circle(),
        note="other circle",
    ),
    Row("threads.show_status", lambda w: f"/c/{OWN}/status/{w.extra['status'].id}", circle_view()),
    Row(
        "threads.show_status",
        lambda w: f"/c/{OWN}/status/{w.extra['other_status'].id}",
        expect(HIDDEN),
        note="other circle's status under own slug",
    ),
    Row(
        "threads.show_status",
        lambda w: f"/c/{OTHER}/status/{w.extra['other_status'].id}",
        other_circle(),
        note="other circle",
    ),
    # notifications
    Row("notifications.index", lambda w: "/notifications", expect(200)),
    Row("notifications.mark_all_read", lambda w: "/notifications/read", expect(302), method="POST"),
    Row(
        "notifications.open_notification",
        lambda w: f"/notifications/{w.extra['note_participant'].id}/open",
        expect(HIDDEN, participant=302),
        method="POST",
        note="the participant's own",
    ),
    Row(
        "notifications.open_notification",
        lambda w: "/notifications/999999/open",
        expect(HIDDEN),
        method="POST",
        note="no such notification",
    ),
    Row("notifications.settings", lambda w: "/notifications/settings", expect(200)),
    Row(
        "notifications.settings",
        lambda w: "/notifications/settings",
        expect(302),
        method="POST",
        data=lambda w: {"mode": "daily"},
    ),
    Row(
        "notifications.unsubscribe",
        lambda w: f"/notifications/unsubscribe/{w.extra['token']}",
        expect(200, anonymous=200, deactivated=200),
        note="valid link, no sign-in needed",
    ),
    Row(
        "notifications.unsubscribe",
        lambda w: f"/notifications/unsubscribe/{w.extra['token']}",
        expect(200, anonymous=200, deactivated=200),
        method="POST",
        note="valid link",
    ),
    Row(
        "notifications.unsubscribe",
        lambda w: f"/notifications/unsubscribe/{w.extra['token']}",
        expect(200, anonymous=200, deactivated=200),
        method="POST",
        data=lambda w: {"List-Unsubscribe": "One-Click"},
        note="one-click from the List-Unsubscribe header (RFC 8058)",
    ),
    Row(
        "notifications.unsubscribe",
        lambda w: "/notifications/unsubscribe/forfalsket",
        expect(HIDDEN, anonymous=HIDDEN, deactivated=HIDDEN),
        note="bad link",
    ),
]


def build(session, world) -> None:  # noqa: ANN001
    """Add threads in every audience and state, posts, status updates and a mail link."""
    from flask import current_app

    from circle.threads.models import (
        Audience,
        Notification,
        Post,
        StatusUpdate,
        Thread,
        ThreadKind,
        ThreadState,
    )
    from circle.threads.services.threads import STATUS_KIND
    from circle.threads.tokens import make_token

    m = world.members

    def thread(circle, audience, **kw):  # noqa: ANN001, ANN202
        t = Thread(
            circle_id=circle.id,
            kind=kw.pop("kind", ThreadKind.DISCUSSION),
            audience=audience,
            title=kw.pop("title", "Tråd"),
            **kw,
        )
        session.add(t)
        return t

    def post(t, author, **kw):  # noqa: ANN001, ANN202
        p = Post(thread_id=t.id, depth=1, author_id=author.id, body="Et innlegg", **kw)
        session.add(p)
        return p

    session.flush()
    world.extra["status"] = StatusUpdate(
        circle_id=world.circle.id, title="Status", body="Tekst", author_id=m["leader"].id
    )
    world.extra["other_status"] = StatusUpdate(
        circle_id=world.other.id, title="Annen", body="Tekst", author_id=m["outsider"].id
    )
    session.add_all([world.extra["status"], world.extra["other_status"]])
    session.flush()
    e = world.extra
    e["t_circle"] = thread(world.circle, Audience.CIRCLE)
    e["t_ref"] = thread(world.circle, Audience.REFERENCE)
    e["t_leaders"] = thread(world.circle, Audience.LEADERS)
    e["t_locked"] = thread(world.circle, Audience.REFERENCE, locked=True)
    e["t_closed"] = thread(world.circle, Audience.REFERENCE, state=ThreadState.CLOSED)
    e["t_resolved"] = thread(
        world.circle, Audience.REFERENCE, state=ThreadState.RESOLVED, resolution="Brukt i planen"
    )
    e["t_status"] = thread(
        world.circle,
        Audience.REFERENCE,
        kind=ThreadKind.SUBJECT,
        subject_kind=STATUS_KIND,
        subject_id=e["status"].id,
    )
    e["t_other"] = thread(world.other, Audience.REFERENCE)
    session.flush()
    e["p_circle"] = post(e["t_circle"], m["participant"])
    e["p_ref"] = post(e["t_ref"], m["participant"])
    e["p_hidden"] = post(e["t_ref"], m["participant"], hidden_at=e["t_ref"].created_at)
    e["p_leaders"] = post(e["t_leaders"], m["leader"])
    e["p_locked"] = post(e["t_locked"], m["participant"])
    e["p_other"] = post(e["t_other"], m["outsider"])
    session.flush()
    e["note_participant"] = Notification(
        member_id=m["participant"].id,
        circle_id=world.circle.id,
        kind="post",
        title="Tråd",
        subject_kind="thread",
        subject_id=e["t_circle"].id,
        thread_id=e["t_circle"].id,
        post_id=e["p_circle"].id,
    )
    session.add(e["note_participant"])
    session.flush()
    e["token"] = make_token(
        current_app.config["SECRET_KEY"], m["participant"].id, "thread", e["t_ref"].id
    )
