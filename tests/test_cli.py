"""The ``planwiki`` command as an operator types it: migrate, add people, make tokens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner
from conftest import start_server, stop_server

from wiki import accounts
from wiki import db as wikidb
from wiki.cli import cli
from wiki.db import Database

ROOT = Path(__file__).parent.parent
TOKEN = re.compile(r"^pw_[A-Za-z0-9_-]{20,}$")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "planwiki"
    return [str(script)] if script.exists() else [sys.executable, "-m", "main"]


def planwiki(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
             merge_output: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [*_command(), *args], input=stdin, capture_output=not merge_output, text=True, timeout=60, cwd=ROOT,
        stdout=subprocess.PIPE if merge_output else None, stderr=subprocess.STDOUT if merge_output else None,
        env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
    )  # fmt: skip


def in_process(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    """The same command, run in this process (quicker for the refusals)."""
    return CliRunner().invoke(cli, list(args), input=stdin)


def applied_steps(path: Path) -> list[str]:
    db = wikidb.connect(path)
    try:
        return [r["name"] for r in db.query("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        db.conn.close()


def core_step_names() -> list[str]:
    return [m.name for m in wikidb.core_migrations()._migrations]


def test_migrate_creates_the_database_and_then_says_it_is_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    first = planwiki("migrate", "--db", str(path))
    assert first.returncode == 0, first.stderr
    assert [
        line.removeprefix("applied planwiki:") for line in first.stdout.splitlines()
    ] == core_step_names()
    assert applied_steps(path) == core_step_names()

    second = planwiki("migrate", "--db", str(path))
    assert second.returncode == 0
    assert second.stdout.strip() == "The database is up to date."
    assert applied_steps(path) == core_step_names()


def test_migrate_uses_planwiki_db_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "from-env.db"
    result = planwiki("migrate", env={"PLANWIKI_DB": str(path)})
    assert result.returncode == 0, result.stderr
    assert path.exists() and applied_steps(path) == core_step_names()


def test_user_add_reads_the_password_from_stdin_and_stores_only_a_hash(tmp_path: Path) -> None:
    path = tmp_path / "people.db"
    result = planwiki("user", "add", "Sam@Example.org", "--name", "Sam Jones", "--password-stdin", "--db", str(path),
                      stdin="a long passphrase\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "sam@example.org" in result.stdout
    assert "a long passphrase" not in result.stdout + result.stderr

    db = Database(path)
    row = db.one("SELECT email, name, password_hash FROM users")
    assert (row["email"], row["name"]) == ("sam@example.org", "Sam Jones")
    assert row["password_hash"].startswith("$argon2id$")
    assert "a long passphrase" not in row["password_hash"]
    assert (
        accounts.check_password(db, email="sam@example.org", password="a long passphrase")
        is not None
    )
    assert (
        accounts.check_password(db, email="sam@example.org", password="a long passphrase\n") is None
    )


def test_user_add_refuses_a_short_password_and_creates_nobody(tmp_path: Path) -> None:
    path = tmp_path / "short.db"
    result = in_process("user", "add", "sam@example.org", "--name", "Sam", "--password-stdin", "--db", str(path),
                        stdin="short\n")  # fmt: skip
    assert result.exit_code == 1
    assert "at least 10 characters" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert Database(path).one("SELECT COUNT(*) AS n FROM users")["n"] == 0


def test_user_add_refuses_an_email_that_already_has_an_account(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    args = (
        "user",
        "add",
        "sam@example.org",
        "--name",
        "Sam",
        "--password-stdin",
        "--db",
        str(path),
    )
    assert in_process(*args, stdin="a long passphrase\n").exit_code == 0
    again = in_process(*args, stdin="another passphrase\n")
    assert again.exit_code == 1
    assert "already an account" in again.stderr
    assert isinstance(again.exception, SystemExit)
    db = Database(path)
    assert (
        accounts.check_password(db, email="sam@example.org", password="a long passphrase")
        is not None
    )


def test_user_add_refuses_something_that_is_not_an_email(tmp_path: Path) -> None:
    result = in_process(
        "user", "add", "not-an-email", "--name", "Sam", "--db", str(tmp_path / "bad.db")
    )
    assert result.exit_code == 1
    assert "email address" in result.stderr


def test_token_create_for_someone_unknown_fails_clearly(tmp_path: Path) -> None:
    result = in_process("token", "create", "nobody@example.org", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "nobody@example.org" in result.stderr
    assert not TOKEN.search(result.stdout)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real server on its own database, with one person added by the command line."""
    path = tmp_path_factory.mktemp("cli") / "live.db"
    added = planwiki("user", "add", "sam@example.org", "--name", "Sam", "--password-stdin", "--db", str(path),
                     stdin="a long passphrase\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    server = start_server(path)
    yield server
    stop_server(server)
    if server.process.stdout:
        server.process.stdout.close()


def test_token_create_prints_the_token_alone_on_the_last_line_and_it_works(live) -> None:
    result = planwiki("token", "create", "sam@example.org", "--db", str(live.db_path))
    assert result.returncode == 0, result.stderr
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert TOKEN.match(last), repr(result.stdout)

    me = httpx2.get(
        live.url + "/api/v1/me", headers={"authorization": f"Bearer {last}"}, timeout=10
    )
    assert me.status_code == 200
    assert me.json()["email"] == "sam@example.org"
    created = httpx2.post(live.url + "/api/v1/sites", json={"slug": "sams-plan", "title": "Sam's plan"},
                         headers={"authorization": f"Bearer {last}"}, timeout=10)  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["owner"] == "sam@example.org"


def test_the_token_is_last_even_when_messages_and_token_share_one_terminal(live) -> None:
    result = planwiki(
        "token", "create", "sam@example.org", "--db", str(live.db_path), merge_output=True
    )
    assert result.returncode == 0
    lines = result.stdout.rstrip("\n").splitlines()
    assert TOKEN.match(lines[-1]), lines
    assert all(not TOKEN.match(line) for line in lines[:-1])


def test_each_token_is_new_and_a_made_up_one_is_refused_by_the_server(live) -> None:
    first = planwiki(
        "token", "create", "sam@example.org", "--db", str(live.db_path)
    ).stdout.split()[-1]
    second = planwiki(
        "token", "create", "sam@example.org", "--db", str(live.db_path)
    ).stdout.split()[-1]
    assert first != second
    for token in (first, second):
        assert (
            httpx2.get(
                live.url + "/api/v1/me", headers={"authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
    forged = first[:-4] + ("AAAA" if not first.endswith("AAAA") else "BBBB")
    refused = httpx2.get(live.url + "/api/v1/me", headers={"authorization": f"Bearer {forged}"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_signed_in"


def test_the_person_added_on_the_command_line_can_sign_in_on_the_live_server(live) -> None:
    with httpx2.Client(base_url=live.url, follow_redirects=False, timeout=10) as browser:
        form = browser.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        signed = browser.post("/login", data={"csrftoken": token, "email": "sam@example.org",
                                              "password": "a long passphrase"})  # fmt: skip
        assert signed.status_code == 303
        assert browser.get("/api/v1/me").json()["email"] == "sam@example.org"
