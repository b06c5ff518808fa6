"""Accessibility and CSP hygiene of every core page, checked on the HTML the app sends."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from circle.members import services as members
from circle.models import MainQuestion, Phase, PhaseKind, Role
from circle.themes import services as themes
from tests.conftest import PASSWORD

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Control:
    """A form control and how it is labelled."""

    tag: str
    attrs: dict[str, str]
    in_label: bool


@dataclass
class PageFacts:
    """What the checks need to know about one HTML page."""

    lang: str | None = None
    h1: int = 0
    mains: list[dict[str, str]] = field(default_factory=list)
    skip_links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    hidden_ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    labels_with_text: set[str] = field(default_factory=set)
    controls: list[Control] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    inline_scripts: list[str] = field(default_factory=list)
    style_attrs: list[str] = field(default_factory=list)
    style_elements: int = 0
    handlers: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    """Walk a page once and record the facts the accessibility checks look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._labels: list[dict[str, str]] = []
        self._label_text: list[list[str]] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        f = self.facts
        if tag == "html":
            f.lang = attrs.get("lang")
        if tag == "h1":
            f.h1 += 1
        if tag == "main":
            f.mains.append(attrs)
        if tag == "a" and "skip-link" in attrs.get("class", "").split():
            f.skip_links.append(attrs.get("href", ""))
        if "id" in attrs:
            is_hidden = tag == "input" and attrs.get("type") == "hidden"
            (f.hidden_ids if is_hidden else f.ids).append(attrs["id"])
        for name in ("aria-describedby", "aria-labelledby"):
            for ref in attrs.get(name, "").split():
                f.references.append((name, ref))
        if "style" in attrs:
            f.style_attrs.append(f"<{tag} style={attrs['style']!r}>")
        f.handlers += [f"<{tag} {k}=...>" for k in attrs if k.startswith("on")]
        if tag == "style":
            f.style_elements += 1
        if tag == "label":
            self._labels.append(attrs)
            self._label_text.append([])
        if tag in {"input", "select", "textarea"}:
            f.controls.append(Control(tag, attrs, in_label=bool(self._labels)))
        if tag == "script":
            self._script = [] if "src" not in attrs else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._labels:
            attrs = self._labels.pop()
            text = "".join(self._label_text.pop()).strip()
            if "for" in attrs:
                self.facts.label_for.add(attrs["for"])
                if text:
                    self.facts.labels_with_text.add(attrs["for"])
        if tag == "script" and self._script is not None:
            body = "".join(self._script).strip()
            if body:
                self.facts.inline_scripts.append(body[:80])
            self._script = None

    def handle_data(self, data: str) -> None:
        for parts in self._label_text:
            parts.append(data)
        if self._script is not None:
            self._script.append(data)


def page_facts(html: str) -> PageFacts:
    """Parse an HTML page with the standard library's parser."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.facts


def problems(html: str) -> list[str]:
    """Return every accessibility or CSP problem found in the page (empty when clean)."""
    f = page_facts(html)
    found = []
    if not f.lang:
        found.append("<html> has no lang attribute")
    if f.h1 != 1:
        found.append(f"expected exactly one <h1>, found {f.h1}")
    if len(f.mains) != 1 or f.mains[0].get("id") != "main":
        found.append("expected one <main id=main>")
    if "#main" not in f.skip_links:
        found.append("no skip link to #main")
    dupes = [i for i, n in Counter(f.ids).items() if n > 1]
    if dupes:
        found.append(f"duplicate ids: {dupes}")
    known = set(f.ids) | set(f.hidden_ids)
    found += [
        f"{name} points to missing id {ref!r}" for name, ref in f.references if ref not in known
    ]
    found += [f"label for={i!r} has no matching control" for i in f.label_for if i not in known]
    for c in f.controls:
        if c.tag == "input" and c.attrs.get("type", "text") in UNLABELLED_TYPES:
            continue
        labelled = (
            c.attrs.get("id") in f.labels_with_text
            or c.in_label
            or c.attrs.get("aria-label", "").strip()
            or c.attrs.get("aria-labelledby")
        )
        if not labelled:
            found.append(f"unlabelled <{c.tag} name={c.attrs.get('name')!r}>")
    found += [f"inline script: {s!r}" for s in f.inline_scripts]
    found += [f"style attribute: {s}" for s in f.style_attrs]
    found += [f"event handler attribute: {h}" for h in f.handlers]
    if f.style_elements:
        found.append(f"{f.style_elements} <style> element(s)")
    return found


# --- the checker itself catches what it should -------------------------------------------------

CLEAN = (
    '<!doctype html><html lang="nb"><body><a class="skip-link" href="#main">Hopp</a>'
    '<main id="main"><h1>Tittel</h1><form><label for="a">Navn</label><input id="a" name="a">'
    '<label><input type="checkbox" name="b"> Husk</label><input type="hidden" name="c">'
    '<select aria-label="Valg" name="d"></select><button type="submit">OK</button></form>'
    '<script src="/static/js/app.js"></script></main></body></html>'
)


def test_checker_passes_a_clean_page() -> None:
    """The reference page has no problems."""
    assert problems(CLEAN) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('lang="nb"', ""), "no lang attribute"),
        (("<h1>Tittel</h1>", "<h1>A</h1><h1>B</h1>"), "exactly one <h1>"),
        (("<h1>Tittel</h1>", "<h2>Tittel</h2>"), "exactly one <h1>"),
        (('class="skip-link" ', ""), "no skip link"),
        (('<label for="a">Navn</label>', ""), "unlabelled <input name='a'>"),
        (('<label for="a">Navn</label>', '<label for="a"></label>'), "unlabelled <input name='a'>"),
        (('aria-label="Valg" ', ""), "unlabelled <select name='d'>"),
        (
            ('<script src="/static/js/app.js"></script>', "<script>alert(1)</script>"),
            "inline script",
        ),
        (("<h1>Tittel</h1>", '<h1 style="color:red">Tittel</h1>'), "style attribute"),
        (("<h1>Tittel</h1>", "<h1>Tittel</h1><style>h1{}</style>"), "<style> element"),
        (('<button type="submit">', '<button type="submit" onclick="x()">'), "event handler"),
        (
            ('<input id="a" name="a">', '<input id="a" name="a" aria-describedby="nope">'),
            "missing id 'nope'",
        ),
        (("<select aria-label", '<p id="a"></p><select aria-label'), "duplicate ids"),
    ],
)
def test_checker_finds_each_problem(change: tuple[str, str], expected: str) -> None:
    """Each kind of problem planted in the clean page is reported."""
    old, new = change
    assert old in CLEAN
    assert any(expected in p for p in problems(CLEAN.replace(old, new, 1)))


# --- every core page ---------------------------------------------------------------------------


@pytest.fixture
def world(session, make_circle, make_member):  # noqa: ANN001, ANN201
    """A circle with phases, questions, proposed themes, an open vote and an invitation."""
    circle = make_circle(slug="tilgjengelig", name="Tilgjengelig sirkel")
    today = date.today()
    circle.phases = [
        Phase(
            kind=PhaseKind.OPENING,
            name="Innledning",
            starts_on=today - timedelta(days=90),
            ends_on=today - timedelta(days=1),
        ),
        Phase(
            kind=PhaseKind.PROJECT,
            name="Prosjekter",
            starts_on=today,
            ends_on=today + timedelta(days=90),
        ),
        Phase(
            kind=PhaseKind.CLOSING,
            name="Avslutning",
            starts_on=today + timedelta(days=91),
            ends_on=today + timedelta(days=120),
        ),
    ]
    circle.questions = [MainQuestion(position=0, text="Hva hjelper ungdommen?")]
    leader = make_member("Lise Leder", circle=circle, role=Role.LEADER)
    participant = make_member("Per Deltaker", circle=circle, role=Role.PARTICIPANT)
    reference = make_member(
        "Rita Referanse", circle=circle, role=Role.REFERENCE, organisation="Bufdir"
    )
    admin = make_member("Anne Admin", admin=True)
    for title in ("Bolig", "Skole og arbeid"):
        themes.propose_theme(session, circle, actor=participant, title=title)
    themes.open_vote(session, circle, actor=leader, votes_per_member=3)
    issued = members.invite_member(
        session, circle, actor=leader, email="ny@test.example", role=Role.PARTICIPANT
    )
    session.commit()
    return {
        "circle": circle,
        "leader": leader,
        "participant": participant,
        "reference": reference,
        "admin": admin,
        "token": issued.token,
    }


PAGES = {
    # who: None is anonymous; paths use {slug} and {token}
    None: [
        "/login",
        "/password/forgot",
        "/password/reset/ugyldig",
        "/invitation/{token}",
        "/invitation/ugyldig",
        "/finnes-ikke",
    ],
    "leader": [
        "/",
        "/profile",
        "/c/{slug}",
        "/c/{slug}/edit",
        "/c/{slug}/settings",
        "/c/{slug}/members",
        "/c/{slug}/invitations",
        "/c/{slug}/themes",
        "/c/finnes-ikke",
    ],
    "participant": ["/c/{slug}", "/c/{slug}/members", "/c/{slug}/themes", "/c/{slug}/settings"],
    "reference": ["/c/{slug}", "/c/{slug}/members", "/c/{slug}/themes"],
    "admin": ["/", "/admin/members", "/circles/new"],
}


def _check(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.mimetype == "text/html", path
    assert response.status_code in {200, 400, 403, 404}, (path, response.status_code)
    assert problems(response.get_data(as_text=True)) == [], path


@pytest.mark.parametrize("who", list(PAGES), ids=lambda w: w or "anonymous")
def test_core_pages_are_accessible(client: FlaskClient, login, world, who: str | None) -> None:  # noqa: ANN001
    """Each core page: one h1, lang, skip link, labelled controls, no inline script or style."""
    if who is not None:
        assert login(world[who]).status_code == 302
    for path in PAGES[who]:
        _check(client, path.format(slug=world["circle"].slug, token=world["token"]))


def test_form_errors_are_tied_to_their_fields(client: FlaskClient, world) -> None:  # noqa: ANN001
    """A failed sign-in marks the field invalid and points it at the error text."""
    response = client.post("/login", data={"email": world["leader"].email, "password": "feil"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert problems(html) == []
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="password-err"' in html and 'id="password-err"' in html


def test_hints_are_tied_to_their_fields(client: FlaskClient, login, world) -> None:  # noqa: ANN001
    """A field's hint is announced with it (aria-describedby), before and after an error."""
    login(world["leader"])
    html = client.get("/profile").get_data(as_text=True)
    assert 'aria-describedby="password-hint"' in html and 'id="password-hint"' in html
    response = client.post(
        "/profile/password", data={"current": PASSWORD, "password": "kort", "confirm": "kort"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-describedby="password-hint password-err"' in html
    assert problems(html) == []
