"""Theme proposals, dot voting, the server-drawn chart and closing the vote."""

from __future__ import annotations

import re

import pytest

from circle.errors import Conflict, DomainError, NotAllowed
from circle.models import Role
from circle.themes import services
from circle.themes.chart import bar_chart_svg


@pytest.fixture
def people(make_circle, make_member):
    circle = make_circle()
    return (
        circle,
        make_member(circle=circle, role=Role.LEADER),
        make_member(circle=circle, role=Role.PARTICIPANT),
        make_member(circle=circle, role=Role.PARTICIPANT),
        make_member(circle=circle, role=Role.REFERENCE),
    )


def test_full_vote(session, people):
    circle, leader, p1, p2, ref = people
    housing = services.propose_theme(session, circle, actor=p1, title="Bolig")
    money = services.propose_theme(session, circle, actor=p2, title="Økonomi")
    work = services.propose_theme(session, circle, actor=leader, title="Arbeid")
    vote_round = services.open_vote(session, circle, actor=leader, votes_per_member=3)
    services.cast_votes(session, vote_round, circle, actor=p1, allocation={housing.id: 3})
    services.cast_votes(
        session, vote_round, circle, actor=p2, allocation={housing.id: 1, money.id: 2}
    )
    # Changing one's mind replaces the earlier dots.
    services.cast_votes(session, vote_round, circle, actor=p2, allocation={money.id: 1, work.id: 2})
    results = services.results(session, vote_round, circle)
    assert [(r.theme.title, r.dots) for r in results] == [
        ("Bolig", 3),
        ("Arbeid", 2),
        ("Økonomi", 1),
    ]
    assert services.voter_count(session, vote_round) == 2
    services.close_vote(
        session,
        vote_round,
        circle,
        actor=leader,
        chosen_theme_ids={housing.id, work.id},
        main_questions=["Hvordan sikre bolig?", "", "Hva med arbeid?"],
    )
    assert {t.title for t in services.chosen_themes(session, circle)} == {"Bolig", "Arbeid"}
    assert [q.text for q in circle.questions] == ["Hvordan sikre bolig?", "Hva med arbeid?"]
    with pytest.raises(Conflict):
        services.cast_votes(session, vote_round, circle, actor=p1, allocation={money.id: 1})


def test_vote_rules(session, people, make_circle):
    circle, leader, p1, _p2, ref = people
    with pytest.raises(DomainError):
        services.open_vote(session, circle, actor=leader, votes_per_member=3)  # no themes
    theme = services.propose_theme(session, circle, actor=p1, title="Helse")
    with pytest.raises(Conflict):
        services.propose_theme(session, circle, actor=p1, title="helse")
    with pytest.raises(NotAllowed):
        services.propose_theme(session, circle, actor=ref, title="Noe")
    with pytest.raises(NotAllowed):
        services.open_vote(session, circle, actor=p1, votes_per_member=3)
    with pytest.raises(DomainError):
        services.open_vote(session, circle, actor=leader, votes_per_member=0)
    vote_round = services.open_vote(session, circle, actor=leader, votes_per_member=2)
    with pytest.raises(Conflict):
        services.open_vote(session, circle, actor=leader, votes_per_member=2)
    with pytest.raises(DomainError):
        services.cast_votes(session, vote_round, circle, actor=p1, allocation={theme.id: 3})
    with pytest.raises(DomainError):
        services.cast_votes(session, vote_round, circle, actor=p1, allocation={theme.id: -1})
    with pytest.raises(NotAllowed):
        services.cast_votes(session, vote_round, circle, actor=ref, allocation={theme.id: 1})
    other = make_circle()
    foreign = services.propose_theme(session, other, actor=_admin(session), title="Annet")
    with pytest.raises(DomainError):
        services.cast_votes(session, vote_round, circle, actor=p1, allocation={foreign.id: 1})


def _admin(session):  # noqa: ANN001, ANN202
    from circle.models import Member

    admin = Member(email="admin@t.example", name="A", is_admin=True)
    session.add(admin)
    session.flush()
    return admin


def test_chart_is_server_drawn_svg_with_escaped_titles(session, people):
    circle, leader, p1, *_ = people
    theme = services.propose_theme(session, circle, actor=p1, title="<script>x</script> & co")
    vote_round = services.open_vote(session, circle, actor=leader, votes_per_member=4)
    services.cast_votes(session, vote_round, circle, actor=p1, allocation={theme.id: 4})
    svg = str(bar_chart_svg(services.results(session, vote_round, circle), "Stemmer"))
    assert svg.startswith("<svg") and 'data-dots="4"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_vote_through_the_pages(app, client, session, people, login):
    circle, leader, p1, _p2, _ref = people
    login(leader)
    client.post(f"/c/{circle.slug}/themes", data={"title": "Bolig"})
    client.post(f"/c/{circle.slug}/themes", data={"title": "Skole"})
    assert (
        client.post(
            f"/c/{circle.slug}/themes/vote/open", data={"votes_per_member": "3"}
        ).status_code
        == 302
    )
    page = client.get(f"/c/{circle.slug}/themes").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'name="theme-(\d+)"', page)]
    assert len(ids) == 2
    participant = app.test_client()
    login(p1, test_client=participant)
    participant.post(
        f"/c/{circle.slug}/themes/vote", data={f"theme-{ids[0]}": "2", f"theme-{ids[1]}": "1"}
    )
    too_many = participant.post(
        f"/c/{circle.slug}/themes/vote", data={f"theme-{ids[0]}": "4"}, follow_redirects=True
    )
    assert "Du har 3 stemmer" in too_many.get_data(as_text=True)
    bad = participant.post(
        f"/c/{circle.slug}/themes/vote", data={f"theme-{ids[0]}": "mange"}, follow_redirects=True
    )
    assert "hele tall" in bad.get_data(as_text=True)
    chart = client.get(f"/c/{circle.slug}/themes").get_data(as_text=True)
    assert 'data-dots="2"' in chart and 'data-dots="1"' in chart
    client.post(
        f"/c/{circle.slug}/themes/vote/close",
        data={"chosen": str(ids[0]), "main_questions": "Hva virker?"},
    )
    home = client.get(f"/c/{circle.slug}").get_data(as_text=True)
    assert "Bolig" in home and "Hva virker?" in home


def test_voting_without_a_vote_is_not_found(client, people, login):
    """No vote has been opened: voting or closing answers 404 (nothing there), not 403."""
    circle, leader, p1, _p2, ref = people
    login(p1)
    assert client.post(f"/c/{circle.slug}/themes/vote", data={}).status_code == 404
    client.post("/logout")
    login(leader)
    assert client.post(f"/c/{circle.slug}/themes/vote/close", data={}).status_code == 404
    client.post("/logout")
    login(ref)
    assert client.post(f"/c/{circle.slug}/themes/vote", data={}).status_code == 403
