#!/usr/bin/env python3
"""What a signed-in page view costs against bare Starlette, in one run (issue #21).

    python bench/page_cost.py [--seconds 10] [--rounds 3] [--connections 16]

Starts, one after another on 127.0.0.1, each measured with ``wrk`` (one thread, keep-alive
connections; ``apt-get install wrk``):

- bare Starlette "hello" (``bench/bare_app.py``, uvicorn, one process): the ceiling;
- bare Starlette serving HTML Jinja drew once, a token filled in per request
  (``bench/bare_jinja_app.py``): what a kept page can cost at best;
- ``planwiki serve --demo`` with one worker, signed in as Rhys through the login form:
  his one-page profile (``/s/rhys-marsden/about-me/one-page-profile``) and the About me
  section (``/s/rhys-marsden/about-me``);
- the same profile page with ``--workers 2``.

Each row: ``--rounds`` runs of ``--seconds`` at ``--connections`` connections, the median
requests a second and median p99, then one run at 1 connection for its p50; the ratio is
the row's median against bare Starlette's in the same run. The server runs from this
checkout (``python -m main``), so ``PYTHONPATH`` picks the code measured. Prints the load
average beside the table: on a shared machine the numbers mean little.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import page_views as pv  # the bench folder's own modules: this script runs from it
import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OWNER = ("rhys.marsden@example.org", "pickle-timetable-42")
PROFILE = "/s/rhys-marsden/about-me/one-page-profile"
SECTION = "/s/rhys-marsden/about-me"
COLUMNS = ("page", "rps (median)", "p99 ms (median)", "1-conn p50 ms", "× bare", "HTML KB")


def wrk(port: int, path: str, *, connections: int, seconds: float, cookie: str = "") -> dict:
    """One wrk run: requests a second, p50 and p99 in ms, errors."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*cmd, f"http://{pv.HOST}:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None:
        raise pv.BenchError(f"wrk printed no rate:\n{out}")
    found = {"rps": float(rps.group(1))}
    for name, pct in (("p50", "50"), ("p99", "99")):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if m:
            scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            found[name] = float(m.group(1)) * scale
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    found["errors"] = (int(bad.group(1)) if bad else 0) + (1 if errors else 0)
    return found


def measure(port: int, path: str, args: argparse.Namespace, cookie: str = "") -> dict:
    wrk(port, path, connections=args.connections, seconds=2, cookie=cookie)  # warm up
    runs = [
        wrk(port, path, connections=args.connections, seconds=args.seconds, cookie=cookie)
        for _ in range(args.rounds)
    ]
    one = wrk(port, path, connections=1, seconds=max(3.0, args.seconds / 2), cookie=cookie)
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "rps_all": [r["rps"] for r in runs],
        "p99": statistics.median(r.get("p99", float("nan")) for r in runs),
        "p50_1": one.get("p50", float("nan")),
        "errors": sum(r["errors"] for r in runs) + one["errors"],
    }


def start(cmd: list[str], tmp: str, name: str, cwd: str) -> tuple[subprocess.Popen, int, str]:
    port = pv.free_port()
    log_path = os.path.join(tmp, f"{name}.log")
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port)], cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return proc, port, log_path


def bare(tmp: str, module: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, "-m", "uvicorn", f"{module}:app", "--host", pv.HOST,
           "--log-level", "warning", "--no-access-log", "--loop", "uvloop", "--http", "httptools"]  # fmt: skip
    proc, port, log_path = start(cmd, tmp, module, HERE)
    try:
        _wait_port(port, proc, log_path)
        return measure(port, "/s/bench/page", args)
    finally:
        pv.stop_server(proc)


def _wait_port(port: int, proc: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise pv.BenchError("server exited\n" + pv.tail(log_path))
        try:
            pv.Session(port, timeout=2).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise pv.BenchError("server not ready\n" + pv.tail(log_path))


def sign_in(port: int) -> pv.Session:
    web = pv.Session(port)
    _s, _h, page = web.request("GET", "/login")
    inputs = pv._HiddenInputs()
    inputs.feed(page.decode())
    origin = f"http://{pv.HOST}:{port}"
    form = {"email": OWNER[0], "password": OWNER[1], "csrftoken": inputs.values["csrftoken"]}
    status, _h, body = web.request(
        "POST", "/login", form=form, headers={"Origin": origin, "Referer": origin + "/login"}
    )
    if status >= 400:
        raise pv.BenchError(f"sign-in answered {status}: {body[:200]!r}")
    return web


def planwiki(tmp: str, workers: int, args: argparse.Namespace) -> dict[str, dict]:
    db = os.path.join(tmp, f"demo-{workers}.db")
    cmd = [sys.executable, "-m", "main", "serve", "--demo", "--db", db, "--host", pv.HOST,
           "--workers", str(workers)]  # fmt: skip
    proc, port, log_path = start(cmd, tmp, f"planwiki-{workers}", ROOT)
    try:
        pv.wait_ready(port, proc, log_path, timeout=120)
        web = sign_in(port)
        sizes = {}
        for path in (PROFILE, SECTION):
            status, _h, body = web.request("GET", path)
            if status != 200 or b"Rhys" not in body:
                raise pv.BenchError(f"GET {path} answered {status} (signed in?)")
            sizes[path] = len(body) / 1024
        cookie = web.cookie_header()
        web.close()
        paths = (PROFILE, SECTION) if workers == 1 else (PROFILE,)
        results = {}
        for path in paths:
            pv.log(f"measuring {path} with {workers} worker(s) ...")
            results[path] = measure(port, path, args, cookie) | {"kb": sizes[path]}
        return results
    finally:
        pv.stop_server(proc)


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise pv.BenchError("wrk is not installed (apt-get install wrk)")
    tmp = tempfile.mkdtemp(prefix="planwiki-cost-")
    load_before = os.getloadavg()
    try:
        pv.log("measuring bare Starlette ...")
        hello = bare(tmp, "bare_app", args)
        pv.log("measuring bare Starlette + Jinja, cached HTML ...")
        cached = bare(tmp, "bare_jinja_app", args)
        one = planwiki(tmp, 1, args)
        two = planwiki(tmp, 2, args)
    finally:
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
    rows = []

    def row(name: str, r: dict) -> None:
        rows.append((name, report.fmt(r["rps"], 0), report.fmt(r["p99"], 2),
                     report.fmt(r["p50_1"], 2), report.fmt(r["rps"] / hello["rps"], 3),
                     report.fmt(r.get("kb"), 1)))  # fmt: skip

    row("bare Starlette hello", hello)
    row("bare Starlette + Jinja, cached HTML", cached)
    row("one-page profile, 1 worker", one[PROFILE])
    row("About me section, 1 worker", one[SECTION])
    row("one-page profile, 2 workers", two[PROFILE])
    scaling = two[PROFILE]["rps"] / one[PROFILE]["rps"]
    load_after = os.getloadavg()
    footer = (
        f"wrk -t1 -c{args.connections}, {args.rounds} rounds of {args.seconds:g} s, medians;"
        f" 1-conn p50 from one run at 1 connection. 2 workers / 1 worker: {scaling:.2f}x.\n"
        f"rounds (rps): " + "; ".join(
            f"{n} {', '.join(f'{x:.0f}' for x in r['rps_all'])}"
            for n, r in (("bare", hello), ("cached", cached), ("profile", one[PROFILE]),
                         ("section", one[SECTION]), ("profile 2w", two[PROFILE]))
        ) + "\n"
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after"
        f" {load_after[0]:.2f} {load_after[1]:.2f} (nproc {pv.nproc()})"
    )  # fmt: skip
    report.print_table(
        "A signed-in page view against bare Starlette (issue #21)", COLUMNS, rows, footer
    )
    errors = sum(r["errors"] for r in (hello, cached, *one.values(), *two.values()))
    if errors:
        print(f"{errors} errors (non-2xx answers or socket errors)")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args(argv)
    try:
        return run(args)
    except pv.BenchError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    raise SystemExit(main())
