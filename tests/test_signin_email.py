"""Email sign-in links and password resets, through a real local SMTP server (issue #4).

aiosmtpd listens on 127.0.0.1; the app sends to it over SMTP exactly as it would to
an operator's mail server. A link arrives, works once, only in the browser that asked
for it, and not after 15 minutes; asking gets the same answer whether or not the
address has an account, and is rate limited per address and per network address.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import axe_violations, csrf_of, free_port, start_server, stop_server
from starlette.testclient import TestClient

from wiki import accounts, clock
from wiki.app import create_app
from wiki.models import Preferences
from wiki.routes.common import READING_COOKIE
from wiki.settings import Settings


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def last_body(self, address: str) -> str:
        found = self.to(address)
        assert found, f"no email to {address}; got {[m['To'] for m in self.messages]}"
        payload = found[-1].get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()

    def link(self, address: str, kind: str = "email") -> str:
        match = re.search(rf"https?://\S+/login/{kind}/\S+", self.last_body(address))
        assert match, self.last_body(address)
        return match.group(0)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PLANWIKI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLANWIKI_SMTP_PORT", str(port))
    monkeypatch.setenv("PLANWIKI_SMTP_SENDER", "planwiki <plans@example.org>")
    yield inbox
    controller.stop()


def browser_client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def ask_for_link(
    client: TestClient, address: str, *, next_path: str = "/", url: str = "/login/email"
):
    token = csrf_of(client.get("/login").text)
    return client.post(url, data={"email": address, "next": next_path, "csrftoken": token})


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# ---- the link arrives, works once ---------------------------------------------------------


def test_link_arrives_and_works_once(app, people, smtp: Inbox) -> None:
    people.add("Pat")
    client = browser_client(app)
    asked = ask_for_link(client, "pat@example.org", next_path="/account")
    assert asked.status_code == 200 and "Check your email" in asked.text
    message = smtp.to("pat@example.org")[-1]
    assert message["Subject"] == "Your planwiki sign-in link"
    assert "within 15 minutes" in smtp.last_body("pat@example.org")
    link = smtp.link("pat@example.org")
    assert link.startswith("http://testserver/login/email/")

    used = client.get(path_of(link))
    assert used.status_code == 303 and used.headers["location"] == "/account"
    assert client.get("/api/v1/me").json()["email"] == "pat@example.org"

    again = client.get(path_of(link))
    assert again.status_code == 410
    assert "This link has already been used" in again.text
    assert "Ask for a new sign-in link" in again.text


def test_link_expires_after_15_minutes(app, people, smtp: Inbox) -> None:
    people.add("Quinn")
    client = browser_client(app)
    start = clock.now()
    clock.freeze(start)
    ask_for_link(client, "quinn@example.org")
    link = smtp.link("quinn@example.org")
    clock.freeze(start + timedelta(minutes=15, seconds=1))
    expired = client.get(path_of(link))
    assert expired.status_code == 410
    assert "This link has expired" in expired.text and "Ask for a new sign-in link" in expired.text
    assert client.get("/api/v1/me").status_code == 401
    # Just inside the time it works.
    clock.freeze(start)
    ask_for_link(client, "quinn@example.org")
    fresh = smtp.link("quinn@example.org")
    clock.freeze(start + timedelta(minutes=14, seconds=59))
    assert client.get(path_of(fresh)).status_code == 303


def test_link_only_works_in_the_browser_that_asked(app, people, smtp: Inbox) -> None:
    people.add("Rae")
    asker = browser_client(app)
    ask_for_link(asker, "rae@example.org")
    link = smtp.link("rae@example.org")
    other = browser_client(app)
    refused = other.get(path_of(link))
    assert refused.status_code == 403
    assert "Open this link in the browser where you asked for it" in refused.text
    assert other.get("/api/v1/me").status_code == 401
    # Not spent by the wrong browser: the right one can still use it.
    assert asker.get(path_of(link)).status_code == 303


def test_tampered_link_gets_a_friendly_page(app, people, smtp: Inbox) -> None:
    people.add("Sol")
    client = browser_client(app)
    ask_for_link(client, "sol@example.org")
    link = smtp.link("sol@example.org")
    for bad in (path_of(link)[:-3] + "abc", path_of(link)[:30], "/login/email/%00%ff"):
        response = client.get(bad)
        assert response.status_code in (404, 410), bad
        assert "This link does not work" in response.text
        assert "Traceback" not in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_only_one_of_several_links_can_be_used(app, people, smtp: Inbox) -> None:
    people.add("Tam")
    client = browser_client(app)
    ask_for_link(client, "tam@example.org")
    first = smtp.link("tam@example.org")
    ask_for_link(client, "tam@example.org")
    second = smtp.link("tam@example.org")
    assert first != second
    assert client.get(path_of(second)).status_code == 303
    assert client.get(path_of(first)).status_code == 410


def test_session_is_rotated_when_a_link_is_used(app, people, db, smtp: Inbox) -> None:
    uma = people.add("Uma")
    client = people.client(uma)
    old = client.cookies.get("planwiki_session")
    ask_for_link(client, "uma@example.org")
    assert client.get(path_of(smtp.link("uma@example.org"))).status_code == 303
    new = client.cookies.get("planwiki_session")
    assert new and new != old
    assert accounts.actor_from_session(db, old, idle_minutes=60) is None
    assert db.one("SELECT method FROM sessions")["method"] == "email link"


def test_next_is_kept_but_only_a_local_path(app, people, smtp: Inbox) -> None:
    people.add("Val")
    for asked, expected in (("/s/val-plan/about-me", "/s/val-plan/about-me"), ("https://evil.example/", "/"),
                            ("//evil.example", "/"), ("/\\evil.example", "/")):  # fmt: skip
        client = browser_client(app)
        ask_for_link(client, "val@example.org", next_path=asked)
        response = client.get(path_of(smtp.link("val@example.org")))
        assert response.headers["location"] == expected, asked


def test_asking_needs_the_forms_cookie(app, people, smtp: Inbox) -> None:
    people.add("Wyn")
    response = TestClient(app).post("/login/email", data={"email": "wyn@example.org"})
    assert response.status_code == 403
    assert smtp.messages == []


# ---- no user enumeration ----------------------------------------------------------------------


def _normalised(html: str, address: str) -> str:
    return re.sub(r'name="csrftoken" value="[^"]+"', "", html).replace(address, "ADDRESS")


@pytest.mark.parametrize("url", ["/login/email", "/login/forgot"])
def test_same_answer_whether_or_not_the_address_has_an_account(
    app, people, smtp: Inbox, url: str
) -> None:
    people.add("Xia")
    known = ask_for_link(browser_client(app), "xia@example.org", url=url)
    unknown = ask_for_link(browser_client(app), "nobody@example.org", url=url)
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known.text, "xia@example.org") == _normalised(
        unknown.text, "nobody@example.org"
    )
    assert set(known.cookies.keys()) == set(unknown.cookies.keys())
    # The stranger's inbox gets a note, not a link.
    assert "no account for it" in smtp.last_body("nobody@example.org")
    assert "/login/" not in smtp.last_body("nobody@example.org")


def test_wrong_password_answer_is_the_same_for_unknown_addresses(app, people) -> None:
    people.add("Yan")
    answers = []
    for address in ("yan@example.org", "nobody@example.org"):
        client = browser_client(app)
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login", data={"email": address, "password": "wrong-password-1", "csrftoken": token}
        )
        answers.append((response.status_code, _normalised(response.text, address)))
    assert answers[0] == answers[1]


def test_open_signup_creates_an_account_from_a_link(settings: Settings, smtp: Inbox, db) -> None:
    app = create_app(settings.model_copy(update={"open_signup": True}))
    client = browser_client(app)
    ask_for_link(client, "New.Parent@Example.org")
    link = smtp.link("new.parent@example.org")
    assert client.get(path_of(link)).status_code == 303
    assert client.get("/api/v1/me").json() == {
        "email": "new.parent@example.org",
        "name": "New Parent",
    }


# ---- rate limits, with the clock under control ----------------------------------------------------


def test_links_are_rate_limited_per_address(app, people, smtp: Inbox) -> None:
    people.add("Zed")
    start = clock.now()
    clock.freeze(start)
    client = browser_client(app)
    for _ in range(5):
        assert ask_for_link(client, "zed@example.org").status_code == 200
    clock.freeze(start + timedelta(minutes=3))
    slow = ask_for_link(client, "zed@example.org")
    assert slow.status_code == 429
    assert "Please wait 12 minutes and try again" in slow.text
    assert slow.headers["retry-after"] == str(12 * 60)
    assert len(smtp.to("zed@example.org")) == 5
    # The same limit for an address with no account: nothing to tell them apart by.
    for _ in range(5):
        ask_for_link(client, "ghost@example.org")
    assert ask_for_link(client, "ghost@example.org").status_code == 429
    # Reset emails count against the same address.
    assert ask_for_link(client, "zed@example.org", url="/login/forgot").status_code == 429
    clock.freeze(start + timedelta(minutes=16))
    assert ask_for_link(client, "zed@example.org").status_code == 200


def test_links_are_rate_limited_per_network_address(app, smtp: Inbox) -> None:
    clock.freeze(clock.now())
    client = browser_client(app)
    for n in range(20):
        assert ask_for_link(client, f"person{n}@example.org").status_code == 200
    slow = ask_for_link(client, "one-more@example.org")
    assert slow.status_code == 429 and "Please wait 15 minutes" in slow.text
    assert smtp.to("one-more@example.org") == []


def test_password_sign_in_is_rate_limited(app, people) -> None:
    people.add("Ada")
    start = clock.now()
    clock.freeze(start)
    client = browser_client(app)
    token = csrf_of(client.get("/login").text)
    for _ in range(10):
        response = client.post(
            "/login",
            data={"email": "ada@example.org", "password": "not-it-at-all", "csrftoken": token},
        )
        assert response.status_code == 400
    blocked = client.post(
        "/login",
        data={"email": "ada@example.org", "password": "correct-horse-battery", "csrftoken": token},
    )
    assert blocked.status_code == 429 and "Please wait 15 minutes" in blocked.text
    clock.freeze(start + timedelta(minutes=15, seconds=1))
    ok = client.post(
        "/login",
        data={"email": "ada@example.org", "password": "correct-horse-battery", "csrftoken": token},
    )
    assert ok.status_code == 303


# ---- password reset by email link ----------------------------------------------------------------


def test_password_reset_by_email_link(app, people, db, smtp: Inbox) -> None:
    bodhi = people.add("Bodhi")
    elsewhere = people.client(bodhi)  # signed in on another device
    client = browser_client(app)
    assert ask_for_link(client, "bodhi@example.org", url="/login/forgot").status_code == 200
    assert smtp.to("bodhi@example.org")[-1]["Subject"] == "Choose a new planwiki password"
    link = path_of(smtp.link("bodhi@example.org", kind="reset"))

    form = client.get(link)
    assert form.status_code == 200 and 'autocomplete="new-password"' in form.text
    token = csrf_of(form.text)
    weak = client.post(link, data={"password": "password123", "csrftoken": token})
    assert weak.status_code == 422 and "too easy to guess" in weak.text
    mine = client.post(link, data={"password": "Bodhi-2024!!", "csrftoken": token})
    assert mine.status_code == 422 and "must not be your name" in mine.text

    done = client.post(link, data={"password": "teapot-meadow-lantern", "csrftoken": token})
    assert done.status_code == 303 and done.headers["location"] == "/account?done=password-reset"
    assert client.get("/api/v1/me").json()["email"] == "bodhi@example.org"
    assert elsewhere.get("/api/v1/me").status_code == 401  # signed out everywhere else
    assert (
        accounts.check_password(db, email="bodhi@example.org", password="correct-horse-battery")
        is None
    )
    assert accounts.check_password(db, email="bodhi@example.org", password="teapot-meadow-lantern")

    reused = client.get(link)
    assert reused.status_code == 410 and "already been used" in reused.text
    assert "Ask for a new password link" in reused.text


def test_reset_link_expires_and_is_bound_to_the_browser(app, people, smtp: Inbox) -> None:
    people.add("Cy")
    start = clock.now()
    clock.freeze(start)
    client = browser_client(app)
    ask_for_link(client, "cy@example.org", url="/login/forgot")
    link = path_of(smtp.link("cy@example.org", kind="reset"))
    other = browser_client(app)
    assert other.get(link).status_code == 403
    token = csrf_of(other.get("/login").text)
    assert (
        other.post(link, data={"password": "teapot-meadow-lantern", "csrftoken": token}).status_code
        == 403
    )
    clock.freeze(start + timedelta(minutes=16))
    expired = client.get(link)
    assert expired.status_code == 410 and "This link has expired" in expired.text


# ---- in a real browser: a parent signs in from an email link on their phone ----------------------


@pytest.mark.browser
def test_parent_signs_in_from_an_email_link_on_a_phone(
    browser, smtp: Inbox, tmp_path: Path
) -> None:
    import os

    db_path = tmp_path / "live.db"
    from wiki.db import Database, migrate

    database = Database(db_path)
    migrate(database.db)
    accounts.create_user(database, email="mum@example.org", name="Mum")
    database.close()
    env = {
        k: os.environ[k]
        for k in ("PLANWIKI_SMTP_HOST", "PLANWIKI_SMTP_PORT", "PLANWIKI_SMTP_SENDER")
    }
    server = start_server(db_path, env=env)
    try:
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(server.url + "/login")
        assert axe_violations(page) == []
        page.fill("#email", "mum@example.org")
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.wait_for_url("**/login/email")
        assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
        assert axe_violations(page) == []
        screenshots = Path(__file__).parent / "screenshots"
        screenshots.mkdir(exist_ok=True)
        page.screenshot(path=str(screenshots / "signin-email-sent-375.png"), full_page=True)

        import time

        deadline = time.monotonic() + 10
        while not smtp.to("mum@example.org") and time.monotonic() < deadline:
            time.sleep(0.05)
        link = smtp.link("mum@example.org")
        assert link.startswith(server.url)
        page.goto(link)
        page.wait_for_url(server.url + "/")
        page.goto(server.url + "/account")
        assert page.get_by_role("heading", name="Your account", exact=True).is_visible()
        assert "email link" in page.content()
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshots / "signin-account-375.png"), full_page=True)

        # The same link a second time: a friendly page, not a sign-in.
        page.goto(link)
        assert (
            page.get_by_role("heading", level=1).inner_text() == "This link has already been used"
        )
        assert axe_violations(page) == []
        context.close()
    finally:
        stop_server(server)
        if server.process.stdout:
            server.process.stdout.close()


def test_a_reader_who_chose_easy_read_is_told_to_look_at_their_email_in_easy_words(
    app, people, smtp: Inbox
) -> None:
    """Easy read chosen on the sign-in page (the cookie, before signing in) holds on the
    page that says the link is on its way (issue #16)."""
    people.add("Rhys")
    client = browser_client(app)
    client.cookies.set(READING_COOKIE, Preferences(easy_read=True).as_cookie())
    asked = ask_for_link(client, "rhys@example.org")
    assert asked.status_code == 200
    assert "<h1>Look at your email</h1>" in asked.text and "Press it to sign in." in asked.text
    assert "Check your email" not in asked.text and "within" not in asked.text
    assert smtp.to("rhys@example.org"), "and the link was sent"
