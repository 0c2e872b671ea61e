"""Self-checks for the benchmark's own pieces: `pytest bench/` (no planwiki needed)."""

import asyncio
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import loadgen
import page_views


def test_percentile_nearest_rank():
    v = list(range(1, 101))
    assert loadgen.percentile(v, 0) == 1
    assert loadgen.percentile(v, 50) == 50
    assert loadgen.percentile(v, 99) == 99
    assert loadgen.percentile(v, 100) == 100
    assert loadgen.percentile(list(range(1, 1001)), 99) == 990
    assert loadgen.percentile([7], 99) == 7
    assert loadgen.percentile([1, 2], 50) == 1
    assert loadgen.percentile([1, 2], 51) == 2
    assert math.isnan(loadgen.percentile([], 50))


def test_summarise():
    s = loadgen.summarise([3_000_000, 1_000_000, 2_000_000], errors=1, elapsed_s=0.5)
    assert (s["requests"], s["errors"], s["rps"]) == (3, 1, 6.0)
    assert (s["p50_ms"], s["p99_ms"], s["max_ms"]) == (2.0, 3.0, 3.0)


def test_bodies_are_deterministic_markdown_of_2_to_4_kb():
    pages = page_views.plan_pages(300, ["a", "b", "c"])
    assert pages == page_views.plan_pages(300, ["a", "b", "c"])
    assert len({(p["section"], p["slug"]) for p in pages}) == 300
    for p in pages:
        assert re.fullmatch(r"[a-z0-9-]+", p["slug"])
        assert 2048 <= len(p["body"].encode()) <= 4096
        assert p["body"].startswith(f"# {p['title']}\n")
    assert all("| --- |" in p["body"] for p in pages)


async def _serve(handler_responses):
    """A tiny HTTP/1.1 server: path -> raw response bytes; keeps connections open."""

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                resp = handler_responses[path]
                writer.write(resp)
                await writer.drain()
                if b"Connection: close" in resp:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_load_generator_counts_statuses_and_framings():
    responses = {
        "/ok": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        "/close": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        "/missing": b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    }

    async def go():
        server, port = await _serve(responses)
        async with server:
            status, _h, body = await loadgen.fetch_once("127.0.0.1", port, "GET", "/chunked")
            assert (status, body) == (200, b"abcde")
            ok = await loadgen.run_load(
                "127.0.0.1", port, ["/ok", "/chunked", "/close"], {}, 4, 300, 10
            )
            bad = await loadgen.run_load("127.0.0.1", port, ["/ok", "/missing"], {}, 2, 200, 10)
            timed = await loadgen.run_load("127.0.0.1", port, ["/ok"], {}, 2, 10**9, 0.3)
        return ok, bad, timed

    ok, bad, timed = asyncio.run(go())
    assert ok["requests"] == 300 and ok["errors"] == 0 and ok["statuses"] == {"200": 300}
    assert bad["requests"] == 200 and bad["errors"] == bad["statuses"]["404"] > 0
    assert 0.3 <= timed["elapsed_s"] < 2 and timed["errors"] == 0


def test_load_generator_reports_refused_connections():
    async def go():
        server, port = await _serve({})
        server.close()
        await server.wait_closed()
        return await loadgen.run_load("127.0.0.1", port, ["/"], {}, 2, 10, 5)

    r = asyncio.run(go())
    assert r["requests"] == 10 and r["errors"] == 10
    assert r["failures"] == {"ConnectionRefusedError": 10}


def test_table_renders_aligned():
    r = {"clients": 8, "requests": 2000, "errors": 0, "rps": 1234.5}
    r |= {"p50_ms": 1.0, "p99_ms": 9.5, "max_ms": 20.25}
    out = page_views.render_table(page_views.table_rows([("html", r)]), "footer")
    lines = out.splitlines()
    assert len({len(ln) for ln in lines[:3]}) == 1
    assert lines[2].split() == ["html", "8", "2000", "0", "1234", "1.00", "9.50", "20.25"]
