#!/usr/bin/env python3
"""A council-scale load run against the real server on 127.0.0.1 (issue #8).

    python bench/council_load.py COUNCIL.db [--small SMALL.db] [--clients 1,8,16,32]
                                 [--requests 3000] [--seconds 30]

COUNCIL.db and its manifest (COUNCIL.db.manifest.json) come from bench/council.py.
Starts ``planwiki serve`` on the database as it is (no copy; the saves below add
revisions to it), gets each person's csrftoken cookie once (as a browser carries
one), warms up, then at each client count measures with bench/loadgen.py run as
its own process:

* page views: signed-in HTML page views by many different people with mixed
  access (the pages in their manifest "views"), 3% of them pages hidden from
  them (their "hidden"), which must answer 404;
* mixed: page views 60% (3 of them hidden), API page reads 10%, history 8%,
  diffs 7%, search 7% (common, rare and hidden-only words; in one site and
  across sites), the sharing page by owners 3%, saves 5% (bearer-token API PUTs
  by editors, each client its own page, each save based on the revision its
  previous one returned; a 409 is counted apart, not as an error).

With ``--small`` the page views are measured again on a 200-page database
(``python bench/council.py small.db --sites 5 --pages 40 --revisions 10``). Then
a bare Starlette "hello" (bench/bare_app.py) at the same client counts. Prints
one table and a check against each target of issue #8; exits 1 if any answer
was not the expected one. Every row is bounded by ``--requests`` and
``--seconds``; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import loadgen  # noqa: E402
import report  # noqa: E402
from page_views import (  # noqa: E402
    HOST,
    BenchError,
    Session,
    free_port,
    log,
    nproc,
    planwiki_exe,
    proc_status_kb,
    process_tree,
    stop_server,
    tail,
    wait_ready,
)

SESSION_COOKIE = "planwiki_session"
POOL = 4000  # concrete requests per kind handed to the generator (sampled, seeded)

# name, weight (percent) of the mixed workload
MIXED = (
    ("page view", 57),
    ("page view hidden", 3),
    ("api read", 10),
    ("history", 8),
    ("diff", 7),
    ("search site", 5),
    ("search all", 2),
    ("sharing", 3),
    ("save", 5),
)
PAGE_VIEWS = (("page view", 97), ("page view hidden", 3))

# the targets of issue #8
SHARE_OF_BARE = 0.25
P99_LIMITS = {16: 10.0, 32: 25.0}
SEARCH_P99 = 50.0
FULL_SMALL = 1.2
MEMORY_MB = 300.0


# ---------------------------------------------------------------- manifest


def load_manifest(db: str, path: str | None = None) -> dict:
    path = path or db + ".manifest.json"
    try:
        with open(path) as f:
            manifest = json.load(f)
    except OSError as exc:
        raise BenchError(f"cannot read the manifest {path}: {exc}") from None
    except ValueError as exc:
        raise BenchError(f"the manifest {path} is not JSON: {exc}") from None
    people = manifest.get("people") or []
    if not people:
        raise BenchError(f"the manifest {path} lists no people")
    for p in people:
        missing = [k for k in ("email", "session", "token") if not p.get(k)]
        if missing:
            raise BenchError(f"manifest person {p.get('email')!r} lacks {missing}")
    return manifest


def _words(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return []


def _page_path(t: list[str] | tuple[str, ...]) -> str:
    site, section, page = t
    return f"/s/{site}/{section}/{page}"


def _api_path(t: list[str] | tuple[str, ...]) -> str:
    site, section, page = t
    return f"/api/v1/sites/{site}/pages/{section}/{page}"


def _sample(items: list, n: int, rng: random.Random) -> list:
    return items if len(items) <= n else rng.sample(items, n)


# ---------------------------------------------------------------- HTTP setup


def browser_cookies(port: int, people: list[dict]) -> None:
    """Each person's Cookie header: their session plus the csrftoken a browser would hold."""
    for p in people:
        web = Session(port)
        web.cookies[SESSION_COOKIE] = p["session"]
        status, _h, body = web.request("GET", "/login")
        web.close()
        if status != 200:
            raise BenchError(f"GET /login as {p['email']} answered {status}: {body[:200]!r}")
        if "csrftoken" not in web.cookies:
            log(f"note: GET /login set no csrftoken cookie for {p['email']}")
        if web.cookies.get(SESSION_COOKIE) != p["session"]:
            raise BenchError(f"GET /login changed or ended the session of {p['email']}")
        p["cookie"] = web.cookie_header()


def api_call(port: int, token: str, method: str, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(data) if data else {}
    except ValueError:
        return resp.status, {"raw": data[:300].decode("utf-8", "replace")}


def check_sessions(port: int, people: list[dict]) -> None:
    """One signed-in page view per person (at most 20): fail early with a clear reason."""
    for p in people[:20]:
        if not p.get("views"):
            continue
        path = _page_path(p["views"][0])
        web = Session(port)
        status, h, body = web.request("GET", path, headers={"Cookie": p["cookie"]})
        web.close()
        if status != 200:
            hint = ""
            if status in (302, 303) and "/login" in h.get("location", ""):
                hint = (
                    " (sent to sign in: the manifest's session has ended; sessions end"
                    " after 8 idle hours: `python bench/council.py DB --refresh-sessions`)"
                )
            raise BenchError(
                f"GET {path} as {p['email']} answered {status}{hint}: "
                f"{body[:200].decode('utf-8', 'replace')}"
            )


# ---------------------------------------------------------------- workloads


def _html(p: dict, path: str, **extra) -> dict:
    return {
        "path": path,
        "headers": {"Cookie": p["cookie"], "Accept": "text/html"},
        "label": f"GET {path} as {p['email']}",
        **extra,
    }


def _bearer(p: dict, path: str, method: str = "GET", **extra) -> dict:
    return {
        "method": method,
        "path": path,
        "headers": {"Authorization": f"Bearer {p['token']}", "Accept": "application/json"},
        "label": f"{method} {path} as {p['email']} (token)",
        **extra,
    }


def request_pools(manifest: dict, seed: int) -> dict[str, list[dict]]:
    """Concrete requests per kind (the save pool has no revisions yet: see save_requests)."""
    rng = random.Random(seed)
    people = manifest["people"]
    views = [(p, t) for p in people for t in p.get("views") or []]
    hidden = [(p, t) for p in people for t in p.get("hidden") or []]
    words = manifest.get("search_words") or {}
    all_words = [w for k in ("common", "rare", "hidden_only") for w in _words(words.get(k))]
    if not all_words:
        all_words = ["plan"]
    pools: dict[str, list[dict]] = {}
    pools["page view"] = [_html(p, _page_path(t)) for p, t in _sample(views, POOL, rng)]
    pools["page view hidden"] = [
        _html(p, _page_path(t), expect=[404]) for p, t in _sample(hidden, POOL, rng)
    ]
    pools["api read"] = [_bearer(p, _api_path(t)) for p, t in _sample(views, POOL, rng)]
    pools["history"] = [_html(p, _page_path(t) + "/history") for p, t in _sample(views, POOL, rng)]
    # the latest change (the default), or everything since the first revision: both exist
    # on every page, whatever its number of revisions
    diffs = []
    for p, t in _sample(views, POOL, rng):
        query = "?from=1" if rng.random() < 0.3 else ""
        diffs.append(_html(p, f"{_page_path(t)}/diff{query}"))
    pools["diff"] = diffs
    site_search, all_search = [], []
    for p in people:
        for w in all_words:
            all_search.append(_html(p, f"/search?q={w}"))
            # a site where they see some page: in a circle but shown nothing, the
            # site does not exist for them (404), as the product brief says
            for s in sorted({t[0] for t in p.get("views") or []}):
                site_search.append(_html(p, f"/s/{s}/search?q={w}"))
    pools["search site"] = _sample(site_search, POOL, rng)
    pools["search all"] = _sample(all_search, POOL, rng)
    owners = [(p, s) for p in people if p.get("kind") == "owner" for s in p.get("sites") or []]
    pools["sharing"] = [_html(p, f"/s/{s}/sharing") for p, s in _sample(owners, POOL, rng)]
    # saves: distinct pages, each with one editor
    seen: set[tuple[str, ...]] = set()
    editors = []
    for p in rng.sample(people, len(people)):
        for t in p.get("edits") or []:
            if tuple(t) not in seen:
                seen.add(tuple(t))
                editors.append((p, t))
                break
    pools["save"] = [{"person": p, "page": t} for p, t in editors]
    return pools


def save_requests(port: int, pool: list[dict], clients: int) -> list[dict]:
    """One save request per client (its own page where there are enough), at the page's
    current revision, with the page's current text as the body to resave."""
    out = []
    for item in pool[: max(1, clients)]:
        p, t = item["person"], item["page"]
        path = _api_path(t)
        status, page = api_call(port, p["token"], "GET", path)
        if status != 200:
            raise BenchError(f"GET {path} as editor {p['email']} answered {status}: {page}")
        body = {"body": page["body"], "summary": "load test save"}
        out.append(_bearer(p, path, "PUT", body=body, base_revision=page["revision"]))
    return out


def kinds_for(
    workload: tuple[tuple[str, int], ...], pools: dict, port: int, clients: int
) -> list[dict]:
    kinds = []
    for name, weight in workload:
        if not pools.get(name):
            continue
        if name == "save":
            reqs = save_requests(port, pools["save"], clients)
            kinds.append({"name": name, "weight": weight, "save": True, "requests": reqs})
        else:
            kinds.append({"name": name, "weight": weight, "requests": pools[name]})
    return kinds


def measure(port: int, kinds: list[dict], clients: int, requests: int, seconds: float,
            seed: int) -> dict:  # fmt: skip
    spec = {
        "host": HOST,
        "port": port,
        "kinds": kinds,
        "clients": clients,
        "requests": requests,
        "seconds": seconds,
        "seed": seed,
        "timeout": min(30.0, seconds + 5),
    }
    try:
        return loadgen.spawn(spec)
    except RuntimeError as exc:
        raise BenchError(str(exc)) from None


# ---------------------------------------------------------------- servers


class Server:
    """``planwiki serve`` on one database, its log in ``tmp``."""

    def __init__(self, db: str, tmp: str, name: str) -> None:
        self.db, self.name = os.path.abspath(db), name
        self.port = free_port()
        self.log_path = os.path.join(tmp, f"server-{name}.log")
        self.proc: subprocess.Popen | None = None
        self.rss_ready = self.rss_end = self.peak = None
        self.peak_children = 0

    def start(self) -> None:
        env = dict(os.environ, PLANWIKI_DB=self.db)
        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                [planwiki_exe(), "serve", "--host", HOST, "--port", str(self.port), "--workers", "1"],
                env=env, cwd=os.path.dirname(self.log_path), stdin=subprocess.DEVNULL,
                stdout=logf, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        t0 = time.perf_counter()
        wait_ready(self.port, self.proc, self.log_path, timeout=120)
        self.rss_ready = proc_status_kb(self.proc.pid, "VmRSS")
        log(
            f"{self.name}: server pid {self.proc.pid} on http://{HOST}:{self.port} "
            f"ready in {time.perf_counter() - t0:.1f} s (migrations included), "
            f"RSS {(self.rss_ready or 0) / 1024:.0f} MB"
        )

    def alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise BenchError(
                f"the {self.name} server exited ({self.proc.returncode}) during the run\n"
                + tail(self.log_path)
            )

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.rss_end = proc_status_kb(self.proc.pid, "VmRSS")
            self.peak = proc_status_kb(self.proc.pid, "VmHWM")
            others = [p for p in process_tree(self.proc.pid) if p != self.proc.pid]
            self.peak_children = sum(proc_status_kb(p, "VmHWM") or 0 for p in others)
        stop_server(self.proc)

    def log_problems(self) -> list[str]:
        try:
            with open(self.log_path, errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return []
        return [ln for ln in lines if "Traceback" in ln or "ERROR" in ln or "Exception" in ln]


# ---------------------------------------------------------------- runs


def run_workloads(
    server: Server,
    manifest: dict,
    workloads: list[tuple[str, tuple[tuple[str, int], ...]]],
    args: argparse.Namespace,
) -> list[tuple[str, dict]]:
    people = manifest["people"]
    browser_cookies(server.port, people)
    check_sessions(server.port, people)
    pools = request_pools(manifest, seed=int(manifest.get("seed") or 1))
    sizes = ", ".join(f"{k} {len(v)}" for k, v in pools.items())
    log(f"{server.name}: {len(people)} people; concrete requests per kind: {sizes}")
    results = []
    for label, workload in workloads:
        if args.warmup:
            kinds = kinds_for(workload, pools, server.port, 2)
            w = measure(server.port, kinds, 2, args.warmup, args.seconds, seed=999)
            if w["errors"]:
                log(f"warning: warm-up of {label} had {w['errors']} unexpected answers")
                report_unexpected(f"warm-up {label}", w)
        for i, c in enumerate(args.clients):
            server.alive()
            log(f"{server.name}: {label} with {c} client(s) ...")
            kinds = kinds_for(workload, pools, server.port, c)
            r = measure(server.port, kinds, c, args.requests, args.seconds, seed=i + 1)
            results.append((label, r))
            log(
                f"  {r['requests']} requests in {r['elapsed_s']:.1f} s, {r['errors']} errors, "
                f"{r['rps']:.0f} rps (the load generator used {r['generator_cpu_pct']:.0f}% "
                "of a core)"
            )
            slow = sorted(
                ((s["ms"], name, s["request"]) for name, k in r["kinds"].items()
                 for s in k.get("slowest", [])),
                reverse=True,
            )[:3]  # fmt: skip
            log("  slowest: " + "; ".join(f"{ms:.0f} ms {name}: {req}" for ms, name, req in slow))
    server.alive()
    return results


def run_bare(args: argparse.Namespace) -> list[tuple[str, dict]]:
    """The same page-view load on a bare Starlette hello (bench/bare_app.py), as page_views.py."""
    port = free_port()
    bare = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", HOST, "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    results = []
    try:
        wait_ready(port, bare, os.devnull)
        kinds = [{"name": "hello", "weight": 1, "requests": [{"path": "/s/bench/page"}]}]
        measure(port, kinds, 1, args.warmup or 50, args.seconds, seed=998)
        for i, c in enumerate(args.clients):
            log(f"bare starlette hello with {c} client(s) ...")
            results.append(
                ("bare hello", measure(port, kinds, c, args.requests, args.seconds, i + 1))
            )
    finally:
        stop_server(bare)
    return results


def report_unexpected(label: str, r: dict) -> None:
    for name, k in r.get("kinds", {}).items():
        if not k["errors"]:
            continue
        print(
            f"unexpected answers in {label} x{r['clients']} / {name}: {k['errors']} of "
            f"{k['requests']}; statuses {k['statuses']} (expected {k['expect']}), "
            f"failures {k['failures']}"
        )
        for u in k["unexpected"]:
            body = " ".join(u["body"].split())[:200]
            print(f"    {u['status']} {u['request']}: {body}")


# ---------------------------------------------------------------- report

COLUMNS = ("workload", "kind", "clients", "requests", "errors", "rps", "p50 ms", "p99 ms", "max ms")


def table_rows(results: list[tuple[str, dict]]) -> list[tuple[str, ...]]:
    rows = []
    for label, r in results:
        kinds = r.get("kinds") or {}
        parts = list(kinds.items()) if len(kinds) > 1 else []
        parts.append(("all" if parts else next(iter(kinds), "all"), r))
        for name, k in parts:
            errors = str(k["errors"])
            if k.get("conflicts"):
                errors += f" (+{k['conflicts']} 409)"
            rows.append(
                (
                    label,
                    name,
                    str(r["clients"]),
                    str(k["requests"]),
                    errors,
                    report.fmt(k["rps"], 0),
                    report.fmt(k["p50_ms"], 2),
                    report.fmt(k["p99_ms"], 2),
                    report.fmt(k["max_ms"], 2),
                )
            )
    return rows


def render_table(rows: list[tuple[str, ...]], footer: str) -> str:
    return report.render_table(COLUMNS, rows, footer, left=2)


def print_table(rows: list[tuple[str, ...]], footer: str) -> None:
    report.print_table("planwiki council load", COLUMNS, rows, footer, left=2, group=(0, 2))


def _kind(results: list[tuple[str, dict]], label: str, kind: str) -> dict[int, dict]:
    out = {}
    for lab, r in results:
        if lab == label:
            k = r.get("kinds", {}).get(kind)
            if k is not None:
                out[r["clients"]] = k
    return out


def _overall(results: list[tuple[str, dict]], label: str) -> dict[int, dict]:
    return {r["clients"]: r for lab, r in results if lab == label}


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def footer_lines(
    results: list[tuple[str, dict]],
    servers: list[Server],
    manifest: dict,
    args: argparse.Namespace,
) -> list[str]:
    lines = []
    bare = _overall(results, "bare hello")
    views = _overall(results, "page views")
    view_kind = _kind(results, "page views", "page view")
    small_kind = _kind(results, "page views small", "page view")
    shares = {c: views[c]["rps"] / bare[c]["rps"] for c in views if bare.get(c, {}).get("rps")}
    lines.append(
        "page-view throughput as a share of bare Starlette (all requests of the page-view "
        "workload): " + ", ".join(f"{c} clients {s:.2f}" for c, s in shares.items())
    )
    ratios = {
        c: view_kind[c]["p99_ms"] / small_kind[c]["p99_ms"]
        for c in view_kind
        if small_kind.get(c, {}).get("p99_ms")
    }
    if ratios:
        lines.append(
            "page-view p99 full/small: "
            + ", ".join(
                f"{c} clients {r:.2f} ({view_kind[c]['p99_ms']:.1f}/{small_kind[c]['p99_ms']:.1f} ms)"
                for c, r in ratios.items()
            )
        )
    mem = []
    for s in servers:
        if s.peak:
            part = f"{s.name}: peak {s.peak / 1024:.0f} MB (VmHWM of pid {s.proc.pid})"
            if s.rss_ready and s.rss_end:
                part += f", RSS {s.rss_ready / 1024:.0f} MB ready, {s.rss_end / 1024:.0f} MB at end"
            if s.peak_children:
                part += f", children {s.peak_children / 1024:.0f} MB"
            mem.append(part)
    lines.append("server memory: " + ("; ".join(mem) or "n/a"))
    gen = max((r["generator_cpu_pct"] for _l, r in results), default=math.nan)
    lines.append(
        f"nproc {nproc()}; the load generator used up to {gen:.0f}% of a core; "
        f"{manifest.get('sites')} sites, {manifest.get('pages')} pages, "
        f"{manifest.get('revisions')} revisions, {len(manifest['people'])} people; each row "
        f"bounded by {args.requests} requests or {args.seconds:g} s; a kind's rps is its share "
        "of the row's throughput"
    )
    saves = _kind(results, "mixed", "save")
    if saves:
        lines.append(
            "saves (each client its own page): "
            + ", ".join(
                f"{c} clients {k['requests'] - k['errors'] - k['conflicts']} saved, "
                f"{k['conflicts']} 409"
                for c, k in saves.items()
            )
        )

    # the targets of issue #8
    checks = []
    if shares:
        low = min(shares.values())
        checks.append(
            f"page view >= {SHARE_OF_BARE:.2f} of bare: {_verdict(low >= SHARE_OF_BARE)} "
            f"(lowest {low:.2f})"
        )
    for c, limit in P99_LIMITS.items():
        if c in view_kind:
            p99 = view_kind[c]["p99_ms"]
            checks.append(
                f"page-view p99 < {limit:g} ms at {c}: {_verdict(p99 < limit)} ({p99:.1f} ms)"
            )
        else:
            checks.append(f"page-view p99 < {limit:g} ms at {c}: not measured (--clients)")
    search = {}
    for name in ("search site", "search all"):
        for c, k in _kind(results, "mixed", name).items():
            search.setdefault(c, []).append(k["p99_ms"])
    if search:
        worst = {c: max(v) for c, v in search.items()}
        missed = [f"{c}: {v:.1f} ms" for c, v in worst.items() if not v < SEARCH_P99]
        checks.append(
            f"search p99 < {SEARCH_P99:g} ms (mixed load): {_verdict(not missed)} ("
            + ", ".join(f"{c} clients {v:.1f}" for c, v in worst.items())
            + ")"
        )
    if ratios:
        high = max(ratios.values())
        checks.append(
            f"page-view p99 full <= {FULL_SMALL:g} x small: {_verdict(high <= FULL_SMALL)} "
            f"(highest {high:.2f})"
        )
    else:
        checks.append(f"page-view p99 full <= {FULL_SMALL:g} x small: not measured (--small)")
    full = servers[0] if servers else None
    if full is not None and full.peak:
        mb = (full.peak + full.peak_children) / 1024
        checks.append(f"server memory < {MEMORY_MB:g} MB: {_verdict(mb < MEMORY_MB)} ({mb:.0f} MB)")
    lines.append("targets: " + "; ".join(checks))
    return lines


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="the database made by bench/council.py")
    ap.add_argument("--manifest", help="default: DB.manifest.json")
    ap.add_argument("--small", help="a 200-page database from bench/council.py, to compare")
    ap.add_argument("--clients", default="1,8,16,32", help="default 1,8,16,32")
    ap.add_argument(
        "--requests", type=int, default=3000, help="at most this many per row (default 3000)"
    )
    ap.add_argument(
        "--seconds", type=float, default=30, help="at most this long per row (default 30)"
    )
    ap.add_argument(
        "--warmup", type=int, default=300, help="unmeasured requests per workload (default 300)"
    )
    ap.add_argument("--keep-temp", action="store_true", help="keep the server logs")
    args = ap.parse_args(argv)
    try:
        args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    except ValueError:
        ap.error("--clients takes comma-separated integers, e.g. 1,8,16,32")
    if not args.clients or min(args.clients) < 1:
        ap.error("--clients needs positive integers")
    if args.requests < 1 or args.seconds <= 0 or args.warmup < 0:
        ap.error("--requests must be >= 1, --seconds > 0, --warmup >= 0")
    for path in (args.db, args.small):
        if path and not os.path.exists(path):
            ap.error(f"no such database: {path}")
    return args


def run(args: argparse.Namespace) -> int:
    planwiki_exe()
    manifest = load_manifest(args.db, args.manifest)
    small_manifest = load_manifest(args.small) if args.small else None
    tmp = tempfile.mkdtemp(prefix="planwiki-council-")
    log(f"temp dir {tmp} (server logs)")
    results: list[tuple[str, dict]] = []
    servers: list[Server] = []
    failed = True
    try:
        full = Server(args.db, tmp, "full")
        servers.append(full)
        full.start()
        try:
            results += run_workloads(
                full, manifest, [("page views", PAGE_VIEWS), ("mixed", MIXED)], args
            )
        finally:
            full.stop()
        if small_manifest is not None:
            small = Server(args.small, tmp, "small")
            servers.append(small)
            small.start()
            try:
                results += run_workloads(
                    small, small_manifest, [("page views small", PAGE_VIEWS)], args
                )
            finally:
                small.stop()
        results += run_bare(args)
        failed = False
    finally:
        if failed:
            for s in servers:
                log(tail(s.log_path))
            log(f"kept {tmp}")

    print_table(table_rows(results), "\n".join(footer_lines(results, servers, manifest, args)))
    bad = [(label, r) for label, r in results if r["errors"]]
    for label, r in bad:
        report_unexpected(label, r)
        if not r.get("kinds") or len(r["kinds"]) == 1:
            print(f"errors in {label} x{r['clients']}: {r['statuses']} {r['failures']}")
    problems = {s.name: s.log_problems() for s in servers}
    for s in servers:
        if problems[s.name] or bad:
            print(f"{s.name} server log: {len(problems[s.name])} error lines")
            print(tail(s.log_path, 40))
    if args.keep_temp or bad or any(problems.values()):
        log(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        log(f"bench failed: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
