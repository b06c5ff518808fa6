"""Mentions as links, the mention picker's data, previews, and folded long branches."""

from __future__ import annotations

from sqlalchemy import func, select

from circle.text import render_markdown, sanitize_html
from circle.threads.models import Audience, Notification, Post, PostMention
from circle.threads.services.posts import add_post, audience_members, preview_post
from circle.threads.services.threads import create_thread

VALID_FNR = "15076500565"


def _thread(session, people, audience=Audience.CIRCLE):  # noqa: ANN001, ANN202
    thread = create_thread(
        session,
        people.circle,
        actor=people.leader,
        title="Overgang til NAV",
        body="Hvordan gjør dere det?",
        audience=audience,
    )
    session.commit()
    return thread


def test_pipeline_links_known_names_only_outside_code() -> None:
    """A known @Name becomes a link; in code, inside a word or a longer name it stays text."""
    links = {"Kari Nordmann": "/c/x/members#member-3"}
    html = str(
        render_markdown(
            "Hei @kari nordmann, `@Kari Nordmann`, e@Kari Nordmann, @Kari Nordmannsen",
            mentions=links,
        )
    )
    assert html.count('href="/c/x/members#member-3"') == 1
    assert "<code>@Kari Nordmann</code>" in html
    assert sanitize_html(html) == html


def test_mention_name_cannot_inject_markup() -> None:
    """A member's name with markup in it is escaped inside the link."""
    html = str(render_markdown("@<b>Eva</b> hei", mentions={"<b>Eva</b>": "/c/x/members#m-1"}))
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_post_shows_mention_as_link_to_directory(client, login, people, session) -> None:
    """A mention of someone in the audience is a link to their row in the directory."""
    thread = _thread(session, people)
    login(people.participant)
    response = client.post(
        f"/c/egen/threads/{thread.id}/reply", data={"body": "Hva mener @Pia Deltaker?"}
    )
    assert response.status_code == 302
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert f'<a href="/c/egen/members#member-{people.participant2.id}"' in page
    assert f'id="member-{people.participant2.id}"' in client.get("/c/egen/members").text
    assert session.scalar(select(func.count()).select_from(PostMention)) == 1


def test_mention_outside_audience_is_refused_and_text_kept(client, login, people, session):  # noqa: ANN001, ANN201
    """A hand-typed mention of someone who does not see the thread: message, no post, no notice."""
    thread = _thread(session, people)
    login(people.participant)
    before = session.scalar(select(func.count()).select_from(Notification))
    response = client.post(
        f"/c/egen/threads/{thread.id}/reply", data={"body": "Spør @Rita Referanse om dette"}
    )
    assert response.status_code == 400
    assert "Rita Referanse er ikke med i trådens målgruppe" in response.text
    assert "Spør @Rita Referanse om dette</textarea>" in response.text
    assert session.scalar(select(func.count()).select_from(Post)) == 1
    assert session.scalar(select(func.count()).select_from(Notification)) == before


def test_picker_returns_only_audience_members(client, login, people, session) -> None:
    """The JSON lists members who see the thread; a leaders' thread 404s for others."""
    thread = _thread(session, people)
    login(people.participant)
    data = client.get(f"/c/egen/threads/{thread.id}/mentions?q=").get_json()
    names = {m["name"] for m in data["members"]}
    assert names == {"Lise Leder", "Per Deltaker", "Pia Deltaker"}
    data = client.get(f"/c/egen/threads/{thread.id}/mentions?q=pi").get_json()
    assert [m["name"] for m in data["members"]] == ["Pia Deltaker"]
    secret = _thread(session, people, Audience.LEADERS)
    assert client.get(f"/c/egen/threads/{secret.id}/mentions?q=l").status_code == 404
    client.post("/logout")
    login(people.outsider)
    assert client.get(f"/c/egen/threads/{thread.id}/mentions?q=").status_code == 404


def test_picker_of_reference_thread_includes_reference_group(people, session) -> None:
    """A thread shared with the reference group offers its members too."""
    thread = _thread(session, people, Audience.REFERENCE)
    names = [name for _id, name in audience_members(session, thread, None, "ri")]
    assert names == ["Rita Referanse"]


def test_preview_renders_without_saving(client, login, people, session) -> None:
    """Preview shows the rendered post (mention linked), keeps the text and saves nothing."""
    thread = _thread(session, people)
    login(people.participant)
    response = client.post(
        f"/c/egen/threads/{thread.id}/reply",
        data={"body": "**Viktig** for @Pia Deltaker", "preview": "1"},
    )
    assert response.status_code == 200
    assert "Forhåndsvisning" in response.text
    assert "<strong>Viktig</strong>" in response.text
    assert f"/c/egen/members#member-{people.participant2.id}" in response.text
    assert "**Viktig** for @Pia Deltaker</textarea>" in response.text
    assert session.scalar(select(func.count()).select_from(Post)) == 1


def test_preview_says_when_a_mention_is_outside(people, session) -> None:
    """The preview names who would not see the post, and does not link them."""
    thread = _thread(session, people)
    preview = preview_post(
        session, thread, actor=people.participant, body="Til @Rita Referanse og @Lise Leder"
    )
    assert preview.problem and "Rita Referanse" in str(preview.problem)
    assert str(preview.html).count("<a ") == 1


def test_preview_refuses_identity_number(client, login, people, session) -> None:
    """The guard runs on preview as on posting: refused, the number never echoed."""
    thread = _thread(session, people)
    login(people.participant)
    response = client.post(
        f"/c/egen/threads/{thread.id}/reply", data={"body": f"Nr {VALID_FNR}", "preview": "1"}
    )
    assert response.status_code == 400
    assert "Forhåndsvisning" not in response.text


def test_preview_when_editing(client, login, people, session) -> None:
    """Editing offers the same preview; the post is unchanged until saved."""
    thread = _thread(session, people)
    post = add_post(session, thread, actor=people.participant, body="Først")
    session.commit()
    login(people.participant)
    path = f"/c/egen/threads/{thread.id}/posts/{post.id}/edit"
    response = client.post(path, data={"body": "Så *endret*", "preview": "1"})
    assert response.status_code == 200 and "<em>endret</em>" in response.text
    session.refresh(post)
    assert post.body == "Først"


def test_long_branch_folds_and_nesting_stops_at_three(client, login, people, session) -> None:
    """Five replies below one post: a <details> fold; a reply at level 3 stays at level 3."""
    thread = _thread(session, people)
    top = add_post(session, thread, actor=people.participant, body="Rot")
    parent = top
    for n in range(5):
        parent = add_post(session, thread, actor=people.leader, body=f"Svar {n}", parent=parent)
    session.commit()
    assert max(p.depth for p in session.scalars(select(Post))) == 3
    login(people.participant)
    page = client.get(f"/c/egen/threads/{thread.id}").text
    assert '<details class="branch" open><summary>5 svar i denne grenen' in page
    assert "depth-4" not in page


def test_preview_before_starting_a_thread(client, login, people, session) -> None:
    """The new-thread form previews the opening post and creates nothing."""
    from circle.threads.models import Thread

    login(people.participant)
    response = client.post(
        "/c/egen/threads/new",
        data={
            "title": "Utkast",
            "kind": "discussion",
            "audience": "circle",
            "body": "Et **forslag**",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert "<strong>forslag</strong>" in response.text and "Forhåndsvisning" in response.text
    assert session.scalar(select(func.count()).select_from(Thread)) == 0


def test_picker_leaves_out_deactivated_members_and_contact_details(client, login, people, session):  # noqa: ANN001, ANN201
    """A deactivated member is not offered; the answer holds names and ids, no e-mail."""
    thread = _thread(session, people)
    people.participant2.active = False
    session.commit()
    login(people.participant)
    response = client.get(f"/c/egen/threads/{thread.id}/mentions?q=")
    members = response.get_json()["members"]
    assert "Pia Deltaker" not in {m["name"] for m in members}
    assert all(set(m) == {"id", "name"} for m in members)
    assert "@" not in response.get_data(as_text=True)
