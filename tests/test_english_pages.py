"""The main pages in English: dates, times and numbers come from Babel, not Norwegian text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from circle.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
NORWEGIAN_DATE = re.compile(
    r"\b\d{1,2}\.\s*(januar|februar|mars|april|mai|juni|juli|august|september|oktober|"
    r"november|desember)\b"
    r"|\b(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b"
    r"|\bkl\.\s*\d"
    r"|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
    r"|\b\d+,\d+\s*kB\b"
)
SKIP = ("/logout", "/static/", ".ics", ".docx", ".csv", ".vcf", ".bib", ".ris", ".json", "/feed/")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.links.append(href.split("#")[0])
        if tag in {"script", "textarea", "pre", "code", "blockquote"}:
            self._skip += 1

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if tag in {"script", "textarea", "pre", "code", "blockquote"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if not self._skip:
            self.text.append(data)


@pytest.mark.slow
def test_main_pages_in_english_have_no_norwegian_dates(client, runner):
    """Signed in as the demo circle leader in English, no page shows a Norwegian date."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    response = client.post(
        "/login", data={"email": "ingrid.lund@demo.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    client.post("/language", data={"locale": "en", "next": "/"})
    queue, seen, found, checked = ["/"], set(), [], 0
    while queue and checked < 80:
        path = queue.pop(0)
        if path in seen or any(s in path for s in SKIP):
            continue
        seen.add(path)
        page = client.get(path)
        if page.status_code != 200 or not page.content_type.startswith("text/html"):
            continue
        checked += 1
        parser = _Page()
        parser.feed(page.get_data(as_text=True))
        text = " ".join(" ".join(parser.text).split())
        found += [f"{path}: {m.group(0)!r}" for m in NORWEGIAN_DATE.finditer(text)]
        queue += [link for link in parser.links if link not in seen]
    assert checked >= 25, f"only {checked} pages reached"
    assert found == []


def test_no_strftime_in_product_code():
    """Dates people read go through Babel (circle.i18n); strftime only for machine formats."""
    machine = re.compile(r"[%YmdHMSTZ:\-]*")
    offenders = []
    for folder in ("circle", "meetings", "projects", "library"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for match in re.finditer(r"strftime\(\s*\"([^\"]*)\"", source):
                if not machine.fullmatch(match.group(1)):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
            for match in re.finditer(r"\{[^{}\n]*:%[^}\n]*\}", source):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
            if re.search(r"strftime\((?!\s*\")", source):
                offenders.append(f"{path.relative_to(ROOT)}: strftime with a computed format")
    assert offenders == []
