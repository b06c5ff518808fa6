"""Walk the site as a member: every page reachable by following links, grouped by route.

Used by the page sweeps (tests/test_pages.py and tests/browser/test_phone_width.py): a demo-like
world is loaded, each role signs in and follows every link on every page it may open.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from circle.demo import DEMO_PASSWORD
from circle.extensions import db

# The demo accounts the sweeps sign in as: one per role, and a site administrator.
ROLES = {
    "leader": "ingrid.lund@demo.example",
    "participant": "sara.nilsen@demo.example",
    "reference": "lena.brekke@demo.example",
    "unit_leader": "kari.moen@demo.example",
    "admin": "admin@demo.example",
}
# Links that are files, not pages (downloads, exports, feeds): followed for their status only.
FILE_LINK = re.compile(
    r"/file(\?|$)|/cite\.|/export\.|\.(ics|docx|csv|vcf)(\?|$)|/feed/|[?&]download=1"
)
# Routes that are not pages a member reaches by a link: files, feeds, token links from e-mails,
# the signed-out pages (visited separately) and redirects.
NOT_PAGES = frozenset(
    {
        "static",
        "library.download",
        "library.cite",
        "library.export_results",
        "library.export_list",
        "library.open_report",
        "meetings.ics",
        "meetings.feed",
        "meetings.archive_word",
        "projects.matrix_csv",
        "projects.matrix_docx_download",
        "projects.report_docx_download",
        "projects.download",
        "members.export_csv",
        "members.export_vcard",
        "members.accept",
        "notifications.unsubscribe",
        "threads.mentions",  # JSON for the mention picker
        "auth.login",
        "auth.forgot_password",
        "auth.reset_password",
    }
)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if values.get("id"):
            self.ids[values["id"] or ""] += 1


@dataclass
class Walk:
    """What one member reached: pages per route, dead links, and repeated ids per page."""

    pages: dict[str, list[str]] = field(default_factory=dict)
    dead: list[tuple[str, int, str]] = field(default_factory=list)  # (link, status, found on)
    repeated_ids: dict[str, list[str]] = field(default_factory=dict)


def load_demo_world(app: Flask) -> None:
    """Load the demo circle into the app's database through `flask demo` itself."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()


def sign_in(client: FlaskClient, email: str) -> None:
    """Sign in through the login form (with its CSRF token when that is on)."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": DEMO_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"could not sign in as {email}"


def endpoint_of(app: Flask, url: str) -> str | None:
    """Return the route a site path answers from (None when no route matches)."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(url.split("?")[0], method="GET")
    except HTTPException:
        return None
    return endpoint


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    """Return a page's path with the names (not the values) of its query parameters: search
    and filter links differ only in values, and one of each shape is enough."""
    path, _sep, query = url.partition("?")
    return path, tuple(sorted({part.split("=")[0] for part in query.split("&") if part}))


def walk(app: Flask, client: FlaskClient, per_route: int | None = None, limit: int = 2000) -> Walk:
    """Follow every link from the start page (one page per path and set of query parameters);
    keep at most per_route pages of each route when given."""
    result = Walk()
    queue: list[tuple[str, str]] = [("/", "")]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while queue and len(seen) < limit:
        url, found_on = queue.pop(0)
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        endpoint = endpoint_of(app, url)
        if endpoint is None:
            result.dead.append((url, 404, found_on))
            continue
        if FILE_LINK.search(url):
            response = client.get(url)
            if response.status_code >= 400:
                result.dead.append((url, response.status_code, found_on))
            response.close()
            continue
        if per_route is not None and len(result.pages.get(endpoint, [])) >= per_route:
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append((response.headers["Location"], url))
            continue
        if response.status_code >= 400:
            result.dead.append((url, response.status_code, found_on))
            continue
        if "text/html" not in response.content_type:
            continue
        result.pages.setdefault(endpoint, []).append(url)
        page = _Page()
        page.feed(response.get_data(as_text=True))
        repeated = sorted(i for i, n in page.ids.items() if n > 1)
        if repeated:
            result.repeated_ids[url] = repeated
        for href in page.links:
            href = href.split("#")[0]
            if (
                href.startswith("/")
                and not href.startswith("//")
                and not href.startswith("/static/")
            ):
                if _shape(href) not in seen:
                    queue.append((href, url))
    return result


def page_routes(app: Flask) -> set[str]:
    """Return the routes that answer GET with a page (everything in the app but NOT_PAGES)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and rule.endpoint not in NOT_PAGES
    }
