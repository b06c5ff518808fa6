"""Command-line interface: `flask users ...`, `flask demo` and `flask text rerender`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from circle.auth.passwords import PasswordPolicyError, check_password_policy, hash_password
from circle.auth.services import deactivate_member, normalise_email
from circle.errors import DomainError
from circle.extensions import db
from circle.hooks import hooks, register_check
from circle.identity import ensure_no_identity_number
from circle.inputs import ensure_single_line
from circle.models import Member
from circle.storage import get_storage

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--admin", is_flag=True, help="Make the account a site administrator.")
@click.option("--password", help="Password (prompted for when not given).")
def create_user(email: str, name: str, admin: bool, password: str | None) -> None:
    """Create an account, e.g. the first administrator of a fresh install."""
    email = normalise_email(email)
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    try:
        ensure_no_identity_number(email, name)
        ensure_single_line(email, label="EMAIL")
        ensure_single_line(name, label="--name")
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    if db.session.scalar(select(Member.id).where(Member.email == email)) is not None:
        raise click.ClickException(f"an account with {email} exists already")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_policy(password, email=email, name=name)
    except PasswordPolicyError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.add(
        Member(
            email=email, name=name.strip(), is_admin=admin, password_hash=hash_password(password)
        )
    )
    db.session.commit()
    click.echo(f"created {'administrator' if admin else 'account'} {email}")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Deactivate an account and end its sessions."""
    member = db.session.scalar(select(Member).where(Member.email == normalise_email(email)))
    if member is None:
        raise click.ClickException(f"no account with {email}")
    deactivate_member(db.session, member, actor=None)
    db.session.commit()
    click.echo(f"deactivated {member.email}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo circle (idempotent) and print the demo accounts."""
    from circle.demo import DEMO_PASSWORD, load_demo

    created = load_demo(db.session, hooks(current_app).demo_loaders)
    db.session.commit()
    click.echo("Demo data " + ("created." if created else "already present; nothing changed."))
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    click.echo(demo_accounts_table())


def demo_accounts_table() -> str:
    """Return the demo accounts as a text table: e-mail, name, role and circle (and unit)."""
    from circle.members.forms import ROLE_LABELS

    rows = [("E-post", "Navn", "Rolle", "Sirkel")]
    for member in db.session.scalars(
        select(Member).where(Member.email.like("%@demo.example")).order_by(Member.email)
    ):
        if member.is_admin:
            rows.append((member.email, member.name, "Administrator (hele nettstedet)", "alle"))
        for m in member.memberships:
            where = m.circle.name + (f" – {m.unit.name}" if m.unit else "")
            where += f" – {m.organisation}" if m.organisation else ""
            rows.append((member.email, member.name, str(ROLE_LABELS[m.role]), where))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(3)] + [row[3]]
        lines.append("  " + "  ".join(cells).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths) + "  " + "-" * len(row[3]))
    return "\n".join(lines)


backup = AppGroup("backup", help="Back up and restore the database and files.")


@backup.command("create")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(destination: Path) -> None:
    """Write a consistent backup (.tar.gz) while the site keeps running."""
    from circle.backup import BackupError, create_backup

    try:
        create_backup(db.engine, db.session, get_storage(), destination)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {destination}")


@backup.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_restore(archive: Path) -> None:
    """Restore a backup into this (empty) data folder."""
    from circle.backup import BackupError, restore_backup

    db.engine.dispose()
    try:
        manifest = restore_backup(archive, Path(db.engine.url.database or ""), get_storage())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored backup from {manifest['created_at']} ({manifest['files']} files)")
    # Derived data (the search index) is not in the backup: each area rebuilds it here.
    for rebuild in hooks(current_app).after_restore:
        rebuild()


@click.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="Mend what a check can repair (orphan files, the search index), then check again.",
)
@with_appcontext
def check_command(repair: bool) -> None:
    """Check the database, stored files and every area's own integrity checks."""
    from circle.backup import check_database

    problems = check_database(db.session)
    repaired = False
    for entry in hooks(current_app).checks:
        found = entry.check(db.session)
        if found and repair and entry.repair is not None:
            for problem in found:
                click.echo(problem)
            for done in entry.repair(db.session):
                click.echo(f"repaired: {done}")
            db.session.commit()
            repaired = True
            found = [f"still: {problem}" for problem in entry.check(db.session)]
        problems += found
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("ok: database, files and indexes agree" + (" after the repair" if repaired else ""))


text = AppGroup("text", help="The Markdown pipeline's stored HTML.")


@text.command("rerender")
@click.option("--all", "force", is_flag=True, help="Re-render every row, not only stale ones.")
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
def rerender_command(force: bool, batch: int) -> None:
    """Store the HTML of every Markdown field not rendered by the current pipeline version."""
    from circle.rendered import rerender_batch, stored_html_models

    total = 0
    for model in stored_html_models(db.Model.registry.mappers):
        count, after = 0, 0
        while True:
            done = rerender_batch(db.session, model, after_id=after, limit=batch, force=force)
            db.session.commit()
            if done is None:
                break
            count, after = count + done[1], done[0]
            db.session.expunge_all()  # keep memory flat over a large table
        if count:
            click.echo(f"{model.__tablename__}: {count} re-rendered")
        total += count
    click.echo(f"rows re-rendered: {total}")


def register(app: Flask) -> None:
    """Add the core's commands to the app, and the stored files' check."""
    from circle.backup import check_files, repair_files

    def age() -> timedelta:
        return timedelta(minutes=float(app.config.get("FILES_ORPHAN_MINUTES", 60)))

    register_check(
        app,
        "files",
        lambda session: check_files(session, get_storage(app), age()),
        lambda session: repair_files(session, get_storage(app), age()),
    )
    for command in (users, demo_command, backup, check_command, text):
        app.cli.add_command(command)
