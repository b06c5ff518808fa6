"""`flask meetings ...`: export the minutes archive of a circle."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

meetings_cli = AppGroup("meetings", help="Meetings and minutes.")


@meetings_cli.command("archive")
@click.argument("slug")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
def export_archive(slug: str, output: str) -> None:
    """Write all approved minutes of the circle SLUG to OUTPUT (.docx)."""
    from circle.circles.services import get_circle_by_slug
    from circle.extensions import db
    from meetings.services.archive import archive_docx, archive_entries

    circle = get_circle_by_slug(db.session, slug)
    if circle is None:
        raise click.ClickException(f"no circle {slug}")
    entries = archive_entries(db.session, circle)
    Path(output).write_bytes(archive_docx(circle, entries))
    click.echo(f"wrote {len(entries)} approved minutes to {output}")


@meetings_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send the reminders that are due (the worker also does this hourly; safe to run twice)."""
    from circle.extensions import db
    from meetings.services.reminders import send_reminders

    # Links in the e-mails are built with url_for, which needs a request context.
    with current_app.test_request_context("/"):
        sent = send_reminders(db.session)
        db.session.commit()
    click.echo(
        f"reminded {sent['meetings']} of meetings, {sent['reviews']} reviewers, "
        f"{sent['consultations']} of consultations"
    )
