"""The kinds of notification threads record: new threads, posts, replies, mentions, answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from circle.notifications.kinds import NotificationKind
from circle.threads.links import thread_path
from circle.threads.models import NoticeKind


def _thread_link(note: Any) -> str | None:
    if note.thread is None:
        return None
    return thread_path(note.thread.circle.slug, note.thread_id, note.post_id)


def _subject_still_shared(note: Any) -> bool:
    """A thread about an object that no longer resolves (a draft again, gone) is not listed."""
    from circle.threads.lookup import subject_lookup

    thread = note.thread
    if thread is None or thread.subject_kind is None:
        return True
    return subject_lookup()(thread.subject_kind, thread.subject_id) is not None


def _kind(key: NoticeKind, text: Any, setting: Any = None) -> NotificationKind:
    return NotificationKind(
        key=key.value, text=text, link=_thread_link, setting=setting, visible=_subject_still_shared
    )


THREAD_KINDS: dict[NoticeKind, NotificationKind] = {
    NoticeKind.NEW_THREAD: _kind(
        NoticeKind.NEW_THREAD, _l("startet en ny tråd"), _l("Nye tråder for meg")
    ),
    NoticeKind.POST: _kind(
        NoticeKind.POST, _l("skrev et innlegg"), _l("Nye innlegg i tråder jeg følger")
    ),
    NoticeKind.REPLY: _kind(NoticeKind.REPLY, _l("svarte deg"), _l("Svar på innleggene mine")),
    # A mention always reaches the member: it cannot be turned off.
    NoticeKind.MENTION: _kind(NoticeKind.MENTION, _l("nevnte deg")),
    NoticeKind.RESOLVED: _kind(
        NoticeKind.RESOLVED,
        _l("markerte tråden som besvart"),
        _l("Når en tråd jeg følger, er besvart"),
    ),
}
