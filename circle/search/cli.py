"""`flask search reindex`: rebuild every search index (reports and the site's entries)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from circle.extensions import db

search_cli = AppGroup("search", help="Rebuild the search indexes (reports and everything shared).")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the reports' index and the site index from the database."""
    from circle.search.index import rebuild_everything

    counts = rebuild_everything(db.session)
    for name, count in counts.items():
        click.echo(f"{name}: reindexed {count}")
