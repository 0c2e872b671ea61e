"""Checks for the mixed load generator and bench/council_load.py.

    pytest bench/test_council_load.py bench/test_bench.py -p no:cacheprovider

The loadgen checks use a tiny local server (no planwiki). The end-to-end checks run
council_load.py against a tiny database: one built here with the real CLI and JSON
API, and (when bench/council.py exists) one built by council.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import council_load  # noqa: E402
import loadgen  # noqa: E402
import page_views  # noqa: E402

# ---------------------------------------------------------------- a tiny server


class Fake:
    """GET /ok 200, /hidden 404, /boom 500, PUT /save/{page} with revisions and 409s."""

    def __init__(self) -> None:
        self.revisions: dict[str, int] = {}
        self.bodies: dict[str, list[str]] = {}
        self.saves = 0

    def answer(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        if method == "PUT" and path.startswith("/save/"):
            page = path.rsplit("/", 1)[1]
            doc = json.loads(body)
            current = self.revisions.setdefault(page, 1)
            if doc["base_revision"] != current:
                return 409, json.dumps(
                    {"error": {"code": "conflict"}, "current": {"revision": current}}
                ).encode()
            self.revisions[page] = current + 1
            self.bodies.setdefault(page, []).append(doc["body"])
            self.saves += 1
            return 200, json.dumps({"revision": current + 1, "body": doc["body"]}).encode()
        if path == "/ok":
            return 200, b"hello"
        if path == "/hidden":
            return 404, b"not there"
        if path == "/boom":
            return 500, b"it broke"
        return 404, b"no route"

    async def handle(self, reader, writer) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                await asyncio.sleep(0)  # let other clients interleave
                status, out = self.answer(method, path, body)
                writer.write(
                    b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n" % (status, len(out)) + out
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _mixed(fake: Fake, kinds: list[dict], clients: int, requests: int) -> dict:
    async def go():
        server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await loadgen.run_mixed("127.0.0.1", port, kinds, clients, requests, 20, seed=3)

    return asyncio.run(go())


def _save_kind(pages: list[str], weight: float = 1) -> dict:
    reqs = [
        {"path": f"/save/{p}", "body": {"body": f"text of {p}", "summary": "s"}, "base_revision": 1}
        for p in pages
    ]
    return {"name": "save", "weight": weight, "save": True, "requests": reqs}


def test_mixed_kinds_expected_statuses_and_per_kind_stats():
    fake = Fake()
    kinds = [
        {"name": "view", "weight": 8, "requests": [{"path": "/ok"}]},
        {"name": "hidden", "weight": 2, "expect": [404], "requests": [{"path": "/hidden"}]},
        {
            "name": "odd",
            "weight": 1,
            # per-request expectations win over the kind's
            "requests": [{"path": "/boom", "expect": [500]}, {"path": "/ok"}],
        },
    ]
    r = _mixed(fake, kinds, clients=3, requests=600)
    assert r["requests"] == 600 and r["errors"] == 0, r
    k = r["kinds"]
    assert set(k) == {"view", "hidden", "odd"}
    assert sum(v["requests"] for v in k.values()) == 600
    assert k["hidden"]["statuses"] == {"404": k["hidden"]["requests"]}
    assert 60 < k["hidden"]["requests"] < 170  # about 2/11 of 600
    assert set(k["odd"]["statuses"]) == {"200", "500"} and k["odd"]["errors"] == 0
    for v in k.values():
        assert v["p50_ms"] <= v["p99_ms"] <= v["max_ms"]
        assert v["rps"] > 0 and v["unexpected"] == []
        slow = [x["ms"] for x in v["slowest"]]
        assert len(slow) == 3 and slow == sorted(slow, reverse=True)
        assert slow[0] == pytest.approx(v["max_ms"])
    assert r["statuses"]["404"] == k["hidden"]["requests"]
    assert r["clients"] == 3 and r["generator_cpu_pct"] >= 0


def test_mixed_reports_unexpected_answers_with_examples():
    fake = Fake()
    kinds = [
        {"name": "view", "weight": 1, "requests": [{"path": "/ok"}]},
        {"name": "wrong", "weight": 1, "requests": [{"path": "/hidden"}, {"path": "/boom"}]},
    ]
    r = _mixed(fake, kinds, clients=2, requests=200)
    w = r["kinds"]["wrong"]
    assert w["errors"] == w["requests"] > 0 and r["errors"] == w["errors"]
    assert r["kinds"]["view"]["errors"] == 0
    assert 0 < len(w["unexpected"]) <= 5
    u = w["unexpected"][0]
    assert u["status"] in (404, 500) and u["request"] in ("GET /hidden", "GET /boom")
    assert u["body"] in ("not there", "it broke")


def test_saves_track_revisions_one_page_per_client():
    fake = Fake()
    kinds = [{"name": "view", "weight": 1, "requests": [{"path": "/ok"}]}, _save_kind(["a", "b"])]
    r = _mixed(fake, kinds, clients=2, requests=300)
    s = r["kinds"]["save"]
    assert s["errors"] == 0 and s["conflicts"] == 0, s
    assert s["requests"] == fake.saves > 50
    # every save was based on the revision the previous answer gave
    assert sum(fake.revisions.values()) - 2 == fake.saves
    for texts in fake.bodies.values():
        assert len(set(texts)) == len(texts)  # each save changed the page
        assert all(t.startswith("text of ") for t in texts)


def test_saves_count_409_apart_and_recover():
    fake = Fake()
    # four clients on two pages: clients 0 and 2 share page a, 1 and 3 page b
    r = _mixed(fake, [_save_kind(["a", "b"])], clients=4, requests=200)
    s = r["kinds"]["save"]
    assert s["errors"] == 0 and r["errors"] == 0, s
    assert s["conflicts"] > 0 and s["statuses"]["409"] == s["conflicts"]
    assert s["statuses"]["200"] == fake.saves == s["requests"] - s["conflicts"]
    assert fake.saves > s["conflicts"] / 2  # after a 409 the next save goes through


def test_mixed_spec_through_the_process_interface():
    fake = Fake()

    async def serve_and_spawn():
        server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        spec = {
            "host": "127.0.0.1",
            "port": port,
            "kinds": [
                {"name": "view", "weight": 1, "requests": [{"path": "/ok"}]},
                _save_kind(["a"]),
            ],
            "clients": 1,
            "requests": 50,
            "seconds": 10,
        }
        async with server:
            return await asyncio.get_running_loop().run_in_executor(None, loadgen.spawn, spec)

    r = asyncio.run(serve_and_spawn())
    assert r["requests"] == 50 and r["errors"] == 0
    assert set(r["kinds"]) == {"view", "save"}


def test_table_has_a_row_per_kind_and_all():
    k = {"requests": 10, "errors": 0, "rps": 5.0, "p50_ms": 1.0, "p99_ms": 2.0, "max_ms": 3.0}
    r = dict(k, clients=8, kinds={"page view": k, "save": dict(k, conflicts=2)})
    rows = council_load.table_rows([("mixed", r)])
    assert [row[1] for row in rows] == ["page view", "save", "all"]
    assert rows[1][4] == "0 (+2 409)"
    out = council_load.render_table(rows, "footer")
    assert len({len(line) for line in out.splitlines()[:5]}) == 1


# ---------------------------------------------------------------- end to end

PASSWORD = "tiny-password-correct-horse-42"
SECTIONS = ("about-me", "outcomes", "education", "health")


def _sign_in(port: int, email: str) -> str:
    web = page_views.Session(port)
    _s, _h, page = web.request("GET", "/login")
    parser = page_views._HiddenInputs()
    parser.feed(page.decode())
    origin = f"http://127.0.0.1:{port}"
    form = {"email": email, "password": PASSWORD, "csrftoken": parser.values["csrftoken"]}
    status, _h, body = web.request("POST", "/login", form=form, headers={"Origin": origin})
    web.close()
    assert status == 303, body[:300]
    return web.cookies[council_load.SESSION_COOKIE]


def build_fixture(tmp: Path) -> Path:
    """Two sites, five people, mixed access, 3 revisions a page: with the real CLI and API."""
    db = tmp / "tiny.db"
    env = dict(os.environ, PLANWIKI_DB=str(db))
    page_views.run_cli(env, str(tmp), "migrate")
    people = [
        {"email": "owner-a@example.org", "name": "Owner A", "kind": "owner"},
        {"email": "owner-b@example.org", "name": "Owner B", "kind": "owner"},
        {"email": "family@example.org", "name": "Family", "kind": "family"},
        {"email": "pro@example.org", "name": "Pro", "kind": "professional"},
        {"email": "friend@example.org", "name": "Friend", "kind": "friend"},
    ]
    for p in people:
        page_views.run_cli(env, str(tmp), "user", "add", p["email"], "--name", p["name"],
                           "--password-stdin", stdin=PASSWORD)  # fmt: skip
        p["token"] = page_views.run_cli(env, str(tmp), "token", "create", p["email"]).split()[-1]
    by = {p["email"].split("@")[0]: p for p in people}
    server = council_load.Server(str(db), str(tmp), "fixture")
    server.start()
    try:
        port = server.port

        def api(who: str, method: str, path: str, body=None, expect=(200, 201)):
            client = page_views.Session(port, bearer=by[who]["token"])
            try:
                return client.json(method, "/api/v1" + path, body, expect=expect)
            finally:
                client.close()

        circles = {
            "site-a": (
                "owner-a",
                [("family", ["family"]), ("pro", ["school"]), ("friend", ["friends"])],
                [
                    ("family", "*", "view"),
                    ("family", "about-me", "edit"),
                    ("school", "outcomes", "edit"),
                    ("school", "education", "view"),
                    ("friends", "about-me", "view"),
                ],
            ),
            "site-b": ("owner-b", [("pro", ["health"])], [("health", "*", "view")]),
        }
        pages: dict[str, list[tuple[str, str, str]]] = {}
        for site, (owner, members, grants) in circles.items():
            api(owner, "POST", "/sites", {"slug": site, "title": f"Plan {site}"})
            for who, groups in members:
                api(owner, "POST", f"/sites/{site}/members",
                    {"person": by[who]["email"], "relationship": who, "groups": groups})  # fmt: skip
            for group, section, cap in grants:
                api(owner, "POST", f"/sites/{site}/grants",
                    {"group": group, "section": section, "capability": cap})  # fmt: skip
            for section in SECTIONS:
                for n in (1, 2):
                    slug = f"{section}-page-{n}"
                    base = None
                    for rev in range(3):
                        extra = " glimmerword" if site == "site-b" and n == 2 else ""
                        secret = " zebrasecret" if section == "health" else ""
                        body = f"# {slug}\n\nMy plan, save {rev}.{extra}{secret}\n"
                        got = api(owner, "PUT", f"/sites/{site}/pages/{section}/{slug}",
                                  {"body": body, "base_revision": base, "summary": "seed"})  # fmt: skip
                        base = got["revision"]
                    pages.setdefault(site, []).append((site, section, slug))
        for p in people:
            who = p["email"].split("@")[0]
            p["session"] = _sign_in(port, p["email"])
            p["sites"], p["views"], p["edits"], p["hidden"] = [], [], [], []
            for site in pages:
                client = page_views.Session(port, bearer=p["token"])
                status, _h, data = client.request("GET", f"/api/v1/sites/{site}")
                client.close()
                if status != 200:
                    continue
                p["sites"].append(site)
                caps = {s["key"]: s["capability"] for s in json.loads(data)["sections"]}
                for t in pages[site]:
                    cap = caps.get(t[1])
                    (p["views"] if cap else p["hidden"]).append(list(t))
                    if cap in ("edit", "manage"):
                        p["edits"].append(list(t))
            assert p["views"], who
    finally:
        server.stop()
    manifest = {
        "seed": 1,
        "sites": 2,
        "pages": 16,
        "revisions": 48,
        "password": PASSWORD,
        "people": people,
        "guest_links": [],
        "search_words": {"common": "plan", "rare": "glimmerword", "hidden_only": "zebrasecret"},
    }
    (tmp / "tiny.db.manifest.json").write_text(json.dumps(manifest))
    return db


def _run_council_load(*args: str, timeout: float = 80) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="160")
    return subprocess.run(
        [sys.executable, str(HERE / "council_load.py"), *args],
        capture_output=True, text=True, timeout=timeout, env=env,
    )  # fmt: skip


needs_planwiki = pytest.mark.skipif(shutil.which("planwiki") is None, reason="needs planwiki")


@needs_planwiki
def test_council_load_end_to_end_on_a_hand_made_database(tmp_path):
    db = build_fixture(tmp_path)
    manifest = json.loads((tmp_path / "tiny.db.manifest.json").read_text())
    friend = next(p for p in manifest["people"] if p["kind"] == "friend")
    assert friend["hidden"] and friend["views"] and not friend["edits"]
    proc = _run_council_load(str(db), "--small", str(db), "--clients", "1,2", "--seconds", "1",
                             "--requests", "150", "--warmup", "20")  # fmt: skip
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr[-3000:]
    for word in ("page view hidden", "api read", "history", "diff", "search site", "sharing",
                 "save", "bare hello", "targets:", "full/small", "VmHWM"):  # fmt: skip
        assert word in out, (word, out)


@needs_planwiki
@pytest.mark.skipif(not (HERE / "council.py").exists(), reason="bench/council.py not there yet")
def test_council_load_end_to_end_on_council_py(tmp_path):
    db = tmp_path / "council.db"
    built = subprocess.run(
        [sys.executable, str(HERE / "council.py"), str(db), "--sites", "3", "--pages", "10",
         "--revisions", "3", "--seed", "1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    proc = _run_council_load(str(db), "--clients", "1,2", "--seconds", "1", "--requests", "150",
                             "--warmup", "20")  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "mixed" in proc.stdout and "targets:" in proc.stdout
