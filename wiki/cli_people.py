"""``planwiki user …`` and ``planwiki token …``: the operator's view of accounts and
personal access tokens (issue #2; list, passwd, delete and token list/revoke: issue #15).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wiki import accounts
from wiki.cli_common import CONTEXT, db_option, find_person, open_db, refuse, settings_for
from wiki.errors import WikiError
from wiki.models import Actor


@click.group(context_settings=CONTEXT)
def user() -> None:
    """Manage accounts."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True))


def _sign_in_hint(email: str, db_path: Path | None) -> str:
    """How someone without a password gets in (issue #15)."""
    hint = (
        f"{email} has no password: they sign in with a link emailed to that address"
        " ('Email me a link' on the sign-in page)"
    )
    try:
        providers = [p.name for p in settings_for(db_path).providers()]
    except (OSError, ValueError):  # a broken provider file is serve's to report
        providers = []
    if providers:
        hint += f", or with single sign-on ({', '.join(providers)})"
    return hint + f". To give them a password: planwiki user passwd {email} --password-stdin"


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as others will see it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_add(email: str, name: str, password_stdin: bool, db_path: Path | None) -> None:
    """Create an account. Without a password the person signs in by emailed link (or single
    sign-on, if set up)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        created = accounts.create_user(open_db(db_path), email=email, name=name, password=password)
    except WikiError as problem:
        raise refuse(problem) from None
    click.echo(f"Created {created.email} ({created.name}).")
    if password is None:
        click.echo(_sign_in_hint(created.email, db_path))


@user.command("list")
@db_option
def user_list(db_path: Path | None) -> None:
    """List the accounts: email, name, how they sign in, when they were last active."""
    people = accounts.list_users(open_db(db_path))
    if not people:
        click.echo("There are no accounts yet.")
    for person in people:
        ways = ["password"] if person.has_password else []
        ways += [f"single sign-on ({p})" for p in person.providers]
        ways.append("email link")
        last = person.last_active[:16].replace("T", " ") if person.last_active else "never"
        click.echo(f"{person.email}\t{person.name}\t{', '.join(ways)}\tlast active {last}")


@user.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@click.option(
    "--revoke-tokens",
    is_flag=True,
    help="Also revoke every personal access token of theirs (tokens keep working otherwise).",
)
@db_option
def user_passwd(
    email: str, password_stdin: bool, revoke_tokens: bool, db_path: Path | None
) -> None:
    """Set a new password for EMAIL (asked for twice, unless --password-stdin). They are
    signed out everywhere, as after a password reset. Their API tokens keep working unless
    --revoke-tokens (say it when the account may have been taken over)."""
    db = open_db(db_path)
    person = find_person(db, email)
    try:
        accounts.set_password(db, person, _read_password(password_stdin))
    except WikiError as problem:
        raise refuse(problem) from None
    ended = accounts.end_all_sessions(db, person.id)
    accounts.clear_failures(db, ["email:" + person.email])
    click.echo(f"New password set for {person.email}; {ended} session(s) signed out.")
    tokens = accounts.list_tokens(db, person.id)
    if revoke_tokens:
        for t in tokens:
            accounts.revoke_token(db, person.id, t.id)
        click.echo(f"{len(tokens)} API token(s) revoked.")
    elif tokens:
        click.echo(
            f"Their {len(tokens)} API token(s) still work: to stop them too, run this again"
            f" with --revoke-tokens, or planwiki token revoke {person.email} ID"
            f" (planwiki token list {person.email})."
        )


@user.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def user_delete(email: str, yes: bool, db_path: Path | None) -> None:
    """Delete the account of EMAIL for good, as when they delete it themselves: their name
    leaves every circle and log. Refused while they own a plan."""
    from wiki.store import account_erasure

    db = open_db(db_path)
    person = find_person(db, email)
    actor = Actor(user_id=person.id, email=person.email, name=person.name)
    owned = account_erasure.owned_sites(db, actor)
    if owned:
        raise click.ClickException(
            f"{person.email} still owns "
            + ", ".join(f"“{title}” (/s/{slug})" for slug, title in owned)
            + ": hand those plans over or delete them first."
        )
    if not yes:
        click.confirm(
            f"Delete the account of {person.email} ({person.name}) for good?",
            abort=True,
            err=True,
        )
    account_erasure.delete_account(
        db, actor, confirm_email=person.email, files_dir=settings_for(db_path).files_path()
    )
    click.echo(f"Deleted the account of {person.email}.")


@click.group(context_settings=CONTEXT)
def token() -> None:
    """Personal access tokens for the JSON API."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="command line", help="A name to recognise the token by.")
@db_option
def token_create(email: str, name: str, db_path: Path | None) -> None:
    """Print a new token, alone on the last line. It is shown only once."""
    db = open_db(db_path)
    found = find_person(db, email)
    secret = accounts.create_token(db, found, name=name)
    click.echo(f"Token for {found.email} (keep it secret; it is shown only once):", err=True)
    click.echo(secret)


@token.command("list")
@click.argument("email")
@db_option
def token_list(email: str, db_path: Path | None) -> None:
    """List the working tokens of EMAIL: id, name, made, last used (never the secret)."""
    db = open_db(db_path)
    tokens = accounts.list_tokens(db, find_person(db, email).id)
    if not tokens:
        click.echo(f"{email} has no tokens.")
    for t in tokens:
        last = t.last_used_at[:16].replace("T", " ") if t.last_used_at else "never"
        made = t.created_at[:16].replace("T", " ")
        click.echo(f"{t.id}\t{t.name}\tmade {made}\tlast used {last}")


@token.command("revoke")
@click.argument("email")
@click.argument("token_id", metavar="ID", type=int)
@db_option
def token_revoke(email: str, token_id: int, db_path: Path | None) -> None:
    """Revoke the token numbered ID (see `token list EMAIL`) of EMAIL, for good. Naming the
    person as well as the number guards against revoking someone else's by a typo."""
    db = open_db(db_path)
    if not accounts.revoke_token(db, find_person(db, email).id, token_id):
        raise click.ClickException(f"{email} has no working token number {token_id}.")
    click.echo(f"Revoked token {token_id} of {email}.")
