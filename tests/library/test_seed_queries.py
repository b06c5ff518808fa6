"""Norwegian queries over the shared seed reports must find the right report in the top 3."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from circle.documents.cleanup import normalise_pages
from circle.documents.text import paginate_plain_text
from library.search import ReportDoc, SearchBackend, SearchQuery
from library.search.whoosh_backend import WhooshBackend
from tests.library.backends import BACKENDS, new_backend
from tests.library.helpers import EVERY_ID

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

pytestmark = pytest.mark.slow

# Seed files are named "NNN_hash.txt"; NNN is the report id here.
FORSKNINGSSIRKEL, BJERKE, SAMHANDLING, MASTER = 0, 1, 2, 4

QUERIES = [
    # plain words and inflected forms
    ("forskningssirkelen", FORSKNINGSSIRKEL),
    ("referansegruppen", FORSKNINGSSIRKEL),
    ("Stovner bydel", FORSKNINGSSIRKEL),
    ("botrening", FORSKNINGSSIRKEL),
    ("effektmål", BJERKE),
    ("Bjerke NAV", BJERKE),
    ("masteroppgave", MASTER),
    ("tverrfaglig samarbeid", MASTER),
    ("velferdstjenester", SAMHANDLING),
    ("frafall videregående opplæring", SAMHANDLING),
    ("tjenesteyterne", SAMHANDLING),
    # compounds and their parts
    ("kompetansetilskudd husbanken", FORSKNINGSSIRKEL),
    ("kunnskapssammenstilling", SAMHANDLING),
    ("samhandlingskultur", SAMHANDLING),
    ("barnevernssakene", SAMHANDLING),
    ("voksentjeneste", MASTER),
    # æ, ø, å
    ("sårbare overganger", MASTER),
    ("ungdommenes økonomi", FORSKNINGSSIRKEL),
    ("publisher:østfold", MASTER),
    # phrases, fields, operators
    ('"overgangen til voksenlivet"', FORSKNINGSSIRKEL),
    ('"utsatte barn og unge"', SAMHANDLING),
    ("author:brøndbo", SAMHANDLING),
    ("forfatter:nygård", MASTER),
    ("boligsosialt -masteroppgave", FORSKNINGSSIRKEL),
    ("0-24 samarbeidet", SAMHANDLING),
]

OFF_TOPIC = ["kvantefysikk partikkelakselerator", "fotball VM", "oppskrift surdeigsbrød"]


def index_seeds(root: Path, kind: str = "whoosh") -> SearchBackend:
    """Return a backend of ``kind`` holding the seed reports, indexed the way uploads are."""
    meta = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))
    backend = new_backend(kind, root)
    for name, m in meta.items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        backend.index_report(
            ReportDoc(
                id=int(name[:3]),
                title=m["title"],
                pages=normalise_pages(paginate_plain_text(text)),
                subtitle=m.get("subtitle", ""),
                authors=m.get("authors") or m.get("editors") or [],
                year=m.get("year"),
                publisher=m.get("publisher", ""),
                document_type=m.get("document_type", ""),
            )
        )
    return backend


@pytest.fixture(scope="module", params=BACKENDS)
def seeds_backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The four seed reports, indexed the way uploads are."""
    if not (SEEDS / "metadata.json").exists():
        pytest.skip(f"shared seed reports not found at {SEEDS}")
    return index_seeds(tmp_path_factory.mktemp("seeds"), request.param)


def _top(backend: WhooshBackend, text: str, n: int = 3) -> list[int]:
    result = backend.search(SearchQuery(text, EVERY_ID))
    return [h.report_id for h in result.hits[:n]]


def test_seed_reports_indexed(seeds_backend: WhooshBackend) -> None:
    assert seeds_backend.report_ids() == {0, 1, 2, 4}


@pytest.mark.parametrize(("text", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_report_in_top_three(
    seeds_backend: WhooshBackend, text: str, expected: int
) -> None:
    assert expected in _top(seeds_backend, text)


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_returns_nothing(seeds_backend: WhooshBackend, text: str) -> None:
    result = seeds_backend.search(SearchQuery(text, EVERY_ID))
    assert result.total == 0 and result.hits == []


def test_best_page_has_marked_snippet(seeds_backend: WhooshBackend) -> None:
    hit = seeds_backend.search(SearchQuery("Bjerke", EVERY_ID)).hits[0]
    assert hit.report_id == BJERKE
    assert hit.pages and "<mark>Bjerke</mark>" in hit.pages[0].snippet


def test_misspelling_gets_a_suggestion(seeds_backend: WhooshBackend) -> None:
    result = seeds_backend.search(SearchQuery("samhandlng", EVERY_ID))
    assert result.total == 0 and result.suggestion == "samhandling"


def test_phrase_inside_one_report(seeds_backend: WhooshBackend) -> None:
    query = SearchQuery('"overgangen til voksenlivet"', EVERY_ID, report_id=FORSKNINGSSIRKEL)
    result = seeds_backend.search(query)
    assert result.total >= 2
    marked = re.compile(r"<mark>overgang\w* til voksenlivet</mark>", re.IGNORECASE)
    assert all(marked.search(p.snippet) for p in result.hits[0].pages)


def test_related_reports_exclude_the_report_itself(seeds_backend: WhooshBackend) -> None:
    related = seeds_backend.related(MASTER, EVERY_ID, limit=3)
    assert MASTER not in related and len(related) == 3
