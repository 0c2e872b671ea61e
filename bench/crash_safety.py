#!/usr/bin/env python3
"""Kill the server mid-write, restart it, and count acknowledged saves that were lost (issue #8).

    python bench/crash_safety.py [--rounds 20] [--clients 32] [--synchronous FULL]

Each round: start ``planwiki serve`` on a fresh port over the same SQLite file; 32 clients
save their own pages through the JSON API as fast as they can (each save based on the
revision the previous one returned); at a random moment between 0.3 and 2.5 seconds the
server gets SIGKILL. Then the server is started again and every page is read back: every
save that was answered 200/201 must be there, with the text that was sent, and every page
must be readable. Prints one table; exits 1 if anything acknowledged was lost.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from page_views import free_port, wait_ready  # noqa: E402

HOST = "127.0.0.1"
EMAIL = "crash@example.org"


def cli(env: dict, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run([sys.executable, "-m", "main", *args], cwd=HERE.parent, env=env, input=stdin,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"planwiki {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def start(env: dict, port: int, log: Path, workers: int = 1) -> subprocess.Popen:
    with open(log, "a") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "main", "serve", "--host", HOST, "--port", str(port),
                                 "--workers", str(workers)],
                                cwd=HERE.parent, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    wait_ready(port, proc, str(log), timeout=120)
    return proc


def request(
    port: int, token: str, method: str, path: str, body: dict | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else {}
    finally:
        conn.close()


class Writer(threading.Thread):
    """Saves one page over and over; remembers every save the server acknowledged."""

    def __init__(
        self, port: int, token: str, page: str, base: int | None, stop: threading.Event
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.page, self.base, self.stop = port, token, page, base, stop
        self.acknowledged: dict[int, str] = {}  # revision -> sha256 of the text sent
        self.failures = 0

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            text = f"{self.page} save {n} {random.random()}\n" * 20
            try:
                status, page = request(self.port, self.token, "PUT", f"/api/v1/sites/crash/pages/about-me/{self.page}",
                                       {"body": text, "base_revision": self.base, "summary": f"save {n}"})  # fmt: skip
            except (OSError, http.client.HTTPException, ValueError):
                self.failures += 1  # the server died: this save was never acknowledged
                time.sleep(0.05)
                continue
            if status in (200, 201):
                self.acknowledged[page["revision"]] = hashlib.sha256(text.encode()).hexdigest()
                self.base = page["revision"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL"], default="FULL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=1, help="planwiki serve --workers (issue #15)"
    )
    args = parser.parse_args()
    random.seed(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="planwiki-crash-"))
    env = {
        **os.environ,
        "PLANWIKI_DB": str(tmp / "crash.db"),
        "PLANWIKI_SYNCHRONOUS": args.synchronous,
    }
    cli(env, "migrate")
    cli(
        env,
        "user",
        "add",
        EMAIL,
        "--name",
        "Crash test",
        "--password-stdin",
        stdin="crash-test-password-1\n",
    )
    token = cli(env, "token", "create", EMAIL).strip().splitlines()[-1]
    log = tmp / "server.log"
    port = free_port()
    proc = start(env, port, log, args.workers)
    assert (
        request(port, token, "POST", "/api/v1/sites", {"slug": "crash", "title": "Crash test"})[0]
        == 201
    )
    bases: dict[str, int | None] = {f"page-{i}": None for i in range(args.clients)}
    everything: dict[str, dict[int, str]] = {p: {} for p in bases}
    rows = []
    total_lost = total_unreadable = total_acked = 0
    for round_number in range(1, args.rounds + 1):
        stop = threading.Event()
        writers = [Writer(port, token, page, bases[page], stop) for page in bases]
        for w in writers:
            w.start()
        delay = random.uniform(0.3, 2.5)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)  # no warning, no clean shutdown
        proc.wait()
        stop.set()
        for w in writers:
            w.join(timeout=15)
        acked = sum(len(w.acknowledged) for w in writers)
        for w in writers:
            everything[w.page].update(w.acknowledged)
        port = free_port()
        proc = start(env, port, log, args.workers)
        lost = unreadable = 0
        for page_slug, saves in everything.items():
            if not saves:
                continue
            status, current = request(
                port, token, "GET", f"/api/v1/sites/crash/pages/about-me/{page_slug}"
            )
            if status != 200:
                unreadable += 1
                continue
            bases[page_slug] = current["revision"]
            for number in [n for n in saves if n > current["revision"]]:
                lost += 1
                del saves[number]
            for number, digest in list(saves.items())[
                -3:
            ]:  # the newest acknowledged texts, byte for byte
                status, rev = request(
                    port,
                    token,
                    "GET",
                    f"/api/v1/sites/crash/pages/about-me/{page_slug}/revisions/{number}",
                )
                if status != 200 or hashlib.sha256(rev["body"].encode()).hexdigest() != digest:
                    lost += 1
        total_lost += lost
        total_unreadable += unreadable
        total_acked += acked
        rows.append(
            (
                round_number,
                f"{delay:.2f}",
                acked,
                sum(w.failures for w in writers),
                lost,
                unreadable,
            )
        )
        print(
            f"round {round_number}: killed after {delay:.2f}s, {acked} acknowledged, lost {lost}",
            file=sys.stderr,
        )
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=15)
    check = subprocess.run(
        ["sqlite3", str(tmp / "crash.db"), "PRAGMA integrity_check"], capture_output=True, text=True
    )
    integrity = check.stdout.strip() if check.returncode == 0 else "(sqlite3 command not available)"
    print(
        f"{'round':>5}  {'killed after s':>14}  {'acknowledged':>12}  {'refused/cut':>11}  {'lost':>4}  {'unreadable':>10}"
    )
    for r in rows:
        print(f"{r[0]:>5}  {r[1]:>14}  {r[2]:>12}  {r[3]:>11}  {r[4]:>4}  {r[5]:>10}")
    print(f"total: {total_acked} acknowledged saves over {args.rounds} SIGKILLs with {args.clients} clients, "
          f"synchronous={args.synchronous}: {total_lost} lost, {total_unreadable} unreadable pages; "
          f"integrity_check: {integrity}")  # fmt: skip
    return 1 if total_lost or total_unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
