"""Nothing about a reader leaves for a third party (issue #25).

Anyone who may edit one page could plant ``![dot](https://elsewhere.example/p.png)``: served
as an ``<img>``, it reported every reader (the young person, the SENCO, a guest link's
visitor) to a stranger. Now a picture from elsewhere is a link the reader may choose to
follow, the Content-Security-Policy allows pictures from the plan wiki only, nothing is
indexed, and the icon and manifest are the plan wiki's own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils
from conftest import sign_in_page, start_server, stop_server

from wiki import store
from wiki.store import links

ROOT = Path(__file__).resolve().parent.parent
PIXEL = "![dot](https://elsewhere.example/p.png)"


@pytest.fixture
def ava(people, db):
    owner = people.add("Ava")
    store.create_site(db, owner, slug="ava", title="Ava's plan")
    return owner


@pytest.mark.parametrize(
    "markdown",
    [
        PIXEL,
        "![dot](http://elsewhere.example/p.png)",
        "![dot](//elsewhere.example/p.png)",
        '![dot](https://elsewhere.example/p.png "a title")',
        "[![dot](https://elsewhere.example/p.png)](https://elsewhere.example/)",
        "![dot][ref]\n\n[ref]: https://elsewhere.example/p.png",
        "![dot](/s/bob/-/files/1/photo.jpg)",  # another plan's file: not this plan's
    ],
)
def test_a_picture_from_elsewhere_is_never_an_img_on_the_page(people, db, ava, markdown):
    store.save_page(db, ava, site="ava", section="about-me", page="me", body=markdown,
                    base_revision=None, title="Me")  # fmt: skip
    html = people.client(ava).get("/s/ava/about-me/me").text
    main = html.split("<main", 1)[1]
    assert "<img" not in main or "elsewhere.example" not in main.split("<img", 1)[1][:200]
    for src in re.findall(r'<img[^>]*\bsrc="([^"]*)"', main):
        assert urlsplit(src).netloc == "" and src.startswith("/"), src


def test_a_picture_from_elsewhere_is_a_link_the_reader_may_follow(people, db, ava):
    store.save_page(db, ava, site="ava", section="about-me", page="me", body=PIXEL,
                    base_revision=None, title="Me")  # fmt: skip
    html = people.client(ava).get("/s/ava/about-me/me").text
    assert re.search(
        r'<a class="elsewhere" href="https://elsewhere.example/p.png" rel="noopener noreferrer nofollow">'
        r"Picture on elsewhere.example: dot</a>",
        html,
    ), html.split("<main", 1)[1][:800]


def test_the_plans_own_photo_is_still_a_picture(people, db, ava):
    body = "![my bus](/s/ava/-/files/3/bus.jpg)"
    store.save_page(db, ava, site="ava", section="about-me", page="me", body=body,
                    base_revision=None, title="Me")  # fmt: skip
    assert (
        '<img src="/s/ava/-/files/3/bus.jpg" alt="my bus"'
        in people.client(ava).get("/s/ava/about-me/me").text
    )


def test_the_policy_allows_pictures_from_the_plan_wiki_only(people, ava):
    csp = people.client(ava).get("/s/ava").headers["content-security-policy"]
    img = next(part.split()[1:] for part in csp.split(";") if part.split()[:1] == ["img-src"])
    assert img == ["'self'", "data:", "blob:"]


def test_every_answer_asks_not_to_be_indexed_and_robots_are_turned_away(people, db, ava):
    link = links.create_guest_link(db, ava, site="ava", section="about-me")
    anyone, signed_in = people.client(), people.client(ava)
    answers = [
        signed_in.get("/s/ava"), signed_in.get("/api/v1/me"), anyone.get(f"/g/{link.token}"),
        anyone.get("/login"), anyone.get("/static/default/style.css"), anyone.get("/s/nobody"),
        anyone.get("/robots.txt"), anyone.get("/healthz"),
    ]  # fmt: skip
    for answer in answers:
        assert answer.headers["x-robots-tag"] == "noindex, nofollow", answer.url
    robots = anyone.get("/robots.txt")
    assert robots.status_code == 200 and robots.text.splitlines() == [
        "User-agent: *",
        "Disallow: /",
    ]


def test_the_icon_and_the_manifest_are_the_plan_wikis_own(people):
    client = people.client()
    page = client.get("/login").text
    assert '<link rel="icon" href="/static/default/icon.svg"' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = json.loads(manifest.text)
    assert body["start_url"] == "/" and body["display"] == "standalone"
    for icon in body["icons"]:
        assert urlsplit(icon["src"]).netloc == ""
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"] == icon["type"], icon
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.headers["location"] == "/static/default/icon.svg"


def test_pages_saved_before_lose_their_pictures_from_elsewhere_when_migrated(tmp_path):
    from importlib import import_module

    step = import_module("migrations.0017_pictures_from_elsewhere")
    db = sqlite_utils.Database(tmp_path / "old.db")
    db.execute("CREATE TABLE revisions (id INTEGER PRIMARY KEY, html TEXT NOT NULL)")
    old = [
        '<p><img src="https://elsewhere.example/p.png" alt="dot"></p>',
        '<p><img src="/s/ava/-/files/3/bus.jpg" alt="my bus"></p>',
        "<p>No pictures.</p>",
    ]
    for html in old:
        db.execute("INSERT INTO revisions (html) VALUES (?)", (html,))
    step.migrate(db)
    now = [r[0] for r in db.execute("SELECT html FROM revisions ORDER BY id").fetchall()]
    assert now[0] == (
        '<p><a class="elsewhere" href="https://elsewhere.example/p.png">'
        "Picture on elsewhere.example: dot</a></p>"
    )
    assert now[1:] == old[1:]


@pytest.mark.browser
def test_a_reader_in_a_real_browser_sends_nothing_to_another_site(browser, tmp_path):
    """Chromium, served by uvicorn: every request the page makes goes to the plan wiki."""
    db_path = tmp_path / "wiki.db"
    server = start_server(db_path)
    try:
        subprocess.run(
            [sys.executable, "-m", "main", "user", "add", "ava@example.org", "--name", "Ava",
             "--password-stdin", "--db", str(db_path)],
            input="a long pass phrase for ava\n", text=True, check=True, cwd=ROOT,
            capture_output=True,
        )  # fmt: skip
        token = subprocess.run(
            [sys.executable, "-m", "main", "token", "create", "ava@example.org", "--db", str(db_path)],
            text=True, check=True, cwd=ROOT, capture_output=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        import httpx2

        auth = {"authorization": f"Bearer {token}"}
        made = httpx2.post(f"{server.url}/api/v1/sites", json={"slug": "ava", "title": "Ava's plan"},
                           headers=auth, timeout=10)  # fmt: skip
        assert made.status_code == 201, made.text
        saved = httpx2.put(
            f"{server.url}/api/v1/sites/ava/pages/about-me/me",
            json={"body": f"# Me\n\n{PIXEL}\n\nI like buses.", "base_revision": None, "title": "Me"},
            headers=auth, timeout=10,
        )  # fmt: skip
        assert saved.status_code in (200, 201), saved.text
        page = browser.new_page(viewport={"width": 390, "height": 844})
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        sign_in_page(page, server.url, "ava@example.org", "a long pass phrase for ava")
        page.goto(f"{server.url}/s/ava/about-me/me")
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("Picture on elsewhere.example: dot").is_visible()
        elsewhere = [url for url in asked if urlsplit(url).hostname != "127.0.0.1"]
        assert elsewhere == []
        page.close()
    finally:
        stop_server(server)
