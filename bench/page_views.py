#!/usr/bin/env python3
"""Page-view benchmark for planwiki: the real CLI, the real server, real HTTP.

    python bench/page_views.py [--pages 1000] [--clients 1,8,32]
                               [--requests 2000] [--seconds 30]

Creates a fresh database in a temp dir (``PLANWIKI_DB``), an account and an
API token with the ``planwiki`` console script, starts ``planwiki serve`` on a
free 127.0.0.1 port, seeds one site with N markdown pages through the JSON
API, signs in through the login form, then measures signed-in HTML page views
and bearer-token API page reads at each client count with a separate load
generator process (bench/loadgen.py). Prints one table. Standard library
only, and ``rich`` (a project dependency) for the table.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

import report  # the bench folder's own module: this script runs from it

HERE = os.path.dirname(os.path.abspath(__file__))
LOADGEN = os.path.join(HERE, "loadgen.py")  # run as its own process

HOST = "127.0.0.1"
SITE = "bench"
EMAIL = "bench@example.org"
PASSWORD = "bench-password-correct-horse-42"


class BenchError(Exception):
    """A step failed; the message says which and why."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- CLI


def planwiki_exe() -> str:
    exe = shutil.which("planwiki")
    if not exe:
        raise BenchError(
            "the `planwiki` console script is not on PATH (run `pip install -e .` first)"
        )
    return exe


def run_cli(env: dict, cwd: str, *args: str, stdin: str | None = None, timeout: float = 60) -> str:
    cmd = [planwiki_exe(), *args]
    try:
        proc = subprocess.run(
            cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"`planwiki {' '.join(args)}` did not finish in {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise BenchError(
            f"`planwiki {' '.join(args)}` exited {proc.returncode}\n"
            f"--- stderr ---\n{proc.stderr.rstrip()}\n--- stdout ---\n{proc.stdout.rstrip()}"
        )
    return proc.stdout


def nproc() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- process memory


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(c) for c in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def process_tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.append(p)
            todo.extend(_children(p))
    return seen


def proc_status_kb(pid: int, field: str = "VmHWM") -> int | None:
    """A memory field of /proc/PID/status in KiB (VmHWM = peak RSS, VmRSS = now), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def vm_hwm_kb(pid: int) -> int | None:
    """Peak resident set size (VmHWM) of one process in KiB, or None."""
    return proc_status_kb(pid, "VmHWM")


# ---------------------------------------------------------------- setup HTTP


class Session:
    """Keep-alive HTTP client on one host with a plain cookie store.

    Cookies are kept by name and always sent back, whatever their Secure or
    Path attributes say: this is a benchmark on 127.0.0.1, not a browser.
    """

    def __init__(self, port: int, bearer: str | None = None, timeout: float = 30):
        self.port, self.bearer, self.timeout = port, bearer, timeout
        # a bearer client is not a browser: it keeps no cookies (so no CSRF check applies)
        self.keep_cookies = bearer is None
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn:
            self.conn.close()
            self.conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _store_cookies(self, resp: http.client.HTTPResponse) -> None:
        for raw in resp.msg.get_all("Set-Cookie") or []:
            pair, *attrs = raw.split(";")
            name, _, value = pair.strip().partition("=")
            value = value.strip().strip('"')
            gone = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attrs)
            if gone or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(
        self, method: str, path: str, *, json_body=None, form=None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        h = {
            "Accept": "application/json" if path.startswith("/api/") else "text/html",
            "User-Agent": "planwiki-bench",
        }
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if self.bearer:
            h["Authorization"] = f"Bearer {self.bearer}"
        if self.cookies:
            h["Cookie"] = self.cookie_header()
        h.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=h)
                resp = self.conn.getresponse()
                data = resp.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self.close()  # server closed the kept-alive connection: retry once
                if attempt == 2:
                    raise
                continue
            if self.keep_cookies:
                self._store_cookies(resp)
            if resp.will_close:
                self.close()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body=None, expect=(200, 201)) -> dict:
        status, _h, data = self.request(method, path, json_body=body)
        if status not in expect:
            text = data[:500].decode("utf-8", "replace")
            raise BenchError(f"{method} {path} answered {status}: {text}")
        try:
            return json.loads(data)
        except ValueError:
            raise BenchError(
                f"{method} {path} answered {status} with non-JSON: {data[:200]!r}"
            ) from None


def wait_ready(port: int, proc: subprocess.Popen, log_path: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(
                f"`planwiki serve` exited with {proc.returncode} before it answered\n"
                + tail(log_path)
            )
        try:
            c = http.client.HTTPConnection(HOST, port, timeout=2)
            c.request("GET", "/login")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return
            last = f"GET /login answered {r.status}"
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.1)
    raise BenchError(f"server not ready after {timeout:.0f} s ({last})\n" + tail(log_path))


def tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()[-lines:]
    except OSError:
        return ""
    return "--- server log (tail) ---\n" + "\n".join(text)


# ---------------------------------------------------------------- content


_WORDS = (
    "support plan outcome budget review school college health care friends family "
    "music swimming bus travel routine morning evening club speech therapy assistant "
    "communication calm noise break choice independent money cooking shopping work "
    "volunteering dream goal step people place skills confidence sleep food walking "
    "teacher social worker personal assistant circle listening visual timetable"
)
_NAMES = "Amira James Leo Priya Sam Chloe Tom Ruby Omar Ella Noah Maya Josh Lily Kai Zara"
WORDS, NAMES = _WORDS.split(), _NAMES.split()
TOPICS = (
    "Morning routine",
    "Getting to college",
    "What good support looks like",
    "My communication",
    "Good day and bad day",
    "Working and not working",
    "My dreams",
    "Travel training",
    "Health and wellbeing",
    "Friends and clubs",
    "Money and budget",
    "Cooking at home",
    "Review notes",
    "Important to me",
    "How to help me stay calm",
    "Moving to adult services",
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, lo: int = 2, hi: int = 5) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(lo, hi)))


def make_body(rng: random.Random, title: str, lo: int = 2048, hi: int = 4096) -> str:
    """Deterministic markdown of lo..hi bytes: headings, lists, a table, quotes."""
    target = rng.randint(lo, hi)
    blocks = [f"# {title}", _paragraph(rng, 3, 5)]
    size = sum(len(b) + 2 for b in blocks)
    table_done = False
    while size < target:
        kind = rng.random()
        if not table_done and len(blocks) > 3:
            rows = ["| Outcome | Who helps | Cost | By when |", "| --- | --- | --- | --- |"]
            for _ in range(rng.randint(3, 6)):
                rows.append(
                    f"| I can {' '.join(rng.choice(WORDS) for _ in range(4))} "
                    f"| {rng.choice(NAMES)} | £{rng.randint(0, 60) * 10} "
                    f"| {rng.choice(['July', 'March', 'December', 'next review'])} |"
                )
            block = "\n".join(rows)
            table_done = True
        elif kind < 0.3:
            block = f"## {rng.choice(TOPICS)}\n\n{_paragraph(rng, 1, 3)}"
        elif kind < 0.55:
            bullet = rng.choice(["-", "*", "1."])
            block = "\n".join(f"{bullet} {_sentence(rng)}" for _ in range(rng.randint(3, 7)))
        elif kind < 0.65:
            block = f"> {_sentence(rng)} — {rng.choice(NAMES)}"
        else:
            block = _paragraph(rng)
        if size + len(block.encode()) + 2 > hi:
            if size >= lo:
                break
            block = _sentence(rng)  # a short block to reach the minimum without overshooting
        blocks.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(blocks) + "\n"


def plan_pages(n: int, sections: list[str], seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        topic = rng.choice(TOPICS)
        title = f"{topic} {i + 1}"
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        pages.append(
            {
                "section": sections[i % len(sections)],
                "slug": slug,
                "title": title,
                "body": make_body(rng, title),
            }
        )
    return pages


# ---------------------------------------------------------------- steps


def seed_site(api: Session, n_pages: int) -> list[dict]:
    api.json("POST", "/api/v1/sites", {"slug": SITE, "title": "Bench site"})
    site = api.json("GET", f"/api/v1/sites/{SITE}", expect=(200,))
    sections = [
        s["key"] for s in site.get("sections", []) if s.get("capability") in ("edit", "manage")
    ]
    if not sections:
        log("note: the new site has no sections the owner may edit; adding four")
        for key in ("profile", "outcomes", "budget", "handover"):
            api.json("POST", f"/api/v1/sites/{SITE}/sections", {"key": key, "title": key.title()})
        sections = ["profile", "outcomes", "budget", "handover"]
    pages = plan_pages(n_pages, sections)
    size = sum(len(p["body"].encode()) for p in pages)
    log(
        f"seeding {n_pages} pages ({size / 1024:.0f} KiB of markdown) over "
        f"{len(sections)} sections: {', '.join(sections)}"
    )
    t0 = time.perf_counter()
    tty = sys.stderr.isatty()
    for i, p in enumerate(pages, 1):
        got = api.json(
            "PUT",
            f"/api/v1/sites/{SITE}/pages/{p['section']}/{p['slug']}",
            {"body": p["body"], "base_revision": None, "summary": "seed", "title": p["title"]},
        )
        p["title"] = got.get("title") or p["title"]
        if tty and (i % 25 == 0 or i == n_pages):
            sys.stderr.write(f"\r  seeded {i}/{n_pages}")
            sys.stderr.flush()
        elif not tty and (i % 250 == 0 or i == n_pages):
            log(f"  seeded {i}/{n_pages}")
    dt = time.perf_counter() - t0
    if tty:
        sys.stderr.write("\n")
    log(f"  seeded in {dt:.1f} s ({n_pages / dt:.0f} saves/s, sequential)")
    return pages


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            if a.get("name"):
                self.values.setdefault(a["name"], a.get("value") or "")


def sign_in(port: int) -> Session:
    web = Session(port)
    origin = f"http://{HOST}:{port}"
    status, _h, page = web.request("GET", "/login")
    if status != 200:
        raise BenchError(f"GET /login answered {status}")
    parser = _HiddenInputs()
    parser.feed(page.decode("utf-8", "replace"))
    token = parser.values.get("csrftoken")
    if token is None:
        raise BenchError(
            "GET /login has no hidden input named csrftoken; inputs found: "
            f"{sorted(parser.values)}; cookies: {sorted(web.cookies)}"
        )
    form = {"email": EMAIL, "password": PASSWORD, "csrftoken": token}
    status, h, body = web.request(
        "POST", "/login", form=form, headers={"Origin": origin, "Referer": origin + "/login"}
    )
    if status >= 400:
        raise BenchError(f"POST /login answered {status}: {body[:300].decode('utf-8', 'replace')}")
    log(
        f"signed in: POST /login answered {status} -> {h.get('location', '(no redirect)')}; "
        f"cookies: {', '.join(sorted(web.cookies))}"
    )
    return web


def check_page_view(web: Session, page: dict) -> int:
    path = f"/s/{SITE}/{page['section']}/{page['slug']}"
    status, _h, body = web.request("GET", path)
    text = body.decode("utf-8", "replace")
    if status != 200:
        raise BenchError(f"signed-in GET {path} answered {status}, expected 200: {text[:300]}")
    if html.escape(page["title"], quote=False) not in text and page["title"] not in text:
        raise BenchError(
            f"signed-in GET {path} answered 200 but the page title "
            f"{page['title']!r} is not in it (signed in at all?)"
        )
    return len(body)


def measure(
    port: int,
    paths: list[str],
    headers: dict,
    clients: int,
    requests: int,
    seconds: float,
    seed: int,
) -> dict:
    spec = {
        "host": HOST,
        "port": port,
        "paths": paths,
        "headers": headers,
        "clients": clients,
        "requests": requests,
        "seconds": seconds,
        "seed": seed,
        "timeout": min(30.0, seconds + 5),
    }
    try:
        proc = subprocess.run(
            [sys.executable, LOADGEN],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=seconds + 90,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"the load generator did not stop within {seconds + 90:g} s") from None
    if proc.returncode != 0:
        raise BenchError(f"load generator failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


# ---------------------------------------------------------------- report


COLUMNS = ("endpoint", "clients", "requests", "errors", "rps", "p50 ms", "p99 ms", "max ms")


def table_rows(results: list[tuple[str, dict]]) -> list[tuple[str, ...]]:
    return [
        (
            name,
            str(r["clients"]),
            str(r["requests"]),
            str(r["errors"]),
            report.fmt(r["rps"], 0),
            report.fmt(r["p50_ms"], 2),
            report.fmt(r["p99_ms"], 2),
            report.fmt(r["max_ms"], 2),
        )
        for name, r in results
    ]


def render_table(rows: list[tuple[str, ...]], footer: str) -> str:
    return report.render_table(COLUMNS, rows, footer)


def print_table(rows: list[tuple[str, ...]], footer: str) -> None:
    report.print_table("planwiki page views", COLUMNS, rows, footer)


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark planwiki page views (HTML, signed in) and API page reads "
        "against a fresh server started with the real `planwiki` CLI."
    )
    ap.add_argument("--pages", type=int, default=1000, help="pages to seed (default 1000)")
    ap.add_argument(
        "--clients",
        default="1,8,32",
        help="comma-separated concurrent keep-alive connections (default 1,8,32)",
    )
    ap.add_argument(
        "--requests",
        type=int,
        default=2000,
        help="at most this many requests per endpoint and client count (default 2000)",
    )
    ap.add_argument(
        "--seconds",
        type=float,
        default=30,
        help="at most this many seconds per endpoint and client count (default 30)",
    )
    ap.add_argument(
        "--keep-temp",
        action="store_true",
        help="keep the temp dir (database, server.log) after a successful run",
    )
    ap.add_argument(
        "--warmup",
        type=int,
        default=50,
        help="unmeasured requests per endpoint before measuring (default 50)",
    )
    args = ap.parse_args(argv)
    try:
        args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    except ValueError:
        ap.error("--clients takes comma-separated integers, e.g. 1,8,32")
    if not args.clients or min(args.clients) < 1:
        ap.error("--clients needs positive integers")
    if args.pages < 1 or args.requests < 1 or args.seconds <= 0 or args.warmup < 0:
        ap.error("--pages and --requests must be >= 1, --seconds > 0, --warmup >= 0")
    return args


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the group we created
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def run(args: argparse.Namespace) -> int:
    planwiki_exe()  # fail early, before making a temp dir
    tmp = tempfile.mkdtemp(prefix="planwiki-bench-")
    db = os.path.join(tmp, "planwiki.db")
    env = dict(os.environ, PLANWIKI_DB=db)
    log(f"temp dir {tmp}")

    run_cli(env, tmp, "migrate")
    run_cli(
        env, tmp, "user", "add", EMAIL, "--name", "Bench Owner", "--password-stdin", stdin=PASSWORD
    )
    out = run_cli(env, tmp, "token", "create", EMAIL)
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    if not lines:
        raise BenchError("`planwiki token create` printed nothing")
    token = lines[-1]

    port = free_port()
    log_path = os.path.join(tmp, "server.log")
    server = None
    results: list[tuple[str, dict]] = []
    peak = None
    rss_ready = rss_end = None
    try:
        with open(log_path, "wb") as logf:
            server = subprocess.Popen(
                [planwiki_exe(), "serve", "--host", HOST, "--port", str(port), "--workers", "1"],
                env=env,
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=logf,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        log(f"server pid {server.pid} on http://{HOST}:{port}")
        wait_ready(port, server, log_path)
        rss_ready = proc_status_kb(server.pid, "VmRSS")

        api = Session(port, bearer=token)
        pages = seed_site(api, args.pages)
        api.close()

        web = sign_in(port)
        size = check_page_view(web, pages[0])
        check_page_view(web, pages[-1])
        log(
            f"page view check ok: GET /s/{SITE}/{pages[0]['section']}/{pages[0]['slug']} "
            f"answered 200 with the title ({size / 1024:.1f} KiB of HTML)"
        )
        cookie = web.cookie_header()
        web.close()

        s, _h, b = Session(port, bearer=token).request(
            "GET", f"/api/v1/sites/{SITE}/pages/{pages[0]['section']}/{pages[0]['slug']}"
        )
        if s != 200 or pages[0]["title"] not in b.decode("utf-8", "replace"):
            raise BenchError(f"API page read answered {s}: {b[:300]!r}")

        endpoints = [
            (
                "html page view",
                [f"/s/{SITE}/{p['section']}/{p['slug']}" for p in pages],
                {"Cookie": cookie, "Accept": "text/html"},
            ),
            (
                "api page read",
                [f"/api/v1/sites/{SITE}/pages/{p['section']}/{p['slug']}" for p in pages],
                {"Authorization": f"Bearer {token}", "Accept": "application/json"},
            ),
        ]
        for name, paths, headers in endpoints:
            if args.warmup:
                w = measure(port, paths, headers, 1, args.warmup, args.seconds, seed=999)
                if w["errors"]:
                    log(
                        f"warning: warm-up of {name} had {w['errors']} errors "
                        f"{w['statuses']} {w['failures']}"
                    )
            for i, c in enumerate(args.clients):
                if server.poll() is not None:
                    raise BenchError(
                        f"the server exited ({server.returncode}) during the run\n" + tail(log_path)
                    )
                log(f"measuring {name} with {c} client(s) ...")
                r = measure(port, paths, headers, c, args.requests, args.seconds, seed=i + 1)
                results.append((name, r))
                log(
                    f"  {r['requests']} requests, {r['errors']} errors, {r['rps']:.0f} rps "
                    f"(load generator used {r['generator_cpu_pct']:.0f}% of a core)"
                )
        tree = process_tree(server.pid)
        peaks = {p: vm_hwm_kb(p) for p in tree}
        peak = (server.pid, peaks)
        rss_end = proc_status_kb(server.pid, "VmRSS")
    finally:
        if server is not None:
            stop_server(server)

    # The same page-view load against a bare Starlette "hello", in the same run (issue #8).
    bare_port = free_port()
    bare = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", HOST, "--port", str(bare_port),
         "--log-level", "warning", "--no-access-log"],
        cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, bare_port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        bare_paths = ["/s/bench/page"]
        measure(bare_port, bare_paths, {}, 1, args.warmup or 50, args.seconds, seed=998)
        for i, c in enumerate(args.clients):
            results.append(
                (
                    "bare starlette hello",
                    measure(bare_port, bare_paths, {}, c, args.requests, args.seconds, seed=i + 1),
                )
            )
    finally:
        stop_server(bare)
    ceiling = {r["clients"]: r["rps"] for n, r in results if n == "bare starlette hello"}
    ratios = [
        f"{r['clients']} clients {r['rps'] / ceiling[r['clients']]:.2f}"
        for n, r in results
        if n == "html page view" and ceiling.get(r["clients"])
    ]

    rows = table_rows(results)
    pid, peaks = peak
    main_kb = peaks.get(pid)
    rss = f"{main_kb / 1024:.0f} MB (VmHWM of pid {pid})" if main_kb else "n/a"
    if rss_ready and rss_end:
        rss += f"; RSS {rss_ready / 1024:.0f} MB when ready, {rss_end / 1024:.0f} MB at the end"
    others = {p: kb for p, kb in peaks.items() if p != pid and kb}
    if others:
        rss += (
            f"; with {len(others)} child process(es) "
            f"{sum(others.values()) / 1024 + (main_kb or 0) / 1024:.0f} MB in all"
        )
    footer = (
        f"signed-in page view throughput as a share of bare Starlette: {', '.join(ratios)}\n"
        f"server peak RSS: {rss} · nproc: {nproc()}\n"
        f"{args.pages} pages; each row bounded by {args.requests} requests or "
        f"{args.seconds:g} s; html page view = signed-in GET /s/{SITE}/{{section}}/{{page}}, "
        f"api page read = bearer GET /api/v1/sites/{SITE}/pages/{{section}}/{{page}}"
    )
    print_table(rows, footer)
    for name, r in results:
        if r["errors"]:
            print(
                f"errors in {name} x{r['clients']}: statuses {r['statuses']} "
                f"failures {r['failures']}"
            )
    if args.keep_temp:
        log(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if any(r["errors"] for _n, r in results) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        log(f"bench failed: {exc}")
        log("(the temp dir with the database and server.log is kept for a look)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
