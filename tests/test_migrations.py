"""The schema grows in numbered, append-only steps; each one is tried on a database
made by the steps before it, and every connection is set up the same safe way."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from importlib import import_module
from pathlib import Path

import pytest
from sqlite_utils import Migrations

import migrations as migrations_package
from wiki import db as wikidb
from wiki.app import create_app
from wiki.settings import Settings

STEP_NAME = re.compile(r"^\d{4}_[a-z0-9_]+$")


def _steps() -> list[str]:
    return [m.name for m in wikidb.core_migrations()._migrations]


def _applied(db) -> list[str]:
    if not db["_sqlite_migrations"].exists():
        return []
    return [
        r["name"]
        for r in db.query(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            [wikidb.MIGRATION_SET],
        )
    ]


def _schema(db) -> dict[str, str]:
    return {
        r["name"]: r["sql"]
        for r in db.query(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        )
    }


def _healthy(db) -> None:
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_steps_are_numbered_files_in_order_with_no_repeats() -> None:
    names = _steps()
    assert names, "there must be at least the first migration"
    assert names == sorted(names)
    assert all(STEP_NAME.match(n) for n in names), names
    numbers = [int(n[:4]) for n in names]
    assert numbers[0] == 1 and len(set(numbers)) == len(numbers), (
        "one step per number, starting at 0001"
    )
    folder = Path(migrations_package.__file__).parent
    on_disk = sorted(p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert on_disk == names, "every numbered file is a step, and every step is a file"


def test_from_empty_every_step_applies_and_is_recorded(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "fresh.db")
    assert _schema(db) == {}

    applied = wikidb.migrate(db)

    assert applied == [f"{wikidb.MIGRATION_SET}:{n}" for n in _steps()]
    assert _applied(db) == _steps()
    rows = list(db["_sqlite_migrations"].rows)
    assert all(r["migration_set"] == wikidb.MIGRATION_SET and r["applied_at"] for r in rows)
    for table in ("users", "sessions", "tokens", "sites", "sections", "pages", "revisions", "drafts",
                  "page_redirects", "grants", "members", "audit"):  # fmt: skip
        assert db[table].exists(), table
    _healthy(db)


def test_running_migrate_again_applies_nothing_and_changes_nothing(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "again.db")
    wikidb.migrate(db)
    before, recorded = _schema(db), _applied(db)

    assert wikidb.migrate(db) == []
    assert wikidb.core_migrations().pending(db) == []
    assert _schema(db) == before
    assert _applied(db) == recorded


def test_migrate_from_a_second_connection_sees_the_work_already_done(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    wikidb.migrate(wikidb.connect(path))
    assert wikidb.migrate(wikidb.connect(path)) == []


@pytest.mark.parametrize("index", range(len(_steps())), ids=_steps())
def test_each_step_applies_to_a_database_made_by_the_earlier_ones(
    tmp_path: Path, index: int
) -> None:
    names = _steps()
    step = names[index]
    db = wikidb.connect(tmp_path / f"upto-{step}.db")

    steps = wikidb.core_migrations()
    steps.apply(db, stop_before=step)
    assert _applied(db) == names[:index]
    schema_before = _schema(db)
    _healthy(db)

    following = names[index + 1] if index + 1 < len(names) else None
    wikidb.core_migrations().apply(db, stop_before=following)

    assert _applied(db) == names[: index + 1]
    # A step that only rewrites rows (``DATA_ONLY``) leaves the schema as it was.
    if not getattr(import_module(f"migrations.{step}"), "DATA_ONLY", False):
        assert _schema(db) != schema_before, f"{step} changed nothing"
    assert set(schema_before) <= set(_schema(db)), f"{step} dropped something an earlier step made"
    _healthy(db)
    # And the rest of the chain still completes from here.
    wikidb.migrate(db)
    assert _applied(db) == names


def test_stepwise_and_all_at_once_give_the_same_schema(tmp_path: Path) -> None:
    at_once = wikidb.connect(tmp_path / "at-once.db")
    wikidb.migrate(at_once)
    stepwise = wikidb.connect(tmp_path / "stepwise.db")
    names = _steps()
    for following in [*names[1:], None]:
        wikidb.core_migrations().apply(stepwise, stop_before=following)
    assert _schema(stepwise) == _schema(at_once)


def test_a_step_that_fails_leaves_no_half_done_schema_and_is_not_recorded(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "broken.db")
    wikidb.migrate(db)
    before = _schema(db)
    broken = Migrations("planwiki-test-broken")

    @broken(name="0001_half_done")
    def half_done(database) -> None:
        database.execute("CREATE TABLE half (id INTEGER PRIMARY KEY)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        wikidb.migrate(db, extra=[broken])
    assert _schema(db) == before
    assert [m.name for m in broken.pending(db)] == ["0001_half_done"]


def test_the_app_migrates_an_empty_file_when_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "start.db"
    app = create_app(Settings(db=path, synchronous="NORMAL"))
    assert _applied(app.state.db.db) == _steps()
    assert path.exists()


# ---- connections ---------------------------------------------------------------------


def _pragma(db, name: str):
    return db.execute(f"PRAGMA {name}").fetchone()[0]


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "pragmas.db")
    assert _pragma(db, "journal_mode").lower() == "wal"
    assert _pragma(db, "foreign_keys") == 1
    assert _pragma(db, "busy_timeout") == 5000
    assert (
        _pragma(db, "synchronous") == 2
    )  # FULL by default: an acknowledged save survives power loss


def test_busy_timeout_and_synchronous_follow_the_settings(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "custom.db", synchronous="NORMAL", busy_timeout_ms=1234)
    assert _pragma(db, "busy_timeout") == 1234
    assert _pragma(db, "synchronous") == 1


def test_every_thread_gets_its_own_connection_set_up_the_same_way(tmp_path: Path) -> None:
    handle = wikidb.Database(tmp_path / "threads.db", busy_timeout_ms=2500)
    seen: list[tuple[int, str, int, int]] = []

    def look() -> None:
        conn = handle.db
        seen.append((id(conn.conn), _pragma(conn, "journal_mode"), _pragma(conn, "foreign_keys"),
                     _pragma(conn, "busy_timeout")))  # fmt: skip

    look()
    worker = threading.Thread(target=look)
    worker.start()
    worker.join()
    assert len({s[0] for s in seen}) == 2, "a connection must not be shared across threads"
    assert [s[1:] for s in seen] == [("wal", 1, 2500), ("wal", 1, 2500)]


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = wikidb.connect(tmp_path / "fk.db")
    wikidb.migrate(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES ('x', 999, '', '', '')"
        )


def test_a_write_waits_for_a_busy_database_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    handle = wikidb.Database(path, busy_timeout_ms=5000)
    wikidb.migrate(handle.db)
    blocker = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO app_secrets (name, value) VALUES ('first', '1')")

    def let_go() -> None:
        time.sleep(0.3)
        blocker.execute("COMMIT")

    releaser = threading.Thread(target=let_go)
    releaser.start()
    started = time.monotonic()
    with handle.write():
        handle.execute("INSERT INTO app_secrets (name, value) VALUES ('second', '2')")
    waited = time.monotonic() - started
    releaser.join()
    blocker.close()

    assert waited >= 0.2, "the write should have waited for the lock"
    names = {r["name"] for r in handle.all("SELECT name FROM app_secrets")}
    assert {"first", "second"} <= names


def test_a_failed_write_transaction_is_rolled_back_whole(tmp_path: Path) -> None:
    handle = wikidb.Database(tmp_path / "rollback.db")
    wikidb.migrate(handle.db)
    with pytest.raises(RuntimeError), handle.write():
        handle.execute("INSERT INTO app_secrets (name, value) VALUES ('kept?', 'no')")
        raise RuntimeError("half-way")
    assert handle.one("SELECT 1 FROM app_secrets WHERE name = 'kept?'") is None
    assert not handle.db.conn.in_transaction


def test_0009_lets_a_plan_have_no_owner_and_keeps_every_row(tmp_path: Path) -> None:
    """Rebuilding ``sites`` (issue #14) runs with foreign keys off: nothing that hangs off a
    site may cascade away, and the young person's name comes from the owner's account."""
    db = wikidb.connect(tmp_path / "old.db")
    wikidb.core_migrations().apply(db, stop_before="0009_plan_made_for")
    db.execute("INSERT INTO users (email, name, created_at) VALUES ('ola@example.org', 'Ola', 'x')")
    db.execute("INSERT INTO sites (slug, title, owner_id, created_at) VALUES ('ola', 'O', 1, 'x')")
    db.execute("INSERT INTO sections (site_id, key, title) VALUES (1, 'about-me', 'About me')")
    db.execute(
        "INSERT INTO grants (site_id, group_key, section, capability, created_at)"
        " VALUES (1, 'family', '*', 'view', 'x')"
    )
    before = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("sections", "grants")
    }

    wikidb.migrate(db)

    after = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("sections", "grants")
    }
    assert after == before
    assert db.execute("SELECT person_name FROM sites").fetchone()[0] == "Ola"
    db.execute(
        "INSERT INTO sites (slug, title, owner_id, created_at) VALUES ('mali', 'M', NULL, 'x')"
    )
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    _healthy(db)
