"""Sessions you can trust, the account page, personal access tokens and passwords (issue #4)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import csrf_of, post_form, sign_in
from starlette.testclient import TestClient

from wiki import accounts, clock
from wiki.app import create_app
from wiki.db import Database
from wiki.errors import Invalid
from wiki.settings import Settings
from wiki.store.audit import ViewLog, view_log

ROOT = Path(__file__).parent.parent


def session_cookie(client: TestClient) -> str:
    value = client.cookies.get("planwiki_session")
    assert value
    return value


def set_cookie_header(response, name: str) -> str:
    found = [
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith(name + "=")
    ]
    assert found, response.headers
    return found[0]


# ---- session fixation and cookies ---------------------------------------------------------


def test_password_sign_in_rotates_the_session(app, people, db) -> None:
    ann = people.add("Ann")
    client = people.client(ann)
    first = session_cookie(client)
    sign_in(client, "ann@example.org", "correct-horse-battery")
    second = session_cookie(client)
    assert first != second
    assert accounts.actor_from_session(db, first, idle_minutes=60) is None
    assert db.one("SELECT COUNT(*) AS n FROM sessions")["n"] == 1


def test_a_planted_session_id_is_never_adopted(app, people, db) -> None:
    people.add("Ben")
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("planwiki_session", "attacker-chosen-value", domain="testserver.local")
    sign_in(client, "ben@example.org", "correct-horse-battery")
    assert session_cookie(client) != "attacker-chosen-value"
    assert accounts.actor_from_session(db, "attacker-chosen-value", idle_minutes=60) is None


def test_session_cookie_flags(app, people, settings: Settings) -> None:
    people.add("Cat")
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "cat@example.org", "password": "correct-horse-battery", "csrftoken": token},
    )
    cookie = set_cookie_header(response, "planwiki_session").lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http in tests
    assert f"max-age={settings.session_absolute_hours * 3600}" in cookie


def test_secure_cookies_behind_https(settings: Settings, db) -> None:
    secure = settings.model_copy(update={"secure_cookies": True})
    app = create_app(secure)
    accounts.create_user(db, email="dee@example.org", name="Dee", password="correct-horse-battery")
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "dee@example.org", "password": "correct-horse-battery", "csrftoken": token},
    )
    assert response.status_code == 303
    assert "secure" in set_cookie_header(response, "planwiki_session").lower()
    # An https base address turns it on by itself.
    assert Settings(db=settings.db, base_url="https://plans.example.org").secure_cookies is True


def test_idle_timeout(app, people, settings: Settings) -> None:
    start = clock.now()
    clock.freeze(start)
    eve = people.add("Eve")
    client = people.client(eve)
    clock.freeze(start + timedelta(minutes=settings.session_idle_minutes - 1))
    assert client.get("/api/v1/me").status_code == 200  # activity keeps it alive
    clock.freeze(start + timedelta(minutes=2 * settings.session_idle_minutes - 3))
    assert client.get("/api/v1/me").status_code == 200
    clock.freeze(start + timedelta(minutes=3 * settings.session_idle_minutes))
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/account")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/account"


def test_absolute_timeout(app, people, settings: Settings) -> None:
    start = clock.now()
    clock.freeze(start)
    fay = people.add("Fay")
    client = people.client(fay)
    step = timedelta(minutes=settings.session_idle_minutes // 2)
    moment = start
    while moment + step < start + timedelta(hours=settings.session_absolute_hours):
        moment += step
        clock.freeze(moment)
        assert client.get("/api/v1/me").status_code == 200
    clock.freeze(start + timedelta(hours=settings.session_absolute_hours, minutes=1))
    assert client.get("/api/v1/me").status_code == 401


def test_use_of_a_session_or_token_is_filed_with_the_view_log_not_by_the_request(
    app, people, db, monkeypatch
) -> None:
    # Issue #8: a page view does not write (nor wait for an fsync) to note "last seen".
    start = clock.now()
    clock.freeze(start)
    hal = people.add("Hal")
    client = people.client(hal)
    session_id = accounts._digest(session_cookie(client))
    token = accounts.create_token(db, accounts.get_user(db, hal.user_id), name="script")  # type: ignore[arg-type]
    writers: list[str] = []
    real_write = Database.write

    def spy(self: Database):
        writers.append(threading.current_thread().name)
        return real_write(self)

    monkeypatch.setattr(Database, "write", spy)
    later = start + timedelta(minutes=5)
    clock.freeze(later)
    assert client.get("/api/v1/me").status_code == 200
    bearer = {"authorization": f"Bearer {token}"}
    assert people.client().get("/api/v1/me", headers=bearer).status_code == 200
    assert set(writers) <= {"planwiki-view-log"}  # only the log's own thread writes
    view_log(db).flush(db)
    row = db.one("SELECT last_seen_at FROM sessions WHERE id = ?", (session_id,))
    assert row["last_seen_at"] == clock.iso(later)
    used = db.one("SELECT last_used_at FROM tokens WHERE user_id = ?", (hal.user_id,))
    assert used["last_used_at"] == clock.iso(later)


def test_a_session_still_times_out_while_its_last_use_waits_to_be_filed(
    app, people, db, settings: Settings
) -> None:
    start = clock.now()
    clock.freeze(start)
    ida = people.add("Ida")
    client = people.client(ida)
    view_log(db).flush_seconds = 3600
    idle = settings.session_idle_minutes
    clock.freeze(start + timedelta(minutes=idle - 1))
    assert client.get("/api/v1/me").status_code == 200  # noted, not yet filed
    clock.freeze(start + timedelta(minutes=2 * idle - 3))
    assert client.get("/api/v1/me").status_code == 200  # counted from the noted use
    clock.freeze(start + timedelta(minutes=3 * idle))
    assert client.get("/api/v1/me").status_code == 401


def test_filing_a_late_touch_never_brings_back_an_ended_session_or_moves_time_back(
    app, people, db
) -> None:
    jo = people.add("Jo")
    client = people.client(jo)
    secret = session_cookie(client)
    session_id = accounts._digest(secret)
    log = view_log(db)
    log.seen(db, session=session_id)
    accounts.end_session(db, secret)
    log.flush(db)
    assert db.one("SELECT COUNT(*) AS n FROM sessions WHERE id = ?", (session_id,))["n"] == 0
    assert accounts.actor_from_session(db, secret, idle_minutes=60) is None

    kit = people.add("Kit")
    kit_id = accounts._digest(session_cookie(people.client(kit)))
    log.seen(db, session=kit_id)  # noted now ...
    with db.write():  # ... while another process filed a later use
        db.execute(
            "UPDATE sessions SET last_seen_at = '2999-01-01T00:00:00+00:00' WHERE id = ?", (kit_id,)
        )
    log.flush(db)
    row = db.one("SELECT last_seen_at FROM sessions WHERE id = ?", (kit_id,))
    assert row["last_seen_at"] == "2999-01-01T00:00:00+00:00"


def test_sign_out_ends_the_session_on_the_server(app, people, db) -> None:
    gil = people.add("Gil")
    client = people.client(gil)
    secret = session_cookie(client)
    response = post_form(client, "/logout", {})
    assert response.status_code == 303 and response.headers["location"] == "/login?signed_out=1"
    assert accounts.actor_from_session(db, secret, idle_minutes=60) is None
    replay = TestClient(app)
    replay.cookies.set("planwiki_session", secret, domain="testserver.local")
    assert replay.get("/api/v1/me").status_code == 401


# ---- open redirects ------------------------------------------------------------------------


@pytest.mark.parametrize("next_path, expected", [
    ("/s/plan/about-me?x=1", "/s/plan/about-me?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])  # fmt: skip
def test_next_only_goes_to_local_paths(app, people, next_path: str, expected: str) -> None:
    people.add("Hal")
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login?next=" + next_path).text)
    response = client.post("/login", data={"email": "hal@example.org", "password": "correct-horse-battery",
                                           "next": next_path, "csrftoken": token})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == expected


def test_login_page_does_not_echo_a_foreign_next(app) -> None:
    html = TestClient(app).get("/login?next=https://evil.example/").text
    assert "evil.example" not in html


# ---- the account page: sessions -------------------------------------------------------------


def test_account_page_lists_sessions_and_can_end_one(app, people, db) -> None:
    ivy = people.add("Ivy")
    laptop = people.client(ivy)
    phone = TestClient(app, follow_redirects=False, headers={
        "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"
    })  # fmt: skip
    sign_in(phone, "ivy@example.org", "correct-horse-battery")
    html = laptop.get("/account").text
    assert "Safari on iPhone or iPad" in html
    assert (
        html.count('action="/account/sessions/') == 2 + 2
    )  # two sessions, plus "everywhere" buttons
    assert "this browser" in html
    phone_handle = next(
        s.handle for s in accounts.list_sessions(db, ivy.user_id) if "iPhone" in s.user_agent
    )
    response = post_form(laptop, f"/account/sessions/{phone_handle}/end", {}, page="/account")
    assert (
        response.status_code == 303
        and response.headers["location"] == "/account?done=session-ended"
    )
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 200
    assert "That session has been ended" in laptop.get("/account?done=session-ended").text


def test_cannot_end_someone_elses_session(app, people, db) -> None:
    jo, kit = people.add("Jo"), people.add("Kit")
    jo_client, kit_client = people.client(jo), people.client(kit)
    kit_handle = accounts.list_sessions(db, kit.user_id)[0].handle
    response = post_form(jo_client, f"/account/sessions/{kit_handle}/end", {}, page="/account")
    assert response.status_code == 404
    assert kit_client.get("/api/v1/me").status_code == 200


def test_sign_out_everywhere(app, people) -> None:
    lou = people.add("Lou")
    devices = [people.client(lou) for _ in range(3)]
    other = people.client(people.add("Mo"))
    response = post_form(devices[0], "/account/sessions/end-all", {}, page="/account")
    assert response.status_code == 303 and response.headers["location"] == "/login?ended=1"
    assert all(d.get("/api/v1/me").status_code == 401 for d in devices)
    assert other.get("/api/v1/me").status_code == 200  # nobody else is touched
    assert "signed out everywhere" in devices[0].get("/login?ended=1").text


def test_sign_out_everywhere_else(app, people) -> None:
    ned = people.add("Ned")
    here, there = people.client(ned), people.client(ned)
    response = post_form(here, "/account/sessions/end-others", {}, page="/account")
    assert response.headers["location"] == "/account?done=others-ended"
    assert here.get("/api/v1/me").status_code == 200
    assert there.get("/api/v1/me").status_code == 401


def test_ending_this_session_signs_out_here(app, people, db) -> None:
    oz = people.add("Oz")
    client = people.client(oz)
    handle = accounts.list_sessions(db, oz.user_id)[0].handle
    response = post_form(client, f"/account/sessions/{handle}/end", {}, page="/account")
    assert response.headers["location"] == "/login?signed_out=1"
    assert client.get("/api/v1/me").status_code == 401


def test_account_forms_need_csrf(app, people) -> None:
    pia = people.add("Pia")
    client = people.client(pia)
    for url in (
        "/account/sessions/end-all",
        "/account/tokens",
        "/account/password",
        "/account/name",
    ):
        response = client.post(url, data={"name": "x"})
        assert response.status_code == 403, url
    assert client.get("/api/v1/me").status_code == 200


def test_account_page_needs_a_browser_session_not_a_token(app, people, db) -> None:
    raj = people.add("Raj")
    user = accounts.find_user(db, raj.email)
    assert user is not None
    token = accounts.create_token(db, user, name="script")
    client = TestClient(app, headers={"authorization": f"Bearer {token}"})
    assert client.get("/account").status_code == 403
    # Bearer requests skip CSRF, so this must be refused by the route itself.
    assert client.post("/account/tokens", data={"name": "more"}).status_code == 403
    assert client.post("/account/sessions/end-all").status_code == 403
    assert len(accounts.list_tokens(db, user.id)) == 1


# ---- personal access tokens -------------------------------------------------------------------


def test_token_is_shown_once_works_and_can_be_revoked(app, people, db) -> None:
    sue = people.add("Sue")
    client = people.client(sue)
    created = post_form(client, "/account/tokens", {"name": "nightly export"}, page="/account")
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    secret = re.search(r'value="(pw_[^"]+)"', created.text)
    assert secret, created.text
    token = secret.group(1)
    assert "only time it is shown" in created.text
    # Stored hashed, never shown again.
    assert token not in client.get("/account").text
    assert db.one("SELECT COUNT(*) AS n FROM tokens WHERE token_hash = ?", (token,))["n"] == 0

    api = TestClient(app, headers={"authorization": f"Bearer {token}"})
    clock.freeze(clock.now())
    assert api.get("/api/v1/me").json() == {"email": "sue@example.org", "name": "Sue"}
    assert (
        api.post("/api/v1/sites", json={"slug": "sue-plan", "title": "Sue's plan"}).status_code
        == 201
    )
    listed = client.get("/account").text
    assert "nightly export" in listed and "Last used just now" in listed

    token_id = accounts.list_tokens(db, sue.user_id)[0].id
    revoked = post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert (
        revoked.status_code == 303 and revoked.headers["location"] == "/account?done=token-revoked"
    )
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]["message"]
    assert "nightly export" not in client.get("/account").text


def test_cannot_revoke_someone_elses_token(app, people, db) -> None:
    tom, una = people.add("Tom"), people.add("Una")
    una_user = accounts.find_user(db, una.email)
    assert una_user is not None
    token = accounts.create_token(db, una_user, name="una's")
    token_id = accounts.list_tokens(db, una.user_id)[0].id
    response = post_form(
        people.client(tom), f"/account/tokens/{token_id}/revoke", {}, page="/account"
    )
    assert response.status_code == 404
    assert (
        TestClient(app, headers={"authorization": f"Bearer {token}"}).get("/api/v1/me").status_code
        == 200
    )


def test_token_needs_a_name(app, people) -> None:
    client = people.client(people.add("Vic"))
    response = post_form(client, "/account/tokens", {"name": "   "}, page="/account")
    assert response.status_code == 422 and "Give the token a name" in response.text
    assert 'aria-invalid="true"' in response.text


def test_token_sees_what_the_person_sees(app, people, db) -> None:
    wen, xi = people.add("Wen"), people.add("Xi")
    owner = TestClient(
        app,
        headers={
            "authorization": "Bearer "
            + accounts.create_token(db, accounts.find_user(db, wen.email))  # type: ignore[arg-type]
        },
    )
    assert (
        owner.post("/api/v1/sites", json={"slug": "wen", "title": "Wen's plan"}).status_code == 201
    )
    outsider = TestClient(
        app,
        headers={
            "authorization": "Bearer " + accounts.create_token(db, accounts.find_user(db, xi.email))  # type: ignore[arg-type]
        },
    )
    assert outsider.get("/api/v1/sites/wen").status_code == 404
    assert owner.get("/api/v1/sites/wen").status_code == 200


def test_cli_token_create_prints_a_working_token(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.db"
    run = {"cwd": ROOT, "capture_output": True, "text": True}
    # Only migrate (and serve) create a database (issue #15).
    subprocess.run([sys.executable, "-m", "main", "migrate", "--db", str(db_path)], check=True, **run)  # type: ignore[call-overload]  # fmt: skip
    subprocess.run([sys.executable, "-m", "main", "user", "add", "yo@example.org", "--name", "Yo", "--db", str(db_path)],
                   check=True, **run)  # type: ignore[call-overload]  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "main", "token", "create", "yo@example.org", "--db", str(db_path)],
                         check=True, **run).stdout  # type: ignore[call-overload]  # fmt: skip
    token = out.strip().splitlines()[-1]
    app = create_app(Settings(db=db_path, synchronous="NORMAL"))
    assert (
        TestClient(app, headers={"authorization": f"Bearer {token}"})
        .get("/api/v1/me")
        .json()["email"]
        == "yo@example.org"
    )


# ---- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize("password", [
    "password123", "Password123!", "1234567890", "qwertyuiop", "iloveyou2024", "liverpool1",
    "aaaaaaaaaaaa", "sunshine99!!", "planwiki2026", "zoe.smith@example.org", "ZoeSmith1990",
])  # fmt: skip
def test_weak_passwords_are_refused(password: str) -> None:
    assert accounts.password_problem(password, email="zoe.smith@example.org", name="Zoe Smith")


@pytest.mark.parametrize("password", [
    "correct-horse-battery", "pickle-timetable-42", "a long passphrase", "heron teapot velvet",
])  # fmt: skip
def test_good_passwords_are_accepted(password: str) -> None:
    assert (
        accounts.password_problem(password, email="zoe.smith@example.org", name="Zoe Smith") is None
    )


def test_bundled_list_is_the_common_passwords() -> None:
    common = accounts.common_passwords()
    assert len(common) > 10_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= common


def test_weak_password_refused_when_an_account_is_made(db) -> None:
    with pytest.raises(Invalid, match="too easy to guess"):
        accounts.create_user(db, email="abe@example.org", name="Abe", password="password1234")
    assert accounts.find_user(db, "abe@example.org") is None


def test_cli_refuses_a_weak_password(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "main", "migrate", "--db", str(tmp_path / "x.db")], cwd=ROOT,
                   capture_output=True, check=True)  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "main", "user", "add", "abe@example.org", "--name", "Abe", "--password-stdin",
         "--db", str(tmp_path / "x.db")], input="qwerty123456\n", cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0 and "too easy to guess" in done.stderr


def test_change_password_on_the_account_page(app, people, db) -> None:
    amy = people.add("Amy")
    here, there = people.client(amy), people.client(amy)
    wrong = post_form(
        here,
        "/account/password",
        {"current_password": "nope-nope-nope", "password": "heron teapot velvet"},
        page="/account",
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.text
    weak = post_form(
        here,
        "/account/password",
        {"current_password": "correct-horse-battery", "password": "password12345"},
        page="/account",
    )
    assert weak.status_code == 422 and "too easy to guess" in weak.text
    ok = post_form(
        here,
        "/account/password",
        {"current_password": "correct-horse-battery", "password": "heron teapot velvet"},
        page="/account",
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/account?done=password"
    assert here.get("/api/v1/me").status_code == 200
    assert there.get("/api/v1/me").status_code == 401  # signed out everywhere else
    assert accounts.check_password(db, email="amy@example.org", password="heron teapot velvet")


def test_set_a_first_password(app, db) -> None:
    user = accounts.sign_in_by_verified_email(db, "bel@example.org", "Bel")
    assert not accounts.has_password(db, user.id)
    client = TestClient(app, follow_redirects=False)
    secret = accounts.start_session(db, user, absolute_hours=1)
    client.cookies.set("planwiki_session", secret, domain="testserver.local")
    assert "Set a password" in client.get("/account").text
    ok = post_form(
        client, "/account/password", {"password": "heron teapot velvet"}, page="/account"
    )
    assert ok.status_code == 303
    assert accounts.check_password(db, email="bel@example.org", password="heron teapot velvet")


def test_rename(app, people, db) -> None:
    client = people.client(people.add("Cleo"))
    assert (
        post_form(client, "/account/name", {"name": "Cleo Jones"}, page="/account").status_code
        == 303
    )
    assert client.get("/api/v1/me").json()["name"] == "Cleo Jones"
    assert post_form(client, "/account/name", {"name": " "}, page="/account").status_code == 422


# ---- for the sharing issue: invitations land here ---------------------------------------------


def test_sign_in_by_verified_email_finds_or_creates(db) -> None:
    made = accounts.sign_in_by_verified_email(db, "Dara.Lee@Example.org")
    assert made.email == "dara.lee@example.org" and made.name == "Dara Lee"
    again = accounts.sign_in_by_verified_email(db, "dara.lee@example.org", "Someone Else")
    assert again.id == made.id and again.name == "Dara Lee"
    assert db.one("SELECT email_verified_at FROM users WHERE id = ?", (made.id,))[
        "email_verified_at"
    ]


# ---- security headers on every kind of answer ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/login", "/login/forgot", "/account", "/login/email/nonsense", "/api/v1/me", "/nowhere"],
)
def test_security_headers(app, path: str) -> None:
    response = TestClient(app, follow_redirects=False).get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    )
    if path.startswith(("/login", "/account")):
        assert response.headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script(app, people) -> None:
    client = people.client(people.add("Dev"))
    for path in ("/login", "/login/forgot", "/account"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path


def test_a_use_being_filed_still_counts_while_it_is_written(db) -> None:
    """A request arriving while the batch is written must not find the session idle
    (it found neither the note, taken out, nor the row, not yet written: a flaky 401)."""
    log = ViewLog(flush_seconds=3600)
    log.seen(db, session="s1")
    noted = log.last_seen(session="s1")
    during: list[str | None] = []
    real_write = log._write

    def write(*args, **kwargs):
        during.append(log.last_seen(session="s1"))
        real_write(*args, **kwargs)

    log._write = write  # type: ignore[method-assign]
    log.flush(db)
    assert during == [noted]
    assert log.last_seen(session="s1") is None  # filed: the row holds it now


@pytest.mark.real_password_cost
def test_a_password_is_stored_at_argon2s_production_cost(people):
    """Every other test hashes cheaply (conftest, issue #25); this one keeps the real cost."""
    from argon2 import PasswordHasher as Production

    from wiki.accounts import passwords

    stored = passwords.hash_password("a long pass phrase for the real cost")
    real = Production()
    assert f"m={real.memory_cost},t={real.time_cost},p={real.parallelism}" in stored
    assert passwords.verify_password(stored, "a long pass phrase for the real cost")


def test_a_forged_x_forwarded_for_does_not_dodge_the_sign_in_limit(tmp_path: Path) -> None:
    """Issue #25: the limit counts the address the connection came from. Someone who sends a
    new X-Forwarded-For with each guess (and a new email) is still slowed down; only a server
    told to trust its proxy (``serve --proxy-headers``) reads that header, in uvicorn."""
    app = create_app(Settings(db=tmp_path / "w.db", login_attempts_per_15_minutes=3))
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answers = [
        client.post(
            "/login",
            data={"email": f"guess{n}@example.org", "password": "wrong", "csrftoken": token},
            headers={"x-forwarded-for": f"10.0.0.{n}", "forwarded": f"for=10.0.0.{n}"},
        ).status_code
        for n in range(5)
    ]
    assert answers[:3] == [400, 400, 400] and answers[3:] == [429, 429]
