#!/usr/bin/env python3
"""Signed-in page views with ``planwiki serve --workers 1`` and ``--workers 2``, in the same
run, on the same database (issue #15).

    python bench/workers.py [--pages 300] [--clients 16] [--seconds 20] [--workers 1,2]

Makes a fresh database with the real CLI, seeds one site through the JSON API, signs in
through the login form, then for each worker count starts ``planwiki serve --workers N``
on it, waits until every worker answers, warms up, and measures signed-in HTML page views
with the load generator (bench/loadgen.py, its own process) at the given client count.
Prints one table (rps, p50, p99) and the issue's targets: N=2 at least 1.7x N=1, p99 under
10 ms at 16 clients. On a 2-core machine the load generator shares the cores with the
workers: its own CPU use is in the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time

import page_views as pv  # the bench folder's own modules: this script runs from it
import report
import saves
import soak

COLUMNS = ("workers", "clients", "requests", "errors", "rps", "p50 ms", "p99 ms", "loadgen cpu")


def start(env: dict, tmp: str, workers: int) -> tuple[subprocess.Popen, int, str]:
    port = pv.free_port()
    log_path = os.path.join(tmp, f"server-{workers}.log")
    with open(log_path, "wb") as out:
        server = subprocess.Popen(
            [pv.planwiki_exe(), "serve", "--host", pv.HOST, "--port", str(port),
             "--workers", str(workers)],
            env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    pv.wait_ready(port, server, log_path, timeout=120)
    deadline = time.monotonic() + 120
    while len(workers_of(server.pid)) < workers and workers > 1:
        if time.monotonic() > deadline:
            raise pv.BenchError(f"not {workers} workers after 120 s\n" + pv.tail(log_path))
        time.sleep(0.2)
    return server, port, log_path


async def paced_views(
    port: int, paths: list[str], headers: dict[str, str], rps: float, clients: int, seconds: float
) -> soak.Window:
    """Page views OPEN LOOP: request i is due at start + i/rps, on ``clients`` keep-alive
    connections; latency counts from when it was due, so any queueing shows. This is what
    "p99 at 16 clients" means for people reading pages: 16 of them at a steady pace. A closed
    loop of 16 clients sending as fast as answers come back cannot have p99 under 10 ms at
    any throughput below 1,600 rps (Little's law: mean latency = clients / throughput)."""
    wires = [saves.get_wire(p, headers, port) for p in paths]
    return await soak.open_loop_gets(
        port, wires, kind="view", rps=rps, clients=clients, seconds=seconds
    )


def workers_of(pid: int) -> list[int]:
    found = []
    for child in pv.process_tree(pid)[1:]:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"spawn_main" in f.read():
                    found.append(child)
        except OSError:
            pass
    return found


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--requests", type=int, default=200_000, help="at most this many per row")
    ap.add_argument("--warmup-seconds", type=float, default=5)
    ap.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    ap.add_argument(
        "--paced-rps",
        type=float,
        default=0,
        help="open-loop rate for the p99 rows (default: half of --workers 1's rps)",
    )
    return ap.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    counts = [int(n) for n in args.workers.split(",")]
    tmp = tempfile.mkdtemp(prefix="planwiki-bench-workers-")
    env = dict(os.environ, PLANWIKI_DB=os.path.join(tmp, "planwiki.db"))
    pv.log(f"temp dir {tmp}")
    pv.run_cli(env, tmp, "migrate")
    pv.run_cli(env, tmp, "user", "add", pv.EMAIL, "--name", "Bench Owner", "--password-stdin",
               stdin=pv.PASSWORD)  # fmt: skip
    token = pv.run_cli(env, tmp, "token", "create", pv.EMAIL).strip().splitlines()[-1]

    server, port, _log = start(env, tmp, 1)
    try:
        api = pv.Session(port, bearer=token)
        pages = pv.seed_site(api, args.pages)
        api.close()
        web = pv.sign_in(port)
        pv.check_page_view(web, pages[0])
        cookie = web.cookie_header()
        web.close()
    finally:
        pv.stop_server(server)

    paths = [f"/s/{pv.SITE}/{p['section']}/{p['slug']}" for p in pages]
    headers = {"Cookie": cookie, "Accept": "text/html"}
    results: list[tuple[int, dict]] = []
    paced: list[tuple[int, float, soak.Window]] = []
    for count in counts:
        server, port, _log_path = start(env, tmp, count)
        try:
            pv.log(f"--workers {count}: warming up for {args.warmup_seconds:g} s ...")
            pv.measure(port, paths, headers, args.clients, args.requests,
                       args.warmup_seconds, seed=99)  # fmt: skip
            pv.log(f"--workers {count}: measuring {args.clients} clients ...")
            r = pv.measure(port, paths, headers, args.clients, args.requests, args.seconds, seed=1)
            results.append((count, r))
            pv.log(f"  {r['requests']} requests, {r['errors']} errors, {r['rps']:.0f} rps")
            rate = args.paced_rps or round(results[0][1]["rps"] / 2)
            pv.log(f"--workers {count}: {args.clients} clients at {rate:g} rps, open loop ...")
            paced.append(
                (
                    count,
                    rate,
                    asyncio.run(
                        paced_views(port, paths, headers, rate, args.clients, args.seconds)
                    ),
                )
            )
        finally:
            pv.stop_server(server)

    rows = [
        (str(n), str(r["clients"]), str(r["requests"]), str(r["errors"]), report.fmt(r["rps"], 0),
         report.fmt(r["p50_ms"], 2), report.fmt(r["p99_ms"], 2),
         f"{r['generator_cpu_pct']:.0f}%")
        for n, r in results
    ]  # fmt: skip
    by = dict(results)
    lines = [f"nproc {pv.nproc()}; {args.pages} pages; signed-in GET /s/{pv.SITE}/{{section}}/"
             f"{{page}}; {args.seconds:g} s a row after {args.warmup_seconds:g} s warm-up"]  # fmt: skip
    if 1 in by and 2 in by and by[1]["rps"]:
        ratio = by[2]["rps"] / by[1]["rps"]
        lines.append(f"--workers 2 / --workers 1: {ratio:.2f}x (target >= 1.70x): "
                     + ("met" if ratio >= 1.7 else "NOT met"))  # fmt: skip
    for n, r in results:
        lines.append(f"--workers {n}, closed loop, {r['clients']} clients: p99 {r['p99_ms']:.2f} ms"
                     f" = queueing (mean {1000 * r['clients'] / max(r['rps'], 1):.1f} ms by Little's law)")  # fmt: skip
    for n, rate, window in paced:
        q = window.quantiles()
        rows.append((str(n), f"{args.clients} @ {rate:g}/s", str(window.requests),
                     str(window.all_errors), report.fmt(window.requests / args.seconds, 0),
                     report.fmt(q["p50_ms"], 2), report.fmt(q["p99_ms"], 2), "-"))  # fmt: skip
        lines.append(f"--workers {n} p99, {args.clients} clients at {rate:g} rps open loop: "
                     f"{q['p99_ms']:.2f} ms (target < 10 ms): "
                     + ("met" if q["p99_ms"] < 10 else "NOT met"))  # fmt: skip
    report.print_table("planwiki page views by worker count", COLUMNS, rows, "\n".join(lines))
    shutil.rmtree(tmp, ignore_errors=True)
    failed = any(r["errors"] for _n, r in results) or any(w.all_errors for _n, _r, w in paced)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(parse_args(argv))
    except pv.BenchError as exc:
        pv.log(f"bench failed: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
