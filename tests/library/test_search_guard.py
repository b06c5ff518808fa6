"""A search with an identity number is refused and echoed nowhere (SECURITY 32)."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import datetime
import logging
import urllib.parse

import pytest

from tests.circle.test_identity import valid_number
from tests.library.factories import add_report_directly, lib  # noqa: F401  (lib is a fixture)

NUMBER = valid_number(datetime.date(1993, 2, 14))
DATE, PERSONAL = NUMBER[:6], NUMBER[6:]
SPELLINGS = {
    "plain": NUMBER,
    "spaced": f"{DATE} {PERSONAL}",
    "dash": f"{DATE}\u2013{PERSONAL}",
    "zero-width": "\u200b".join(NUMBER),
    "dotted date": f"{DATE[:2]}.{DATE[2:4]}.{DATE[4:]} {PERSONAL}",
    "entities": "".join(f"&#{ord(d)};" for d in NUMBER),
    "full-width": "".join(chr(0xFF10 + int(d)) for d in NUMBER),
}


def _quoted(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _echoes(response, spelling: str) -> list[str]:  # noqa: ANN001
    """Return every place the number shows up in a response: body or headers, any spelling."""
    body = response.get_data(as_text=True)
    places = [body, *(f"{k}: {v}" for k, v in response.headers.items())]
    needles = {DATE, PERSONAL, spelling, _quoted(spelling), _quoted(spelling).replace("%20", "+")}
    needles |= {urllib.parse.quote(DATE), "&amp;#" + str(ord(NUMBER[0]))}
    return [needle for needle in needles for place in places if needle and needle in place]


@pytest.fixture
def searchable(app, lib):  # noqa: ANN001, ANN201
    for i in range(12):
        add_report_directly(
            app,
            circle=lib.circle,
            actor=lib.members["participant"],
            shared=False,
            name=f"r{i}.txt",
            text=f"Rapport {i} om ettervern og samarbeid med barnevernstjenesten.",
            metadata={"title": f"Ettervern {i}", "year": 2010 + i, "publisher": "NOVA"},
        )
    return lib


def test_an_ordinary_search_reflects_its_query_where_it_should(client, login, searchable) -> None:
    login(searchable.members["participant"])
    page = client.get("/c/egen/library?q=ettervern").get_data(as_text=True)
    assert 'value="ettervern"' in page  # the search box
    assert 'name="next" value="/c/egen/library?q=ettervern"' in page  # the language switch
    assert "q=ettervern&amp;page=2" in page and "q=ettervern&amp;publisher=NOVA" in page


@pytest.mark.parametrize("name", SPELLINGS)
def test_a_search_with_a_number_is_refused_and_never_echoed(
    client, login, searchable, caplog, name: str
) -> None:
    spelling = SPELLINGS[name]
    login(searchable.members["participant"])
    with caplog.at_level(logging.DEBUG):
        first = client.get(f"/c/egen/library?q={_quoted(spelling)}&publisher=NOVA&page=2")
        assert first.status_code == 303
        assert first.headers["Location"] == "/c/egen/library"
        assert not _echoes(first, spelling)
        page = client.get(first.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "fødselsnummer eller D-nummer i søket" in html
    assert 'id="q" name="q" value=""' in html  # the search box is empty
    assert 'name="next" value="/c/egen/library"' in html
    assert not _echoes(page, spelling)
    assert DATE not in caplog.text and PERSONAL not in caplog.text


@pytest.mark.parametrize(
    "path",
    [
        "/c/egen/library?publisher={n}",  # a facet
        "/c/egen/library?q=ettervern&page={n}",  # pagination
        "/c/egen/library?q={n}+ettervern&sort=newest",  # "Mente du" would echo the words
        "/c/egen/library/reports/1?q={n}",  # search inside a report
        "/c/egen/threads?state={n}",
        "/login?next=/c/egen/library%3Fq%3D{n}",
        "/finnes-ikke?q={n}",
    ],
)
def test_every_reflecting_place_drops_a_refused_query(client, login, searchable, path) -> None:
    login(searchable.members["participant"])
    spelling = SPELLINGS["spaced"]
    response = client.get(path.format(n=_quoted(spelling)))
    assert response.status_code == 303
    assert "?" not in response.headers["Location"]
    assert not _echoes(response, spelling)
    followed = client.get(response.headers["Location"], follow_redirects=True)
    assert followed.status_code in {200, 404}
    assert "fødselsnummer" in followed.get_data(as_text=True)
    assert not _echoes(followed, spelling)


def test_anonymous_visitors_are_not_sent_to_login_with_the_number(client, searchable) -> None:
    spelling = SPELLINGS["dash"]
    response = client.get(f"/c/egen/library?q={_quoted(spelling)}")
    assert response.status_code == 303 and response.headers["Location"] == "/c/egen/library"
    login_redirect = client.get("/c/egen/library")
    assert login_redirect.status_code == 302
    assert "next=/c/egen/library" in urllib.parse.unquote(login_redirect.headers["Location"])
    assert not _echoes(login_redirect, spelling)


def test_a_post_with_a_number_in_its_query_is_refused_with_400(client, login, searchable) -> None:
    login(searchable.members["participant"])
    spelling = SPELLINGS["zero-width"]
    response = client.post(f"/language?next={_quoted(spelling)}", data={"locale": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "fødselsnummer" in html
    assert not _echoes(response, spelling)


def test_ordinary_figures_in_a_query_are_not_refused(client, login, searchable) -> None:
    login(searchable.members["participant"])
    invalid = NUMBER[:10] + str((int(NUMBER[10]) + 1) % 10)
    for query in (invalid, "2024/123456-7", "978-82-02-12345-6", "22 33 44 55"):
        response = client.get(f"/c/egen/library?q={_quoted(query)}")
        assert response.status_code == 200, query
