"""The site search finds what each member may open, and nothing else: not in results, not in
the counts per kind, not in the page. Runs on Whoosh in the SQLite pass and on PostgreSQL in
the PostgreSQL pass (the app picks the backend from the database)."""

from __future__ import annotations


def _keys(results) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(h.kind, h.title) for h in results.hits}


def _counts(results) -> dict[str, int]:  # noqa: ANN001
    return {c.kind: c.count for c in results.counts}


def test_a_participant_finds_the_decision_in_approved_minutes(world, find) -> None:  # noqa: ANN001
    found = find(world.participant, world.circle, "kvalitetsløft")
    kinds = {h.kind for h in found.hits}
    assert "minutes" in kinds
    minutes = next(h for h in found.hits if h.kind == "minutes")
    item = world.approved.items[0]
    assert minutes.url.endswith(f"/meetings/{world.approved.id}/minutes#item-{item.id}")
    assert "<mark>kvalitetsløftet</mark>" in minutes.snippet
    assert minutes.label == "Referat"


def test_compounds_and_inflections_are_found(world, find) -> None:  # noqa: ANN001
    # "ettervern" is the first part of nothing here, but "kvalitet" starts "kvalitetsløftet".
    assert _counts(find(world.participant, world.circle, "kvalitetsløftene"))["minutes"] == 1
    assert _counts(find(world.participant, world.circle, "boligveiledning"))["update"] == 1


def test_draft_and_unapproved_minutes_are_never_found(world, find) -> None:  # noqa: ANN001
    for member in (world.leader, world.participant, world.reference):
        for word in ("hemmeligsak", "vurderingssak", "utkastnotat"):
            found = find(member, world.circle, word)
            assert _counts(found).get("minutes", 0) == 0, (member.name, word)
            assert not any(h.kind == "minutes" for h in found.hits)


def test_a_leaders_only_thread_is_hidden_from_others(world, find) -> None:  # noqa: ANN001
    leader = find(world.leader, world.circle, "kvalitetsløft")
    assert ("post", "Ledernes drøfting") in _keys(leader)
    for member in (world.participant, world.reference, world.unit_leader):
        found = find(member, world.circle, "kvalitetsløft")
        assert ("post", "Ledernes drøfting") not in _keys(found)
        assert ("thread", "Ledernes drøfting") not in _keys(found)
        # the reference group's thread has the word once; the leaders' post is not counted
        assert _counts(found)["post"] == 1
    assert _counts(find(world.reference, world.circle, "ledernes drøfting"))["thread"] == 0


def test_the_reference_group_finds_what_is_shared_with_it(world, find) -> None:  # noqa: ANN001
    found = find(world.reference, world.circle, "bostøtten")
    assert ("post", "Spørsmål til referansegruppen") in _keys(found)
    post = next(h for h in found.hits if h.kind == "post")
    assert "#post-" in post.url


def test_a_deleted_post_is_not_found(world, find) -> None:  # noqa: ANN001
    for member in (world.leader, world.participant):
        assert find(member, world.circle, "tilbaketrekning").total == 0


def test_another_circles_minutes_stay_there(world, find) -> None:  # noqa: ANN001
    ours = find(world.leader, world.circle, "kvalitetsløft")
    assert all(
        h.title != "Annen sirkel – " + world.other_approved.items[0].title for h in ours.hits
    )
    assert _counts(ours)["minutes"] == 1
    theirs = find(world.other_leader, world.other, "kvalitetsløft")
    assert _counts(theirs)["minutes"] == 1
    # a member of one circle finds nothing of it when searching on another's pages
    assert find(world.other_leader, world.circle, "kvalitetsløft").total == 0


def test_a_closed_workspace_is_hidden_from_the_informed(world, find) -> None:  # noqa: ANN001
    assert _counts(find(world.participant, world.circle, "losjementordningen"))["writeup"] == 1
    for member in (world.reference, world.unit_leader):
        found = find(member, world.circle, "losjementordningen")
        assert found.total == 0
        assert _counts(found)["writeup"] == 0


def test_a_shared_writeup_links_the_informed_to_the_shared_page(world, find, session) -> None:  # noqa: ANN001
    from projects.services.projects import set_writeup_shared

    set_writeup_shared(session, world.circle, world.project, actor=world.leader, shared=True)
    session.commit()
    hit = find(world.reference, world.circle, "losjementordningen").hits[0]
    assert hit.url.endswith(f"/projects/{world.project.id}/shared")
    staff = find(world.participant, world.circle, "losjementordningen").hits[0]
    assert staff.url.endswith(f"/projects/{world.project.id}#writeup")


def test_draft_updates_are_never_found_and_shared_ones_are(world, find) -> None:  # noqa: ANN001
    for member in (world.leader, world.participant, world.reference):
        assert find(member, world.circle, "ventelisteproblemet").total == 0
    assert _counts(find(world.reference, world.circle, "boligveiledningen"))["update"] == 1


def test_kind_filter_counts_only_visible_entries(world, find) -> None:  # noqa: ANN001
    found = find(world.reference, world.circle, "kvalitetsløft", kind="post")
    assert {h.kind for h in found.hits} == {"post"}
    assert found.total == 1
    assert _counts(found)["post"] == 1


def test_changes_follow_into_the_index(world, find, session) -> None:  # noqa: ANN001
    from circle.threads.services.posts import add_post

    add_post(
        session, world.reference_thread, actor=world.reference, body="Vi foreslår nabolagsmodellen."
    )
    session.commit()
    assert _counts(find(world.participant, world.circle, "nabolagsmodellen"))["post"] == 1


def test_long_and_unbalanced_queries_give_sensible_results(world, find, client, login) -> None:  # noqa: ANN001
    long = find(world.participant, world.circle, "kvalitetsløft " * 1000)
    assert long.shortened and long.total >= 1
    assert find(world.participant, world.circle, '"kvalitetsløftet for').total >= 1
    login(world.participant)
    for q in ("x" * 10_000, '"kvalitetsløftet for', '""""', "-", "OR OR", "title:"):
        response = client.get(f"/c/{world.circle.slug}/search", query_string={"q": q})
        assert response.status_code == 200, q


def test_the_page_shows_labels_marks_and_counts_without_leaks(world, client, login) -> None:  # noqa: ANN001
    login(world.reference)
    page = client.get(f"/c/{world.circle.slug}/search", query_string={"q": "kvalitetsløft"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Spørsmål til referansegruppen" in html
    assert "<mark>kvalitetsløftet</mark>" in html
    assert "Ledernes drøfting" not in html
    assert 'Innlegg</a> <span class="meta">(1)</span>' in html
    assert "Rapport" in html  # the reports' count links to the library's own page


def test_reindex_and_check_agree(world, app, session, runner) -> None:  # noqa: ANN001
    from circle.search.index import get_site_backend, site_index_problems

    first_minutes = f"minutes:{world.approved.items[0].id}"
    with app.app_context():
        assert site_index_problems(session) == []
        get_site_backend(app).delete([first_minutes])
        assert f"search: {first_minutes} is missing from the site index" in site_index_problems(
            session
        )
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "site: reindexed" in result.output and "report: reindexed" in result.output
    with app.app_context():
        assert site_index_problems(session) == []


def test_the_demo_is_indexed(app, client) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from circle.extensions import db
    from circle.models import Circle
    from tests.pages import ROLES, load_demo_world, sign_in

    load_demo_world(app)
    with app.app_context():
        slug = db.session.scalars(select(Circle.slug).order_by(Circle.id)).first()
    sign_in(client, ROLES["participant"])
    html = client.get(f"/c/{slug}/search", query_string={"q": "prioriterte temaer"}).get_data(
        as_text=True
    )
    assert 'data-kind="minutes"' in html and "<mark>prioriterte</mark> <mark>temaer</mark>" in html
    html = client.get(f"/c/{slug}/search", query_string={"q": "overføringsmøte"}).get_data(
        as_text=True
    )
    assert 'data-kind="post"' in html or 'data-kind="thread"' in html


def test_did_you_mean_offers_a_visible_word(world, find, client, login) -> None:  # noqa: ANN001
    found = find(world.participant, world.circle, "etervern")
    assert found.total == 0
    assert found.suggestion == "ettervern"
    login(world.participant)
    html = client.get(f"/c/{world.circle.slug}/search", query_string={"q": "etervern"}).get_data(
        as_text=True
    )
    assert "Mente du" in html
    assert f'href="/c/{world.circle.slug}/search?q=ettervern"' in html
    html = client.get(f"/c/{world.circle.slug}/search", query_string={"q": "ettervern"}).get_data(
        as_text=True
    )
    assert "Mente du" not in html


def test_did_you_mean_never_offers_a_word_of_unapproved_minutes(world, find) -> None:  # noqa: ANN001
    for member in (world.leader, world.participant, world.reference):
        for typo, word in (("hemmeligsk", "hemmeligsak"), ("vurderingsak", "vurderingssak")):
            assert word not in (find(member, world.circle, typo).suggestion or ""), member.name


def test_did_you_mean_keeps_a_leaders_only_thread_to_leaders(world, find, client, login) -> None:  # noqa: ANN001
    assert find(world.leader, world.circle, "intrnt").suggestion == "internt"
    for member in (world.reference, world.participant, world.unit_leader):
        assert find(member, world.circle, "intrnt").suggestion is None, member.name
    login(world.reference)
    html = client.get(f"/c/{world.circle.slug}/search", query_string={"q": "intrnt"}).get_data(
        as_text=True
    )
    assert "Mente du" not in html and "internt" not in html


def test_did_you_mean_stays_in_its_circle(world, find) -> None:  # noqa: ANN001
    assert find(world.other_leader, world.other, "fremmd").suggestion == "fremmed"
    for member in (world.leader, world.participant):
        assert find(member, world.circle, "fremmd").suggestion is None
    # a member of the other circle searching on this circle's page sees nothing of either
    assert find(world.other_leader, world.circle, "fremmd").suggestion is None


def test_a_linking_s_spelling_finds_the_compound(world, find, session) -> None:  # noqa: ANN001
    from circle.threads.services.posts import add_post

    # "kvalitetløftet" has no s; the minutes write "kvalitetsløftet". The s counts only once
    # a visible entry holds the first part "kvalitet" as a word of its own.
    assert _counts(find(world.participant, world.circle, "kvalitetløftet"))["minutes"] == 0
    add_post(session, world.reference_thread, actor=world.reference, body="Kvaliteten må opp.")
    session.commit()
    found = find(world.participant, world.circle, "kvalitetløftet")
    assert _counts(found)["minutes"] == 1
    assert "<mark>kvalitetsløftet</mark>" in next(
        h.snippet for h in found.hits if h.kind == "minutes"
    )


def test_title_field_searches_titles_only(world, find) -> None:  # noqa: ANN001
    found = find(world.reference, world.circle, "title:referansegruppen")
    assert {h.title for h in found.hits} == {"Spørsmål til referansegruppen"}
    assert find(world.reference, world.circle, "title:bostøtten").total == 0  # in the text
    assert find(world.reference, world.circle, "bostøtten").total >= 1
    assert find(world.leader, world.circle, "tittel:sirkelmøte").total >= 1
