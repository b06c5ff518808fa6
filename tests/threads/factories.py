"""Builders shared by the query-count tests and bench/threads.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from circle.models import Circle, Member, utcnow
from circle.threads.models import Audience, Post, PostMention, Thread, ThreadKind, ThreadState

BODIES = [
    "Hos oss møtes **barnevern og NAV** før ungdommen fyller 18, og det har hjulpet.",
    "Vi bruker en [sjekkliste](https://example.org/sjekkliste) for boligsøknaden.\n\n"
    "- søknad\n- avklaring av økonomi\n- oppfølging",
    "> Et sitat fra forrige innlegg\n\nEnig, men hvem kaller inn til møtet?",
    "Kort svar: det varierer fra bydel til bydel. Se også https://example.org/rapport.",
]


def big_thread(
    session: Session,
    circle: Circle,
    authors: list[Member],
    posts: int,
    audience: Audience = Audience.REFERENCE,
) -> Thread:
    """Insert a thread with `posts` posts nested up to three levels, with mentions and edits."""
    start = utcnow() - timedelta(days=30)
    thread = Thread(
        circle_id=circle.id,
        kind=ThreadKind.DISCUSSION,
        audience=audience,
        state=ThreadState.OPEN,
        title=f"Tråd med {posts} innlegg",
        created_by_id=authors[0].id,
    )
    session.add(thread)
    session.flush()
    opening = Post(
        thread_id=thread.id,
        depth=0,
        author_id=authors[0].id,
        body="Åpningsinnlegg med et spørsmål.",
        created_at=start,
    )
    session.add(opening)
    session.flush()
    last: dict[int, Post] = {}
    made = []
    for i in range(posts):
        depth = (i % 4) + 1 if i % 4 < 3 else 1
        parent = last.get(depth - 1) if depth > 1 else None
        post = Post(
            thread_id=thread.id,
            parent_id=parent.id if parent else None,
            reply_to_id=parent.id if parent else None,
            depth=depth if parent else 1,
            author_id=authors[i % len(authors)].id,
            body=BODIES[i % len(BODIES)] + f" ({i})",
            created_at=start + timedelta(minutes=i),
            edited_at=start + timedelta(minutes=i + 1) if i % 10 == 0 else None,
            deleted_at=start if i % 50 == 7 else None,
        )
        if post.deleted_at:
            post.body = ""
        session.add(post)
        session.flush()
        last[post.depth] = post
        made.append(post)
    session.add_all(
        PostMention(post_id=p.id, thread_id=thread.id, member_id=authors[1].id) for p in made[::25]
    )
    thread.last_post_id = made[-1].id if made else opening.id
    thread.last_post_at = utcnow()
    thread.post_count = posts + 1
    session.flush()
    return thread
