"""`flask notifications ...`: the daily digest, meant for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

notifications = AppGroup("notifications", help="E-mail notifications about threads.")


@notifications.command("send-digests")
def send_digests_command() -> None:
    """Queue today's due daily digests (safe to run twice: sent digests are recorded)."""
    from circle.extensions import db
    from circle.threads.delivery import send_digests

    # Links in the e-mails are built with url_for, which needs a request context.
    with current_app.test_request_context("/"):
        queued = send_digests(db.session)
        db.session.commit()
    click.echo(f"digests queued: {queued} (sent by the job worker)")
