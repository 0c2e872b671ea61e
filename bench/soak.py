#!/usr/bin/env python3
"""A soak at half the measured capacity: no errors, memory flat (issue #8).

    python bench/soak.py [--minutes 10] [--rps N | --capacity-seconds 10] [--clients 8]
                         [--pages 200] [--row-seconds 60] [--synchronous FULL|NORMAL]

Fresh database and ``planwiki serve`` (set up as in bench/saves.py), ~200 seeded pages
(some saved twice, so diffs have two revisions), a sign-in through the login form. Without
``--rps`` the capacity is measured first: ``--clients`` keep-alive connections in a closed
loop on the mixed workload for ``--capacity-seconds``; the soak then runs at half of it.

The soak is OPEN-LOOP: request i is due at start + i/rate whatever happened before, it waits
in a queue for one of the ``--clients`` connections, and its latency runs from the time it
was due, so queueing shows in the percentiles (no coordinated omission). At most
``--max-outstanding`` requests may be queued or in flight; one that is due beyond that is
not sent and counts as an error ("dropped").

Mixed workload (weights in MIX): signed-in HTML page views 70%, bearer API page reads 10%,
history pages 5%, diffs between revisions 1 and 2 5%, site search 5%, API saves 5% (each
writer on its own page, base_revision taken from the previous answer). Every non-200
answer (non-2xx for saves), every connection failure, every dropped request and every
server-log line that looks like an error (traceback, "ERROR", "database is locked") is an
error.

A row every ``--row-seconds`` (default 60; a quarter of the run when the run is shorter
than three rows): requests completed in that window, errors, achieved rps, p50/p99/max,
requests outstanding, server RSS (VmRSS), its open file descriptors, DB and WAL file sizes.

Memory rule: "memory flat" when RSS grew less than 10% from the first row to the last
AND the least-squares slope of RSS over the last 5 minutes (or over the whole run, if it
is shorter) is under 1 MB/min. Exits 1 on any error; the memory verdict is printed, and
is part of the exit status only with ``--require-flat-memory``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import page_views as pv  # noqa: E402
import report  # noqa: E402
import saves  # noqa: E402

SITE = pv.SITE
log = pv.log
BenchError = pv.BenchError

# kind -> weight (out of 100)
MIX = {"view": 70, "api": 10, "history": 5, "diff": 5, "search": 5, "save": 5}
QUERIES = ["support", "music", "budget", "Amira", "swimming", "travel", "confidence", "calm"]
QUERIES += ["morning routine", "personal assistant", "college", "speech therapy"]


# ---------------------------------------------------------------- scheduling


def scheduled_at(t0_ns: int, rate: float, i: int) -> int:
    """When request i (from 0) is due on a fixed timetable of ``rate`` per second."""
    return t0_ns + round(i * 1e9 / rate)


def arrivals(rate: float, seconds: float) -> int:
    """How many requests a timetable of ``rate``/s puts in ``seconds`` (those due before the end)."""
    return max(0, math.ceil(rate * seconds - 1e-9))


def weighted_kinds(mix: dict[str, int]) -> list[str]:
    """A table to draw kinds from: each kind repeated by its weight."""
    return [k for k, w in mix.items() for _ in range(w)]


@dataclass
class Job:
    index: int
    kind: str
    scheduled_ns: int
    wire: bytes | None = None


@dataclass
class Window:
    """What the requests completed in one window (or the whole run) gave."""

    started_ns: int = 0
    latencies_ns: list[int] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    dropped: int = 0
    details: Counter = field(default_factory=Counter)  # "view 200", "save IncompleteReadError"

    def add(self, kind: str, latency_ns: int, ok: bool, detail: str) -> None:
        self.requests += 1
        self.latencies_ns.append(latency_ns)
        self.details[f"{kind} {detail}"] += 1
        if not ok:
            self.errors += 1

    def drop(self, kind: str) -> None:
        self.dropped += 1
        self.details[f"{kind} dropped"] += 1

    def quantiles(self) -> dict[str, float]:
        return saves.latency_summary(self.latencies_ns)

    @property
    def all_errors(self) -> int:
        return self.errors + self.dropped


class Stats:
    """A tally per row window, one for the whole run, and one per request kind."""

    def __init__(self, clock: Callable[[], int] = time.perf_counter_ns) -> None:
        self.clock = clock
        self.window = Window(started_ns=clock())
        self.total = Window(started_ns=self.window.started_ns)
        self.kinds: dict[str, Window] = {}
        self.error_samples: list[str] = []

    def record(self, kind: str, latency_ns: int, ok: bool, detail: str, note: str = "") -> None:
        for w in (self.window, self.total, self.kinds.setdefault(kind, Window())):
            w.add(kind, latency_ns, ok, detail)
        if not ok and len(self.error_samples) < 20:
            self.error_samples.append(f"{kind} {detail} {note}".strip())

    def drop(self, kind: str) -> None:
        for w in (self.window, self.total, self.kinds.setdefault(kind, Window())):
            w.drop(kind)

    def rotate(self) -> Window:
        old, self.window = self.window, Window(started_ns=self.clock())
        return old


Perform = Callable[[int, Job], Awaitable[tuple[bool, str]]]


class OpenLoop:
    """Requests due on a fixed timetable, served by ``workers`` in the order they fell due.

    ``make_job(i, due_ns)`` builds request i; ``perform(worker, job)`` sends it and says
    (ok, detail). Latency is measured from the time the request was due. A request due
    while ``max_outstanding`` are queued or in flight is dropped (counted, not sent).
    """

    def __init__(
        self,
        rate: float,
        seconds: float,
        workers: int,
        make_job: Callable[[int, int], Job],
        perform: Perform,
        stats: Stats,
        max_outstanding: int,
        clock: Callable[[], int] = time.perf_counter_ns,
        drain_timeout: float = 60.0,
    ) -> None:
        if rate <= 0 or workers < 1 or max_outstanding < 1:
            raise ValueError("need rate > 0, workers >= 1, max_outstanding >= 1")
        self.rate, self.seconds, self.workers = rate, seconds, workers
        self.make_job, self.perform, self.stats = make_job, perform, stats
        self.max_outstanding, self.clock, self.drain_timeout = max_outstanding, clock, drain_timeout
        self.outstanding = 0
        self.scheduled = 0
        self.t0_ns = 0
        self.end_ns = 0

    async def _worker(self, w: int, queue: asyncio.Queue) -> None:
        while True:
            job = await queue.get()
            if job is None:
                return
            try:
                ok, detail = await self.perform(w, job)
            except saves.FAILURES as exc:
                ok, detail = False, type(exc).__name__
            self.stats.record(job.kind, self.clock() - job.scheduled_ns, ok, detail)
            self.outstanding -= 1

    async def run(self, t0_ns: int | None = None) -> float:
        """Run the timetable, then wait for what is outstanding; returns the seconds taken."""
        queue: asyncio.Queue = asyncio.Queue()
        tasks = [asyncio.create_task(self._worker(w, queue)) for w in range(self.workers)]
        self.t0_ns = self.clock() if t0_ns is None else t0_ns
        self.end_ns = self.t0_ns + round(self.seconds * 1e9)
        i = 0
        try:
            while True:
                due = scheduled_at(self.t0_ns, self.rate, i)
                if due >= self.end_ns:
                    break
                now = self.clock()
                if due > now:
                    await asyncio.sleep((due - now) / 1e9)
                    continue
                job = self.make_job(i, due)
                if self.outstanding >= self.max_outstanding:
                    self.stats.drop(job.kind)
                else:
                    self.outstanding += 1
                    queue.put_nowait(job)
                i += 1
            self.scheduled = i
            # the timetable runs to its end, not to its last arrival
            await asyncio.sleep(max(0.0, (self.end_ns - self.clock()) / 1e9))
            for _ in tasks:
                queue.put_nowait(None)
            try:
                await asyncio.wait_for(asyncio.gather(*tasks), self.drain_timeout)
            except TimeoutError:  # still unanswered after the drain timeout: errors
                for _ in range(self.outstanding):
                    self.stats.drop("unanswered")
        finally:
            for t in tasks:
                t.cancel()
        return (self.clock() - self.t0_ns) / 1e9


async def open_loop_gets(
    port: int, wires: Sequence[bytes], *, kind: str, rps: float, clients: int, seconds: float
) -> Window:
    """GETs OPEN LOOP: request i is due at start + i/rps, on ``clients`` keep-alive
    connections, each one of ``wires`` at random; latency counts from when it was due, so a
    stall counts for every request it held up. A 200 is fine, anything else an error."""
    rng = random.Random(7)
    conns = [saves.Conn(saves.HOST, port, 120) for _ in range(clients)]
    stats = Stats()

    def make_job(i: int, due: int) -> Job:
        return Job(i, kind, due, rng.choice(wires))

    async def perform(w: int, job: Job) -> tuple[bool, str]:
        assert job.wire is not None
        status, _h, _body = await conns[w].request(job.wire)
        return status == 200, str(status)

    loop = OpenLoop(rps, seconds, clients, make_job, perform, stats, max(50, round(rps * 30)),
                    drain_timeout=180)  # fmt: skip
    try:
        await loop.run()
    finally:
        for c in conns:
            c.close()
    return stats.total


async def closed_loop(
    seconds: float,
    workers: int,
    make_job: Callable[[int, int], Job],
    perform: Perform,
    stats: Stats,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> float:
    """Each worker sends its next request as soon as the last one is answered."""
    end = clock() + round(seconds * 1e9)
    counter = 0
    t0 = clock()

    async def worker(w: int) -> None:
        nonlocal counter
        while clock() < end:
            counter += 1
            job = make_job(counter, clock())
            try:
                ok, detail = await perform(w, job)
            except saves.FAILURES as exc:
                ok, detail = False, type(exc).__name__
            stats.record(job.kind, clock() - job.scheduled_ns, ok, detail)

    await asyncio.gather(*(worker(w) for w in range(workers)))
    return (clock() - t0) / 1e9


# ---------------------------------------------------------------- memory verdict


def slope_per_min(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (minute, MB) points, in MB per minute (0 for < 2 points)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def memory_verdict(
    points: Sequence[tuple[float, float]],
    *,
    last_minutes: float = 5.0,
    max_growth_pct: float = 10.0,
    max_slope: float = 1.0,
) -> tuple[bool, str]:
    """(flat?, one line) for RSS samples as (minute at the end of the row, MB)."""
    pts = [(x, y) for x, y in points if y is not None and not math.isnan(y)]
    if not pts:
        return False, "memory: no RSS samples"
    first, last = pts[0][1], pts[-1][1]
    growth = last - first
    pct = 100.0 * growth / first if first else math.inf
    t_end = pts[-1][0]
    recent = [p for p in pts if p[0] >= t_end - last_minutes]
    if len(recent) < 2:
        recent = pts
    slope = slope_per_min(recent)
    span = recent[-1][0] - recent[0][0]
    flat = pct < max_growth_pct and slope < max_slope
    text = (
        f"RSS {first:.0f} MB in the first row, {last:.0f} MB in the last: "
        f"{growth:+.1f} MB ({pct:+.1f}%); slope over the last {span:.1f} min "
        f"{slope:+.2f} MB/min -> {'memory flat' if flat else 'memory NOT flat'} "
        f"(rule: growth < {max_growth_pct:g}% and slope over the last {last_minutes:g} min "
        f"< {max_slope:g} MB/min)"
    )
    return flat, text


# ---------------------------------------------------------------- the workload


@dataclass
class Writer:
    key: tuple[str, str]
    revision: int | None
    index: int
    pool: list[str]
    saves: int = 0


class Workload:
    """The mixed requests: prebuilt GETs, and saves by writers that each own a page."""

    def __init__(
        self,
        port: int,
        cookie: str,
        token: str,
        pages: Sequence[dict],
        diff_pages: Sequence[dict],
        writers: Sequence[Writer],
        clients: int,
        seed: int = 7,
        timeout: float = 30.0,
    ) -> None:
        self.port, self.token = port, token
        html = {"Cookie": cookie, "Accept": "text/html"}
        bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

        def wires(paths: list[str], headers: dict) -> list[tuple[str, bytes]]:
            return [(p, saves.get_wire(p, headers, port)) for p in paths]

        self.gets: dict[str, list[tuple[str, bytes]]] = {
            "view": wires([f"/s/{SITE}/{p['section']}/{p['slug']}" for p in pages], html),
            "api": wires([saves.page_path(p["section"], p["slug"]) for p in pages], bearer),
            "history": wires(
                [f"/s/{SITE}/{p['section']}/{p['slug']}/history" for p in pages], html
            ),
            "diff": wires(
                [f"/s/{SITE}/{p['section']}/{p['slug']}/diff?from=1&to=2" for p in diff_pages],
                html,
            ),
            "search": wires([f"/s/{SITE}/search?q={q.replace(' ', '+')}" for q in QUERIES], html),
        }
        self.writers = list(writers)
        self.free: asyncio.Queue | None = None
        self.conns = [saves.Conn(saves.HOST, port, timeout) for _ in range(clients)]
        self.rng = random.Random(seed)
        self.table = weighted_kinds(MIX)
        self.last_error = ""

    def start(self) -> None:
        """Call inside the running event loop before sending saves."""
        self.free = asyncio.Queue()
        for w in self.writers:
            self.free.put_nowait(w)

    def close(self) -> None:
        for c in self.conns:
            c.close()

    def make_job(self, i: int, due_ns: int) -> Job:
        kind = self.rng.choice(self.table)
        if kind == "save":
            return Job(i, kind, due_ns)
        options = self.gets[kind]
        return Job(i, kind, due_ns, options[self.rng.randrange(len(options))][1])

    def job_of(self, kind: str, n: int = 0) -> Job:
        """The n-th request of one kind, due now (for the checks before the run)."""
        if kind == "save":
            return Job(0, kind, time.perf_counter_ns())
        options = self.gets[kind]
        return Job(0, kind, time.perf_counter_ns(), options[n % len(options)][1])

    async def perform(self, w: int, job: Job) -> tuple[bool, str]:
        conn = self.conns[w % len(self.conns)]
        if job.kind != "save":
            status, _h, body = await conn.request(job.wire)
            ok = status == 200 and saves.LOCKED.encode() not in body
            if not ok:
                self.last_error = f"{job.kind} {status}: {body[:200]!r}"
            return ok, str(status)
        assert self.free is not None, "Workload.start() first"
        writer = await self.free.get()
        try:
            writer.saves += 1
            payload = {
                "body": saves.save_text(writer.pool, writer.index, writer.saves),
                "base_revision": writer.revision,
                "summary": f"soak save {writer.saves}",
            }
            wire = saves.put_wire(saves.page_path(*writer.key), self.token, payload, self.port)
            status, _h, body = await conn.request(wire)
            rev = saves.answered_revision(status, body)
            if rev is not None:
                writer.revision = rev
            ok = 200 <= status < 300 and saves.LOCKED.encode() not in body
            if not ok:
                self.last_error = f"save {status}: {body[:200]!r}"
            return ok, str(status)
        finally:
            self.free.put_nowait(writer)


# ---------------------------------------------------------------- rows


@dataclass
class Row:
    minute: float  # the end of the window, in minutes from the start of the soak
    seconds: float
    window: Window
    outstanding: int
    rss_kb: int | None
    fds: int | None
    db_bytes: int
    wal_bytes: int
    log_problems: int

    @property
    def errors(self) -> int:
        return self.window.all_errors + self.log_problems

    @property
    def rps(self) -> float:
        return self.window.requests / self.seconds if self.seconds > 0 else math.nan

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024 if self.rss_kb else math.nan

    def cells(self, minute_digits: int) -> tuple[str, ...]:
        q = self.window.quantiles()
        return (
            f"{self.minute:.{minute_digits}f}",
            str(self.window.requests),
            str(self.errors),
            report.fmt(self.rps, 1),
            report.fmt(q["p50_ms"], 2),
            report.fmt(q["p99_ms"], 2),
            report.fmt(q["max_ms"], 1),
            str(self.outstanding),
            report.fmt(self.rss_mb, 1),
            str(self.fds) if self.fds is not None else "-",
            f"{self.db_bytes / 1e6:.1f}",
            f"{self.wal_bytes / 1e6:.1f}",
        )


COLUMNS = (
    "minute",
    "requests",
    "errors",
    "rps",
    "p50 ms",
    "p99 ms",
    "max ms",
    "outstanding",
    "RSS MB",
    "fds",
    "DB MB",
    "WAL MB",
)
KIND_COLUMNS = ("kind", "requests", "errors", "share", "p50 ms", "p99 ms", "max ms")


class Sampler:
    """Server-side numbers for a row: RSS, file descriptors, DB size, new log trouble."""

    def __init__(self, server: saves.Server) -> None:
        self.server = server
        self.offset = os.path.getsize(server.log_path)
        self.problems: list[str] = []

    def log_problems(self) -> int:
        text, self.offset = saves.log_since(self.server.log_path, self.offset)
        found = saves.problem_lines(text)
        self.problems += found
        return len(found)

    def row(self, minute: float, seconds: float, window: Window, outstanding: int) -> Row:
        pid = self.server.pid
        return Row(
            minute,
            seconds,
            window,
            outstanding,
            saves.tree_kb(pid, "VmRSS"),
            saves.open_fds(pid),
            file_bytes(self.server.db),
            file_bytes(self.server.db + "-wal"),
            self.log_problems(),
        )


def file_bytes(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def row_seconds(total_s: float, wanted: float) -> float:
    """``wanted`` seconds per row, or a quarter of the run when it would give fewer than 3."""
    if total_s < 3 * wanted:
        return max(total_s / 4, 0.5)
    return wanted


async def soak_phase(
    wl: Workload,
    stats: Stats,
    sampler: Sampler,
    server: saves.Server,
    rate: float,
    seconds: float,
    row_s: float,
    max_outstanding: int,
) -> tuple[list[Row], OpenLoop, float]:
    loop = OpenLoop(rate, seconds, len(wl.conns), wl.make_job, wl.perform, stats, max_outstanding)
    t0 = time.perf_counter_ns()
    stats.rotate()
    task = asyncio.create_task(loop.run(t0))
    rows: list[Row] = []
    k = 1
    last = t0
    digits = 0 if row_s >= 60 and row_s % 60 == 0 else 2
    while True:
        boundary = t0 + round(k * row_s * 1e9)
        if boundary >= t0 + round(seconds * 1e9):
            break
        delay = (boundary - time.perf_counter_ns()) / 1e9
        done, _ = await asyncio.wait({task}, timeout=max(0.0, delay))
        if done:
            break
        now = time.perf_counter_ns()
        row = sampler.row((now - t0) / 6e10, (now - last) / 1e9, stats.rotate(), loop.outstanding)
        last = now
        rows.append(row)
        log_row(row, digits)
        if not server.alive():
            log(f"the server exited ({server.proc.returncode}); stopping")
            break
        k += 1
    elapsed = await task
    now = time.perf_counter_ns()
    window = stats.rotate()
    await asyncio.sleep(0.2)  # let the server finish writing its log
    row = sampler.row((now - t0) / 6e10, (now - last) / 1e9, window, loop.outstanding)
    rows.append(row)
    log_row(row, digits)
    return rows, loop, elapsed


def log_row(row: Row, digits: int) -> None:
    c = row.cells(digits)
    log("  " + "  ".join(f"{name} {value}" for name, value in zip(COLUMNS, c, strict=True)))


# ---------------------------------------------------------------- set-up


def seed(server: saves.Server, n_pages: int, clients: int) -> tuple[list, list, list]:
    """Seeded pages, the pages with a second revision (for diffs), the writers' pages."""
    api = pv.Session(server.port, bearer=server.tokens[0])
    pages = pv.seed_site(api, n_pages)
    rng = random.Random(3)
    diff_pages = pages[: min(40, len(pages))]
    for p in diff_pages:  # a second revision, so that diff?from=1&to=2 has two sides
        body = p["body"].replace(".", "!", 3) + "\n" + pv._paragraph(rng) + "\n"
        got = api.json(
            "PUT",
            saves.page_path(p["section"], p["slug"]),
            {"body": body, "base_revision": 1, "summary": "second revision"},
            expect=(200,),
        )
        if got.get("revision") != 2:
            raise BenchError(f"the second save of {p['slug']} gave revision {got.get('revision')}")
    writers = []
    section = pages[0]["section"]
    for i in range(clients):
        slug = f"soak-writer-{i + 1}"
        pool = saves.body_pool(100 + i)
        got = api.json(
            "PUT",
            saves.page_path(section, slug),
            {"body": pool[0], "base_revision": None, "summary": "writer page", "title": slug},
        )
        writers.append(Writer((section, slug), int(got["revision"]), 100 + i, pool))
    api.close()
    log(f"  {len(diff_pages)} pages saved twice for diffs; {len(writers)} writer pages")
    return pages, diff_pages, writers


async def check_each_kind(wl: Workload) -> None:
    """One request of every kind must answer 200 before anything is measured."""
    for kind in MIX:
        for n in range(2 if kind != "save" else 1):
            job = wl.job_of(kind, n)
            ok, _detail = await wl.perform(0, job)
            if not ok:
                raise BenchError(f"the check request for {kind!r} failed: {wl.last_error}")
    log(f"check: one request of each kind ({', '.join(MIX)}) answered 200")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Soak a fresh `planwiki serve` at half its measured capacity, open loop."
    )
    ap.add_argument("--minutes", type=float, default=10, help="length of the soak (default 10)")
    rate = ap.add_mutually_exclusive_group()
    rate.add_argument("--rps", type=float, help="arrival rate; without it, half the capacity")
    rate.add_argument(
        "--capacity-seconds",
        type=float,
        default=10,
        help="closed-loop capacity run before the soak (default 10 s)",
    )
    ap.add_argument("--clients", type=int, default=8, help="keep-alive connections (default 8)")
    ap.add_argument("--pages", type=int, default=200, help="pages to seed (default 200)")
    ap.add_argument(
        "--row-seconds", type=float, default=60, help="seconds per table row (default 60)"
    )
    ap.add_argument(
        "--max-outstanding",
        type=int,
        default=None,
        help="requests queued or in flight before new ones are dropped (default: 5 s of "
        "arrivals, at least 50)",
    )
    ap.add_argument(
        "--synchronous",
        type=str.upper,
        choices=["FULL", "NORMAL"],
        default=None,
        help="PLANWIKI_SYNCHRONOUS for the server (default: $PLANWIKI_SYNCHRONOUS, else FULL)",
    )
    ap.add_argument(
        "--require-flat-memory",
        action="store_true",
        help="exit 1 also when the memory verdict is not 'memory flat'",
    )
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir and server.log")
    args = ap.parse_args(argv)
    if args.minutes <= 0 or args.clients < 1 or args.pages < 2 or args.row_seconds <= 0:
        ap.error("--minutes and --row-seconds must be > 0, --clients >= 1, --pages >= 2")
    if args.rps is not None and args.rps <= 0:
        ap.error("--rps must be > 0")
    if args.rps is None and args.capacity_seconds <= 0:
        ap.error("--capacity-seconds must be > 0")
    return args


@dataclass
class Outcome:
    capacity: Stats | None = None
    capacity_rps: float | None = None
    capacity_s: float = 0.0
    rate: float = 0.0
    rows: list[Row] = field(default_factory=list)
    stats: Stats | None = None
    scheduled: int = 0
    elapsed_s: float = 0.0
    generator_cpu_pct: float = math.nan
    max_outstanding: int = 0
    capacity_log_problems: int = 0
    log_problems: list[str] = field(default_factory=list)


async def drive(args: argparse.Namespace, server: saves.Server, wl: Workload) -> Outcome:
    out = Outcome()
    wl.start()
    try:
        await check_each_kind(wl)
        sampler = Sampler(server)
        if args.rps is None:
            log(
                f"measuring capacity: {args.clients} connections, closed loop, "
                f"{args.capacity_seconds:g} s ..."
            )
            out.capacity = Stats()
            out.capacity_s = await closed_loop(
                args.capacity_seconds, len(wl.conns), wl.make_job, wl.perform, out.capacity
            )
            ok = out.capacity.total.requests - out.capacity.total.errors
            out.capacity_rps = ok / out.capacity_s
            out.rate = max(1.0, out.capacity_rps / 2)
            q = out.capacity.total.quantiles()
            log(
                f"  capacity {out.capacity_rps:.0f} rps (p50 {q['p50_ms']:.1f} ms, p99 "
                f"{q['p99_ms']:.1f} ms, {out.capacity.total.errors} errors); soaking at "
                f"{out.rate:.1f} rps"
            )
            out.capacity_log_problems = sampler.log_problems()
        else:
            out.rate = args.rps
        out.max_outstanding = args.max_outstanding or max(50, round(out.rate * 5))
        seconds = args.minutes * 60
        row_s = row_seconds(seconds, args.row_seconds)
        log(
            f"soak: {out.rate:.1f} rps open loop for {seconds:g} s, {args.clients} connections, "
            f"a row every {row_s:g} s, at most {out.max_outstanding} outstanding"
        )
        out.stats = Stats()
        cpu0 = time.process_time()
        out.rows, loop, out.elapsed_s = await soak_phase(
            wl, out.stats, sampler, server, out.rate, seconds, row_s, out.max_outstanding
        )
        out.generator_cpu_pct = 100 * (time.process_time() - cpu0) / out.elapsed_s
        out.scheduled = loop.scheduled
        out.log_problems = sampler.problems
    finally:
        wl.close()
    return out


def run(args: argparse.Namespace) -> int:
    server = saves.start_server("planwiki-soak-", tokens=1, synchronous=args.synchronous)
    ok = False
    try:
        rss_ready = saves.tree_kb(server.pid, "VmRSS")
        pages, diff_pages, writers = seed(server, args.pages, args.clients)
        web = pv.sign_in(server.port)
        pv.check_page_view(web, pages[0])
        cookie = web.cookie_header()
        web.close()
        wl = Workload(
            server.port, cookie, server.tokens[0], pages, diff_pages, writers, args.clients
        )
        out = asyncio.run(drive(args, server, wl))
        died = not server.alive()
        hwm = None if died else pv.vm_hwm_kb(server.pid)
        ok = True
    finally:
        server.stop()
        if not ok:
            log(f"(temp dir kept: {server.tmp})")

    assert out.stats is not None
    digits = 0 if all(abs(r.minute - round(r.minute)) < 0.02 for r in out.rows) else 2
    total = out.stats.total
    tq = total.quantiles()
    log_trouble = sum(r.log_problems for r in out.rows)
    errors = total.all_errors + log_trouble
    cap_errors = (out.capacity.total.all_errors if out.capacity else 0) + out.capacity_log_problems
    points = [(r.minute, r.rss_mb) for r in out.rows]
    flat, memory_line = memory_verdict(points)
    footer = [
        f"open loop at {out.rate:.1f} rps"
        + (
            f" (half of the measured capacity {out.capacity_rps:.0f} rps: {args.clients} "
            f"connections, closed loop, {out.capacity_s:.0f} s, {cap_errors} errors)"
            if out.capacity_rps
            else " (--rps)"
        )
        + f"; {out.scheduled} requests due, {total.requests} answered, {total.dropped} dropped, "
        f"{args.clients} connections, at most {out.max_outstanding} outstanding; latency from "
        f"the time each request was due",
        f"whole soak: {total.requests / out.elapsed_s:.1f} rps achieved, p50 "
        f"{tq['p50_ms']:.2f} ms, p99 {tq['p99_ms']:.2f} ms, max {tq['max_ms']:.1f} ms; "
        f"the load generator used {out.generator_cpu_pct:.0f}% of a core",
        f"mix: {', '.join(f'{k} {w}%' for k, w in MIX.items())}; {args.pages} pages; "
        f"{len(writers)} writers, each on its own page",
        f"server RSS {report.fmt(rss_ready / 1024 if rss_ready else None, 0)} MB when ready, "
        f"peak {report.fmt(hwm / 1024 if hwm else None, 0)} MB (VmHWM) · nproc {pv.nproc()} · "
        f"PLANWIKI_SYNCHRONOUS={server.synchronous} (from {server.synchronous_from})",
    ]
    report.print_table(
        "planwiki soak", COLUMNS, [r.cells(digits) for r in out.rows], "\n".join(footer)
    )
    kind_rows = []
    for kind in MIX:
        w = out.stats.kinds.get(kind, Window())
        q = w.quantiles()
        kind_rows.append(
            (
                kind,
                str(w.requests),
                str(w.all_errors),
                f"{100 * w.requests / max(1, total.requests):.0f}%",
                report.fmt(q["p50_ms"], 2),
                report.fmt(q["p99_ms"], 2),
                report.fmt(q["max_ms"], 1),
            )
        )
    report.print_table("soak requests by kind", KIND_COLUMNS, kind_rows, "")
    for line in out.stats.error_samples:
        print(f"error: {line}")
    for line in out.log_problems[:10]:
        print(f"server log: {line}")
    if total.details and errors:
        bad = {k: v for k, v in total.details.items() if not k.endswith((" 200", " 201"))}
        print(f"non-200 outcomes: {bad}")
    print(
        f"verdict: {errors} errors in the soak ({total.errors} bad answers, {total.dropped} "
        f"dropped, {log_trouble} server-log lines)"
        + (f", {cap_errors} in the capacity run" if out.capacity else "")
        + f"; {memory_line}"
    )
    if died:
        print(f"the server exited ({server.proc.returncode}) during the soak")
        print(pv.tail(server.log_path))
    failed = died or errors or cap_errors or (args.require_flat_memory and not flat)
    if args.keep_temp or failed:
        log(f"kept {server.tmp}")
    else:
        shutil.rmtree(server.tmp, ignore_errors=True)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        log(f"bench failed: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
