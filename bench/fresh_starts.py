#!/usr/bin/env python3
"""Fresh starts: ``planwiki serve --workers N`` on a new, empty database, again and again
(issue #15: with ``uvicorn main:app --workers 4`` two of four workers crashed in one start
of three, every worker running the migrations).

    python bench/fresh_starts.py [--starts 20] [--workers 4]

A start is clean when, within the time allowed: /healthz answers 200; every worker has
answered a request (seen by the pid in its JSON access line); no worker died or was
replaced; the log has no warning, error or traceback; each schema step is recorded once;
and SIGTERM stops the parent and every worker. Prints one row per start and the count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import page_views as pv  # the bench folder's own modules: this script runs from it
import report
from workers import workers_of

COLUMNS = ("start", "clean", "healthy s", "all workers s", "stop s", "problem")


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection(pv.HOST, port, timeout=2)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def one_start(n: int, workers: int, timeout: float) -> tuple[bool, list[str], str]:
    tmp = tempfile.mkdtemp(prefix="planwiki-fresh-")
    db = os.path.join(tmp, "fresh.db")
    port = pv.free_port()
    log_path = os.path.join(tmp, "server.log")
    started = time.monotonic()
    timings = ["-", "-", "-"]
    problem = ""
    with open(log_path, "wb") as out:
        server = subprocess.Popen(
            [pv.planwiki_exe(), "serve", "--db", db, "--host", pv.HOST, "--port", str(port),
             "--workers", str(workers), "--access-log", "--log-json"],
            cwd=tmp, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    pids: list[int] = []
    try:
        deadline = started + timeout
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if get(port, "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise pv.BenchError("never healthy")
        timings[0] = f"{time.monotonic() - started:.1f}"
        while time.monotonic() < deadline and len(workers_of(server.pid)) < workers:
            time.sleep(0.1)
        pids = sorted(workers_of(server.pid))
        answered: set[int] = set()
        while time.monotonic() < deadline and answered != set(pids):
            get(port, "/healthz")
            answered = {
                line["pid"]
                for line in _json_lines(log_path)
                if line.get("logger") == "planwiki.access"
            }
        if answered != set(pids) or len(pids) != workers:
            raise pv.BenchError(f"{len(answered)} of {workers} workers answered")
        timings[1] = f"{time.monotonic() - started:.1f}"
        if sorted(workers_of(server.pid)) != pids:
            raise pv.BenchError("a worker was replaced")
        with open(log_path, errors="replace") as f:
            text = f.read()
        bad = [w for w in ("Traceback", '"WARNING"', '"ERROR"', "died") if w in text]
        if bad:
            raise pv.BenchError(f"the log has {', '.join(bad)}")
        with sqlite3.connect(db) as conn:
            twice = conn.execute(
                "SELECT count(*) FROM (SELECT name FROM _sqlite_migrations"
                " GROUP BY name HAVING count(*) > 1)"
            ).fetchone()[0]
        if twice:
            raise pv.BenchError(f"{twice} schema steps recorded twice")
        stopping = time.monotonic()
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if any(os.path.exists(f"/proc/{pid}") for pid in pids):
            time.sleep(1)
            if any(os.path.exists(f"/proc/{pid}") for pid in pids):
                raise pv.BenchError("a worker outlived SIGTERM")
        timings[2] = f"{time.monotonic() - stopping:.1f}"
    except (pv.BenchError, OSError, subprocess.TimeoutExpired) as exc:
        problem = str(exc)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    if problem:
        pv.log(f"start {n}: {problem}; log kept in {tmp}\n" + pv.tail(log_path, 15))
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return not problem, timings, problem


def _json_lines(path: str) -> list[dict]:
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=120, help="seconds allowed per start")
    args = ap.parse_args(argv)
    rows = []
    clean = 0
    for n in range(1, args.starts + 1):
        ok, timings, problem = one_start(n, args.workers, args.timeout)
        clean += ok
        rows.append((str(n), "yes" if ok else "NO", *timings, problem or "-"))
        pv.log(f"start {n}: {'clean' if ok else 'NOT clean'} {timings}")
    footer = (
        f"{clean} of {args.starts} fresh starts with --workers {args.workers} came up clean"
        f" (target: all); nproc {pv.nproc()}"
    )
    report.print_table("planwiki fresh starts", COLUMNS, rows, footer)
    return 0 if clean == args.starts else 1


if __name__ == "__main__":
    sys.exit(main())
