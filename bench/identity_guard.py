"""Benchmark the identity-number guard: one scan, and the flush hook on a big save.

Builds 20,000 words of Norwegian minutes (with dates, phone numbers, account numbers and page
references, but no identity number) and measures, as the median of --runs:
- scan_ms: contains_identity_number over the whole text;
- flush_ms / flush_unguarded_ms: flushing a changed 20,000-word text column in SQLite with and
  without the flush guard (the difference is the hook's cost on a save of that size);
- flush_small_ms / flush_small_unguarded_ms: the same for a 40-object save of short texts.
Run:  .venv/bin/python bench/identity_guard.py [--runs 20]
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = (
    "samarbeid overgang bolig økonomi oppfølging ungdom tjeneste rutine erfaring kunnskap "
    "barneverntjenesten ettervern NAV-kontoret bydelen kommunen veileder møtet referatet "
    "tiltak ansvar"
).split()
FIGURES = [
    "12.03.2026",
    "tlf. 22 33 44 55",
    "kontonr. 1234.56.78903",
    "s. 120–135",
    "sak 2024/123456-7",
    "kl. 09.30",
    "ISBN 978-82-02-12345-6",
]


def minutes_text(words: int, seed: int = 1) -> str:
    """Return `words` words of minutes-like text in paragraphs, with ordinary figures."""
    rng = random.Random(seed)
    out, paragraph = [], []
    for n in range(words):
        paragraph.append(rng.choice(FIGURES) if n % 37 == 0 else rng.choice(WORDS))
        if len(paragraph) >= 60:
            out.append(" ".join(paragraph) + ".")
            paragraph = []
    out.append(" ".join(paragraph))
    return "\n\n".join(out)


def _median_ms(action, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    """Print the figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    from circle.extensions import db
    from circle.identity import _guard_flush, contains_identity_number, install_flush_guard
    from circle.models import Circle, Unit

    text = minutes_text(20_000)
    assert not contains_identity_number(text)
    scan_ms = _median_ms(lambda: contains_identity_number(text), args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.db")
        db.metadata.create_all(engine)
        with Session(engine) as session:
            circle = Circle(slug="bench", name="Bench", institution="")
            session.add(circle)
            session.commit()
            counter = iter(range(10**9))

            def big_save() -> None:
                circle.description = text + str(next(counter))
                session.flush()

            def small_save() -> None:
                n = next(counter)
                session.add_all(Unit(circle_id=circle.id, name=f"Bydel {n}-{i}") for i in range(40))
                session.flush()

            install_flush_guard()
            flush_ms = _median_ms(big_save, args.runs)
            flush_small_ms = _median_ms(small_save, args.runs)
            event.remove(Session, "before_flush", _guard_flush)
            flush_unguarded_ms = _median_ms(big_save, args.runs)
            flush_small_unguarded_ms = _median_ms(small_save, args.runs)
            install_flush_guard()
            session.rollback()
        engine.dispose()

    print(
        json.dumps(
            {
                "words": 20_000,
                "characters": len(text),
                "scan_ms": scan_ms,
                "flush_ms": flush_ms,
                "flush_unguarded_ms": flush_unguarded_ms,
                "flush_small_ms": flush_small_ms,
                "flush_small_unguarded_ms": flush_small_unguarded_ms,
            }
        )
    )


if __name__ == "__main__":
    main()
