"""Checks for bench/saves.py and bench/soak.py.

    pytest bench/test_saves_soak.py -p no:cacheprovider

The unit tests need nothing; the two end-to-end tests start the real server with the
``planwiki`` console script (skipped when it is not installed).
"""

import asyncio
import itertools
import math
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import saves  # noqa: E402
import soak  # noqa: E402

needs_planwiki = pytest.mark.skipif(
    shutil.which("planwiki") is None, reason="the planwiki console script is not installed"
)


# ---------------------------------------------------------------- timetable


def test_timetable_is_fixed_and_evenly_spaced():
    t0 = 1_000_000_000
    times = [soak.scheduled_at(t0, 100, i) for i in range(101)]
    assert times[0] == t0
    assert times[100] == t0 + 1_000_000_000
    assert {b - a for a, b in itertools.pairwise(times)} == {10_000_000}
    assert soak.scheduled_at(0, 3, 1) == 333_333_333
    assert soak.arrivals(100, 1.0) == 100
    assert soak.arrivals(50, 0.2 * 60) == 600
    assert soak.arrivals(3, 1.0) == 3
    assert soak.arrivals(2.5, 1.0) == 3  # due at 0, 0.4, 0.8 s
    assert soak.arrivals(10, 0) == 0


def test_mix_table_follows_the_weights():
    table = soak.weighted_kinds(soak.MIX)
    assert len(table) == sum(soak.MIX.values()) == 100
    assert table.count("view") == 70 and table.count("save") == 5


def test_row_seconds():
    assert soak.row_seconds(600, 60) == 60
    assert soak.row_seconds(180, 60) == 60
    assert soak.row_seconds(30, 60) == 7.5
    assert soak.row_seconds(12, 60) == 3
    assert soak.row_seconds(0.4, 60) == 0.5


def _job(i, due):
    return soak.Job(i, "view", due)


def test_open_loop_sends_on_the_timetable_when_the_server_keeps_up():
    stats = soak.Stats()

    async def perform(w, job):
        await asyncio.sleep(0)
        return True, "200"

    loop = soak.OpenLoop(200, 0.5, 4, _job, perform, stats, max_outstanding=50)
    elapsed = asyncio.run(loop.run())
    assert loop.scheduled == soak.arrivals(200, 0.5) == 100
    assert stats.total.requests == 100 and stats.total.all_errors == 0
    assert 0.45 < elapsed < 1.5
    assert stats.total.quantiles()["p50_ms"] < 20


def test_open_loop_latency_counts_the_wait_for_a_busy_worker():
    # One worker that needs 20 ms, asked 100 times a second: it falls behind, and the
    # latency measured from the due time grows with the queue (no coordinated omission).
    stats = soak.Stats()

    async def perform(w, job):
        await asyncio.sleep(0.02)
        return True, "200"

    loop = soak.OpenLoop(100, 0.4, 1, _job, perform, stats, max_outstanding=1000)
    asyncio.run(loop.run())
    q = stats.total.quantiles()
    assert stats.total.requests == 40
    assert q["p50_ms"] > 100  # service time alone is 20 ms
    assert q["max_ms"] > 300
    assert stats.total.dropped == 0


def test_open_loop_drops_beyond_max_outstanding_and_counts_errors():
    stats = soak.Stats()
    calls = 0

    async def perform(w, job):
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        if calls % 2:
            raise ConnectionResetError("reset")
        return False, "500"

    loop = soak.OpenLoop(200, 0.3, 1, _job, perform, stats, max_outstanding=3)
    asyncio.run(loop.run())
    t = stats.total
    assert loop.scheduled == 60
    assert t.dropped > 0 and t.requests + t.dropped == 60
    assert t.errors == t.requests
    assert t.details["view dropped"] == t.dropped
    assert t.details["view ConnectionResetError"] > 0 and t.details["view 500"] > 0
    assert stats.error_samples


def test_stats_rotate_starts_a_new_window_and_keeps_the_total():
    stats = soak.Stats()
    stats.record("view", 1_000_000, True, "200")
    first = stats.rotate()
    stats.record("save", 3_000_000, False, "409")
    assert first.requests == 1 and first.errors == 0
    assert stats.window.requests == 1 and stats.window.errors == 1
    assert stats.total.requests == 2 and stats.total.errors == 1
    assert set(stats.kinds) == {"view", "save"}


def test_closed_loop_keeps_every_worker_busy():
    stats = soak.Stats()

    async def perform(w, job):
        await asyncio.sleep(0.01)
        return True, "200"

    elapsed = asyncio.run(soak.closed_loop(0.3, 3, _job, perform, stats))
    assert 0.25 < elapsed < 1.5
    # about 3 workers x 30 requests; generous bounds for a shared machine
    assert 30 <= stats.total.requests <= 100


# ---------------------------------------------------------------- memory verdict


def test_slope():
    assert soak.slope_per_min([]) == 0
    assert soak.slope_per_min([(1, 5)]) == 0
    assert soak.slope_per_min([(1, 10), (2, 12), (3, 14)]) == pytest.approx(2.0)
    assert soak.slope_per_min([(1, 10), (2, 10)]) == 0


def test_memory_flat_rule():
    flat, text = soak.memory_verdict([(m, 100 + 0.1 * m) for m in range(1, 11)])
    assert flat and "memory flat" in text
    # grows 3 MB/min in the last 3 minutes, so about 2 MB/min over the last 5, though
    # under 10% overall
    points = [(m, 100.0) for m in range(1, 6)] + [(6, 103), (7, 106), (8, 109)]
    assert soak.slope_per_min(points[2:]) > 1.5
    flat, text = soak.memory_verdict(points)
    assert not flat and "NOT flat" in text
    # grows more than 10%, in one early step, then flat
    flat, _ = soak.memory_verdict([(1, 100.0), (2, 115.0)] + [(m, 115.0) for m in range(3, 11)])
    assert not flat
    flat, _ = soak.memory_verdict([(0.1, 90.0)])
    assert flat
    assert soak.memory_verdict([])[0] is False


# ---------------------------------------------------------------- saves pieces


def test_save_texts_change_every_save_and_stay_1_to_4_kb():
    pool = saves.body_pool(0)
    assert pool == saves.body_pool(0) and pool != saves.body_pool(1)
    texts = [saves.save_text(pool, 0, n) for n in range(1, 40)]
    assert len(set(texts)) == len(texts)
    assert all(1024 <= len(t.encode()) <= 4096 for t in texts)


def test_answered_revision():
    assert saves.answered_revision(200, b'{"revision": 7, "body": "x"}') == 7
    assert saves.answered_revision(201, b'{"revision": 1}') == 1
    assert saves.answered_revision(409, b'{"error": {}, "current": {"revision": 9}}') == 9
    assert saves.answered_revision(409, b'{"error": {}}') is None
    assert saves.answered_revision(500, b'{"revision": 3}') is None
    assert saves.answered_revision(200, b"not json") is None


def test_tally_counts_conflicts_and_errors():
    t = saves.Tally()
    for status in (200, 200, 201, 409, 409, 500):
        t.answer(status, 1_000_000, b"{}")
    t.answer(500, 1_000_000, b"sqlite3.OperationalError: database is locked")
    t.fail(ConnectionResetError(), 2_000_000)
    assert (t.ok, t.conflicts, t.server_errors, t.locked_answers) == (3, 2, 2, 1)
    assert t.errors() == 5
    assert t.errors(conflicts_expected=True) == 3
    assert saves.latency_summary(t.latencies_ns)["max_ms"] == 2.0
    assert math.isnan(saves.latency_summary([])["p50_ms"])


def test_log_helpers(tmp_path):
    path = tmp_path / "server.log"
    path.write_text("INFO started\n")
    _, offset = saves.log_since(str(path), 0)
    with open(path, "a") as f:
        f.write(
            "Traceback (most recent call last):\nsqlite3.OperationalError: database is locked\n"
        )
    text, offset2 = saves.log_since(str(path), offset)
    assert "started" not in text and offset2 > offset
    assert len(saves.locked_lines(text)) == 1
    assert len(saves.problem_lines(text)) == 2


def test_editors_own_their_pages_or_share_one():
    keys = [("s", f"p{i}") for i in range(6)]
    revs = dict.fromkeys(keys, 1)
    own = saves.make_editors(3, ["t1", "t2", "t3"], keys, 2, revs, same_page=False)
    assert [e.pages for e in own] == [keys[0:2], keys[2:4], keys[4:6]]
    assert [e.token for e in own] == ["t1", "t2", "t3"]
    same = saves.make_editors(3, ["t"], keys, 2, revs, same_page=True)
    assert all(e.pages == [keys[0]] and e.token == "t" for e in same)
    same[0].revisions[keys[0]] = 5
    same[1].revisions[keys[0]] = 4
    saves.merge_revisions(revs, same)
    assert revs[keys[0]] == 5 and same[2].revisions[keys[0]] == 1


def test_conn_reopens_a_connection_the_server_closed_while_idle():
    async def scenario():
        served = 0

        async def handle(reader, writer):
            nonlocal served
            await reader.readuntil(b"\r\n\r\n")
            served += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            writer.close()  # no "Connection: close": an idle keep-alive timeout

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        conn = saves.Conn("127.0.0.1", port, timeout=5)
        try:
            wire = saves.get_wire("/", {}, port)
            first = await conn.request(wire)
            await asyncio.sleep(0.1)  # the close reaches us
            second = await conn.request(wire)
        finally:
            conn.close()
            server.close()
            await server.wait_closed()
        return first, second, served, conn.connects

    first, second, served, connects = asyncio.run(scenario())
    assert first[0] == second[0] == 200 and first[2] == b"ok"
    assert served == 2 and connects == 2


# ---------------------------------------------------------------- against the real server


def _run(script, *args, timeout=120):
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, COLUMNS="160"),
    )
    return proc, time.monotonic() - t0


@needs_planwiki
def test_saves_runs_against_the_real_server():
    proc, took = _run(
        "saves.py",
        "--editors",
        "2",
        "--seconds",
        "2",
        "--pages-per-editor",
        "2",
        "--warmup",
        "0.3",
    )
    out = proc.stdout
    assert proc.returncode == 0, f"{out}\n{proc.stderr[-3000:]}"
    assert "planwiki saves" in out and "saves/s" in out
    own = re.search(r"own pages\s*│\s*2\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)", out)
    same = re.search(r"same page\s*│\s*2\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)", out)
    assert own and same, out
    assert int(own.group(1)) > 0 and own.group(2) == "0" and own.group(3) == "0"
    assert int(same.group(1)) > 0 and same.group(3) == "0"  # 409s are no errors there
    assert "nproc" in out and "PLANWIKI_SYNCHRONOUS=FULL" in out
    assert took < 45


@needs_planwiki
def test_soak_runs_against_the_real_server():
    proc, took = _run("soak.py", "--minutes", "0.2", "--rps", "50", "--pages", "40")
    out = proc.stdout
    assert proc.returncode == 0, f"{out}\n{proc.stderr[-3000:]}"
    rows = re.findall(r"^│\s*(\d+\.\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│", out, re.M)
    assert len(rows) >= 3, out
    assert sum(int(r[1]) for r in rows) >= 500  # 50 rps for 12 s
    assert all(r[2] == "0" for r in rows)
    assert "verdict: 0 errors" in out and "memory" in out
    assert took < 45
