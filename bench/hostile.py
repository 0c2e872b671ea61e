#!/usr/bin/env python3
"""Does anything wait behind one hostile request? (issue #15)

    python bench/hostile.py [--me-rps 200] [--every 2] [--clients 8] [--seconds 20] [--pages 200]
                            [--mixed-minutes 1] [--capacity-seconds 10] [--keep-temp]

A fresh database and ``planwiki serve`` on 127.0.0.1 (set up as bench/soak.py does: the
real CLI, ~200 seeded pages, a sign-in through the login form). Three phases, one table:

1. ``GET /api/v1/me`` alone: ``--clients`` keep-alive connections, OPEN LOOP at
   ``--me-rps`` (latency from the time each request was due, so a stall counts for every
   request it held up), for 5 s.
2. The same, while one more connection saves the issue's hostile text (120 KB:
   ``[`` x 60,000 then ``]`` x 60,000, a new first word each time) every ``--every``
   seconds (the next as soon as the last is answered when that took longer) for
   ``--seconds``. Target: /me p99 < 100 ms.
3. The soak's mixed load (bench/soak.py: views, API reads, history, diffs, searches,
   saves) at half its measured capacity for ``--mixed-minutes``; the search rows are the
   ones that count. Target: search p99 < 50 ms.

Prints one table and the targets; exits 1 on a 5xx, a connection failure or a dropped
request (the hostile save's own 422 refusal is expected on code that refuses it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import page_views as pv  # noqa: E402
import report  # noqa: E402
import saves  # noqa: E402
import soak  # noqa: E402

log = pv.log
HOSTILE = "[" * 60_000 + "]" * 60_000
COLUMNS = ("phase", "request", "requests", "errors", "statuses", "p50 ms", "p99 ms", "max ms")


def _row(phase: str, what: str, window: soak.Window) -> tuple[str, ...]:
    q = window.quantiles()
    statuses = Counter(d.split(" ", 1)[1] for d in window.details.elements())
    shown = " ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
    return (
        phase, what, str(window.requests), str(window.all_errors), shown,
        report.fmt(q["p50_ms"], 2), report.fmt(q["p99_ms"], 2), report.fmt(q["max_ms"], 1),
    )  # fmt: skip


async def me_load(port: int, token: str, rps: float, clients: int, seconds: float) -> soak.Window:
    """/me, open loop at ``rps`` on ``clients`` connections, for ``seconds``."""
    wire = saves.get_wire(
        "/api/v1/me", {"Authorization": f"Bearer {token}", "Accept": "application/json"}, port
    )
    return await soak.open_loop_gets(
        port, [wire], kind="me", rps=rps, clients=clients, seconds=seconds
    )


async def hostile_saves(
    port: int, token: str, section: str, seconds: float, every: float
) -> soak.Window:
    """The hostile save on one connection, one every ``every`` seconds (or as soon as the
    last is answered, when that took longer), for ``seconds``."""
    conn = saves.Conn(saves.HOST, port, 300)
    window = soak.Window()
    end = time.perf_counter() + seconds
    revision: int | None = None
    n = 0
    try:
        while time.perf_counter() < end:
            n += 1
            # A new first line each time: one paragraph, so no render cache can help.
            payload = {"body": f"save {n} {HOSTILE}", "base_revision": revision,
                       "title": "Hostile"}  # fmt: skip
            wire = saves.put_wire(saves.page_path(section, "hostile"), token, payload, port)
            t0 = time.perf_counter_ns()
            status, _h, body = await conn.request(wire)
            revision = saves.answered_revision(status, body) or revision
            took = (time.perf_counter_ns() - t0) / 1e9
            window.add("save", round(took * 1e9), status < 500, str(status))
            log(f"  hostile save {n}: {status} in {took * 1000:.0f} ms")
            await asyncio.sleep(max(0.0, min(every - took, end - time.perf_counter())))
    finally:
        conn.close()
    return window


async def during(
    port: int, token: str, section: str, args: argparse.Namespace
) -> tuple[soak.Window, soak.Window]:
    saver = asyncio.create_task(hostile_saves(port, token, section, args.seconds, args.every))
    me = asyncio.create_task(me_load(port, token, args.me_rps, args.clients, args.seconds))
    hostile = await saver
    return await me, hostile


def run(args: argparse.Namespace) -> int:
    server = saves.start_server("planwiki-hostile-", tokens=1, workers=args.workers)
    ok = False
    try:
        pages, diff_pages, writers = soak.seed(server, args.pages, args.clients)
        section = pages[0]["section"]
        token = server.tokens[0]
        log(f"phase 1: /me alone, {args.me_rps:g} rps open loop on {args.clients} connections, 5 s")
        alone = asyncio.run(me_load(server.port, token, args.me_rps, args.clients, 5))
        log(
            f"phase 2: /me while the hostile 120 KB save is sent again and again, {args.seconds:g} s"
        )
        me, hostile = asyncio.run(during(server.port, token, section, args))
        log(f"phase 3: the soak's mixed load for {args.mixed_minutes:g} min at half capacity")
        web = pv.sign_in(server.port)
        cookie = web.cookie_header()
        web.close()
        wl = soak.Workload(server.port, cookie, token, pages, diff_pages, writers, args.clients)
        soak_args = argparse.Namespace(
            rps=args.mixed_rps, capacity_seconds=args.capacity_seconds, clients=args.clients,
            minutes=args.mixed_minutes, row_seconds=args.mixed_minutes * 60 / 4,
            max_outstanding=None,
        )  # fmt: skip
        mixed = asyncio.run(soak.drive(soak_args, server, wl))
        with open(server.log_path, errors="replace") as server_log:
            problems = saves.problem_lines(server_log.read())
        ok = True
    finally:
        server.stop()
        if not ok or args.keep_temp:
            log(f"(temp dir kept: {server.tmp})")
    assert mixed.stats is not None
    rows = [
        _row("1 alone", "GET /api/v1/me", alone),
        _row("2 hostile", "GET /api/v1/me", me),
        _row("2 hostile", "PUT 120 KB [[[…]]]", hostile),
        _row("3 mixed", "all", mixed.stats.total),
    ]
    for kind in soak.MIX:
        rows.append(_row("3 mixed", kind, mixed.stats.kinds.get(kind, soak.Window())))
    me_p99 = me.quantiles()["p99_ms"]
    search_p99 = mixed.stats.kinds.get("search", soak.Window()).quantiles()["p99_ms"]
    footer = "\n".join([
        f"/me: {args.me_rps:g} rps open loop on {args.clients} connections (latency from the"
        f" time each request was due); a hostile save every {args.every:g} s; the mixed load at {mixed.rate:.0f} rps (half of"
        f" {mixed.capacity_rps or 0:.0f} rps measured), {args.clients} connections",
        f"target /me p99 < 100 ms during the hostile save: {me_p99:.1f} ms"
        f" -> {'met' if me_p99 < 100 else 'MISSED'}",
        f"target search p99 < 50 ms under the mixed load: {search_p99:.1f} ms"
        f" -> {'met' if search_p99 < 50 else 'MISSED'}",
        f"server log problems: {len(problems)} · nproc {pv.nproc()}",
    ])  # fmt: skip
    report.print_table("planwiki under a hostile save", COLUMNS, rows, footer, left=2)
    for line in problems[:10]:
        print(f"log: {line}")
    failed = sum(w.all_errors for w in (alone, me, hostile, mixed.stats.total)) + len(problems)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Latency of others while one request is hostile.")
    ap.add_argument("--me-rps", type=float, default=200, help="/me arrival rate (default 200)")
    ap.add_argument("--every", type=float, default=2, help="a hostile save every N s (default 2)")
    ap.add_argument("--clients", type=int, default=8, help="connections (default 8)")
    ap.add_argument("--seconds", type=float, default=20, help="hostile phase (default 20 s)")
    ap.add_argument("--pages", type=int, default=200, help="pages to seed (default 200)")
    ap.add_argument("--mixed-minutes", type=float, default=1, help="mixed load (default 1 min)")
    ap.add_argument("--capacity-seconds", type=float, default=10,
                    help="closed-loop capacity run before the mixed load (default 10 s)")  # fmt: skip
    ap.add_argument(
        "--mixed-rps",
        type=float,
        default=None,
        help="the mixed load's rate (default: half the measured capacity)",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="planwiki serve --workers (default 1: the hardest case)",
    )
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir and server.log")
    try:
        return run(ap.parse_args(argv))
    except pv.BenchError as problem:
        log(f"error: {problem}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
