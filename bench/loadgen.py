"""Minimal HTTP/1.1 keep-alive load generator for planwiki benchmarks.

Standard library only. One asyncio TCP connection per client, hand-written
request writing and response parsing (Content-Length, chunked, or read to
close), per-request latency in nanoseconds.

Run as a separate process so the generator does not compete with the caller:

    python bench/loadgen.py < spec.json > result.json

spec: {"host", "port", "paths": [...], "headers": {name: value},
       "clients", "requests", "seconds", "seed"?, "timeout"?}
result: the dict returned by :func:`summarise` plus "statuses" and "failures".

Also importable: :func:`percentile`, :func:`summarise` and :func:`run_load`.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["fetch_once", "percentile", "run_load", "summarise"]


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
    hdrs = {"Accept": "*/*", "User-Agent": "planwiki-bench"}
    hdrs.update(headers)
    # pre-render one request per path: the generator should do as little as possible
    wire = [build_request("GET", p, host, port, hdrs) for p in paths]
    budget = requests
    latencies: list[int] = []
    statuses: Counter = Counter()
    failures: Counter = Counter()
    t_start = time.perf_counter()
    deadline = t_start + seconds

    async def client(idx: int) -> None:
        nonlocal budget
        rng = random.Random(seed * 1_000_003 + idx)
        reader = writer = None
        perf = time.perf_counter_ns
        try:
            while budget > 0 and time.perf_counter() < deadline:
                budget -= 1
                req = wire[rng.randrange(len(wire))]
                t0 = perf()
                try:
                    if writer is None:
                        reader, writer = await asyncio.wait_for(
                            asyncio.open_connection(host, port), timeout
                        )
                    writer.write(req)
                    status, _h, _b, keep = await asyncio.wait_for(read_response(reader), timeout)
                except (
                    TimeoutError,
                    OSError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    ProtocolError,
                    ValueError,
                ) as exc:
                    latencies.append(perf() - t0)
                    failures[type(exc).__name__] += 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    continue
                latencies.append(perf() - t0)
                statuses[status] += 1
                if not keep:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    cpu0 = time.process_time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - t_start
    cpu = time.process_time() - cpu0
    errors = sum(c for s, c in statuses.items() if s != 200) + sum(failures.values())
    result = summarise(latencies, errors, elapsed)
    result["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    result["failures"] = dict(failures)
    result["clients"] = clients
    # share of one core the generator itself used: near 100 means it may be the bottleneck
    result["generator_cpu_pct"] = 100.0 * cpu / elapsed if elapsed > 0 else math.nan
    return result


def main() -> int:
    spec = json.load(sys.stdin)
    result = asyncio.run(
        run_load(
            spec["host"],
            int(spec["port"]),
            spec["paths"],
            spec.get("headers", {}),
            int(spec["clients"]),
            int(spec["requests"]),
            float(spec["seconds"]),
            int(spec.get("seed", 0)),
            float(spec.get("timeout", 30.0)),
        )
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
