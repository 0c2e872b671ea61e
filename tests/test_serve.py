"""``planwiki serve`` for real (issue #15): workers, the migration lock, metrics added up
across workers, JSON request lines, one log entry per unhandled error, proxy headers, and
no worker outliving its parent. Every test starts real processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import free_port, run_async

from wiki.db import connect, core_migrations, migration_lock
from wiki.keepalive import MAX_REQUESTS
from wiki.serve import _remove_abandoned_metrics as remove_abandoned_metrics

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", "PYTHONUNBUFFERED": "1"}


# ---- helpers ---------------------------------------------------------------------------------


class Server:
    """``planwiki serve`` in its own process; its output goes to a file."""

    def __init__(self, tmp: Path, *args: str, db: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = db or tmp / "wiki.db"
        self.log_path = tmp / f"serve-{self.port}.log"
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "main", "serve", "--port", str(self.port),
                 "--db", str(self.db), *args],
                cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.output}")
            try:
                if httpx2.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not healthy in {timeout:.0f} s:\n{self.output}")

    def wait_for_every_worker(self, count: int, timeout: float = 60) -> list[int]:
        """The workers' pids, once each has answered (needs --access-log --log-json)."""
        assert wait_until(lambda: len(self.workers()) == count), self.output
        workers = sorted(self.workers())

        def all_answered() -> bool:
            with httpx2.Client(timeout=2, headers={"connection": "close"}) as client:
                assert client.get(self.url + "/healthz").status_code == 200
            answered = {ln["pid"] for ln in self.json_lines() if ln["logger"] == "planwiki.access"}
            return sorted(answered) == workers

        assert wait_until(all_answered, timeout=timeout), self.output
        return workers

    def workers(self) -> list[int]:
        return [pid for pid in children(self.process.pid) if b"spawn_main" in cmdline(pid)]

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(ln) for ln in self.output.splitlines() if ln.startswith("{")]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"serve did not stop on signal {sig}:\n{self.output}") from None


def two_workers(tmp_path: Path, servers: list[Server]) -> tuple[Server, list[int]]:
    """``planwiki serve --workers 2`` with JSON request lines, once both workers answer."""
    server = Server(tmp_path, "--workers", "2", "--access-log", "--log-json")
    servers.append(server)
    server.wait_healthy()
    return server, server.wait_for_every_worker(2)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:  # whatever a failing test left running
        workers = server.workers() if server.process.poll() is None else []
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=10)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def open_files(pid: int) -> list[str]:
    try:
        return [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "State:\tZ" not in f.read()
    except OSError:
        return False


def metrics_dir_of(pid: int) -> Path:
    with open(f"/proc/{pid}/environ", "rb") as f:
        for item in f.read().split(b"\0"):
            if item.startswith(b"PROMETHEUS_MULTIPROC_DIR="):
                return Path(item.split(b"=", 1)[1].decode())
    raise AssertionError("no PROMETHEUS_MULTIPROC_DIR in the worker's environment")


def wait_until(check: Any, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


def steps_recorded(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT name, count(*) FROM _sqlite_migrations GROUP BY name ORDER BY name"
        ).fetchall()


# ---- the migration lock ------------------------------------------------------------------------


MIGRATE_WHEN_TOLD = textwrap.dedent(
    """
    import os, sys, time
    from wiki.db import Database, migrate
    go = sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.001)
    migrate(Database(sys.argv[1], synchronous="NORMAL").db)
    """
)


def test_eight_connections_opening_one_fresh_file_at_once_all_switch_to_wal(tmp_path: Path) -> None:
    """SQLite answers "database is locked" at once, without waiting, to the second of two
    connections switching a fresh file to WAL together: what failed one of four workers
    in CI (issue #15). Threads race as processes do; 300 fresh files make the race sure."""
    failures: list[BaseException] = []

    def open_after(barrier: threading.Barrier, path: Path) -> None:
        barrier.wait()
        try:
            conn = connect(path).conn
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        except BaseException as error:  # collected and reported below
            failures.append(error)

    for n in range(300):
        barrier = threading.Barrier(8)
        racers = [
            threading.Thread(target=open_after, args=(barrier, tmp_path / f"{n}.db"))
            for _ in range(8)
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
    assert failures == []


def test_four_processes_migrating_one_fresh_database_at_once_all_succeed(tmp_path: Path) -> None:
    """What crashed two of four `uvicorn main:app --workers 4` starts (issue #15)."""
    db, go = tmp_path / "fresh.db", tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_WHEN_TOLD, str(db), str(go)],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(4)
    ]
    time.sleep(1.5)  # all four interpreters are up and waiting
    go.touch()
    outputs = [racer.communicate(timeout=60)[0].decode() for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0, 0], outputs
    expected = [m.name for m in core_migrations()._migrations]
    assert steps_recorded(db) == [(name, 1) for name in sorted(expected)]


def test_a_migration_waits_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "waiting.db"
    with migration_lock(db):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "main", "migrate", "--db", str(db)],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        lock_file = str(db) + ".migrate-lock"
        assert wait_until(lambda: lock_file in open_files(waiting.pid), timeout=60)
        time.sleep(1)  # it has the lock file open, and waits
        assert waiting.poll() is None, waiting.communicate()[0].decode()
    out = waiting.communicate(timeout=60)[0].decode()
    assert waiting.returncode == 0, out
    assert "applied planwiki:0001_initial" in out


# ---- workers ---------------------------------------------------------------------------------


def test_three_fresh_starts_with_two_workers_all_come_up_clean(
    tmp_path: Path, servers: list[Server]
) -> None:
    """Each start: a fresh database, migrated once by the parent; both workers answer;
    nothing in the log but the start-up lines and requests; SIGTERM stops every worker and
    removes the metrics folder."""
    for round_ in range(3):
        folder = tmp_path / f"start-{round_}"
        folder.mkdir()
        server = Server(folder, "--workers", "2", "--access-log", "--log-json")
        servers.append(server)
        server.wait_healthy()
        workers = server.wait_for_every_worker(2)
        assert sorted(server.workers()) == workers  # none died and was replaced

        lines = server.output.splitlines()
        # --log-json: every line is JSON, what serve says itself too (issue #24).
        assert all(ln.startswith('{"time"') for ln in lines), server.output
        said = [json.loads(ln)["message"] for ln in lines]
        assert any(m.startswith(f"planwiki is listening on {server.url} (2 workers") for m in said)
        applied = [m for m in said if m.startswith("applied planwiki:")]
        assert len(applied) == len(core_migrations()._migrations)  # once, by the parent
        assert steps_recorded(server.db) == [(n[len("applied planwiki:") :], 1) for n in applied]
        assert all(line["level"] == "INFO" for line in server.json_lines()), server.output
        assert "died" not in server.output  # no worker was replaced

        metrics = metrics_dir_of(workers[0])
        assert metrics.is_dir()
        server.stop(signal.SIGTERM)
        assert server.process.returncode == 0, server.output
        assert wait_until(lambda w=workers: not any(alive(pid) for pid in w))
        assert not metrics.exists()


def test_workers_add_up_their_metrics_and_write_json_request_lines(
    tmp_path: Path, servers: list[Server]
) -> None:
    server, workers = two_workers(tmp_path, servers)
    seen: dict[str, str] = {}
    for _ in range(40):  # a new connection each: the kernel hands them to either worker
        with httpx2.Client(timeout=5, headers={"connection": "close"}) as client:
            answer = client.get(server.url + "/s/someones-plan/about-me/diary")
            seen[answer.headers["x-request-id"]] = str(answer.status_code)
    scraped = httpx2.get(server.url + "/metrics", timeout=5)
    assert scraped.status_code == 200

    lines = [ln for ln in server.json_lines() if ln["logger"] == "planwiki.access"]
    views = [ln for ln in lines if ln["route"] == "/s/{site}/{section}/{page}"]
    assert {ln["request_id"]: str(ln["status"]) for ln in views} == seen
    assert {ln["pid"] for ln in views} == set(workers), "one worker answered them all"
    for line in views:
        assert set(line) >= {"time", "level", "request_id", "method", "route", "status", "ms"}
        assert line["client"] == "127.0.0.1"
        assert "someones-plan" not in json.dumps(line)
    count = re.search(
        r'^planwiki_http_requests_total\{method="GET",route="/s/\{site\}/\{section\}/\{page\}",'
        r'status="(\d+)"\} ([0-9.]+)$',
        scraped.text,
        re.MULTILINE,
    )
    assert count is not None, scraped.text
    assert float(count.group(2)) == 40  # both workers' counts, added up

    # A parent killed outright takes its workers with it: none goes on serving alone.
    metrics = metrics_dir_of(workers[0])
    server.stop(signal.SIGKILL)
    assert wait_until(lambda: not any(alive(pid) for pid in workers)), server.output
    with pytest.raises(httpx2.TransportError):
        httpx2.get(server.url + "/healthz", timeout=2)
    # ... and the next start tidies up the folder the killed one could not remove.
    assert metrics.exists()
    remove_abandoned_metrics()
    assert not metrics.exists()


def test_proxy_headers_are_taken_only_when_asked(tmp_path: Path, servers: list[Server]) -> None:
    forwarded = {"x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https"}
    for flag, client, secure in (
        ([], "127.0.0.1", False),
        (["--proxy-headers"], "203.0.113.7", True),
    ):
        server = Server(tmp_path, "--workers", "1", "--access-log", *flag)
        servers.append(server)
        server.wait_healthy()
        answer = httpx2.get(server.url + "/login", headers=forwarded, timeout=5)
        assert ("; Secure" in answer.headers["set-cookie"]) is secure
        request_id = answer.headers["x-request-id"]
        assert wait_until(lambda s=server, r=request_id: f"request_id={r}" in s.output)
        line = next(ln for ln in server.output.splitlines() if f"request_id={request_id}" in ln)
        assert re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z INFO planwiki.access GET /login 200 ", line)
        assert line.endswith(f"client={client}"), line
        server.stop()


UVICORN_WITH_A_BROKEN_ROUTE = textwrap.dedent(
    """
    import sys
    import uvicorn
    from starlette.routing import Route
    from wiki.app import create_app
    from wiki.hookspecs import hookimpl
    from wiki.logs import log_config
    from wiki.settings import Settings

    class Broken:
        @hookimpl
        def routes(self):
            async def boom(request):
                raise RuntimeError("the kettle is on fire")
            return [Route("/boom", boom)]

    app = create_app(Settings(db=sys.argv[1]), plugins=[Broken()])
    uvicorn.run(app, port=int(sys.argv[2]), log_config=log_config(), log_level="warning")
    """
)


def test_an_unhandled_error_under_uvicorn_is_logged_once_with_a_timestamp(tmp_path: Path) -> None:
    """Before: the traceback twice (Starlette's handler, then uvicorn's), no timestamps."""
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", UVICORN_WITH_A_BROKEN_ROUTE, str(tmp_path / "w.db"), str(port)],
            cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _answers(url + "/healthz"), timeout=60), log_path.read_text()
        answer = httpx2.get(url + "/boom", timeout=5)
        assert answer.status_code == 500
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=20)
    text = log_path.read_text()
    assert text.count("Traceback") == 1, text
    assert text.count("the kettle is on fire") == 1, text
    first = next(ln for ln in text.splitlines() if "unhandled error" in ln)
    assert re.match(
        r"^\d{4}-\d\d-\d\dT[\d:.]+Z ERROR planwiki.error unhandled error in GET /boom", first
    )
    assert f"request_id={answer.headers['x-request-id']}" in first


def _answers(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=2).status_code == 200
    except httpx2.TransportError:
        return False


# ---- a worker's start-up --------------------------------------------------------------------

WORKER_START = textwrap.dedent(
    """
    import gc, json, sys
    from wiki import templates
    from wiki.serve import worker_app
    worker_app()
    env = templates.environment("default")
    print(json.dumps({
        "frozen": gc.get_freeze_count(),
        "tracked": len(gc.get_objects()),
        "compiled": sorted(k[1] for k in env.cache.keys()) if env.cache is not None else [],
    }))
    """
)


def test_a_worker_compiles_its_templates_and_leaves_them_out_of_garbage_collection(
    tmp_path: Path,
) -> None:
    """A full collection walked every object start-up made: 50-70 ms holding every request
    (issue #15). A worker compiles its templates at start and freezes what start-up made."""
    db = tmp_path / "worker.db"
    migrated = subprocess.run(
        [sys.executable, "-m", "main", "migrate", "--db", str(db)], cwd=ROOT, env=ENV,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    started = subprocess.run(
        [sys.executable, "-c", WORKER_START], cwd=ROOT, env={**ENV, "PLANWIKI_DB": str(db)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    found = json.loads(started.stdout.strip().splitlines()[-1])
    assert {"base.html", "page.html", "search.html"} <= set(found["compiled"])
    assert found["frozen"] > 3 * found["tracked"], found  # most of it is out of the walk


# ---- keep-alive connections shared out between workers (wiki/keepalive.py) ------------------


def test_the_hundredth_request_on_a_connection_is_answered_with_connection_close(
    app: Any,
) -> None:
    from starlette.testclient import TestClient  # one "connection": the same client address

    client = TestClient(app)
    said = [client.get("/healthz").headers.get("connection") for _ in range(MAX_REQUESTS + 1)]
    assert said[MAX_REQUESTS - 1] == "close"
    assert said.count("close") == 1  # and counting starts again after it


async def _burst(port: int, connections: int, requests: int) -> None:
    """``connections`` opened at once, each sending ``requests`` GETs one after another,
    opening a new connection whenever the server closes one, as browsers and nginx do."""

    async def one() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(requests):
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            await writer.drain()
            head = (await reader.readuntil(b"\r\n\r\n")).lower()
            length = int(re.search(rb"content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            if b"connection: close" in head:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))


def test_sixteen_connections_opened_at_once_are_shared_out_between_two_workers(
    tmp_path: Path, servers: list[Server]
) -> None:
    """One worker used to accept all sixteen and keep them: two workers served as one."""
    server, workers = two_workers(tmp_path, servers)
    for round_ in range(3):
        before = len(server.json_lines())
        run_async(_burst(server.port, connections=16, requests=3 * MAX_REQUESTS))
        expected = before + 16 * 3 * MAX_REQUESTS
        assert wait_until(lambda expected=expected: len(server.json_lines()) >= expected)
        answered = Counter(
            ln["pid"] for ln in server.json_lines()[before:] if ln["logger"] == "planwiki.access"
        )
        shares = {pid: answered[pid] / sum(answered.values()) for pid in workers}
        assert min(shares.values()) > 0.15, (round_, shares)
