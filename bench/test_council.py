"""The council data generator (bench/council.py), built small and checked through the real
server: ``pytest bench/test_council.py -p no:cacheprovider`` (needs ``pip install -e .``)."""

from __future__ import annotations

import hashlib
import html
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import page_views  # noqa: E402
from page_views import Session, free_port, planwiki_exe, stop_server, wait_ready  # noqa: E402

COUNCIL = HERE / "council.py"
SMALL = ["--sites", "4", "--pages", "10", "--revisions", "3", "--quiet"]
CONTENT = [  # what "the same content" means: everything but sessions' last_seen_at
    "SELECT id, email, name, password_hash, created_at FROM users ORDER BY id",
    "SELECT * FROM sites ORDER BY id",
    "SELECT * FROM sections ORDER BY id",
    "SELECT * FROM members ORDER BY id",
    "SELECT * FROM member_groups ORDER BY member_id, group_key",
    "SELECT * FROM grants ORDER BY id",
    "SELECT * FROM guest_links ORDER BY id",
    "SELECT * FROM pages ORDER BY id",
    "SELECT * FROM revisions ORDER BY id",
    "SELECT * FROM audit ORDER BY id",
    "SELECT id, user_id, created_at, expires_at FROM sessions ORDER BY id",
    "SELECT * FROM tokens ORDER BY id",
]


def build(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(COUNCIL), str(path), *SMALL, *extra],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def content_sha(path: Path) -> str:
    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for sql in CONTENT:
            for row in conn.execute(sql):
                digest.update(repr(tuple(row)).encode())
    finally:
        conn.close()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("council")
    first, second = folder / "a.db", folder / "b.db"
    out = build(first, "--seed", "1").stdout
    build(second, "--seed", "1", "--jobs", "0")  # same content in one process
    return first, second, out


def manifest(path: Path) -> dict:
    return json.loads(Path(f"{path}.manifest.json").read_text())


def test_same_seed_same_content(built, tmp_path):
    first, second, out = built
    assert content_sha(first) == content_sha(second)
    assert manifest(first) == manifest(second)
    other = tmp_path / "c.db"
    build(other, "--seed", "2")
    assert content_sha(other) != content_sha(first)
    for row in ("sites", "people", "circle members", "grants to people", "grants to groups",
                "guest links", "pages", "revisions", "file size MB", "seconds to build"):  # fmt: skip
        assert row in out


def test_refuses_to_overwrite(built):
    first, _, _ = built
    refused = subprocess.run([sys.executable, str(COUNCIL), str(first), *SMALL],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert refused.returncode != 0 and "--force" in refused.stderr


def test_manifest(built):
    first, _, _ = built
    m = manifest(first)
    assert set(m) == {"seed", "sites", "pages", "revisions", "password", "people",
                      "guest_links", "search_words"}  # fmt: skip
    assert (m["seed"], m["sites"]) == (1, 4)
    conn = sqlite3.connect(first)
    assert m["pages"] == conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert m["revisions"] == conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0]
    assert set(m["search_words"]) == {"common", "rare", "hidden_only"}
    assert m["guest_links"]
    kinds = {p["kind"] for p in m["people"]}
    assert kinds == {"owner", "family", "professional", "friend"}
    for p in m["people"]:
        assert {"email", "name", "kind", "session", "token", "sites", "views", "edits",
                "hidden"} <= set(p)  # fmt: skip
        assert len(p["views"]) <= 50 and len(p["edits"]) <= 20 and len(p["hidden"]) <= 20
        assert all(e in p["views"] or len(p["views"]) == 50 for e in p["edits"])
        assert not set(map(tuple, p["views"])) & set(map(tuple, p["hidden"]))
    # The hidden word is only in budget sections nobody but the young person may view.
    rows = conn.execute(
        "SELECT DISTINCT s.key FROM revisions r JOIN pages p ON p.id = r.page_id"
        " JOIN sections s ON s.id = p.section_id WHERE r.body LIKE ?",
        (f"%{m['search_words']['hidden_only']}%",),
    ).fetchall()
    assert rows == [("budget",)]


def test_html_of_every_revision_is_the_renderers(built):
    from wiki.render import render

    first, _, _ = built
    conn = sqlite3.connect(first)
    rows = conn.execute(
        "SELECT t.slug, r.body, r.html FROM revisions r JOIN pages p ON p.id = r.page_id"
        " JOIN sites t ON t.id = p.site_id"
    ).fetchall()
    assert rows
    for site, body, stored in rows:
        assert render(body, site=site) == stored


def test_planwiki_check_passes(built):
    first, _, _ = built
    done = subprocess.run([planwiki_exe(), "check", "--db", str(first)],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _title(path: Path, site: str, section: str, page: str) -> str:
    conn = sqlite3.connect(path)
    row = conn.execute(
        "SELECT p.title FROM pages p JOIN sections s ON s.id = p.section_id"
        " JOIN sites t ON t.id = p.site_id WHERE t.slug = ? AND s.key = ? AND p.slug = ?",
        (site, section, page),
    ).fetchone()
    return str(row[0])


def test_the_real_server_agrees_with_the_manifest(built):
    _, second, _ = built  # a copy nobody else reads: the server may write to it
    m = manifest(second)
    port = free_port()
    log_path = str(second.parent / "server.log")
    env = dict(os.environ, PLANWIKI_DB=str(second))
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [planwiki_exe(), "serve", "--host", page_views.HOST, "--port", str(port), "--workers", "1"],
            env=env, cwd=str(second.parent), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(port, server, log_path)
        checked = {"views": 0, "hidden": 0, "api": 0}
        for person in m["people"]:
            if not person["views"] or (checked["hidden"] and checked["views"] >= 3):
                continue
            web = Session(port)
            web.cookies["planwiki_session"] = person["session"]
            site, section, page = person["views"][0]
            status, _h, body = web.request("GET", f"/s/{site}/{section}/{page}")
            title = _title(second, site, section, page)
            assert status == 200, (person["email"], site, section, page, status)
            assert html.escape(title, quote=False) in body.decode()
            checked["views"] += 1
            for where in person["hidden"][:2]:
                status, _h, _b = web.request("GET", "/s/{}/{}/{}".format(*where))
                assert status == 404, (person["email"], where, status)
                checked["hidden"] += 1
            web.close()
            api = Session(port, bearer=person["token"])
            status, _h, body = api.request("GET", f"/api/v1/sites/{site}/pages/{section}/{page}")
            assert status == 200 and json.loads(body)["title"] == title
            checked["api"] += 1
            api.close()
        assert checked["views"] >= 3 and checked["hidden"] >= 1, checked
        guest = Session(port)
        status, headers, _b = guest.request("GET", f"/g/{m['guest_links'][0]}")
        assert status in (302, 303, 307), status
        status, _h, _b = guest.request("GET", headers["location"])
        assert status == 200
        guest.close()
    finally:
        stop_server(server)
