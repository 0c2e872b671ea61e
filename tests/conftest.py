"""Shared fixtures: fresh SQLite files, the app in-process, the real server, a real browser."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient

from wiki import accounts, clock
from wiki.app import create_app
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.settings import Settings

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Property tests: in CI (CI=true) the same examples every run, so a red build replays the
# same way and a green one is not luck; elsewhere a new seed each run, to find new cases.
# Loaded here, before test modules are imported, so their own settings(...) inherit it.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.register_profile("local", derandomize=False)
hypothesis_settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "local"
)


@pytest.fixture(autouse=True)
def _clock_runs() -> Iterator[None]:
    yield
    clock.freeze(None)


# Passwords hashed at argon2's production cost took most of many files' time (21.6 s -> 3.8 s
# for three plugin test files, issue #25): every in-process test hashes cheaply, except one
# marked ``real_password_cost`` that checks the production cost itself.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_passwords(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_password_cost") is None:
        monkeypatch.setattr(accounts.passwords, "_hasher", FAST_HASHER)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "wiki.db", synchronous="NORMAL")


@pytest.fixture
def app(settings: Settings):
    return create_app(settings)


@pytest.fixture
def db(app) -> Database:
    database: Database = app.state.db
    return database


class People:
    """Make accounts and signed-in clients in a few words."""

    def __init__(self, app, db: Database) -> None:
        self.app, self.db = app, db

    def add(self, name: str, *, password: str = "correct-horse-battery") -> Actor:
        # An address is one word (issue #25): "Ola <b>bold</b>" signs in as ola-b-bold-b@...
        email = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}@example.org"
        found = accounts.find_user(self.db, email)
        user = found or accounts.create_user(self.db, email=email, name=name, password=password)
        return Actor(user_id=user.id, email=user.email, name=user.name)

    def client(
        self, who: Actor | None = None, *, password: str = "correct-horse-battery"
    ) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if who is not None:
            sign_in(client, who.email, password)
        return client

    def api(self, who: Actor) -> TestClient:
        """A client that speaks for ``who`` with a personal access token (the JSON API)."""
        user = accounts.find_user(self.db, who.email)
        assert user is not None
        token = accounts.create_token(self.db, user)
        return TestClient(
            self.app, follow_redirects=False, headers={"authorization": f"Bearer {token}"}
        )


class PlanBuilder:
    """A plan in one line a step (issue #25): ``make_plan("ava").page("about-me/me", "Hi")
    .share(ben, "about-me", "view")`` instead of nine-line store calls."""

    def __init__(self, people: People, owner: Actor, slug: str) -> None:
        self.people, self.db, self.owner, self.slug = people, people.db, owner, slug

    def page(
        self, path: str, body: str, *, title: str = "", by: Actor | None = None
    ) -> PlanBuilder:
        """Write (or rewrite) ``section/page`` as ``by`` (the owner unless said)."""
        from wiki import store

        section, slug = path.split("/")
        author = by or self.owner
        try:
            base: int | None = store.get_page(
                self.db, author, site=self.slug, section=section, page=slug, record_view=False
            )[1].revision
        except NotFound:
            base = None
        store.save_page(self.db, author, site=self.slug, section=section, page=slug, body=body,
                        base_revision=base, title=title or slug.replace("-", " ").capitalize())  # fmt: skip
        return self

    def share(
        self, person: Actor, section: str, capability: str = "view", *, until: str | None = None
    ) -> PlanBuilder:
        """Bring ``person`` into the circle (once) and give them ``capability`` on ``section``."""
        from wiki.store import circle

        if all(
            m.email != person.email
            for m in circle.list_members(self.db, self.owner, site=self.slug)
        ):
            circle.add_member(
                self.db, self.owner, site=self.slug, email=person.email, relationship="friend"
            )
        circle.add_grant(self.db, self.owner, site=self.slug, section=section,
                         capability=capability, person=person.email, expires_at=until)  # fmt: skip
        return self


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str) -> None:
    form = client.get("/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrftoken": csrf_of(form.text)}
    )
    assert response.status_code == 303, response.text


def post_form(
    client: TestClient, url: str, data: dict[str, str], *, page: str | None = None
) -> httpx2.Response:
    """Post a form the way a browser does: with the CSRF token from a page."""
    token = csrf_of(client.get(page or "/").text)
    return client.post(url, data={**data, "csrftoken": token})


@pytest.fixture
def people(app, db) -> People:
    return People(app, db)


@pytest.fixture
def make_plan(people: People):
    """``make_plan("ava")``: Ava (made if need be) owns a new plan at /s/ava."""
    from wiki import store

    def make(slug: str, *, owner: str = "", title: str = "", **site: Any) -> PlanBuilder:
        person = people.add(owner or slug.capitalize())
        store.create_site(
            people.db, person, slug=slug, title=title or f"{person.name}'s plan", **site
        )
        return PlanBuilder(people, person, slug)

    return make


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: the session-wide browser fixture (Playwright's
    sync API) keeps an event loop running on the main thread, where ``asyncio.run`` refuses
    to start another. Every test that runs a coroutine goes through here."""
    with ThreadPoolExecutor(1) as own_loop:
        return own_loop.submit(asyncio.run, work).result()


def sign_in_page(page, base: str, email: str, password: str, *, next_path: str = "") -> None:
    """Sign a browser page in through the login form, as a person would."""
    page.goto(f"{base}/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()


def png(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG, for photos in tests."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), "#1d4f91").save(out, "PNG")
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, url: str, db_path: Path, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
        self.url, self.db_path, self.process = url, db_path, process


def start_server(
    db_path: Path, *, demo: bool = False, env: dict[str, str] | None = None
) -> LiveServer:
    """The real app under uvicorn, through the real ``planwiki`` command."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "main",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db_path),
        # One process, as before `--workers` (issue #15): starting one per CPU costs a fresh
        # interpreter each; tests/test_serve.py is where several workers are tried.
        "--workers",
        "1",
    ]
    if demo:
        args.append("--demo")
    process = subprocess.Popen(
        args, cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    # A deadline, not a wait: on a shared, busy machine a demo server has taken over 30 s.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited: {out}")
        try:
            if httpx2.get(url + "/login", timeout=1).status_code == 200:
                return LiveServer(url, db_path, process)
        except httpx2.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)  # or the process and its pipe are reported as leaked in a later test
    if process.stdout is not None:
        process.stdout.close()
    raise RuntimeError("server did not start")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    if server.process.stdout is not None:
        server.process.stdout.close()  # or the pipe is reported as a leaked resource


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("demo") / "demo.db", demo=True)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict[str, Any]]:
    """Run axe-core with the WCAG 2.2 tags (the default run skips target size)."""
    # Evaluated through DevTools, so the page's strict CSP stays on while axe runs.
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        AXE_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
    ]
