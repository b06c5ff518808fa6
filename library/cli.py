"""`flask library import | search | reindex`: the library's stable command-line interface."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from circle.extensions import db
from circle.files import clean_original_name
from circle.identity import contains_identity_number
from circle.models import Circle

library_cli = AppGroup("library", help="Import, search and reindex the library of reports.")


def _load_metadata(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read metadata file {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise click.ClickException("the metadata file must map file names to objects")
    return data


@library_cli.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--metadata",
    "metadata_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON mapping each file name to its metadata.",
)
@click.option(
    "--circle",
    "circle_slug",
    help="Keep the reports to this circle (default: shared with all circles).",
)
def import_command(
    files: tuple[Path, ...], metadata_path: Path | None, circle_slug: str | None
) -> None:
    """Import report files; bad files are reported with their reason and the rest imported."""
    from circle.errors import DomainError
    from circle.jobs import run_due_jobs
    from circle.models import FileState
    from circle.storage import get_storage
    from library.models import Report
    from library.services.reports import DuplicateReport, add_report, delete_report_row

    metadata = _load_metadata(metadata_path)
    circle = None
    if circle_slug:
        circle = db.session.scalar(select(Circle).where(Circle.slug == circle_slug))
        if circle is None:
            raise click.ClickException(f"no circle with slug {circle_slug!r}")
    storage = get_storage()
    imported: list[tuple[Path, int]] = []
    failures: list[tuple[Path, str]] = []
    with click.progressbar(
        files,
        label="Importerer",
        file=sys.stderr,
        item_show_func=lambda p: clean_original_name(p.name) if p else "",
    ) as bar:
        for path in bar:
            meta = metadata.get(path.name) or metadata.get(str(path)) or None
            try:
                report = add_report(
                    db.session,
                    storage=storage,
                    data=path.read_bytes(),
                    filename=path.name,
                    actor=None,
                    circle=circle,
                    shared=circle is None,
                    metadata=meta,
                )
                db.session.commit()
            except DuplicateReport as exc:
                db.session.rollback()
                reason = str(exc.message)
                if exc.report_id:
                    reason += f" (rapport {exc.report_id})"
                failures.append((path, reason))
            except DomainError as exc:
                db.session.rollback()
                failures.append((path, str(exc.message)))
            except OSError as exc:
                db.session.rollback()
                failures.append((path, f"cannot read the file: {exc.strerror}"))
            else:
                imported.append((path, report.id))
    # The jobs the imports queued (reading each file, then indexing) run here and now, so the
    # reports are searchable when the command ends (a running worker may take some of them;
    # claims keep each to one run).
    run_due_jobs(current_app._get_current_object())  # type: ignore[attr-defined]
    db.session.expire_all()
    done = 0
    for path, report_id in imported:
        report = db.session.get(Report, report_id)
        if report is not None and report.file_state == FileState.REFUSED:
            failures.append((path, report.stored_file.refusal or ""))
            delete_report_row(db.session, report)  # no uploader to show it to: keep nothing
        elif report is not None and report.ready:
            done += 1
        else:
            failures.append((path, "still being read by the job worker"))
    db.session.commit()
    for path, reason in failures:
        # A path holding an identity number is not printed (the reason says why it failed).
        shown = path if not contains_identity_number(str(path)) else clean_original_name(path.name)
        click.echo(f"FEIL {shown}: {reason}", err=True)
    click.echo(f"{done} imported, {len(failures)} failed")
    if failures:
        sys.exit(1)


@library_cli.command("search")
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, best first.")
def search_command(query: str, limit: int, as_json: bool) -> None:
    """Search every report (the command line sees all circles' reports)."""
    from library.index import get_backend
    from library.services.search import search_library

    everything = frozenset(db.session.scalars(select(Circle.id)))
    results = search_library(
        db.session,
        get_backend(),
        visible=everything,
        text=query,
        per_page=limit,
        pages_per_report=3,
    )
    rows = [
        {
            "id": hit.report.id,
            "title": hit.report.title,
            "filename": hit.report.stored_file.original_name if hit.report.stored_file else "",
            "score": hit.score,
            "pages": [{"page": p.page, "snippet": p.snippet} for p in hit.pages],
        }
        for hit in results.hits
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo(
            "Ingen treff." + (f" Mente du: {results.suggestion}?" if results.suggestion else "")
        )
        return
    click.echo(f"{results.total} treff")
    for row in rows:
        click.echo(f"[{row['id']}] {row['title']} ({row['filename']}) score {row['score']:.3f}")
        for page in row["pages"]:
            text = page["snippet"].replace("<mark>", "[").replace("</mark>", "]")
            click.echo(f"    s. {page['page']}: {text}")


@library_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database into a new folder and swap it in."""
    from sqlalchemy import func

    from library.index import get_backend, rebuild_index
    from library.models import Report

    total = db.session.scalar(select(func.count(Report.id))) or 0
    with click.progressbar(length=total, label="Bygger søkeindeks", file=sys.stderr) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        rebuild_index(db.session, get_backend(), progress)
    click.echo(f"reindexed {total} report(s)")


@library_cli.command("compact")
@click.option(
    "--min-segments",
    default=20,
    show_default=True,
    help="Only compact when the index has at least this many segments.",
)
def compact_command(min_segments: int) -> None:
    """Merge the index's segments (for cron; uploads add segments and never merge)."""
    from library.index import get_backend

    backend = get_backend()
    segments = backend.segment_count()
    if segments < min_segments:
        click.echo(f"{segments} segment(s); nothing to do")
        return
    backend.compact()
    click.echo(f"compacted {segments} segment(s) into {backend.segment_count()}")
