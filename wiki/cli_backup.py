"""``planwiki backup``, ``restore``, ``check`` and ``purge``: keeping the plans safe, and
making erased words leave every copy planwiki made (issues #7, #15, #24).

A backup is one tar file holding the database and the files folder (``wiki/backup_set``);
a restore puts both back and cannot hurt (``wiki/restore``); ``check`` looks at the
database and at every attachment's file; ``purge`` covers the safety copies too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from wiki.cli_common import (
    CONTEXT,
    db_option,
    existing_db,
    folder_must_exist,
    open_db,
    progress_bar,
    settings_for,
)


@click.command("backup", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@db_option
def backup_command(path: Path, overwrite: bool, db_path: Path | None) -> None:
    """Write one file at PATH holding a consistent, checked copy of the database and every
    file in the files folder (photos, recordings, documents); safe while the app runs.
    Only you can read it (0600). The folder PATH goes in must exist already."""
    from wiki import backup, backup_set

    source = existing_db(db_path)
    try:
        with progress_bar("Backing up"):
            made = backup_set.write(
                source, settings_for(db_path).files_path(), path, overwrite=overwrite
            )
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    except sqlite3.DatabaseError as problem:
        raise click.ClickException(f"{source} is not a usable database ({problem}).") from None
    click.echo(f"Backed up to {made.summary()}")


@click.command("restore", context_settings=CONTEXT)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore even though a running planwiki server is using the database: every save"
    " made since the backup is rolled back while people are writing.",
)
@db_option
def restore_command(path: Path, force: bool, db_path: Path | None) -> None:
    """Check the backup at PATH, keep the database and files folder as they are beside
    them, then put the backup's database and files in their place. Refused while a
    server is using the database (stop it first, or --force). The database may be
    missing (restoring onto a new machine); its folder must exist. On any failure
    nothing is changed."""
    from wiki import backup, restore

    settings = settings_for(db_path)
    folder_must_exist(settings.db)
    try:
        with progress_bar("Restoring") as update:
            done = restore.restore(
                path, settings.db, settings.files_path(), force=force, progress=update
            )
    except backup.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    if done.kept_db:
        click.echo(f"The database as it was is kept at {done.kept_db}.")
    if done.kept_files:
        click.echo(f"The files as they were are kept at {done.kept_files}.")
    click.echo(f"Restored: {done.report.summary()}")
    if done.files is None:
        click.echo(
            f"This backup holds no files (it was made before planwiki 0.2.0): the files in"
            f" {settings.files_path()} were left as they were."
        )
    else:
        click.echo(f"Restored {done.files} files into {settings.files_path()}.")


@click.command("check", context_settings=CONTEXT)
@click.option(
    "--repair",
    is_flag=True,
    help="Rebuild the search index from the pages, and record the SHA-256 of files uploaded"
    " before 0.2.0.",
)
@db_option
def check_command(repair: bool, db_path: Path | None) -> None:
    """Check the database (integrity, links between rows, the search index) and that every
    photo, recording and document it names is in the files folder with its size and its
    bytes (the SHA-256 recorded at upload)."""
    from wiki import backup
    from wiki.store import files_check, search

    path = existing_db(db_path, damaged_ok=True)
    with progress_bar("Checking"):
        report = backup.check(path, writable=True)
    click.echo(report.summary())
    if not report.ok:
        raise click.ClickException(
            "The database has problems (see above). Restore the last good backup."
        )
    db = open_db(db_path)
    files_dir = settings_for(db_path).files_path()
    with progress_bar("Checking the files"):
        files = files_check.check_files(db, files_dir, hashes=True, repair=repair)
    click.echo(files.summary(files_dir))
    if files.unhashed:
        click.echo(
            f"{files.unhashed} files from before 0.2.0 have no recorded SHA-256 (checked by size"
            " only)" + (": recorded now." if repair else ": planwiki check --repair records it.")
        )
    health = search.index_health(db)
    click.echo("Search index: " + ", ".join(f"{v} {k}" for k, v in health.items()))
    stale = not search.index_in_step(health)
    if repair:
        with progress_bar("Rebuilding the search index"):
            search.rebuild_index(db)
        click.echo("The search index has been rebuilt.")
    elif stale:
        raise click.ClickException("The search index is out of step: run planwiki check --repair.")
    if not files.ok:
        raise click.ClickException(
            "Some photos, recordings or documents are missing or damaged (see above): put"
            " them back from the last backup (planwiki restore) or your copy of the files."
        )


@click.command("purge", context_settings=CONTEXT)
@db_option
@click.option(
    "--wait", "wait_s", default=10.0, show_default=True, type=click.FloatRange(0),
    metavar="SECONDS",
    help="How long to keep trying to truncate the write-ahead log while another program"
    " (a replicator) reads the database; other writers wait at most 0.1 s at a time.",
)  # fmt: skip
@click.option(
    "--safety-copies",
    "all_copies",
    is_flag=True,
    help="Also remove now every copy planwiki kept before a restore or an upgrade (they are"
    " removed after 30 days anyway).",
)
def purge_command(db_path: Path | None, wait_s: float, all_copies: bool) -> None:
    """Destroy deleted plans whose 30-day grace period is over (also done at start), remove
    the safety copies older than that, and say honestly where older copies may remain
    (docs/replication.md)."""
    from wiki import safety_copies
    from wiki.store import erasure

    db = open_db(db_path)
    settings = settings_for(db_path)

    def step(what: str) -> None:
        click.echo(f"{what} …", err=True)

    with progress_bar("Destroying deleted plans past their grace period"):
        report = erasure.purge(db, files_dir=settings.files_path(), wait_s=wait_s, step=step)
    for line in erasure.describe(report, settings.db):
        click.echo(line)
    tidied = safety_copies.tidy(settings.db, settings.files_path(), all_now=all_copies)
    for line in safety_copies.describe(tidied):
        click.echo(line)
