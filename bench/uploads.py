"""Benchmark: big uploads answer at once, are searchable soon after, and slow nobody down.

Usage: python bench/uploads.py [--pages 300] [--mb 20] [--parallel 4] [--probes 200]

Serves a fresh demo with gunicorn (2 workers) and `flask worker` beside it, as in production,
on loopback, then measures:
- how long the upload request for one `--mb` MB, `--pages`-page PDF takes (the request only
  stores the file; reading, scanning and indexing run in the job worker);
- how long until a word on one of its late pages is found by the library search;
- the p50/p95 of `/login` and of the circle home page while idle, and while `--parallel` such
  uploads are being read.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.load.httpclient import Client  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
NEEDLE = "Kvasirkvartalet"
LEADER = "ingrid.lund@demo.example"
PASSWORD = "sirkel-demo-2026"  # noqa: S105 - the published demo password


def build_pdf(pages: int, megabytes: float, needle: str, seed: int) -> bytes:
    """Return a PDF of seed-text lines and one noise image per page (for its size)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += path.read_text(encoding="utf-8").split()
    words = words or "samarbeid mellom barnevern og nav om bolig og ettervern".split()
    rng = random.Random(seed)
    side = max(16, int((megabytes * 1e6 / pages / 1.1) ** 0.5 / 1.0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for number in range(1, pages + 1):
        noise = Image.frombytes("L", (side, side), rng.randbytes(side * side))
        c.drawImage(ImageReader(noise), 72, 60, width=120, height=120)
        c.setFont("Helvetica", 10)
        y = 780
        for _ in range(30):
            start = rng.randrange(max(1, len(words) - 12))
            c.drawString(72, y, " ".join(words[start : start + 12]))
            y -= 16
        if number == pages - 53:
            c.drawString(72, y, f"{needle} er bare nevnt her.")
        c.drawString(290, 30, str(number))
        c.showPage()
    c.save()
    return buf.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def _probe(base: str, path: str, count: int, client: Client | None = None) -> list[float]:
    client = client or Client(base)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - started)
        assert answer.status == 200, (path, answer.status)
    return times


def _reading(database: Path) -> int:
    """Return how many uploads the job worker has not finished reading."""
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT count(*) FROM job WHERE kind = 'files.read' AND state IN ('pending', 'running')"
        ).fetchone()[0]


def _upload(client: Client, name: str, data: bytes) -> tuple[float, int]:
    action, fields = client.form("/c/overganger/library/upload", "visibility")
    fields["visibility"] = "circle"
    started = time.perf_counter()
    answer = client.post(action, fields, files={"files": (name, data, "application/pdf")})
    return time.perf_counter() - started, answer.status


def main() -> None:  # noqa: PLR0915 - one measured story, top to bottom
    """Run the benchmark and print the JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="uploads-bench-"))
    port = _free_port()
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY="bench-" + str(port),
        DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        BASE_URL=f"http://127.0.0.1:{port}",
        LOGIN_RATE_LIMIT="100000",
        MAX_UPLOAD_MB="200",
    )
    env.pop("JOBS_EAGER", None)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([*flask, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    logs = folder / "logs"
    logs.mkdir()
    worker = subprocess.Popen(
        [*flask, "worker", "--threads", "2"],
        cwd=ROOT,
        env=env,
        stdout=(logs / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(port, time.monotonic() + 60)
        big = build_pdf(args.pages, args.mb, NEEDLE, 1)
        others = [build_pdf(args.pages, args.mb, f"Annen{n}", n + 2) for n in range(args.parallel)]
        client = Client(base)
        client.sign_in(LEADER, PASSWORD)
        member = Client(base)
        member.sign_in(LEADER, PASSWORD)
        _probe(base, "/login", 20)  # warm both workers
        _probe(base, "/c/overganger", 20, member)
        idle_login = _probe(base, "/login", args.probes)
        idle_home = _probe(base, "/c/overganger", args.probes, member)

        request_s, status = _upload(client, "stor-rapport.pdf", big)
        uploaded_at = time.perf_counter()
        searchable_s = None
        while time.perf_counter() - uploaded_at < 120:
            page = client.get(f"/c/overganger/library?q={NEEDLE}").body
            if f"s. {args.pages - 53}" in page:
                searchable_s = time.perf_counter() - uploaded_at
                break
            time.sleep(0.25)

        # Now several big uploads at once; probe the site while the worker reads them.
        uploaders = [Client(base) for _ in others]
        for uploader in uploaders:
            uploader.sign_in(LEADER, PASSWORD)
        answers: list[tuple[float, int]] = []
        threads = [
            threading.Thread(
                target=lambda u=u, d=d, n=n: answers.append(_upload(u, f"parallell-{n}.pdf", d))
            )
            for n, (u, d) in enumerate(zip(uploaders, others, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reading_before = _reading(folder / "bench.db")
        busy_login = _probe(base, "/login", args.probes)
        busy_home = _probe(base, "/c/overganger", args.probes, member)
        reading_after = _reading(folder / "bench.db")
    finally:
        web.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGINT)
        web.wait(timeout=30)
        worker.wait(timeout=60)
    print(
        json.dumps(
            {
                "pages": args.pages,
                "pdf_mb": round(len(big) / 1e6, 1),
                "upload_status": status,
                "upload_request_s": round(request_s, 2),
                "upload_to_searchable_s": round(searchable_s, 1) if searchable_s else None,
                "parallel_uploads": args.parallel,
                "parallel_request_s_max": round(max(a[0] for a in answers), 2),
                # Files still being read when the busy probes began, and when they ended.
                "files_reading_at_start": reading_before,
                "files_reading_at_end": reading_after,
                "login_idle": _percentiles(idle_login),
                "login_busy": _percentiles(busy_login),
                "home_idle": _percentiles(idle_home),
                "home_busy": _percentiles(busy_home),
            }
        )
    )


if __name__ == "__main__":
    main()
