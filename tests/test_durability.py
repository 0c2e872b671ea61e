"""Durability (issue #13): a save the app has acknowledged is on disk and stays there.

Two parts. The setting: ``synchronous`` is FULL unless the operator says otherwise, and
every SQLite connection the app opens (the event loop's, the search workers', the export
pool's, the view-log writer's) runs with it, so a save survives power loss and not only a
crash. And one small kill -9: the real server under load from several clients gets SIGKILL,
comes back on the same file, and every save it had answered 2xx is there, word for word.
(A process kill cannot tell FULL from NORMAL — the OS still holds the writes — it proves
that an answer is only sent after the commit; ``bench/crash_safety.py`` runs the long form.)
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlite_utils
from conftest import LiveServer, start_server, stop_server
from starlette.testclient import TestClient

import wiki.db
from wiki import accounts
from wiki.app import create_app
from wiki.db import Database, migrate
from wiki.settings import Settings
from wiki.store.audit import view_log

FULL = 2  # what ``PRAGMA synchronous`` answers for FULL (NORMAL is 1, OFF 0)


def synchronous_of(db: sqlite_utils.Database) -> int:
    return int(db.conn.execute("PRAGMA synchronous").fetchone()[0])


def test_the_default_synchronous_setting_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANWIKI_SYNCHRONOUS", raising=False)
    assert Settings.model_fields["synchronous"].default == "FULL"
    assert Settings().synchronous == "FULL"


def test_a_database_opened_without_settings_is_full(tmp_path: Path) -> None:
    """The CLI's and the library's way in: ``Database(path)`` with no word about it."""
    database = Database(tmp_path / "plain.db")
    opened: list[int] = []
    worker = threading.Thread(target=lambda: opened.append(synchronous_of(database.db)))
    worker.start()
    worker.join()
    assert synchronous_of(database.db) == FULL
    assert opened == [FULL]
    database.close()


def test_every_connection_the_app_opens_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app as an operator starts it (no ``synchronous`` given), on all its threads."""
    monkeypatch.delenv("PLANWIKI_SYNCHRONOUS", raising=False)
    opened: list[tuple[str, sqlite_utils.Database]] = []
    real_connect = wiki.db.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite_utils.Database:
        made = real_connect(*args, **kwargs)
        opened.append((threading.current_thread().name, made))
        return made

    monkeypatch.setattr(wiki.db, "connect", connect)
    app = create_app(Settings(db=tmp_path / "wiki.db"))
    database: Database = app.state.db
    view_log(database).max_buffer = 1  # the first page view wakes the view-log writer
    owner = accounts.create_user(database, email="ann@example.org", name="Ann")
    headers = {"authorization": f"Bearer {accounts.create_token(database, owner)}"}
    with TestClient(app) as client:
        assert client.post("/api/v1/sites", json={"slug": "ann", "title": "Ann's plan"},
                           headers=headers).status_code == 201  # fmt: skip
        saved = client.put("/api/v1/sites/ann/pages/about-me/notes",
                           json={"body": "Swimming on Tuesdays.", "base_revision": None},
                           headers=headers)  # fmt: skip
        assert saved.status_code == 201, saved.text
        assert client.get("/s/ann/about-me/notes", headers=headers).status_code == 200
        # a search runs on a worker thread, an export on the thread pool
        assert client.get("/api/v1/search?q=swimming", headers=headers).status_code == 200
        assert client.get("/api/v1/sites/ann/export", headers=headers).status_code == 200
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(n == "planwiki-view-log" for n, _ in opened):
            time.sleep(0.02)
    threads = {name for name, _ in opened}
    assert "planwiki-view-log" in threads and len(threads) >= 4, threads
    assert [(name, synchronous_of(db)) for name, db in opened] == [(n, FULL) for n, _ in opened]
    for _, db in opened:
        db.conn.close()


# ---- kill -9 under load --------------------------------------------------------------------

WRITERS = 6
ENOUGH = 300  # acknowledged saves before the kill
SITE = "crash"


class Writer(threading.Thread):
    """Saves its own page over and over, each save on the revision the last one returned,
    and remembers every save the server acknowledged: revision -> the text sent."""

    def __init__(self, url: str, token: str, page: str, acked: threading.Semaphore) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.page, self.acked = url, token, page, acked
        self.stop = threading.Event()
        self.acknowledged: dict[int, str] = {}
        self.cut = 0  # requests the kill left without an answer
        self.refused: list[int] = []  # other answers: none expected, each writer has its page

    def run(self) -> None:
        base: int | None = None
        headers = {"authorization": f"Bearer {self.token}"}
        with httpx2.Client(base_url=self.url, headers=headers, timeout=10) as http:
            n = 0
            while not self.stop.is_set():
                n += 1
                text = f"{self.page} save {n}\n" * 10
                try:
                    answer = http.put(f"/api/v1/sites/{SITE}/pages/about-me/{self.page}",
                                      json={"body": text, "base_revision": base, "summary": f"save {n}"})  # fmt: skip
                except httpx2.TransportError:
                    self.cut += 1  # the server died: never acknowledged
                    time.sleep(0.05)
                    continue
                if not answer.is_success:
                    self.refused.append(answer.status_code)
                    return
                base = answer.json()["revision"]
                self.acknowledged[base] = text
                self.acked.release()


@contextlib.contextmanager
def running(db_path: Path) -> Iterator[LiveServer]:
    server = start_server(db_path, env={"PLANWIKI_SYNCHRONOUS": "FULL"})
    try:
        yield server
    finally:
        stop_server(server)


def test_every_acknowledged_save_survives_kill_9(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.db"
    database = Database(db_path)
    migrate(database.db)
    owner = accounts.create_user(database, email="crash@example.org", name="Crash test")
    token = accounts.create_token(database, owner)
    database.close()
    bearer = {"authorization": f"Bearer {token}"}

    with running(db_path) as server:
        site = {"slug": SITE, "title": "Crash"}
        made = httpx2.post(f"{server.url}/api/v1/sites", json=site, headers=bearer, timeout=10)
        assert made.status_code == 201, made.text
        acked = threading.Semaphore(0)
        writers = [Writer(server.url, token, f"page-{i}", acked) for i in range(WRITERS)]
        for w in writers:
            w.start()
        deadline = time.monotonic() + 30
        for _ in range(ENOUGH):  # then kill, while every writer still has a save on its way
            left = max(0.0, deadline - time.monotonic())
            assert acked.acquire(timeout=left), [w.refused for w in writers]
        server.process.kill()  # SIGKILL: no shutdown, no flush
        server.process.wait(timeout=10)
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(timeout=15)
    assert [w.refused for w in writers] == [[]] * WRITERS
    assert sum(len(w.acknowledged) for w in writers) >= ENOUGH

    with (
        running(db_path) as server,
        httpx2.Client(base_url=server.url, headers=bearer, timeout=10) as http,
    ):
        for w in writers:
            address = f"/api/v1/sites/{SITE}/pages/about-me/{w.page}"
            current = http.get(address)
            assert current.status_code == 200, (w.page, current.text)
            assert current.json()["revision"] >= max(w.acknowledged), w.page
            for number, text in w.acknowledged.items():
                revision = http.get(f"{address}/revisions/{number}")
                assert revision.status_code == 200, (w.page, number)
                assert revision.json()["body"] == text, (w.page, number)

    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
