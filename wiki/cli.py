"""The ``planwiki`` command: serve, migrate, back up, restore, people and tokens."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from wiki import accounts
from wiki.db import Database, migrate
from wiki.errors import WikiError
from wiki.settings import Settings

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default ./planwiki.db, or $PLANWIKI_DB).",
)


def _settings(db_path: Path | None) -> Settings:
    settings = Settings()
    if db_path is not None:
        settings = settings.model_copy(update={"db": db_path})
    return settings


def _database(db_path: Path | None) -> Database:
    settings = _settings(db_path)
    db = Database(
        settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
    )
    migrate(db.db)
    return db


@click.group()
@click.version_option(package_name="planwiki")
def cli() -> None:
    """planwiki: a young person's own plan site, shared section by section."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@db_option
@click.option(
    "--demo", is_flag=True, help="Start on a fresh demo database with a realistic plan site."
)
def serve(host: str, port: int, db_path: Path | None, demo: bool) -> None:
    """Run the web app."""
    import uvicorn

    from wiki.app import create_app

    if demo:
        if db_path is None:
            db_path = Path(tempfile.mkdtemp(prefix="planwiki-demo-")) / "demo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        from wiki import demo as demo_data

        db = _database(db_path)
        click.echo(f"Creating the demo plan in {db_path} …")
        people = demo_data.load(db)
        db.close()
        from wiki.demo_content import SITE

        click.echo(
            f"\nDemo ready: open http://{host}:{port}/s/{SITE['slug']} and sign in as any of these people:\n"
        )
        for email, password, name, role in people:
            click.echo(f"  {name:<18} {role:<28} {email:<32} password: {password}")
        click.echo("")
    settings = _settings(db_path)
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@cli.command("plugins")
def plugins_command() -> None:
    """List the plugins that are loaded and the hooks each implements."""
    from wiki.plugins import describe, make_manager

    for name, hooks in describe(make_manager()):
        click.echo(f"{name}: {', '.join(hooks) or '(no hooks)'}")


@cli.command("migrate")
@db_option
def migrate_command(db_path: Path | None) -> None:
    """Apply any pending schema steps."""
    settings = _settings(db_path)
    db = Database(settings.db)
    applied = migrate(db.db)
    click.echo("\n".join(f"applied {name}" for name in applied) or "The database is up to date.")


@cli.group()
def user() -> None:
    """Manage accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as others will see it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_add(email: str, name: str, password_stdin: bool, db_path: Path | None) -> None:
    """Create an account."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        created = accounts.create_user(
            _database(db_path), email=email, name=name, password=password
        )
    except WikiError as problem:
        raise click.ClickException(problem.message) from None
    click.echo(f"Created {created.email} ({created.name}).")


@cli.group()
def token() -> None:
    """Personal access tokens for the JSON API."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="command line", help="A name to recognise the token by.")
@db_option
def token_create(email: str, name: str, db_path: Path | None) -> None:
    """Print a new token, alone on the last line. It is shown only once."""
    db = _database(db_path)
    found = accounts.find_user(db, email)
    if found is None:
        raise click.ClickException(f"There is no account for {email}.")
    secret = accounts.create_token(db, found, name=name)
    click.echo(f"Token for {found.email} (keep it secret; it is shown only once):", err=True)
    click.echo(secret)


@cli.command()
@click.option("--limit", default=10, show_default=True)
@db_option
def outbox(limit: int, db_path: Path | None) -> None:
    """Show the newest emails (when no SMTP server is configured they wait here)."""
    from wiki import mail

    messages = mail.outbox(_database(db_path), limit=limit)
    if not messages:
        click.echo("The outbox is empty.")
    for m in messages:
        state = "sent" if m["sent_at"] else "not sent (no SMTP server configured)"
        click.echo(
            f"--- {m['at']} to {m['to_address']} [{state}]\nSubject: {m['subject']}\n\n{m['body']}\n"
        )


# ---- take it with you, keep it safe (issue #7) ----------------------------------------------


@cli.command("export")
@click.argument("site")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--no-history", is_flag=True, help="Only the current text of each page.")
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@db_option
def export_command(
    site: str, path: Path, no_history: bool, overwrite: bool, db_path: Path | None
) -> None:
    """Write the whole SITE (every section, the circle, sharing, the log) as a zip at PATH."""
    from wiki.store import transfer

    db = _database(db_path)
    try:
        made = transfer.export_site_as_operator(
            db, site=site, history=not no_history, files_dir=_settings(db_path).files_path()
        )
    except WikiError as problem:
        raise click.ClickException(problem.message) from None
    target = path / made.filename if path.is_dir() else path
    if target.exists() and not overwrite:
        made.discard()
        raise click.ClickException(f"{target} already exists (pass --overwrite to replace it).")
    import shutil

    shutil.move(str(made.path), str(target))
    click.echo(f"Wrote {target} ({target.stat().st_size:,} bytes).")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", default=None, help="A new address for the site (default: the one it had).")
@click.option(
    "--owner", default=None, help="The account that will own it (default: the export's owner)."
)
@db_option
def import_command(path: Path, slug: str | None, owner: str | None, db_path: Path | None) -> None:
    """Bring in a site exported from a planwiki. The owner is the account with the export's
    owner email (made, without a password, if there is none) unless --owner is given;
    circle members without an account get one (without a password) too."""
    from wiki.store import transfer

    db = _database(db_path)
    try:
        result = transfer.import_site_as_operator(
            db, path, slug=slug, owner=owner, files_dir=_settings(db_path).files_path()
        )
    except WikiError as problem:
        raise click.ClickException(problem.message) from None
    click.echo(
        f"Imported “{result.title}” at /s/{result.slug}: {result.pages} pages, {result.revisions} revisions."
    )
    for skipped in result.skipped_files:
        click.echo(f"Not brought in: {skipped}", err=True)


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@db_option
def backup_command(path: Path, overwrite: bool, db_path: Path | None) -> None:
    """Write a consistent, checked copy of the database to PATH (safe while the app runs)."""
    from wiki import backup

    try:
        report = backup.backup(_settings(db_path).db, path, overwrite=overwrite)
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up to {report.summary()}")


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def restore_command(path: Path, db_path: Path | None) -> None:
    """Check the backup at PATH, keep a copy of the current database, then put the backup
    in its place."""
    from wiki import backup

    try:
        report, kept = backup.restore(path, _settings(db_path).db)
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    if kept:
        click.echo(f"The database as it was is kept at {kept}.")
    click.echo(f"Restored: {report.summary()}")


@cli.command("check")
@click.option("--repair", is_flag=True, help="Rebuild the search index from the pages.")
@db_option
def check_command(repair: bool, db_path: Path | None) -> None:
    """Check the database: integrity, links between rows, the search index."""
    from wiki import backup
    from wiki.store import search

    path = _settings(db_path).db
    report = backup.check(path, writable=True)
    click.echo(report.summary())
    if report.ok:
        db = _database(db_path)
        health = search.index_health(db)
        click.echo("Search index: " + ", ".join(f"{v} {k}" for k, v in health.items()))
        stale = not search.index_in_step(health)
        if repair:
            search.rebuild_index(db)
            click.echo("The search index has been rebuilt.")
        elif stale:
            raise click.ClickException(
                "The search index is out of step: run planwiki check --repair."
            )
    if not report.ok:
        raise click.ClickException(
            "The database has problems (see above). Restore the last good backup."
        )


@cli.command("purge")
@db_option
def purge_command(db_path: Path | None) -> None:
    """Destroy deleted plans whose 30-day grace period is over (also done at start)."""
    from wiki.store import erasure

    count = erasure.purge_due(_database(db_path), files_dir=_settings(db_path).files_path())
    click.echo(f"{count} deleted plan{'s' if count != 1 else ''} destroyed for good.")


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name=os.path.basename(sys.argv[0]) or "planwiki")
