"""Run the test suite on SQLite and on PostgreSQL side by side (a throwaway server when none is given)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class _Run:
    """One pytest pass in a child process, its output kept in a file until it ends."""

    def __init__(self, label: str, env: dict[str, str], *args: str) -> None:
        self.label = label
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        # The slowest tests are listed at the end of each pass: where CI's minutes go.
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=25", *args]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )  # noqa: S603

    def finish(self) -> int:
        """Wait for the pass, print its output under its label, return 0 when it passed."""
        code = self.proc.wait()
        self.log.seek(0)
        print(f"\n=== {self.label} ===", flush=True)
        shutil.copyfileobj(self.log, sys.stdout)
        sys.stdout.flush()
        self.log.close()
        return 0 if code == 5 else code  # 5: nothing collected (cannot happen for the full run)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root: run the throwaway server as the postgres system user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def throwaway_postgres():  # noqa: ANN201
    """Start a private PostgreSQL server on a Unix socket; yield its URL; remove it after."""
    bindir = _pg_bin()
    if bindir is None:
        yield None
        return
    base = Path(tempfile.mkdtemp(prefix="fs-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    opts,
                    "-l",
                    str(base / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "createdb"),
                    "-h",
                    str(sock),
                    "-U",
                    "postgres",
                    "forskningssirkel_test",
                ]
            ),
            check=True,
        )
        yield f"postgresql+psycopg://postgres@/forskningssirkel_test?host={sock}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(base, ignore_errors=True)


def lint(root: Path = ROOT) -> int:
    """Run ruff's checks and its format check on the whole tree; nonzero on any finding."""
    ruff = [sys.executable, "-m", "ruff"]
    failures = 0
    for label, args in (
        ("ruff check", ["check", "."]),
        ("ruff format --check", ["format", "--check", "."]),
    ):
        print(f"\n=== {label} ===", flush=True)
        failures |= subprocess.call([*ruff, *args], cwd=root) != 0
    return int(failures)


def main() -> int:
    """Lint the tree, then run both passes side by side (one per core); say what was skipped."""
    if lint():
        print(
            "\nLint failed: fix the findings above (ruff format . rewrites the layout).", flush=True
        )
        return 1
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    given = os.environ.get("TEST_DATABASE_URL")
    server = contextlib.nullcontext(given) if given else throwaway_postgres()
    with server as url:
        print(
            "Running the SQLite and PostgreSQL passes side by side; each prints when done.",
            flush=True,
        )
        sqlite = _Run(
            "SQLite: the whole suite, browser tests included", {**env, "SUITE_PASS": "sqlite"}
        )
        postgres = None
        if url is not None:
            label = "PostgreSQL (TEST_DATABASE_URL)" if given else "PostgreSQL (throwaway server)"
            postgres = _Run(label, {**env, "TEST_DATABASE_URL": url}, "-m", "not browser")
        failures = sqlite.finish()
        if postgres is not None:
            failures |= postgres.finish()
    if url is None:
        msg = "PostgreSQL run SKIPPED: no PostgreSQL server binaries (initdb) found."
        print(f"\n{msg} Install postgresql or set TEST_DATABASE_URL.", flush=True)
        if IN_CI:
            return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
