"""Benchmark: how long until a 300-page PDF uploaded through the web form is searchable.

Usage: python bench/library_upload.py [--pages 300] [--lines 45]
Builds a PDF from the shared seed texts (reportlab), uploads it through the real upload view
into a fresh app (SQLite, Whoosh in a temporary folder), then searches for a word that is only
on one late page. The last line is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"
NEEDLE = "Kvasirkvartalet"


def build_pdf(pages: int, lines: int) -> bytes:
    """Return a PDF of random lines from the seed texts, the needle on one late page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += path.read_text(encoding="utf-8").split()
    if not words:
        words = "samarbeid mellom barnevern og nav om bolig og ettervern for unge".split()
    rng = random.Random(7)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, 810, "Rapport om samhandling")
        c.setFont("Helvetica", 10)
        y = 780
        for _ in range(lines):
            start = rng.randrange(max(1, len(words) - 12))
            c.drawString(72, y, " ".join(words[start : start + 12]))
            y -= 16
        if number == pages - 53:
            c.drawString(72, y, f"{NEEDLE} er bare nevnt her.")
        c.drawString(290, 30, str(number))
        c.showPage()
    c.save()
    return buf.getvalue()


def main() -> None:
    """Run the benchmark and print the JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--lines", type=int, default=45)
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    from app import create_app
    from circle.auth.passwords import hash_password
    from circle.extensions import db
    from circle.models import Circle, Member, Membership, Role

    data = build_pdf(args.pages, args.lines)
    folder = Path(tempfile.mkdtemp(prefix="library-bench-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATA_DIR": str(folder),
            "UPLOAD_DIR": str(folder / "files"),
            "INDEX_DIR": str(folder / "index"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    password = secrets.token_urlsafe(16)  # a throwaway account in a throwaway database
    with app.app_context():
        db.create_all()
        circle = Circle(slug="benk", name="Benk")
        member = Member(
            email="benk@bench.example", name="Benk", password_hash=hash_password(password)
        )
        db.session.add_all(
            [circle, member, Membership(member=member, circle=circle, role=Role.LEADER)]
        )
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "benk@bench.example", "password": password})
    started = time.perf_counter()
    response = client.post(
        "/c/benk/library/upload",
        content_type="multipart/form-data",
        data={"visibility": "circle", "files": [(io.BytesIO(data), "stor-rapport.pdf")]},
    )
    uploaded = time.perf_counter()
    html = client.get(f"/c/benk/library?q={NEEDLE}").get_data(as_text=True)
    searchable = time.perf_counter()
    found = f"s. {args.pages - 53}" in html
    print(
        json.dumps(
            {
                "pages": args.pages,
                "pdf_mb": round(len(data) / 1e6, 2),
                "upload_status": response.status_code,
                "upload_s": round(uploaded - started, 2),
                "upload_to_searchable_s": round(searchable - started, 2),
                "found_page": found,
            }
        )
    )


if __name__ == "__main__":
    main()
