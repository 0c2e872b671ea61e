"""An operator's administration (issue #24): ``planwiki site list|restore|erase`` and
``planwiki outbox [--resend]``. Each is recorded in the operator's log (``operator_log``,
which stays when a plan is erased) and, where the plan still exists, in its own log.
"""

from __future__ import annotations

from pathlib import Path

import click

from wiki.cli_common import (
    CONTEXT,
    BadInput,
    db_option,
    open_db,
    progress_bar,
    refuse,
    settings_for,
)
from wiki.errors import WikiError


def _day(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else "never"


@click.group(context_settings=CONTEXT)
def site() -> None:
    """List the plans, bring back a deleted one, erase one now."""


@site.command("list")
@db_option
def site_list(db_path: Path | None) -> None:
    """Every plan (address, title, owner, pages, last change), then the deleted plans that
    can still be brought back and until when."""
    from wiki.store import administration

    db = open_db(db_path)
    live, deleted = administration.list_plans(db)
    administration.log(db, "site list", f"{len(live)} plans, {len(deleted)} deleted")
    if not live and not deleted:
        click.echo("There are no plans yet.")
    for p in live:
        click.echo(
            f"{p.slug}\t{p.title}\t{p.owner}\t{p.pages} pages\tlast change {_day(p.changed)}"
        )
    for p in deleted:
        click.echo(
            f"{p.slug}\t{p.title}\t{p.owner}\tdeleted {_day(p.deleted_at)}; can be brought back"
            f" until {_day(p.until)} (planwiki site restore {p.slug})"
        )


@site.command("restore")
@click.argument("slug", metavar="SITE")
@db_option
def site_restore(slug: str, db_path: Path | None) -> None:
    """Bring back the deleted plan SITE (within its 30 days), as it was, with its owner
    and circle; guest links stay switched off."""
    from wiki.store import administration

    db = open_db(db_path)
    try:
        result = administration.restore_plan(db, slug, files_dir=settings_for(db_path).files_path())
    except WikiError as problem:
        raise refuse(problem) from None
    administration.log(db, "site restore", f"{slug}: {result.pages} pages brought back")
    click.echo(f"Brought back “{result.title}” at /s/{result.slug}: {result.pages} pages.")


@site.command("erase")
@click.argument("slug", metavar="SITE")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def site_erase(slug: str, yes: bool, db_path: Path | None) -> None:
    """Destroy the plan SITE now, for good (or a deleted plan still in its 30 days): every
    page, revision, photo, the circle and its log. It cannot be brought back. The
    operator's log keeps that it was erased, not what it held."""
    from wiki.store import administration, erasure

    db = open_db(db_path)
    if not yes:
        click.confirm(
            f"Erase the plan “{slug}” for good? It cannot be brought back.", abort=True, err=True
        )
    settings = settings_for(db_path)
    try:
        with progress_bar(f"Erasing {slug}"):
            wal = administration.erase_plan(db, slug, files_dir=settings.files_path())
    except WikiError as problem:
        raise refuse(problem) from None
    administration.log(db, "site erase", f"{slug} erased")
    for line in erasure.describe(erasure.PurgeReport(1, wal), settings.db):
        click.echo(line.replace("1 deleted plan destroyed", f"The plan {slug} was erased"))


@click.command("outbox", context_settings=CONTEXT)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--resend", is_flag=True, help="Send again every email that was not sent.")
@click.option("--id", "message_id", type=int, default=None, help="With --resend: only this one.")
@db_option
def outbox(limit: int, resend: bool, message_id: int | None, db_path: Path | None) -> None:
    """Show the newest emails (when no SMTP server is configured they wait here), or send
    again those that were not sent (--resend)."""
    from wiki import mail
    from wiki.store import administration

    db = open_db(db_path)
    if resend:
        if not mail.smtp_configured():
            raise BadInput("No SMTP server is set (PLANWIKI_SMTP_HOST): emails wait in the outbox.")
        sent, failed = mail.resend(db, message_id=message_id)
        administration.log(db, "outbox --resend", f"{sent} sent, {len(failed)} not sent")
        click.echo(f"{sent} email{'s' if sent != 1 else ''} sent.")
        for why in failed:
            click.echo(f"Not sent: {why}", err=True)
        if failed:
            raise click.ClickException(f"{len(failed)} email(s) could not be sent (see above).")
        return
    messages = mail.outbox(db, limit=limit)
    if not messages:
        click.echo("The outbox is empty.")
    for m in messages:
        state = "sent" if m["sent_at"] else "not sent (planwiki outbox --resend sends it again)"
        click.echo(
            f"--- {m['id']}: {m['at']} to {m['to_address']} [{state}]\nSubject: {m['subject']}\n\n{m['body']}\n"
        )
