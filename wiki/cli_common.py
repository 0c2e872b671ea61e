"""What every ``planwiki`` command shares (issue #15): ``-h`` as ``--help``, the ``--db``
option, a database that must already exist (only ``migrate`` and ``serve`` create one: a
mistyped ``--db`` must not make and migrate an empty file), one-line errors with an exit
code instead of tracebacks, and rich progress bars on stderr for long work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from wiki import accounts
from wiki.db import Database, migrate
from wiki.errors import WikiError
from wiki.settings import Settings

CONTEXT = {"help_option_names": ["-h", "--help"]}

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default ./planwiki.db, or $PLANWIKI_DB).",
)


def settings_for(db_path: Path | None) -> Settings:
    settings = Settings()
    if db_path is not None:
        settings = settings.model_copy(update={"db": db_path})
    return settings


def folder_must_exist(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise click.ClickException(f"The folder {folder} does not exist.")


def existing_db(db_path: Path | None) -> Path:
    """The database file, which must be there already (only migrate and serve create one)."""
    path = settings_for(db_path).db
    if not path.is_file():
        raise click.ClickException(
            f"There is no database at {path} (check --db or $PLANWIKI_DB;"
            " `planwiki migrate` creates a new one)."
        )
    return path


def open_db(db_path: Path | None, *, create: bool = False) -> Database:
    """The database, migrated; it must exist unless ``create`` (then only its folder must)."""
    settings = settings_for(db_path)
    if create:
        folder_must_exist(settings.db)
    else:
        existing_db(db_path)
    try:
        db = Database(
            settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
        )
        migrate(db.db)
    except sqlite3.DatabaseError as problem:
        raise click.ClickException(
            f"{settings.db} is not a usable planwiki database ({problem});"
            " `planwiki check` says more."
        ) from None
    return db


@contextmanager
def progress_bar(description: str, total: float | None = None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr (nothing when stderr is not a terminal); yields
    ``update(completed, total=None)``. Without a total the bar pulses with the time taken."""
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=total)

        def update(completed: float, total: float | None = None) -> None:
            progress.update(task, completed=completed, total=total)

        yield update


class OneLineErrors(click.Group):
    """The last line of defence: whatever slips past a command's own checks is one line
    and an exit code, not a traceback (issue #15)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WikiError as problem:
            raise click.ClickException(problem.message) from None
        except ValidationError as problem:  # a PLANWIKI_ setting that is not valid
            where = "; ".join(
                f"PLANWIKI_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                for e in problem.errors()
            )
            raise click.ClickException(f"A setting is not valid: {where}.") from None
        except sqlite3.Error as problem:
            raise click.ClickException(f"The database could not be used: {problem}.") from None
        except OSError as problem:
            raise click.ClickException(str(problem)) from None


def find_person(db: Database, email: str) -> accounts.User:
    found = accounts.find_user(db, email)
    if found is None:
        raise click.ClickException(f"There is no account for {email}.")
    return found
