"""The ``planwiki`` command as an operator types it: migrate, add people, make tokens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
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


def in_process(*args: str, stdin: str | None = None):
    """The same command, run in this process (quicker for the refusals)."""
    return CliRunner().invoke(cli, list(args), input=stdin)


def fresh_db(path: Path) -> Path:
    """A migrated, empty database: only ``migrate`` (and ``serve``) make one (issue #15)."""
    made = in_process("migrate", "--db", str(path))
    assert made.exit_code == 0, made.output
    return path


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
    path = fresh_db(tmp_path / "people.db")
    result = planwiki("user", "add", "Sam@Example.org", "--name", "Sam Jones", "--password-stdin", "--db", str(path),
                      stdin="a long passphrase\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "sam@example.org" in result.stdout
    assert "a long passphrase" not in result.stdout + result.stderr

    db = Database(path)
    row = db.one("SELECT email, name, password_hash FROM users")
    assert row is not None
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
    path = fresh_db(tmp_path / "short.db")
    result = in_process("user", "add", "sam@example.org", "--name", "Sam", "--password-stdin", "--db", str(path),
                        stdin="short\n")  # fmt: skip
    assert result.exit_code == 2, "bad input exits 2 (issue #24)"
    assert "at least 10 characters" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert Database(path).one("SELECT COUNT(*) AS n FROM users")["n"] == 0  # type: ignore[index]


def test_user_add_refuses_an_email_that_already_has_an_account(tmp_path: Path) -> None:
    path = fresh_db(tmp_path / "twice.db")
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


@pytest.mark.parametrize(
    "email", ["not-an-email", "a b@example.org", "sam@", "@example.org", "<sam@example.org>",
              "sam@exa mple.org", "sam@example..org"],
)  # fmt: skip
def test_user_add_refuses_something_that_is_not_an_email(tmp_path: Path, email: str) -> None:
    path = fresh_db(tmp_path / "bad.db")
    result = planwiki("user", "add", email, "--name", "Sam", "--db", str(path))
    assert result.returncode == 2, "bad input exits 2 (issue #24)"
    assert result.stderr.strip() == "Error: Enter an email address like name@example.org."
    assert Database(path).one("SELECT COUNT(*) AS n FROM users")["n"] == 0  # type: ignore[index]


def test_token_create_for_someone_unknown_fails_clearly(tmp_path: Path) -> None:
    result = in_process(
        "token", "create", "nobody@example.org", "--db", str(fresh_db(tmp_path / "none.db"))
    )
    assert result.exit_code == 1
    assert "nobody@example.org" in result.stderr
    assert not TOKEN.search(result.stdout)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    """A real server on its own database, with one person added by the command line."""
    path = fresh_db(tmp_path_factory.mktemp("cli") / "live.db")
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


# ---- honest command-line tools (issue #15) ------------------------------------------------


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: " ".join(c) or "planwiki")
def test_dash_h_is_help_on_every_command(command: tuple[str, ...]) -> None:
    result = in_process(*command, "-h")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage:") and "-h, --help" in result.output


def test_an_unknown_short_option_is_still_a_usage_error() -> None:
    result = in_process("user", "list", "-q")
    assert result.exit_code == 2 and "No such option '-q'" in result.stderr


def one_line_refusal(result, *needles: str, code: int = 1) -> None:
    """Exit 1 (2 for bad input), a single line on stderr naming what is wrong, and no
    traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def needs_db(tmp_path: Path) -> list[list[str]]:
    """Every command that works on an existing database, with plausible arguments."""
    archive = tmp_path / "plan.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return [
        ["export", "sam", str(tmp_path / "out.zip")],
        ["import", str(archive)],
        ["user", "add", "sam@example.org", "--name", "Sam"],
        ["user", "list"],
        ["user", "passwd", "sam@example.org", "--password-stdin"],
        ["user", "delete", "sam@example.org", "--yes"],
        ["token", "create", "sam@example.org"],
        ["token", "list", "sam@example.org"],
        ["token", "revoke", "sam@example.org", "1"],
        ["purge"],
        ["check"],
        ["outbox"],
        ["backup", str(tmp_path / "copy.db")],
    ]


def test_commands_refuse_a_database_that_does_not_exist_and_create_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "mistyped.db"
    for args in needs_db(tmp_path):
        result = in_process(*args, "--db", str(missing), stdin="a long passphrase\n")
        one_line_refusal(result, "There is no database at", str(missing))
        assert not missing.exists(), args
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "out.zip").exists()
    # The environment's database is refused the same way.
    env = in_process_env({"PLANWIKI_DB": str(missing)}, "user", "list")
    one_line_refusal(env, str(missing))
    # ... while migrate still makes one, and then the others work on it.
    fresh_db(missing)
    assert in_process("user", "list", "--db", str(missing)).exit_code == 0


def in_process_env(env: dict[str, str], *args: str):
    return CliRunner(env=env).invoke(cli, list(args))


def test_a_corrupt_database_is_one_line_and_an_exit_code_never_a_traceback(
    tmp_path: Path,
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 200)
    for args in [*needs_db(tmp_path), ["migrate"]]:
        result = in_process(*args, "--db", str(junk), stdin="a long passphrase\n")
        assert result.exit_code == 1, (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    named = in_process("backup", str(tmp_path / "copy.db"), "--db", str(junk))
    one_line_refusal(named, str(junk), "not a usable database")
    # And through the real entry point: no traceback on stderr.
    real = planwiki("user", "list", "--db", str(junk))
    assert real.returncode == 1 and "Traceback" not in real.stderr
    assert str(junk) in real.stderr and len(real.stderr.strip().splitlines()) == 1


def test_a_missing_folder_is_refused_even_by_migrate(tmp_path: Path) -> None:
    nowhere = tmp_path / "no" / "such" / "folder" / "plans.db"
    one_line_refusal(in_process("migrate", "--db", str(nowhere)), "does not exist")
    one_line_refusal(in_process("user", "list", "--db", str(nowhere)), str(nowhere))
    assert not (tmp_path / "no").exists()


@pytest.fixture
def sams_plan(tmp_path: Path) -> Path:
    """A database where Sam (password) owns a plan and Kit (no password) owns none."""
    from wiki import store
    from wiki.models import Actor

    path = fresh_db(tmp_path / "plans.db")
    db = Database(path)
    sam = accounts.create_user(
        db, email="sam@example.org", name="Sam Jones", password="a long passphrase"
    )
    accounts.create_user(db, email="kit@example.org", name="Kit")
    store.create_site(
        db, Actor(user_id=sam.id, email=sam.email, name=sam.name), slug="sam", title="Sam's plan"
    )
    db.close()
    return path


def test_export_to_a_missing_folder_refuses_before_doing_the_work(
    sams_plan: Path, tmp_path: Path
) -> None:
    result = in_process("export", "sam", str(tmp_path / "gone" / "sam.zip"), "--db", str(sams_plan))
    one_line_refusal(result, "The folder", "gone", "does not exist")
    assert not (tmp_path / "gone").exists()
    folder = tmp_path / "exports"
    folder.mkdir()
    done = in_process("export", "sam", str(folder), "--db", str(sams_plan))
    assert done.exit_code == 0, done.output
    assert [p.suffix for p in folder.iterdir()] == [".zip"]


def test_backup_refuses_a_missing_folder_and_does_not_create_it(
    sams_plan: Path, tmp_path: Path
) -> None:
    result = in_process("backup", str(tmp_path / "gone" / "copy.db"), "--db", str(sams_plan))
    one_line_refusal(result, "gone", "does not exist")
    assert not (tmp_path / "gone").exists()
    done = in_process("backup", str(tmp_path / "copy.db"), "--db", str(sams_plan))
    assert done.exit_code == 0 and "OK" in done.output


def test_restore_onto_a_new_machine_works_but_not_into_a_missing_folder(
    sams_plan: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    assert in_process("backup", str(copy), "--db", str(sams_plan)).exit_code == 0
    one_line_refusal(
        in_process("restore", str(copy), "--db", str(tmp_path / "gone" / "new.db")), "gone"
    )
    assert not (tmp_path / "gone").exists()
    new = tmp_path / "new.db"
    done = in_process("restore", str(copy), "--db", str(new))
    assert done.exit_code == 0, done.output
    assert accounts.find_user(Database(new), "sam@example.org") is not None


def test_user_list_shows_how_each_person_signs_in_and_when_they_were_last_active(
    sams_plan: Path, tmp_path: Path
) -> None:
    db = Database(sams_plan)
    sam = accounts.find_user(db, "sam@example.org")
    assert sam is not None
    accounts.start_session(db, sam, absolute_hours=1)
    db.close()
    result = in_process("user", "list", "--db", str(sams_plan))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["kit@example.org", "sam@example.org"]
    kit, sam_line = (line.split("\t") for line in lines)
    assert kit[1:] == ["Kit", "email link", "last active never"]
    assert sam_line[1] == "Sam Jones" and sam_line[2] == "password, email link"
    assert re.fullmatch(r"last active \d{4}-\d\d-\d\d \d\d:\d\d", sam_line[3])
    empty = in_process("user", "list", "--db", str(fresh_db(tmp_path / "empty.db")))
    assert empty.exit_code == 0 and empty.output.strip() == "There are no accounts yet."


def test_user_add_without_a_password_says_how_they_sign_in(tmp_path: Path) -> None:
    path = fresh_db(tmp_path / "hint.db")
    result = in_process("user", "add", "kit@example.org", "--name", "Kit", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "kit@example.org has no password" in result.output
    assert "link emailed" in result.output and "user passwd kit@example.org" in result.output
    with_password = in_process("user", "add", "sam@example.org", "--name", "Sam", "--password-stdin",
                               "--db", str(path), stdin="a long passphrase\n")  # fmt: skip
    assert with_password.exit_code == 0 and "no password" not in with_password.output


def test_user_add_without_a_password_names_single_sign_on_when_it_is_set_up(
    tmp_path: Path,
) -> None:
    path = fresh_db(tmp_path / "sso.db")
    providers = '[{"key": "council", "name": "Council login", "issuer": "https://id.example", "client_id": "pw"}]'
    result = CliRunner(env={"PLANWIKI_OIDC_PROVIDERS": providers}).invoke(
        cli, ["user", "add", "wes@council.example", "--name", "Wes", "--db", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "single sign-on (Council login)" in result.output


def test_user_passwd_sets_a_new_password_and_signs_them_out_everywhere(sams_plan: Path) -> None:
    db = Database(sams_plan)
    sam = accounts.find_user(db, "sam@example.org")
    assert sam is not None
    secret = accounts.start_session(db, sam, absolute_hours=1)
    done = in_process("user", "passwd", "sam@example.org", "--password-stdin", "--db", str(sams_plan),
                      stdin="pickle timetable heron\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "1 session(s) signed out" in done.output
    assert accounts.check_password(db, email=sam.email, password="pickle timetable heron")
    assert accounts.check_password(db, email=sam.email, password="a long passphrase") is None
    assert accounts.actor_from_session(db, secret, idle_minutes=60) is None
    # Typed twice at the prompt when not read from stdin.
    typed = in_process("user", "passwd", "kit@example.org", "--db", str(sams_plan),
                       stdin="another fine phrase\nanother fine phrase\n")  # fmt: skip
    assert typed.exit_code == 0, typed.output
    assert accounts.check_password(db, email="kit@example.org", password="another fine phrase")


def test_user_passwd_refuses_a_weak_password_and_an_unknown_person(sams_plan: Path) -> None:
    weak = in_process("user", "passwd", "sam@example.org", "--password-stdin", "--db", str(sams_plan),
                      stdin="password123\n")  # fmt: skip
    one_line_refusal(weak, "too easy to guess", code=2)
    db = Database(sams_plan)
    assert accounts.check_password(db, email="sam@example.org", password="a long passphrase")
    unknown = in_process("user", "passwd", "nobody@example.org", "--password-stdin",
                         "--db", str(sams_plan), stdin="pickle timetable heron\n")  # fmt: skip
    one_line_refusal(unknown, "no account for nobody@example.org")


def test_user_delete_asks_first_and_refuses_the_owner_of_a_plan(sams_plan: Path) -> None:
    owner = in_process("user", "delete", "sam@example.org", "--yes", "--db", str(sams_plan))
    one_line_refusal(owner, "sam@example.org still owns", "Sam's plan", "/s/sam")
    db = Database(sams_plan)
    assert accounts.find_user(db, "sam@example.org") is not None

    declined = in_process("user", "delete", "kit@example.org", "--db", str(sams_plan), stdin="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.stderr
    assert accounts.find_user(db, "kit@example.org") is not None

    asked = in_process("user", "delete", "kit@example.org", "--db", str(sams_plan), stdin="y\n")
    assert asked.exit_code == 0, asked.output
    assert "Deleted the account of kit@example.org" in asked.output
    assert accounts.find_user(db, "kit@example.org") is None
    again = in_process("user", "delete", "kit@example.org", "--yes", "--db", str(sams_plan))
    one_line_refusal(again, "no account for kit@example.org")


def test_user_delete_with_yes_does_not_ask(tmp_path: Path) -> None:
    path = fresh_db(tmp_path / "yes.db")
    assert (
        in_process("user", "add", "kit@example.org", "--name", "Kit", "--db", str(path)).exit_code
        == 0
    )
    done = in_process("user", "delete", "kit@example.org", "--yes", "--db", str(path))
    assert done.exit_code == 0 and "?" not in done.output
    assert accounts.find_user(Database(path), "kit@example.org") is None


def test_token_list_and_revoke(sams_plan: Path) -> None:
    made = [
        in_process("token", "create", "sam@example.org", "--name", name, "--db", str(sams_plan)).stdout.split()[-1]
        for name in ("laptop", "backup script")
    ]  # fmt: skip
    listed = in_process("token", "list", "sam@example.org", "--db", str(sams_plan))
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.output.strip().splitlines()]
    assert [r[1] for r in rows] == ["backup script", "laptop"]
    assert all(r[3] == "last used never" for r in rows)
    assert not any(secret in listed.output for secret in made)
    laptop = rows[1][0]

    # Not by someone else's email, and not a number that is not theirs.
    one_line_refusal(
        in_process("token", "revoke", "kit@example.org", laptop, "--db", str(sams_plan)),
        f"kit@example.org has no working token number {laptop}",
    )
    one_line_refusal(
        in_process("token", "revoke", "sam@example.org", "999", "--db", str(sams_plan)), "999"
    )
    done = in_process("token", "revoke", "sam@example.org", laptop, "--db", str(sams_plan))
    assert done.exit_code == 0 and f"Revoked token {laptop}" in done.output
    db = Database(sams_plan)
    assert accounts.actor_from_token(db, made[0]) is None
    assert accounts.actor_from_token(db, made[1]) is not None
    after = in_process("token", "list", "sam@example.org", "--db", str(sams_plan))
    assert [line.split("\t")[1] for line in after.output.strip().splitlines()] == ["backup script"]
    one_line_refusal(
        in_process("token", "revoke", "sam@example.org", laptop, "--db", str(sams_plan)), laptop
    )
    none = in_process("token", "list", "kit@example.org", "--db", str(sams_plan))
    assert none.exit_code == 0 and "kit@example.org has no tokens." in none.output
    one_line_refusal(
        in_process("token", "list", "nobody@example.org", "--db", str(sams_plan)), "nobody"
    )


def test_long_work_shows_progress_on_a_terminal_and_nothing_otherwise(
    sams_plan: Path, tmp_path: Path
) -> None:
    shown = planwiki("backup", str(tmp_path / "a.db"), "--db", str(sams_plan),
                     env={"FORCE_COLOR": "1", "COLUMNS": "100"})  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "Backing up" in shown.stderr
    quiet = planwiki("backup", str(tmp_path / "b.db"), "--db", str(sams_plan))
    assert quiet.returncode == 0 and quiet.stderr == ""
    restored = planwiki("restore", str(tmp_path / "a.db"), "--db", str(tmp_path / "c.db"),
                        env={"FORCE_COLOR": "1"})  # fmt: skip
    assert restored.returncode == 0 and "Restoring" in restored.stderr


def test_a_setting_that_is_not_valid_is_one_line_too(tmp_path: Path) -> None:
    path = fresh_db(tmp_path / "set.db")
    result = CliRunner(env={"PLANWIKI_SYNCHRONOUS": "sometimes"}).invoke(
        cli, ["user", "list", "--db", str(path)]
    )
    one_line_refusal(result, "PLANWIKI_SYNCHRONOUS", code=2)
