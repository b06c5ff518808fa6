"""A report's page as text with the search's words marked, and the threads about a report."""
# ruff: noqa: F811  (the `lib` fixture is imported from tests.library.factories)

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.library.factories import add_report_directly, good_pdf, lib, upload  # noqa: F401

PAGES = [
    "Innledning om tjenestene i bydelen.",
    "Bostøtte og startlån hjelper unge inn i egen bolig. Boligkontoret følger opp.",
    "Til slutt om ettervern og boligsosialt arbeid.",
]


class _Marks(HTMLParser):
    """Collect the text inside <mark> elements of the page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = self.article = False
        self.marks: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        if tag == "article":
            self.article = True
        elif tag == "mark" and self.article:
            self.inside = True
            self.marks.append("")

    def handle_endtag(self, tag) -> None:  # noqa: ANN001
        if tag == "mark":
            self.inside = False
        elif tag == "article":
            self.article = False

    def handle_data(self, data) -> None:  # noqa: ANN001
        if self.inside:
            self.marks[-1] += data
        if self.article:
            self.text.append(data)


def _marks(html: str) -> _Marks:
    parser = _Marks()
    parser.feed(html)
    return parser


def _text_report(app, lib) -> int:  # noqa: ANN001
    return add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="notat.txt",
        text="\f".join(PAGES),
        metadata={"title": "Notat om bolig", "year": 2021},
    )


def test_search_hit_on_a_text_report_opens_the_page_as_text(app, client, login, lib) -> None:
    """ "s. 2" on a .txt hit links to that page's text (not the file), with the words marked."""
    report_id = _text_report(app, lib)
    login(lib.members["reference"])
    results = client.get("/c/egen/library?q=bolig").get_data(as_text=True)
    link = f"/c/egen/library/reports/{report_id}/pages/2?q=bolig"
    assert f'href="{link}"' in results
    assert f"/library/reports/{report_id}/file#page=" not in results  # a text file has no pages
    page = client.get(link)
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    found = _marks(page.get_data(as_text=True))
    assert [m.lower() for m in found.marks] == ["bolig"]
    assert "Bostøtte og startlån" in "".join(found.text)
    assert "Side 2 av 3" in page.get_data(as_text=True)
    compounds = _marks(client.get(link.replace("bolig", "boligkontor")).get_data(as_text=True))
    assert [m.lower() for m in compounds.marks] == ["boligkontoret"]


def test_page_view_escapes_text_and_refuses_missing_pages(app, client, login, lib) -> None:
    """Page text is escaped (no markup from the file survives); a page past the end is 404."""
    report_id = add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="kode.txt",
        text="Bolig <script>alert(1)</script> og <b>fet</b> tekst.",
    )
    login(lib.members["participant"])
    html = client.get(f"/c/egen/library/reports/{report_id}/pages/1?q=bolig").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>fet" not in html
    assert client.get(f"/c/egen/library/reports/{report_id}/pages/2").status_code == 404
    assert client.get(f"/c/egen/library/reports/{report_id}/pages/0").status_code == 404
    client.post("/logout")
    login(lib.members["other_participant"])
    assert client.get(f"/c/egen/library/reports/{report_id}/pages/1").status_code == 404
    assert client.get(f"/c/annen/library/reports/{report_id}/pages/1").status_code == 404


def test_pdf_hits_offer_the_text_view_and_the_pdf_at_the_page(app, client, login, lib) -> None:
    """For a PDF, "s. N" opens the marked text view, and a second link opens the PDF there."""
    login(lib.members["participant"])
    response = upload(client, "egen", [("rapport.pdf", good_pdf())], follow=True)
    assert response.status_code == 200
    report_id = int(re.search(r"/library/reports/(\d+)", response.get_data(as_text=True))[1])
    results = client.get("/c/egen/library?q=startlån").get_data(as_text=True)
    assert f'href="/c/egen/library/reports/{report_id}/pages/3?q=startl%C3%A5n"' in results
    assert f'href="/c/egen/library/reports/{report_id}/file#page=3"' in results
    page = client.get(f"/c/egen/library/reports/{report_id}/pages/3?q=startlån")
    html = page.get_data(as_text=True)
    assert [m.lower() for m in _marks(html).marks] == ["startlån"]
    assert f"/library/reports/{report_id}/file#page=3" in html and "Åpne PDF-en på side 3" in html
    inside = client.get(f"/c/egen/library/reports/{report_id}?q=startlån").get_data(as_text=True)
    assert f"/c/egen/library/reports/{report_id}/pages/3?q=startl%C3%A5n" in inside
    old_style = client.get(f"/c/egen/library/reports/{report_id}?q=bolig&p=2")
    assert old_style.status_code == 302
    assert old_style.headers["Location"].endswith(f"/reports/{report_id}/pages/2?q=bolig")


def test_report_page_lists_its_threads_and_offers_to_start_one(app, client, login, lib) -> None:
    """Every role that sees a report may start a thread about it; the thread is listed."""
    report_id = _text_report(app, lib)
    login(lib.members["unit_leader"])
    page = client.get(f"/c/egen/library/reports/{report_id}").get_data(as_text=True)
    start = f"/c/egen/threads/new?subject_kind=report&subject_id={report_id}"
    assert start.replace("&", "&amp;") in page and "Ingen tråder om dette ennå." in page
    response = client.post(
        start, data={"title": "Gjelder dette oss?", "audience": "reference", "body": "Spørsmål."}
    )
    assert response.status_code == 302
    client.post("/logout")
    login(lib.members["participant"])
    page = client.get(f"/c/egen/library/reports/{report_id}").get_data(as_text=True)
    assert "Gjelder dette oss?" in page


def test_a_hit_without_authors_has_no_leading_separator(app, client, login, lib) -> None:
    """The line under a hit joins what is there: no " · 2015" when no author is known."""
    add_report_directly(
        app,
        circle=lib.circle,
        actor=lib.members["participant"],
        shared=False,
        name="uten.txt",
        text="Rapport om bostøtte uten forfatter.",
        metadata={"title": "Rapport uten forfatter", "year": 2015, "authors": []},
    )
    login(lib.members["participant"])
    html = client.get("/c/egen/library?q=bostøtte").get_data(as_text=True)
    meta = re.search(r'<p class="meta">\s*([^<]*)', html.split("Rapport uten forfatter")[1])
    assert meta is not None and meta.group(1).strip().startswith("2015"), meta
