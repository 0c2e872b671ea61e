"""Minimal HTTP/1.1 keep-alive load generator for planwiki benchmarks.

Standard library only (uvloop when installed). One asyncio TCP connection per client, hand-written
request writing and response parsing (Content-Length, chunked, or read to
close), per-request latency in nanoseconds.

Run as a separate process so the generator does not compete with the caller:

    python bench/loadgen.py < spec.json > result.json

spec, plain form (GETs on random paths, every non-200 is an error):
    {"host", "port", "paths": [...], "headers": {name: value},
     "clients", "requests", "seconds", "seed"?, "timeout"?}
spec, mixed form ("kinds" instead of "paths"; "headers" are defaults for all):
    {"host", "port", "kinds": [KIND, ...], "headers"?, "clients", "requests", "seconds", ...}
    KIND: {"name", "weight", "expect"?: [200], "save"?: false,
           "requests": [{"method"?: "GET", "path", "headers"?: {}, "body"?: obj | str,
                         "expect"?: [...], "base_revision"?: int | null,
                         "label"?: how unexpected answers name it}, ...]}
    Each request picks a kind by weight, then one of its requests at random. A
    status in the request's (else the kind's) "expect" is fine, anything else an
    error. A "save" kind is different: client i always sends requests[i % n] (its
    own page), as a JSON body with "base_revision" set to the revision the previous
    answer gave (starting from the request's "base_revision") and one line added
    to "body" so every save changes the page; a 409 takes the revision from the
    answer's "current" and is counted in "conflicts", not as an error.
result: the dict returned by :func:`summarise` plus "statuses", "failures",
"clients", "generator_cpu_pct", and in the mixed form "kinds": {name: the same
per kind, plus "conflicts", "unexpected" (a few examples of each unexpected
answer: status, request, start of the body or an HTML page's title) and "slowest"
(the three slowest requests: ms, request)}.

Also importable: :func:`percentile`, :func:`summarise`, :func:`run_load`,
:func:`run_mixed` and :func:`spawn` (runs this file as a process on a spec).
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["fetch_once", "percentile", "run_load", "run_mixed", "spawn", "summarise"]


# ---------------------------------------------------------------- statistics


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100).

    The smallest value such that at least p% of the values are <= it:
    rank = ceil(p / 100 * n), 1-based; p=0 gives the minimum, p=100 the maximum.
    An empty sequence gives NaN.
    """
    n = len(sorted_values)
    if n == 0:
        return math.nan
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of range: {p}")
    rank = max(1, math.ceil(p / 100.0 * n))
    return sorted_values[min(rank, n) - 1]


def summarise(latencies_ns: Iterable[int], errors: int, elapsed_s: float) -> dict:
    """Requests, errors, requests/second and latency quantiles in ms.

    Latencies of every completed request count (errors included: a fast 500 is
    still a response). ``rps`` counts all completed requests over the wall time.
    """
    lat = sorted(latencies_ns)
    n = len(lat)
    ms = 1e-6
    return {
        "requests": n,
        "errors": errors,
        "elapsed_s": elapsed_s,
        "rps": (n / elapsed_s) if elapsed_s > 0 else math.nan,
        "p50_ms": percentile(lat, 50) * ms if n else math.nan,
        "p99_ms": percentile(lat, 99) * ms if n else math.nan,
        "max_ms": lat[-1] * ms if n else math.nan,
    }


# ---------------------------------------------------------------- HTTP/1.1


class ProtocolError(Exception):
    pass


def build_request(
    method: str, path: str, host: str, port: int, headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes, bool]:
    """Read one response; returns (status, headers lower-cased, body, keep_alive)."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ProtocolError(f"bad status line: {lines[0]!r}")
        version, status = parts[0], int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name = name.strip().lower()
            value = value.strip()
            # keep repeated headers joined, like a browser would see them
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if 100 <= status < 200:  # 100 Continue and friends: no body, read on
            continue
        break

    conn = headers.get("connection", "").lower()
    keep_alive = ("close" not in conn) if version == "HTTP/1.1" else ("keep-alive" in conn)

    if status in (204, 304):
        return status, headers, b"", keep_alive
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                # trailers, if any, end with an empty line
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, headers, b"".join(chunks), keep_alive
    if "content-length" in headers:
        length = int(headers["content-length"])
        body = await reader.readexactly(length) if length else b""
        return status, headers, body, keep_alive
    # no framing: the body runs to the end of the connection
    return status, headers, await reader.read(), False


async def fetch_once(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection (used by tests and probes)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        h = dict(headers or {})
        if body or method in ("POST", "PUT", "PATCH"):
            h["Content-Length"] = str(len(body))
        writer.write(build_request(method, path, host, port, h) + body)
        await writer.drain()
        status, rh, rb, _ = await asyncio.wait_for(read_response(reader), timeout)
        return status, rh, rb
    finally:
        writer.close()


# ---------------------------------------------------------------- load

# What a broken connection or answer can raise; each is counted as a failure.
_FAILURES = (
    TimeoutError,
    OSError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    ProtocolError,
    ValueError,
)
_SAMPLES = 5  # unexpected answers kept per kind, so no error goes unexplained
_SAMPLE_BYTES = 300
_SLOWEST = 3  # slowest requests kept per kind, to say which ones were slow


class _Kind:
    """One weighted kind of request, with its own counters."""

    def __init__(self, spec: dict, defaults: dict[str, str], host: str, port: int) -> None:
        self.name = str(spec["name"])
        self.weight = float(spec.get("weight", 1))
        self.save = bool(spec.get("save", False))
        self.expect = frozenset(
            int(s) for s in spec.get("expect", [200, 201] if self.save else [200])
        )
        self.host, self.port = host, port
        reqs = spec.get("requests") or []
        if not reqs:
            raise ValueError(f"kind {self.name!r} has no requests")
        if self.weight <= 0:
            raise ValueError(f"kind {self.name!r} needs a positive weight")
        # pre-rendered (bytes, expected statuses, label) per request, or save templates
        self.wire: list[tuple[bytes, frozenset[int], str]] = []
        self.templates: list[tuple[bytes, dict, int | None, str]] = []
        for r in reqs:
            method = r.get("method", "PUT" if self.save else "GET").upper()
            path = r["path"]
            hdrs = dict(defaults)
            hdrs.update(r.get("headers") or {})
            label = r.get("label") or f"{method} {path}"
            if self.save:
                body = r.get("body")
                if not isinstance(body, dict):
                    raise ValueError(
                        f"save kind {self.name!r}: each request needs a JSON object body"
                    )
                hdrs["Content-Type"] = "application/json"
                # the head without Content-Length; the length is added per save
                head = build_request(method, path, host, port, hdrs)[:-2]
                self.templates.append((head, body, r.get("base_revision"), label))
                continue
            body = r.get("body")
            data = b""
            if body is not None:
                if isinstance(body, str):
                    data = body.encode()
                else:
                    data = json.dumps(body).encode()
                    hdrs.setdefault("Content-Type", "application/json")
            if data or method in ("POST", "PUT", "PATCH"):
                hdrs["Content-Length"] = str(len(data))
            expect = frozenset(int(s) for s in r["expect"]) if "expect" in r else self.expect
            self.wire.append((build_request(method, path, host, port, hdrs) + data, expect, label))
        self.latencies: list[int] = []
        self.statuses: Counter = Counter()
        self.failures: Counter = Counter()
        self.errors = 0
        self.conflicts = 0
        self.unexpected: list[dict] = []
        self.slowest: list[tuple[int, str]] = []  # (ns, label), slowest first
        self.slow_floor = 0  # a request must take longer than this to join them

    def slow(self, ns: int, label: str) -> None:
        self.slowest.append((ns, label))
        self.slowest.sort(reverse=True)
        del self.slowest[_SLOWEST:]
        if len(self.slowest) == _SLOWEST:
            self.slow_floor = self.slowest[-1][0]

    def note(self, status: int | str, label: str, body: bytes) -> None:
        self.errors += 1
        if len(self.unexpected) >= _SAMPLES:
            return
        if any(u["status"] == status and u["request"] == label for u in self.unexpected):
            return  # the same again: keep room for different ones
        start = body.find(b"<title>")
        if start >= 0:  # an HTML page: its title says more than its head
            end = body.find(b"</title>", start)
            text = "<title>" + body[start + 7 : end].decode("utf-8", "replace").strip()
        else:
            text = body[:_SAMPLE_BYTES].decode("utf-8", "replace")
        self.unexpected.append({"status": status, "request": label, "body": text})

    def result(self, elapsed: float) -> dict:
        r = summarise(self.latencies, self.errors, elapsed)
        r["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        r["failures"] = dict(self.failures)
        r["expect"] = sorted(self.expect)
        r["weight"] = self.weight
        r["conflicts"] = self.conflicts
        r["unexpected"] = self.unexpected
        r["slowest"] = [{"ms": ns * 1e-6, "request": label} for ns, label in self.slowest]
        return r


class _SaveState:
    """A client's own page: the request template and the revision it last saw."""

    __slots__ = ("base", "count", "head", "idx", "label", "payload")

    def __init__(self, template: tuple[bytes, dict, int | None, str], idx: int) -> None:
        self.head, self.payload, self.base, self.label = template
        self.count = 0
        self.idx = idx

    def request(self) -> bytes:
        self.count += 1
        payload = dict(self.payload)
        payload["base_revision"] = self.base
        text = payload.get("body")
        if isinstance(text, str):
            payload["body"] = f"{text}\n\nSave {self.count} from load client {self.idx}.\n"
        data = json.dumps(payload).encode()
        return self.head + b"Content-Length: %d\r\n\r\n" % len(data) + data


def _revision(body: bytes, conflict: bool) -> int | None:
    try:
        doc = json.loads(body)
        if conflict:
            doc = doc["current"]
        rev = doc["revision"]
    except (ValueError, KeyError, TypeError):
        return None
    return rev if isinstance(rev, int) else None


async def _drive(
    host: str,
    port: int,
    kinds: list[_Kind],
    clients: int,
    requests: int,
    seconds: float,
    seed: int,
    timeout: float,
) -> tuple[float, float]:
    """Run the clients; fills the kinds' counters; returns (elapsed s, generator CPU s)."""
    cum: list[float] = []
    total = 0.0
    for k in kinds:
        total += k.weight
        cum.append(total)
    single = kinds[0] if len(kinds) == 1 else None
    budget = requests
    t_start = time.perf_counter()
    deadline = t_start + seconds

    async def client(idx: int) -> None:
        nonlocal budget
        rng = random.Random(seed * 1_000_003 + idx)
        saves = {
            id(k): _SaveState(k.templates[idx % len(k.templates)], idx) for k in kinds if k.save
        }
        reader = writer = None
        perf = time.perf_counter_ns
        pick = bisect.bisect_right
        try:
            while budget > 0 and time.perf_counter() < deadline:
                budget -= 1
                k = single or kinds[min(pick(cum, rng.random() * total), len(kinds) - 1)]
                if k.save:
                    state = saves[id(k)]
                    req, expect, label = state.request(), k.expect, state.label
                else:
                    state = None
                    req, expect, label = k.wire[rng.randrange(len(k.wire))]
                t0 = perf()
                try:
                    if writer is None:
                        reader, writer = await asyncio.wait_for(
                            asyncio.open_connection(host, port), timeout
                        )
                    writer.write(req)
                    # (not wait_for: before Python 3.12 it starts a task for every request)
                    async with asyncio.timeout(timeout):
                        status, _h, body, keep = await read_response(reader)
                except _FAILURES as exc:
                    dt = perf() - t0
                    k.latencies.append(dt)
                    if dt > k.slow_floor:
                        k.slow(dt, label)
                    k.failures[type(exc).__name__] += 1
                    k.note(type(exc).__name__, label, repr(exc).encode())
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    continue
                dt = perf() - t0
                k.latencies.append(dt)
                if dt > k.slow_floor:
                    k.slow(dt, label)
                k.statuses[status] += 1
                if state is not None and (status in expect or status == 409):
                    rev = _revision(body, status == 409)
                    if rev is None:
                        k.note(status, label + " (no revision in the answer)", body)
                    else:
                        state.base = rev
                        if status == 409:
                            k.conflicts += 1
                elif status not in expect:
                    k.note(status, label, body)
                if not keep:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    cpu0 = time.process_time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return time.perf_counter() - t_start, time.process_time() - cpu0


def _overall(kinds: list[_Kind], clients: int, elapsed: float, cpu: float) -> dict:
    latencies: list[int] = []
    statuses: Counter = Counter()
    failures: Counter = Counter()
    for k in kinds:
        latencies += k.latencies
        statuses.update(k.statuses)
        failures.update(k.failures)
    result = summarise(latencies, sum(k.errors for k in kinds), elapsed)
    result["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    result["failures"] = dict(failures)
    result["clients"] = clients
    # share of one core the generator itself used: near 100 means it may be the bottleneck
    result["generator_cpu_pct"] = 100.0 * cpu / elapsed if elapsed > 0 else math.nan
    return result


def _check(clients: int, requests: int) -> None:
    if clients < 1 or requests < 1:
        raise ValueError("need clients >= 1 and requests >= 1")


async def run_load(
    host: str,
    port: int,
    paths: Sequence[str],
    headers: dict[str, str],
    clients: int,
    requests: int,
    seconds: float,
    seed: int = 0,
    timeout: float = 30.0,
) -> dict:
    """Drive ``clients`` keep-alive connections issuing GETs on random ``paths``.

    Stops when ``requests`` have been started in total or ``seconds`` have
    passed, whichever comes first (requests in flight are completed, each
    bounded by ``timeout``). Every non-200 status and every failure (refused,
    reset, timeout, garbled response) counts as an error.
    """
    if clients < 1 or requests < 1 or not paths:
        raise ValueError("need clients >= 1, requests >= 1 and at least one path")
    kind = _Kind(
        {"name": "get", "requests": [{"path": p} for p in paths], "expect": [200]},
        _defaults(headers),
        host,
        port,
    )
    elapsed, cpu = await _drive(host, port, [kind], clients, requests, seconds, seed, timeout)
    return _overall([kind], clients, elapsed, cpu)


async def run_mixed(
    host: str,
    port: int,
    kinds: Sequence[dict],
    clients: int,
    requests: int,
    seconds: float,
    seed: int = 0,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> dict:
    """Like :func:`run_load`, over weighted kinds of request (see the module docstring).

    The overall numbers count every kind; ``result["kinds"][name]`` has each kind's
    own (its ``rps`` is its share of the run's throughput). A status outside a
    request's expected ones and every failure is an error; a save's 409 is not.
    """
    _check(clients, requests)
    if not kinds:
        raise ValueError("need at least one kind")
    defaults = _defaults(headers or {})
    built = [_Kind(k, defaults, host, port) for k in kinds]
    names = [k.name for k in built]
    if len(set(names)) != len(names):
        raise ValueError(f"kind names must differ: {names}")
    elapsed, cpu = await _drive(host, port, built, clients, requests, seconds, seed, timeout)
    result = _overall(built, clients, elapsed, cpu)
    result["kinds"] = {k.name: k.result(elapsed) for k in built}
    return result


def _defaults(headers: dict[str, str]) -> dict[str, str]:
    hdrs = {"Accept": "*/*", "User-Agent": "planwiki-bench"}
    hdrs.update(headers)
    return hdrs


def run_spec(spec: dict) -> dict:
    """Run one spec (either form) in this process."""
    common = (
        int(spec["clients"]),
        int(spec["requests"]),
        float(spec["seconds"]),
        int(spec.get("seed", 0)),
        float(spec.get("timeout", 30.0)),
    )
    if "kinds" in spec:
        coro = run_mixed(
            spec["host"], int(spec["port"]), spec["kinds"], *common, headers=spec.get("headers")
        )
    else:
        coro = run_load(
            spec["host"], int(spec["port"]), spec["paths"], spec.get("headers", {}), *common
        )
    return _run(coro)


def _run(coro: Any) -> Any:
    """uvloop when it is installed (planwiki depends on it on Linux). On a 2-core machine the
    generator shares the cores with the server it measures: with uvloop it took 0.12 ms of
    CPU a request instead of 0.18 ms (bench/workers.py, 2 workers: 18% of the machine
    instead of 27%), which is CPU the workers get (issue #15)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def spawn(spec: dict, grace: float = 90.0) -> dict:
    """Run this file as its own process on ``spec`` and return its result.

    Raises RuntimeError when the generator fails or overruns ``seconds + grace``.
    """
    limit = float(spec["seconds"]) + grace
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__)],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the load generator did not stop within {limit:g} s") from None
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def main() -> int:
    spec = json.load(sys.stdin)
    result = run_spec(spec)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
