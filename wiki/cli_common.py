"""What every ``planwiki`` command shares (issue #15): ``-h`` as ``--help``, the ``--db``
option, a database that must already exist (only ``migrate`` and ``serve`` create one: a
mistyped ``--db`` must not make and migrate an empty file), one-line errors with an exit
code instead of tracebacks, and rich progress bars on stderr for long work.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from wiki import accounts, versions
from wiki.db import Database, migrate
from wiki.errors import Invalid, WikiError
from wiki.settings import Settings

CONTEXT = {"help_option_names": ["-h", "--help"]}

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default ./planwiki.db, or $PLANWIKI_DB).",
)


class BadInput(click.ClickException):
    """A refusal of what was asked (a database this release may not use, a setting, an
    argument): one line, exit 2, like click's own usage errors (issue #24)."""

    exit_code = 2


def refuse(problem: WikiError) -> click.ClickException:
    """A store's refusal as one line: bad input (``Invalid``) exits 2, the rest 1."""
    if isinstance(problem, Invalid):
        return BadInput(problem.message)
    return click.ClickException(problem.message)


def settings_for(db_path: Path | None) -> Settings:
    settings = Settings()
    if db_path is not None:
        settings = settings.model_copy(update={"db": db_path})
    return settings


def folder_must_exist(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise click.ClickException(f"The folder {folder} does not exist.")


def existing_db(db_path: Path | None, *, damaged_ok: bool = False) -> Path:
    """The database file, which must be there already (only migrate and serve create one),
    made by this release or an older one whose steps are all applied (issue #24). With
    ``damaged_ok`` a file SQLite cannot read is left for the caller to report on."""
    path = settings_for(db_path).db
    if not path.is_file():
        raise click.ClickException(
            f"There is no database at {path} (check --db or $PLANWIKI_DB;"
            " `planwiki migrate` creates a new one)."
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            versions.check_usable(path, conn)
        finally:
            conn.close()
    except versions.Refused as refused:
        raise BadInput(str(refused)) from None
    except sqlite3.DatabaseError as problem:
        if not damaged_ok:
            raise click.ClickException(f"{path} is not a usable database ({problem}).") from None
    return path


def open_db(db_path: Path | None, *, create: bool = False) -> Database:
    """The database; it must exist and be current unless ``create`` (then only its folder
    must, and it is migrated: ``serve --demo``)."""
    settings = settings_for(db_path)
    if create:
        folder_must_exist(settings.db)
    else:
        existing_db(db_path)  # there, readable, and neither newer nor behind (issue #24)
    try:
        db = Database(
            settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
        )
        if create:
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
        except click.UsageError as problem:  # one line, not the usage and a blank line
            name = ctx.invoked_subcommand or ""
            where = f"{ctx.command_path} {name}".strip()
            raise BadInput(f"{problem.format_message()} ({where} -h for help)") from None
        except Invalid as problem:
            raise BadInput(problem.message) from None
        except WikiError as problem:
            raise click.ClickException(problem.message) from None
        except versions.Refused as refused:
            raise BadInput(str(refused)) from None
        except ValidationError as problem:  # a PLANWIKI_ setting that is not valid
            where = "; ".join(
                f"PLANWIKI_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                for e in problem.errors()
            )
            raise BadInput(f"A setting is not valid: {where}.") from None
        except SettingsError as problem:  # a PLANWIKI_ setting that is not JSON, etc.
            cause = problem.__cause__
            why = str(cause).splitlines()[0] if cause else str(problem)
            field = re.search(r'field "(\w+)"', str(problem))
            name = f"PLANWIKI_{field.group(1).upper()}" if field else "a PLANWIKI_ setting"
            raise BadInput(f"A setting is not valid: {name} is not JSON ({why}).") from None
        except sqlite3.Error as problem:
            raise click.ClickException(f"The database could not be used: {problem}.") from None
        except BrokenPipeError:
            raise  # the reader went away (`planwiki user list | head -1`): click ends quietly
        except OSError as problem:
            raise click.ClickException(str(problem)) from None


def find_person(db: Database, email: str) -> accounts.User:
    found = accounts.find_user(db, email)
    if found is None:
        raise click.ClickException(f"There is no account for {email}.")
    return found
