"""The ``planwiki`` command: serve, migrate, back up, restore, people and tokens.

Operator-proof (issue #15): ``-h`` is ``--help`` everywhere; every command but ``migrate``
and ``serve`` refuses a database file that does not exist (a mistyped ``--db`` must not
create and migrate an empty one); every problem is one line on stderr and a non-zero exit,
never a traceback; long work shows a rich progress bar on stderr when it is a terminal.
The shared parts are in ``cli_common``; the user and token commands in ``cli_people``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from wiki import versions
from wiki.cli_admin import outbox, site
from wiki.cli_backup import backup_command, check_command, purge_command, restore_command
from wiki.cli_common import (
    CONTEXT,
    BadInput,
    OneLineErrors,
    db_option,
    folder_must_exist,
    open_db,
    progress_bar,
    refuse,
    settings_for,
)
from wiki.cli_people import token, user
from wiki.errors import WikiError


@click.group(cls=OneLineErrors, context_settings=CONTEXT)
@click.version_option(
    version=versions.VERSION,
    message=f"%(prog)s %(version)s (schema {versions.schema()})",
    help="Show the version, and the schema it needs, and exit.",
)
def cli() -> None:
    """planwiki: a young person's own plan site, shared section by section."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@db_option
@click.option(
    "--demo", is_flag=True, help="Start on a fresh demo database with a realistic plan site."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs this process may use).",
)
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="Behind a reverse proxy: take the client address and https from X-Forwarded-For and"
    " X-Forwarded-Proto, when the proxy is one of --forwarded-allow-ips.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="The proxies trusted with --proxy-headers: addresses or networks, comma-separated.",
)
@click.option(
    "--access-log", is_flag=True, help="Log one line per request (id, method, route, status, ms)."
)
@click.option("--log-json", is_flag=True, help="Write the log as one JSON object per line.")
def serve(
    host: str,
    port: int,
    db_path: Path | None,
    demo: bool,
    workers: int | None,
    proxy_headers: bool,
    forwarded_allow_ips: str,
    access_log: bool,
    log_json: bool,
) -> None:
    """Run the web app: migrations and the purge once, then the workers (issue #15)."""
    from wiki import settings_check
    from wiki.logs import json_line
    from wiki.serve import ServeOptions, default_workers, run

    # With --log-json every line is JSON, the start-up lines too (issue #24).
    say: Callable[[str], None] = (
        (lambda message: click.echo(json_line(message))) if log_json else click.echo
    )
    problem = settings_check.first_problem(settings_for(db_path))
    if problem:
        raise BadInput(problem)

    if demo:
        if db_path is None:
            db_path = Path(tempfile.mkdtemp(prefix="planwiki-demo-")) / "demo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        from wiki import demo as demo_data

        db = open_db(db_path, create=True)
        say(f"Creating the demo plan in {db_path} …")
        people = demo_data.load(db)
        db.close()
        from wiki.demo_content import SITE

        say(
            f"\nDemo ready: open http://{host}:{port}/s/{SITE['slug']} and sign in as any of these people:\n"
        )
        for email, password, name, role in people:
            say(f"  {name:<18} {role:<28} {email:<32} password: {password}")
        from wiki.demo_content import YOUNGER

        say(
            f"\n{YOUNGER['title']} (/s/{YOUNGER['slug']}) was made by Claire for {YOUNGER['for_name']},"
            " who is seven and has no account yet: Claire looks after it until it is hers.\n"
        )
    settings = settings_for(db_path)
    folder_must_exist(settings.db)
    options = ServeOptions(
        host=host,
        port=port,
        workers=workers or default_workers(),
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=access_log,
        log_json=log_json,
    )
    run(settings, options, say=say)


@cli.command("plugins")
def plugins_command() -> None:
    """List the plugins that are loaded and the hooks each implements."""
    from wiki.plugins import describe, make_manager

    for name, hooks in describe(make_manager()):
        click.echo(f"{name}: {', '.join(hooks) or '(no hooks)'}")


@cli.command("migrate")
@db_option
def migrate_command(db_path: Path | None) -> None:
    """Apply any pending schema steps (creating the database if there is none). On an
    existing database it first takes a checked backup beside it and says where."""
    from wiki.upgrade import upgrade

    settings = settings_for(db_path)
    folder_must_exist(settings.db)
    try:
        done = upgrade(settings, say=click.echo)
    except sqlite3.DatabaseError as problem:
        raise click.ClickException(f"{settings.db} is not a usable database ({problem}).") from None
    click.echo(
        "\n".join(f"applied {name}" for name in done.applied) or "The database is up to date."
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
    """Write the whole SITE (every section, the circle, sharing, the log) as a zip at PATH
    (a file, or an existing folder to put it in)."""
    from wiki.store import transfer

    if not path.is_dir():
        folder_must_exist(path)  # before the work, not after it (issue #15)
    db = open_db(db_path)
    try:
        with progress_bar(f"Exporting {site}"):
            made = transfer.export_site_as_operator(
                db, site=site, history=not no_history, files_dir=settings_for(db_path).files_path()
            )
    except WikiError as problem:
        raise refuse(problem) from None
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

    db = open_db(db_path)
    try:
        with progress_bar(f"Importing {path.name}"):
            result = transfer.import_site_as_operator(
                db, path, slug=slug, owner=owner, files_dir=settings_for(db_path).files_path()
            )
    except WikiError as problem:
        raise refuse(problem) from None
    click.echo(
        f"Imported “{result.title}” at /s/{result.slug}: {result.pages} pages, {result.revisions} revisions."
    )
    for skipped in result.skipped_files:
        click.echo(f"Not brought in: {skipped}", err=True)


@cli.command("reminders")
@db_option
def reminders_command(db_path: Path | None) -> None:
    """Email young people the growing-up reminders that are due (each once; also done at
    start). Run it daily from a timer on a server that stays up for weeks."""
    from wiki.store import growing_up

    db = open_db(db_path)
    sent = growing_up.send_reminders(db, base_url=settings_for(db_path).base_url)
    click.echo(f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent.")


@cli.command("send-digests")
@db_option
def send_digests_command(db_path: Path | None) -> None:
    """Send the weekly "who has looked" emails that are due (safe to run as often as you
    like, e.g. hourly from cron: each week is sent once). Issue #14."""
    from wiki.store import activity

    db = open_db(db_path)
    sent = activity.send_due_digests(db, base_url=settings_for(db_path).base_url)
    click.echo(f"{sent} weekly email{'s' if sent != 1 else ''} sent.")


cli.add_command(user)
cli.add_command(token)
for command in (backup_command, restore_command, check_command, purge_command, site, outbox):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name=os.path.basename(sys.argv[0]) or "planwiki")
