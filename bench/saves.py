#!/usr/bin/env python3
"""Saves per second for planwiki: the real CLI, the real server, real HTTP (issue #8).

    python bench/saves.py [--editors 1,4,16] [--seconds 15] [--pages-per-editor 5]
                          [--synchronous FULL|NORMAL] [--tokens per-editor|shared]
                          [--same-page-editors N]

Creates a fresh database in a temp dir, one account (the site owner) and API tokens with
the ``planwiki`` console script, starts ``planwiki serve`` on a free 127.0.0.1 port and
seeds one site through the JSON API. Then, for each editor count N, N concurrent
keep-alive clients each save their own pages in a loop for ``--seconds``:
``PUT /api/v1/sites/bench/pages/{section}/{page}`` with a 1–4 KB markdown body that
changes on every save and the ``base_revision`` the previous answer gave. A last row has
all editors saving the SAME page (each keeps its own idea of the base revision and, on a
409, takes the current revision from the answer and saves again): there 409s are expected.

Every non-2xx answer is an error (409 too, except in the same-page row); "locked" counts
answers and server-log lines that contain "database is locked". Prints one table; exits 1
on any 5xx, any "locked", any connection failure, or any error in the own-pages rows.

Targets (issue #8): >= 500 saves/s with 4 editors, save p99 < 50 ms, and no
"database is locked" at 16 editors.

The writers run on raw asyncio streams in this process (``build_request`` and
``read_response`` from bench/loadgen.py); the log line per row says how much of a core
they used. Also imported by bench/soak.py for the server set-up and the HTTP connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import page_views as pv  # noqa: E402
import report  # noqa: E402
from loadgen import ProtocolError, build_request, percentile, read_response  # noqa: E402

HOST = pv.HOST
SITE = pv.SITE
LOCKED = "database is locked"
BenchError = pv.BenchError
log = pv.log

# What a broken connection or garbled answer raises (as in loadgen.run_load).
FAILURES = (
    TimeoutError,
    OSError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    ProtocolError,
    ValueError,
)


# ---------------------------------------------------------------- server


@dataclass
class Server:
    """A fresh database and a running ``planwiki serve`` on it."""

    tmp: str
    db: str
    env: dict
    port: int
    log_path: str
    proc: subprocess.Popen
    tokens: list[str]
    synchronous: str
    synchronous_from: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def check_alive(self) -> None:
        if not self.alive():
            raise BenchError(
                f"the server exited ({self.proc.returncode}) during the run\n"
                + pv.tail(self.log_path)
            )

    def stop(self) -> None:
        pv.stop_server(self.proc)


def choose_synchronous(option: str | None) -> tuple[str, str]:
    """The PLANWIKI_SYNCHRONOUS the server gets, and where that came from."""
    if option:
        return option.upper(), "--synchronous"
    env = os.environ.get("PLANWIKI_SYNCHRONOUS")
    if env:
        return env.upper(), "PLANWIKI_SYNCHRONOUS"
    return "FULL", "the app's default"


def start_server(
    prefix: str,
    *,
    tokens: int = 1,
    synchronous: str | None = None,
    token_name: str = "bench",
    workers: int = 1,
) -> Server:
    """Temp dir, migrate, owner account, ``tokens`` API tokens, ``planwiki serve``; ready."""
    pv.planwiki_exe()  # fail early, before making a temp dir
    sync, sync_from = choose_synchronous(synchronous)
    tmp = tempfile.mkdtemp(prefix=prefix)
    db = os.path.join(tmp, "planwiki.db")
    env = dict(os.environ, PLANWIKI_DB=db, PLANWIKI_SYNCHRONOUS=sync)
    log(f"temp dir {tmp} · PLANWIKI_SYNCHRONOUS={sync} (from {sync_from})")
    pv.run_cli(env, tmp, "migrate")
    pv.run_cli(
        env,
        tmp,
        "user",
        "add",
        pv.EMAIL,
        "--name",
        "Bench Owner",
        "--password-stdin",
        stdin=pv.PASSWORD,
    )
    secrets = []
    for i in range(max(1, tokens)):
        out = pv.run_cli(env, tmp, "token", "create", pv.EMAIL, "--name", f"{token_name} {i + 1}")
        lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
        if not lines:
            raise BenchError("`planwiki token create` printed nothing")
        secrets.append(lines[-1])
    if len(set(secrets)) != len(secrets):
        raise BenchError("`planwiki token create` printed the same token twice")
    port = pv.free_port()
    log_path = os.path.join(tmp, "server.log")
    with open(log_path, "wb") as logf:
        proc = subprocess.Popen(
            [
                pv.planwiki_exe(),
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(tmp, db, env, port, log_path, proc, secrets, sync, sync_from)
    log(f"server pid {proc.pid} on http://{HOST}:{port}")
    try:
        pv.wait_ready(port, proc, log_path)
    except BaseException:
        server.stop()
        raise
    return server


def page_revisions(api: pv.Session, pages: Sequence[dict]) -> dict[tuple[str, str], int]:
    """The current revision of every seeded page, one listing request per section."""
    found: dict[tuple[str, str], int] = {}
    for section in sorted({p["section"] for p in pages}):
        listing = api.json("GET", f"/api/v1/sites/{SITE}/sections/{section}/pages", expect=(200,))
        for item in listing:
            found[(section, item["slug"])] = int(item["revision"])
    missing = [p["slug"] for p in pages if (p["section"], p["slug"]) not in found]
    if missing:
        raise BenchError(f"seeded pages missing from the section listings: {missing[:5]}")
    return found


# ---------------------------------------------------------------- server-side measures


def log_since(path: str, offset: int) -> tuple[str, int]:
    """The server log written since ``offset``, and the new offset."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return "", offset
    return data.decode("utf-8", "replace"), offset + len(data)


def locked_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if LOCKED in ln]


def problem_lines(text: str) -> list[str]:
    """Log lines that look like trouble: tracebacks, errors, 'locked'."""
    keys = ("Traceback", "ERROR", "Error", "error", LOCKED)
    return [ln for ln in text.splitlines() if any(k in ln for k in keys)]


def tree_kb(pid: int, field: str) -> int | None:
    """A /proc status field (VmRSS, VmHWM) summed over the process and its children."""
    values = [pv.proc_status_kb(p, field) for p in pv.process_tree(pid)]
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process and its children have used, in seconds."""
    total, known = 0.0, False
    tick = os.sysconf("SC_CLK_TCK")
    for p in pv.process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        known = True
    return total if known else None


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def db_bytes(db: str) -> int:
    """The database file plus its -wal (and -shm) files, in bytes."""
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.path.getsize(db + suffix)
        except OSError:
            pass
    return total


# ---------------------------------------------------------------- HTTP


class Conn:
    """One HTTP/1.1 keep-alive connection on raw asyncio streams.

    A connection the server has closed while idle (uvicorn closes idle keep-alive
    connections after 5 s) is noticed before writing and opened again, so an idle
    close is never counted as a failed request. ``request`` raises one of FAILURES
    on a broken connection; the connection is then closed and the next call reconnects.
    """

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.connects = 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, wire: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is not None and (self.reader.at_eof() or self.writer.is_closing()):
            self.close()
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout
                )
                self.connects += 1
            self.writer.write(wire)
            status, headers, body, keep = await asyncio.wait_for(
                read_response(self.reader), self.timeout
            )
        except BaseException:
            self.close()
            raise
        if not keep:
            self.close()
        return status, headers, body


def get_wire(path: str, headers: dict[str, str], port: int) -> bytes:
    h = {"User-Agent": "planwiki-bench", **headers}
    return build_request("GET", path, HOST, port, h)


def put_wire(path: str, token: str, payload: dict, port: int) -> bytes:
    data = json.dumps(payload).encode()
    h = {
        "User-Agent": "planwiki-bench",
        "Accept": "application/json",
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
    }
    return build_request("PUT", path, HOST, port, h) + data


def page_path(section: str, slug: str) -> str:
    return f"/api/v1/sites/{SITE}/pages/{section}/{slug}"


def answered_revision(status: int, body: bytes) -> int | None:
    """The page revision in a save's answer: the saved one (2xx) or the current one (409)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if 200 <= status < 300:
        rev = data.get("revision")
    elif status == 409:
        rev = (data.get("current") or {}).get("revision")
    else:
        return None
    return rev if isinstance(rev, int) else None


# ---------------------------------------------------------------- page texts


def body_pool(editor: int, n: int = 8, lo: int = 1024, hi: int = 3900) -> list[str]:
    """Deterministic markdown texts of lo..hi bytes for one editor (a save line is added)."""
    rng = random.Random(1_000 + editor)
    return [pv.make_body(rng, f"Editor {editor + 1} draft {i + 1}", lo, hi) for i in range(n)]


def save_text(pool: Sequence[str], editor: int, n: int) -> str:
    """The text of an editor's n-th save: a pool text plus a line that differs every time."""
    return f"{pool[n % len(pool)]}\n_Saved by editor {editor + 1}, save {n}._\n"


# ---------------------------------------------------------------- tallies


@dataclass
class Tally:
    """What one row's requests answered."""

    latencies_ns: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    locked_answers: int = 0

    def answer(self, status: int, latency_ns: int, body: bytes) -> None:
        self.latencies_ns.append(latency_ns)
        self.statuses[status] += 1
        if LOCKED.encode() in body:
            self.locked_answers += 1

    def fail(self, exc: BaseException, latency_ns: int) -> None:
        self.latencies_ns.append(latency_ns)
        self.failures[type(exc).__name__] += 1

    @property
    def ok(self) -> int:
        return sum(c for s, c in self.statuses.items() if 200 <= s < 300)

    @property
    def conflicts(self) -> int:
        return self.statuses.get(409, 0)

    @property
    def server_errors(self) -> int:
        return sum(c for s, c in self.statuses.items() if s >= 500)

    def errors(self, conflicts_expected: bool = False) -> int:
        bad = sum(
            c
            for s, c in self.statuses.items()
            if not (200 <= s < 300) and not (conflicts_expected and s == 409)
        )
        return bad + sum(self.failures.values())


def latency_summary(latencies_ns: Sequence[int]) -> dict[str, float]:
    lat = sorted(latencies_ns)
    if not lat:
        return {"p50_ms": math.nan, "p99_ms": math.nan, "max_ms": math.nan}
    return {
        "p50_ms": percentile(lat, 50) / 1e6,
        "p99_ms": percentile(lat, 99) / 1e6,
        "max_ms": lat[-1] / 1e6,
    }


# ---------------------------------------------------------------- the writers


@dataclass
class Editor:
    index: int
    token: str
    pages: list[tuple[str, str]]  # (section, slug)
    revisions: dict[tuple[str, str], int]  # this editor's idea of each page's revision
    pool: list[str]
    saves: int = 0


async def editor_loop(
    ed: Editor, port: int, deadline: float, tally: Tally, timeout: float = 30.0
) -> int:
    """Save this editor's pages in turn until the deadline; returns connections opened."""
    conn = Conn(HOST, port, timeout)
    perf = time.perf_counter_ns
    turn = 0
    try:
        while time.perf_counter() < deadline:
            key = ed.pages[turn % len(ed.pages)]
            turn += 1
            ed.saves += 1
            payload = {
                "body": save_text(ed.pool, ed.index, ed.saves),
                "base_revision": ed.revisions.get(key),
                "summary": f"bench save {ed.saves}",
            }
            wire = put_wire(page_path(*key), ed.token, payload, port)
            t0 = perf()
            try:
                status, _h, body = await conn.request(wire)
            except FAILURES as exc:
                tally.fail(exc, perf() - t0)
                continue
            tally.answer(status, perf() - t0, body)
            rev = answered_revision(status, body)
            if rev is not None:
                ed.revisions[key] = rev
        return conn.connects
    finally:
        conn.close()


async def run_editors(editors: Sequence[Editor], port: int, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    t0 = time.perf_counter()
    await asyncio.gather(*(editor_loop(ed, port, t0 + seconds, tally) for ed in editors))
    return tally, time.perf_counter() - t0


@dataclass
class Row:
    scenario: str
    editors: int
    tally: Tally
    elapsed_s: float
    conflicts_expected: bool
    log_locked: int
    log_problems: list[str]
    generator_cpu_pct: float
    server_cpu_s: float | None = None

    @property
    def server_cpu_pct(self) -> float:
        if self.server_cpu_s is None or not self.elapsed_s:
            return math.nan
        return 100 * self.server_cpu_s / self.elapsed_s

    @property
    def cpu_ms_per_answer(self) -> float:
        n = self.tally.ok + sum(c for s, c in self.tally.statuses.items() if not 200 <= s < 300)
        if self.server_cpu_s is None or not n:
            return math.nan
        return 1000 * self.server_cpu_s / n

    @property
    def locked(self) -> int:
        return self.tally.locked_answers + self.log_locked

    @property
    def saves_per_s(self) -> float:
        return self.tally.ok / self.elapsed_s if self.elapsed_s > 0 else math.nan

    def cells(self) -> tuple[str, ...]:
        t = self.tally
        lat = latency_summary(t.latencies_ns)
        return (
            self.scenario,
            str(self.editors),
            str(t.ok),
            str(t.conflicts),
            str(t.errors(self.conflicts_expected)),
            str(t.server_errors),
            str(self.locked),
            report.fmt(self.saves_per_s, 0),
            report.fmt(lat["p50_ms"], 2),
            report.fmt(lat["p99_ms"], 2),
            report.fmt(lat["max_ms"], 2),
            report.fmt(self.server_cpu_pct, 0),
            report.fmt(self.cpu_ms_per_answer, 2),
        )


COLUMNS = (
    "scenario",
    "editors",
    "saves",
    "409",
    "errors",
    "5xx",
    "locked",
    "saves/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "server cpu %",
    "cpu ms/answer",
)


# ---------------------------------------------------------------- main


def parse_editors(text: str) -> list[int]:
    values = [int(c) for c in text.split(",") if c.strip()]
    if not values or min(values) < 1:
        raise ValueError(text)
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Saves per second through the JSON API against a fresh `planwiki serve`."
    )
    ap.add_argument("--editors", default="1,4,16", help="comma-separated (default 1,4,16)")
    ap.add_argument("--seconds", type=float, default=15, help="per row (default 15)")
    ap.add_argument("--pages-per-editor", type=int, default=5, help="default 5")
    ap.add_argument(
        "--same-page-editors",
        type=int,
        default=None,
        help="editors in the all-on-one-page row (default: the largest --editors; 0 skips it)",
    )
    ap.add_argument(
        "--synchronous",
        type=str.upper,
        choices=["FULL", "NORMAL"],
        default=None,
        help="PLANWIKI_SYNCHRONOUS for the server (default: $PLANWIKI_SYNCHRONOUS, else FULL)",
    )
    ap.add_argument(
        "--tokens",
        choices=["per-editor", "shared"],
        default="per-editor",
        help="one API token per editor (default), or every editor on one token; either "
        "way all tokens belong to the site owner",
    )
    ap.add_argument(
        "--warmup", type=float, default=1.0, help="unmeasured seconds of saves first (default 1)"
    )
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir and server.log")
    args = ap.parse_args(argv)
    try:
        args.editors = parse_editors(args.editors)
    except ValueError:
        ap.error("--editors takes comma-separated positive integers, e.g. 1,4,16")
    if args.seconds <= 0 or args.pages_per_editor < 1 or args.warmup < 0:
        ap.error("--seconds must be > 0, --pages-per-editor >= 1, --warmup >= 0")
    if args.same_page_editors is None:
        args.same_page_editors = max(args.editors)
    if args.same_page_editors < 0:
        ap.error("--same-page-editors must be >= 0")
    return args


def make_editors(
    n: int,
    tokens: Sequence[str],
    pages: Sequence[tuple[str, str]],
    per_editor: int,
    revisions: dict[tuple[str, str], int],
    same_page: bool,
) -> list[Editor]:
    editors = []
    for i in range(n):
        own = [pages[0]] if same_page else list(pages[i * per_editor : (i + 1) * per_editor])
        editors.append(
            Editor(
                index=i,
                token=tokens[i % len(tokens)],
                pages=own,
                revisions={k: revisions[k] for k in own},
                pool=body_pool(i),
            )
        )
    return editors


def merge_revisions(revisions: dict[tuple[str, str], int], editors: Sequence[Editor]) -> None:
    for ed in editors:
        for k, v in ed.revisions.items():
            revisions[k] = max(revisions.get(k, 0), v)


def run(args: argparse.Namespace) -> int:
    most = max([*args.editors, args.same_page_editors])
    n_tokens = most if args.tokens == "per-editor" else 1
    server = start_server("planwiki-saves-", tokens=n_tokens, synchronous=args.synchronous)
    rows: list[Row] = []
    warm = Tally()
    ok = False
    try:
        api = pv.Session(server.port, bearer=server.tokens[0])
        n_pages = max(1, max(args.editors) * args.pages_per_editor)
        seeded = pv.seed_site(api, n_pages)
        revisions = page_revisions(api, seeded)
        api.close()
        keys = [(p["section"], p["slug"]) for p in seeded]
        offset = os.path.getsize(server.log_path)

        if args.warmup:
            eds = make_editors(1, server.tokens, keys, args.pages_per_editor, revisions, False)
            warm, _ = asyncio.run(run_editors(eds, server.port, args.warmup))
            merge_revisions(revisions, eds)
            log(f"warm-up: {warm.ok} saves, statuses {dict(warm.statuses)}")

        plan = [("own pages", n, False) for n in args.editors]
        if args.same_page_editors:
            plan.append(("same page", args.same_page_editors, True))
        for scenario, n, same in plan:
            server.check_alive()
            eds = make_editors(n, server.tokens, keys, args.pages_per_editor, revisions, same)
            log(f"{scenario}: {n} editor(s) saving for {args.seconds:g} s ...")
            cpu0 = time.process_time()
            srv0 = cpu_seconds(server.pid)
            tally, elapsed = asyncio.run(run_editors(eds, server.port, args.seconds))
            cpu = time.process_time() - cpu0
            srv1 = cpu_seconds(server.pid)
            merge_revisions(revisions, eds)
            time.sleep(0.2)  # let the server finish writing its log
            text, offset = log_since(server.log_path, offset)
            row = Row(
                scenario,
                n,
                tally,
                elapsed,
                conflicts_expected=same,
                log_locked=len(locked_lines(text)),
                log_problems=problem_lines(text),
                generator_cpu_pct=100 * cpu / elapsed if elapsed else math.nan,
                server_cpu_s=srv1 - srv0 if srv0 is not None and srv1 is not None else None,
            )
            rows.append(row)
            log(
                f"  {tally.ok} saves ({row.saves_per_s:.0f}/s), statuses {dict(tally.statuses)}"
                f"{', failures ' + str(dict(tally.failures)) if tally.failures else ''}; "
                f"the writers used {row.generator_cpu_pct:.0f}% of a core"
            )
        server.check_alive()
        hwm = pv.vm_hwm_kb(server.pid)
        rss = pv.proc_status_kb(server.pid, "VmRSS")
        size = db_bytes(server.db)
        ok = True
    finally:
        server.stop()
        if not ok:
            log(f"(temp dir kept: {server.tmp})")

    footer_lines = [
        f"server peak RSS: {report.fmt(hwm / 1024 if hwm else None, 0)} MB (VmHWM of pid "
        f"{server.pid}), {report.fmt(rss / 1024 if rss else None, 0)} MB at the end · "
        f"nproc: {pv.nproc()} · PLANWIKI_SYNCHRONOUS={server.synchronous} "
        f"(from {server.synchronous_from}) · DB+WAL {size / 1e6:.1f} MB",
        f"{len(server.tokens)} API token(s) of the site owner "
        f"({'one per editor' if args.tokens == 'per-editor' else 'all editors share one'}); "
        f"{args.pages_per_editor} page(s) per editor; {args.seconds:g} s per row; "
        f"1–4 KB markdown, new text on every save; latency = one PUT, 409s included.",
        "saves = 2xx answers; errors = non-2xx answers and connection failures (409 "
        "not counted as an error in the same-page row, where it is expected); "
        "locked = answers + server-log lines with 'database is locked'; server cpu % = "
        "user+system CPU of the server process over the row (100 = one core); cpu ms/answer "
        "= that CPU time per answered save (409s included): far below p50 means waiting "
        "(fsync, the event loop), near it means CPU-bound.",
    ]
    footer_lines += targets(rows)
    report.print_table(
        "planwiki saves", COLUMNS, [r.cells() for r in rows], "\n".join(footer_lines)
    )

    failed = []
    for r in rows:
        t = r.tally
        if t.server_errors or r.locked or t.failures or t.errors(r.conflicts_expected):
            failed.append(
                f"{r.scenario} x{r.editors}: statuses {dict(t.statuses)}, failures "
                f"{dict(t.failures)}, locked {r.locked}"
            )
        for line in r.log_problems[:10]:
            print(f"server log ({r.scenario} x{r.editors}): {line}")
    if warm.errors() or warm.locked_answers:
        failed.append(f"warm-up: statuses {dict(warm.statuses)}, failures {dict(warm.failures)}")
    for f in failed:
        print(f"FAILED {f}")
    if args.keep_temp or failed:
        log(f"kept {server.tmp}")
    else:
        shutil.rmtree(server.tmp, ignore_errors=True)
    return 1 if failed else 0


def targets(rows: Sequence[Row]) -> list[str]:
    """Issue #8's targets, for the rows that measure them."""
    out = []
    for r in rows:
        if r.scenario == "own pages" and r.editors == 4:
            p99 = latency_summary(r.tally.latencies_ns)["p99_ms"]
            out.append(
                f"target (4 editors): >= 500 saves/s: {r.saves_per_s:.0f} "
                f"({'met' if r.saves_per_s >= 500 else 'NOT met'}); save p99 < 50 ms: "
                f"{p99:.1f} ms ({'met' if p99 < 50 else 'NOT met'})"
            )
        if r.scenario == "own pages" and r.editors == 16:
            out.append(
                f"target (16 editors): no 'database is locked': {r.locked} "
                f"({'met' if r.locked == 0 else 'NOT met'})"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        log(f"bench failed: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
