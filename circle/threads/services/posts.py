"""Posts: writing, replying (three levels), mentions, quoting, editing with history, removal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Member, Membership, utcnow
from circle.text import markdown_excerpt, render_markdown
from circle.threads.models import (
    NoticeKind,
    Post,
    PostMention,
    PostRevision,
    Thread,
    ThreadFollow,
)
from circle.threads.permissions import (
    can_delete_post,
    can_edit_post,
    can_view_thread,
    visible_roles,
)
from circle.threads.services.common import clean_text, not_found
from circle.threads.services.following import follow, mark_read
from circle.threads.services.notifications import notify
from circle.threads.subjects import Subject

MAX_DEPTH = 3
# A post with this many replies below it (at any level) gets a fold to close its branch.
LONG_BRANCH = 4
QUOTE_LIMIT = 2_000
# An @ that starts a word: not part of an e-mail address or another word.
_AT_RE = re.compile(r"(?<![\w@.])@(?=\w)")
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE_RE = re.compile(r"`[^`\n]*`")
# The head quote_of writes: "> **Kari Nordmann:**".
_QUOTE_HEAD_RE = re.compile(r"^>\s*\*\*(.+?):\*\*\s*$")
_WORD_RE = re.compile(r"\w+")


def _mention_text(body: str) -> str:
    """Return the body without code and quoted lines: mentions there are not mentions."""
    body = _FENCE_RE.sub("", body)
    body = _INLINE_CODE_RE.sub("", body)
    return "\n".join(
        line
        for line in body.splitlines()
        if not line.lstrip().startswith(">") and not line.startswith("    ")
    )


def member_link(thread: Thread, member_id: int) -> str:
    """Return the link a mention points to: the member's row in the circle's directory."""
    # Built here rather than with url_for because services run without a request.
    return f"/c/{thread.circle.slug}/members#member-{member_id}"


def resolve_mentions(
    session: Session, thread: Thread, subject: Subject | None, body: str
) -> tuple[dict[int, str], list[str]]:
    """Return ({member id: name} mentioned inside the audience, names mentioned outside it)."""
    text = _mention_text(body)
    starts = [m.end() for m in _AT_RE.finditer(text)]
    if not starts:
        return {}, []
    rows = session.execute(
        select(Member.id, Member.name, Membership.role)
        .join(Membership, Membership.member_id == Member.id)
        .where(Membership.circle_id == thread.circle_id, Member.active.is_(True))
    ).all()
    roles = visible_roles(thread, subject)
    # Longest names first, so "@Anne Marie Berg" is not read as "@Anne Marie".
    names = sorted(
        ((name.casefold(), member_id, role.value in roles, name) for member_id, name, role in rows),
        key=lambda r: -len(r[0]),
    )
    found: dict[int, str] = {}
    outside: list[str] = []
    folded = text.casefold()
    for start in starts:
        for name, member_id, inside, display in names:
            end = start + len(name)
            if folded.startswith(name, start) and (end == len(folded) or not folded[end].isalnum()):
                if inside:
                    found[member_id] = display
                elif display not in outside:
                    outside.append(display)
                break
    return found, outside


def audience_members(
    session: Session, thread: Thread, subject: Subject | None, query: str, *, limit: int = 8
) -> list[tuple[int, str]]:
    """Return (id, name) of active members who see the thread whose name has a word from query."""
    roles = visible_roles(thread, subject)
    wanted = query.strip().casefold()
    rows = session.execute(
        select(Member.id, Member.name, Membership.role)
        .join(Membership, Membership.member_id == Member.id)
        .where(Membership.circle_id == thread.circle_id, Member.active.is_(True))
        .order_by(Member.name)
    ).all()
    found = [
        (member_id, name)
        for member_id, name, role in rows
        if role.value in roles
        and (
            not wanted
            or any(word.startswith(wanted) for word in name.casefold().split())
            or name.casefold().startswith(wanted)
        )
    ]
    return found[:limit]


def outside_message(outside: list[str]) -> str:
    """Return the message for mentions of people who do not see the thread."""
    return _l(
        "Du kan bare nevne personer som ser denne tråden. %(names)s er ikke med i trådens "
        "målgruppe. Fjern @ foran navnet, eller skriv i en tråd for en større målgruppe.",
        names=", ".join(outside),
    )


def render_body(thread: Thread, body: str, mentioned: dict[int, str]) -> str:
    """Render a post's body with its mentions as links to the members."""
    links = {name: member_link(thread, member_id) for member_id, name in mentioned.items()}
    return str(render_markdown(body, mentions=links))


@dataclass
class Preview:
    """A post as it would look, and what would stop it from being posted."""

    html: Markup
    problem: str | None


def preview_post(
    session: Session, thread: Thread, *, actor: Member, body: str, subject: Subject | None = None
) -> Preview:
    """Render a post as it would be published, without saving anything."""
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    body = clean_text(body)
    found, outside = resolve_mentions(session, thread, subject, body)
    html = Markup(render_body(thread, body, found))  # noqa: S704 (the shared pipeline's output)
    return Preview(html=html, problem=outside_message(outside) if outside else None)


def _placement(thread: Thread, parent: Post | None) -> tuple[int | None, int, int | None]:
    """Return (parent id, depth, reply-to id) for a reply; nesting stops at level three."""
    if parent is None:
        return None, 1, None
    if parent.thread_id != thread.id:
        raise DomainError(_l("Innlegget du svarer på, finnes ikke i denne tråden."))
    if parent.depth == 0:
        return None, 1, parent.id
    if parent.depth >= MAX_DEPTH:
        return parent.parent_id, MAX_DEPTH, parent.id
    return parent.id, parent.depth + 1, parent.id


def add_post(
    session: Session,
    thread: Thread,
    *,
    actor: Member,
    body: str,
    parent: Post | None = None,
    subject: Subject | None = None,
    opening: bool = False,
) -> Post:
    """Write a post (or a reply to `parent`), follow the thread, and notify who should know."""
    circle = thread.circle
    if not can_view_thread(actor, circle, thread, subject):
        raise not_found()
    if not thread.accepts_posts:
        raise Conflict(
            _l("Tråden er låst og tar ikke imot nye innlegg.")
            if thread.locked
            else _l("Tråden er lukket og tar ikke imot nye innlegg.")
        )
    body = clean_text(body)
    check_quotes(session, thread, body, None if opening else parent)
    found, outside = resolve_mentions(session, thread, subject, body)
    if outside:
        raise DomainError(outside_message(outside))
    mentioned = set(found)
    if opening:
        parent_id, depth, reply_to_id = None, 0, None
    else:
        parent_id, depth, reply_to_id = _placement(thread, parent)
    post = Post(
        thread_id=thread.id,
        parent_id=parent_id,
        depth=depth,
        reply_to_id=reply_to_id,
        author_id=actor.id,
        body=body,
        created_at=utcnow(),
    )
    if found:
        post.body_html = render_body(thread, body, found)
    session.add(post)
    session.flush()
    session.add_all(
        PostMention(post_id=post.id, thread_id=thread.id, member_id=m) for m in sorted(mentioned)
    )
    thread.last_post_id = post.id
    thread.last_post_at = post.created_at
    # Counted in SQL: two posts written at once (other workers, other servers) both count.
    session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(thread, ["post_count"])
    followers = set(
        session.scalars(select(ThreadFollow.member_id).where(ThreadFollow.thread_id == thread.id))
    )
    follow(session, thread, {actor.id} | mentioned)
    mark_read(session, actor, thread, post.id)  # whoever writes has read what came before
    if opening:
        # The whole audience hears of the new thread; those it names hear of a mention, which
        # reaches them even where they take no other e-mail.
        notify(
            session,
            thread,
            subject,
            kind=NoticeKind.NEW_THREAD,
            actor=actor,
            post=post,
            mentioned=mentioned,
        )
    else:
        kind = NoticeKind.REPLY if reply_to_id is not None else NoticeKind.POST
        replied_to = _author_of(session, reply_to_id)
        notify(
            session,
            thread,
            subject,
            kind=kind,
            actor=actor,
            post=post,
            member_ids=followers | ({replied_to} if replied_to else set()),
            mentioned=mentioned,
        )
    session.flush()
    return post


def _author_of(session: Session, post_id: int | None) -> int | None:
    if post_id is None:
        return None
    return session.scalar(select(Post.author_id).where(Post.id == post_id))


def edit_post(
    session: Session, post: Post, *, actor: Member, body: str, subject: Subject | None = None
) -> Post:
    """Change a post's text, keeping the earlier version; new mentions notify."""
    thread = post.thread
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    if not can_edit_post(actor, post):
        raise NotAllowed(_l("Bare den som skrev innlegget, kan endre det."))
    if not thread.accepts_posts:
        raise Conflict(_l("Tråden er låst eller lukket, og innlegg kan ikke endres."))
    body = clean_text(body)
    if body == post.body:
        return post
    replied_to = session.get(Post, post.reply_to_id) if post.reply_to_id else None
    check_quotes(session, thread, body, replied_to)
    found, outside = resolve_mentions(session, thread, subject, body)
    if outside:
        raise DomainError(outside_message(outside))
    mentioned = set(found)
    before = set(
        session.scalars(select(PostMention.member_id).where(PostMention.post_id == post.id))
    )
    session.add(
        PostRevision(post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at)
    )
    post.body = body
    if found:
        post.body_html = render_body(thread, body, found)
    post.edited_at = utcnow()
    session.execute(delete(PostMention).where(PostMention.post_id == post.id))
    session.add_all(
        PostMention(post_id=post.id, thread_id=thread.id, member_id=m) for m in sorted(mentioned)
    )
    new = mentioned - before
    if new:
        follow(session, thread, new)
        notify(
            session,
            thread,
            subject,
            kind=NoticeKind.MENTION,
            actor=actor,
            post=post,
            member_ids=new,
            mentioned=new,
        )
    session.flush()
    return post


def delete_post(
    session: Session, post: Post, *, actor: Member, subject: Subject | None = None
) -> None:
    """Remove a post's text: "removed" stays in its place so the replies keep their context."""
    thread = post.thread
    if not can_view_thread(actor, thread.circle, thread, subject):
        raise not_found()
    if not can_delete_post(actor, post):
        raise NotAllowed(_l("Bare den som skrev innlegget, kan fjerne det."))
    # The author may have removed it because of what it said: keep none of the text.
    post.body = ""
    post.deleted_at = utcnow()
    session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    session.execute(delete(PostMention).where(PostMention.post_id == post.id))
    session.flush()


def revisions(session: Session, post: Post) -> list[PostRevision]:
    """Return a post's earlier versions, newest first."""
    return list(
        session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.id.desc())
        )
    )


def _words(markdown_text: str) -> str:
    """Return the words a reader sees in Markdown, lower-cased, one space apart."""
    plain = markdown_excerpt(markdown_text, length=len(markdown_text) + 1)
    return " ".join(_WORD_RE.findall(plain.casefold()))


def _is_part_of(quoted: str, source: str) -> bool:
    """Tell whether the words of quoted stand, in that order and together, in source."""
    # A selection may start or end inside a word, and a long quote is cut at QUOTE_LIMIT
    # characters: the first word may be the end of a word, the last one its start.
    words, text = _words(quoted), f" {_words(source)} "
    if " " in words:
        return words in text
    return not words or f" {words}" in text or f"{words} " in text


def quote_of(post: Post, passage: str | None = None) -> str:
    """Return Markdown quoting a post (or a passage of it), to start a reply with.

    A passage that is not the post's own text is ignored (the whole post is quoted instead),
    so a link cannot put words into someone's mouth.
    """
    if post.deleted_at is not None or post.hidden_at is not None:
        return ""
    chosen = (passage or "").strip()[:QUOTE_LIMIT]
    text = chosen if chosen and _is_part_of(chosen, post.body) else post.body
    text = text[:QUOTE_LIMIT]
    name = post.author.name if post.author else ""
    lines = [f"> **{name}:**" if name else ">"]
    lines += [f"> {line}".rstrip() for line in text.splitlines()]
    return "\n".join(lines) + "\n\n"


def _quote_blocks(body: str) -> list[tuple[str, list[str]]]:
    """Return each quote of the form quote_of writes: (the name in its head, its lines)."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in body.splitlines():
        head = _QUOTE_HEAD_RE.match(line)
        if head:
            current = []
            blocks.append((head.group(1).strip(), current))
        elif current is not None and line.startswith(">"):
            current.append(line[1:].strip())
        else:
            current = None
    return blocks


def check_quotes(session: Session, thread: Thread, body: str, quoted: Post | None) -> None:
    """Refuse a quote of someone in the thread that is not text of the post replied to."""
    blocks = _quote_blocks(body)
    if not blocks:
        return
    authors = set(
        session.scalars(
            select(Member.name)
            .join(Post, Post.author_id == Member.id)
            .where(Post.thread_id == thread.id)
        )
    )
    source = ""
    if quoted is not None and quoted.deleted_at is None and quoted.hidden_at is None:
        source = quoted.body
    quoted_name = quoted.author.name if quoted is not None and quoted.author else None
    for name, lines in blocks:
        if name not in authors and name != quoted_name:
            continue  # "> **Merk:**" and the like: not a quote of anyone here
        if name != quoted_name or not all(_is_part_of(line, source) for line in lines):
            raise DomainError(
                _l(
                    "Et sitat kan bare inneholde tekst fra innlegget du svarer på. "
                    "Rett sitatet, eller fjern det."
                )
            )


def get_post(session: Session, thread: Thread, post_id: int) -> Post | None:
    """Return the post if it belongs to the thread."""
    post = session.get(Post, post_id)
    return post if post is not None and post.thread_id == thread.id else None
