"""Backups and restores (issue #7): a consistent, checked copy while people keep saving
(threads in-process, and a real server under load with the real ``planwiki`` command),
restored into a new place and compared; a restore checks the file first and keeps the
database as it was; ``planwiki check`` finds and repairs a search index out of step."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner
from conftest import start_server, stop_server

from wiki import accounts, backup, restore, store
from wiki.cli import cli
from wiki.db import Database, migrate
from wiki.models import Actor
from wiki.store import search

ROOT = Path(__file__).parent.parent
CONTENT_TABLES = ("users", "sites", "sections", "pages", "revisions", "grants", "members", "audit")


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def consistent(path: Path) -> None:
    """What a torn copy would break: every page's current revision is there, the index
    matches the pages, the file and the index pass their own checks."""
    report = backup.check(path)
    assert report.ok, report.problems
    db = Database(path)
    try:
        orphans = db.one(
            "SELECT COUNT(*) AS n FROM pages p LEFT JOIN revisions r ON r.page_id = p.id AND r.number = p.revision"
            " WHERE r.id IS NULL"
        )
        assert orphans["n"] == 0  # type: ignore[index]
        health = search.index_health(db)
        assert search.index_in_step(health), health
    finally:
        db.close()


def database_in(backup_file: Path, folder: Path) -> Path:
    """The database inside a backup (a tar: the database and its files, issue #24)."""
    import tarfile

    with tarfile.open(backup_file) as tar:
        tar.extract("planwiki.db", folder / "unpacked", filter="data")
    return folder / "unpacked" / "planwiki.db"


class Writers:
    """Threads that keep saving new revisions until told to stop."""

    def __init__(self, db: Database, actor: Actor, count: int = 4) -> None:
        self.db, self.actor, self.stop = db, actor, threading.Event()
        self.saved = 0
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(count)]

    def run(self, n: int) -> None:
        base: int | None = None
        i = 0
        try:
            while not self.stop.is_set():
                i += 1
                result = store.save_page(self.db, self.actor, site="sam", section="about-me", page=f"p{n}",
                                         body=f"writer {n} line {i} " + "words " * 200, base_revision=base)  # fmt: skip
                base = result.page.revision
                self.saved += 1
        except BaseException as problem:
            self.errors.append(problem)
        finally:
            self.db.close()

    def __enter__(self) -> Writers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)


def test_a_backup_taken_under_concurrent_writes_is_consistent_and_restores(
    db, people, tmp_path
) -> None:
    sam = people.add("Sam")
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    copies = []
    with Writers(db, sam) as writers:
        time.sleep(0.3)
        for n in range(4):
            target = tmp_path / f"backup-{n}.db"
            report = backup.backup(db.path, target)
            assert report.ok and report.counts["revisions"] > 0
            copies.append(target)
            time.sleep(0.15)
    assert not writers.errors, writers.errors
    assert writers.saved > 20
    live_revisions = {r[0]: r for r in rows(db.path, "revisions")}
    previous = 0
    for copy in copies:
        consistent(copy)
        restored = tmp_path / f"restored-{copy.stem}.db"
        restore.restore(copy, restored, tmp_path / f"files-{copy.stem}")
        consistent(restored)
        taken = rows(restored, "revisions")
        assert all(live_revisions[r[0]] == r for r in taken), (
            "every revision in the copy is exactly as saved"
        )
        assert len(taken) >= previous, "later copies hold more"
        previous = len(taken)
    # With the writers stopped, a backup is the database, table by table.
    final = tmp_path / "final.db"
    backup.backup(db.path, final)
    for table in CONTENT_TABLES:
        assert rows(final, table) == rows(db.path, table), table


def test_backup_and_restore_with_the_planwiki_command_while_the_server_is_busy(tmp_path) -> None:
    path = tmp_path / "live.db"
    setup = Database(path)
    migrate(setup.db)
    user = accounts.create_user(setup, email="sam@example.org", name="Sam")
    token = accounts.create_token(setup, user)
    store.create_site(
        setup, Actor(user_id=user.id, email=user.email, name="Sam"), slug="sam", title="Sam"
    )
    setup.close()
    server = start_server(path)
    stop = threading.Event()
    saved: list[int] = []
    failures: list[str] = []

    def write(n: int) -> None:
        base = None
        with httpx2.Client(
            base_url=server.url, headers={"authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            while not stop.is_set():
                response = http.put(f"/api/v1/sites/sam/pages/about-me/page-{n}",
                                    json={"body": f"text {len(saved)} " * 50, "base_revision": base})  # fmt: skip
                if response.status_code not in (200, 201):
                    failures.append(response.text)
                    return
                base = response.json()["revision"]
                saved.append(base)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    try:
        for t in threads:
            t.start()
        time.sleep(0.5)
        copy = tmp_path / "nightly.db"
        command = [sys.executable, "-m", "main"]
        env = {**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL"}
        done = subprocess.run([*command, "backup", str(copy), "--db", str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "OK" in done.stdout
        during = len(saved)
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not failures, failures[:1]
    assert during > 0 and len(saved) > during, "the server kept saving during the backup"
    taken = database_in(copy, tmp_path)
    consistent(taken)
    restored = tmp_path / "restored.db"
    put_back = subprocess.run([*command, "restore", str(copy), "--db", str(restored)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    assert put_back.returncode == 0, put_back.stderr
    consistent(restored)
    live = {r[0]: r for r in rows(path, "revisions")}
    assert all(live[r[0]] == r for r in rows(restored, "revisions"))
    # Restoring over the running server's own database is refused (issue #24) ...
    before = rows(path, "revisions")
    refused = subprocess.run([*command, "restore", str(copy), "--db", str(path)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert refused.returncode == 1 and "A planwiki server is using" in refused.stderr
    assert rows(path, "revisions") == before
    # ... unless forced: then it serves the backup at once.
    back = subprocess.run([*command, "restore", str(copy), "--force", "--db", str(path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    try:
        assert back.returncode == 0, back.stderr
        assert "before-restore" in back.stdout
        pages = httpx2.get(f"{server.url}/api/v1/sites/sam/sections/about-me/pages",
                          headers={"authorization": f"Bearer {token}"}, timeout=10).json()  # fmt: skip
        expected = {r[3]: r[6] for r in rows(taken, "pages")}  # slug -> revision
        assert {p["slug"]: p["revision"] for p in pages} == expected
    finally:
        stop_server(server)
        if server.process.stdout:
            server.process.stdout.close()
    consistent(path)


def test_a_restore_checks_the_file_first_and_changes_nothing_if_it_is_wrong(
    db, people, tmp_path
) -> None:
    sam = people.add("Sam")
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    before = rows(db.path, "sites")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"definitely not a database")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.db"
    backup.backup(db.path, newer)
    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('planwiki', '9999_future', 'x')"
    )
    conn.commit()
    conn.close()
    for bad, why in ((junk, "not an SQLite database"), (other, "not a planwiki database"),
                     (newer, "newer planwiki"), (tmp_path / "missing.db", "no backup")):  # fmt: skip
        with pytest.raises(backup.BackupError) as refused:
            restore.restore(bad, db.path, tmp_path / "files")
        assert why in str(refused.value) and "Nothing was changed" in str(refused.value)
        assert rows(db.path, "sites") == before
    result = CliRunner().invoke(cli, ["restore", str(junk), "--db", str(db.path)])
    assert result.exit_code != 0 and "not an SQLite database" in result.output
    with pytest.raises(backup.BackupError):
        backup.backup(db.path, newer)  # never overwrites without being asked


def test_a_restore_keeps_the_database_as_it_was(db, people, tmp_path) -> None:
    sam = people.add("Sam")
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    copy = tmp_path / "copy.db"
    backup.backup(db.path, copy)
    store.save_page(
        db,
        sam,
        site="sam",
        section="about-me",
        page="later",
        body="After the backup.",
        base_revision=None,
    )
    done = restore.restore(copy, db.path, tmp_path / "files")
    report, kept = done.report, done.kept_db
    assert report.ok and kept is not None and kept.exists()
    assert [r[4] for r in rows(db.path, "pages")] == []  # the page written after the backup
    assert [r[3] for r in rows(kept, "pages")] == ["later"]
    _, found = search.search_site(db, sam, site="sam", query="backup")
    assert found.total == 0


def test_planwiki_check_finds_an_index_out_of_step_and_repairs_it(db, people, settings) -> None:
    sam = people.add("Sam")
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    store.save_page(
        db, sam, site="sam", section="about-me", page="p", body="findable words", base_revision=None
    )
    runner = CliRunner()
    good = runner.invoke(cli, ["check", "--db", str(settings.db)])
    assert good.exit_code == 0 and "OK" in good.output, good.output
    with db.write():
        db.execute("DELETE FROM search_index")
    stale = runner.invoke(cli, ["check", "--db", str(settings.db)])
    assert stale.exit_code != 0 and "--repair" in stale.output
    fixed = runner.invoke(cli, ["check", "--repair", "--db", str(settings.db)])
    assert fixed.exit_code == 0 and "rebuilt" in fixed.output
    _, found = search.search_site(db, sam, site="sam", query="findable")
    assert found.total == 1
    copy = settings.db.with_name("nightly.db")
    made = runner.invoke(cli, ["backup", str(copy), "--db", str(settings.db)])
    assert made.exit_code == 0 and copy.exists()
    again = runner.invoke(cli, ["backup", str(copy), "--db", str(settings.db)])
    assert again.exit_code != 0 and "already exists" in again.output
