"""Every page of a demo-like world, for every role: no dead link, no repeated id, all reached.

The demo circle is loaded and each role follows every link from the start page. A link that
answers 403 or 404 is a dead link (the page offered what the reader may not open); a repeated
id breaks labels and the HTML validator. Every page route must be reached by some role, so a
new page cannot escape the sweep (and the phone-width sweep in tests/browser, which uses it).
"""

from __future__ import annotations

import pytest

from tests.pages import ROLES, load_demo_world, page_routes, sign_in, walk


@pytest.fixture
def walks(app):  # noqa: ANN001, ANN201
    """Each role's walk through the demo world."""
    load_demo_world(app)
    result = {}
    for role, email in ROLES.items():
        client = app.test_client()
        sign_in(client, email)
        result[role] = walk(app, client)
    return result


def test_pages_have_no_dead_links_no_repeated_ids_and_cover_every_route(app, walks) -> None:
    """No role sees a link it may not open; no page repeats an id; every page route is reached."""
    dead = [
        f"{role}: {link} answers {status} (on {on})"
        for role, w in walks.items()
        for link, status, on in w.dead
    ]
    assert dead == [], "\n".join(dead)
    repeated = [
        f"{role}: {url} repeats {ids}"
        for role, w in walks.items()
        for url, ids in w.repeated_ids.items()
    ]
    assert repeated == [], "\n".join(repeated)
    reached = {endpoint for w in walks.values() for endpoint in w.pages}
    missing = sorted(page_routes(app) - reached)
    assert missing == [], f"page routes no role reached by a link: {missing}"
