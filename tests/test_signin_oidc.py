"""Single sign-on against a real OpenID Connect provider (issue #4).

The provider is panva's certified ``oidc-provider`` from npm (tests/oidc/provider.mjs),
started here on 127.0.0.1 and a free port. Its development login page accepts any
login name; the name is the account's email. Like many real providers it puts only
``sub`` in the ID token, so email and name must come from the userinfo endpoint.

The flows are driven end to end: in-process (the app under Starlette's test client,
the provider's pages through a real HTTP client) and in headless Chromium against
the real server. Tampered answers — a wrong nonce, a token for another client (wrong
audience), an expired token, a replayed or cross-browser callback — are refused.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
import pytest
from conftest import free_port, run_async, start_server, stop_server
from starlette.testclient import TestClient

from wiki import accounts, clock
from wiki.app import create_app
from wiki.oidc import Clients, SignInFailed, validate_id_token
from wiki.settings import OidcProvider, Settings

OIDC_DIR = Path(__file__).parent / "oidc"
SECRET = "planwiki-test-secret"


# ---- the real provider ---------------------------------------------------------------


def _install_provider() -> None:
    if (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are needed for the OIDC provider (bash .ci/run installs them)")
    subprocess.run([npm, "install", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund"],
                   check=True, timeout=600, capture_output=True)  # fmt: skip


class Provider:
    def __init__(self, port: int, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
        self.port, self.process = port, process
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()


def start_provider(clients: list[dict[str, Any]], *, port: int | None = None) -> Provider:
    _install_provider()
    port = port or free_port()
    process = subprocess.Popen(
        ["node", "provider.mjs"], cwd=OIDC_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PORT": str(port), "CLIENTS": json.dumps(clients)},
    )  # fmt: skip
    provider = Provider(port, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"the OIDC provider exited: {out}")
        try:
            if (
                httpx2.get(
                    provider.url + "/.well-known/openid-configuration", timeout=1
                ).status_code
                == 200
            ):
                return provider
        except httpx2.TransportError:
            time.sleep(0.1)
    provider.stop()
    raise RuntimeError("the OIDC provider did not start")


def _client(client_id: str, keys: list[str], base: str = "http://testserver") -> dict[str, Any]:
    return {"client_id": client_id, "client_secret": SECRET,
            "redirect_uris": [f"{base}/login/oidc/{k}/callback" for k in keys]}  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = start_provider([
        _client("planwiki", ["council", "school"]),
        _client("other-client", ["other"]),
    ])  # fmt: skip
    yield running
    running.stop()


def provider_config(provider: Provider, key: str = "council", **extra: object) -> OidcProvider:
    return OidcProvider.model_validate({
        "key": key, "name": {"council": "Riverside Council", "school": "Hill School"}.get(key, key.title()),
        "issuer": provider.url, "client_id": "planwiki", "client_secret": SECRET, **extra,
    })  # fmt: skip


@pytest.fixture
def sso_settings(settings: Settings, provider: Provider) -> Settings:
    return settings.model_copy(update={"oidc_providers": [
        provider_config(provider, "council"),
        provider_config(provider, "school", allowed_domains=["hill-school.example"]),
    ]})  # fmt: skip


@pytest.fixture
def sso_app(sso_settings: Settings):
    return create_app(sso_settings)


# ---- driving the provider's own pages with a real HTTP client ---------------------------


def _form(html: str) -> tuple[str, dict[str, str]]:
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", html, re.S)
    assert form, html[:2000]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(2)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return unescape(form.group(1)), fields


def through_provider(authorize_url: str, login: str, *, until: str = "http://testserver/") -> str:
    """Sign in at the provider as ``login`` and consent; the callback URL it sends us to."""
    with httpx2.Client(timeout=10) as browser:
        url = authorize_url
        for _ in range(12):
            response = browser.get(url)
            while response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                if url.startswith(until):
                    return url
                response = browser.get(url)
            assert response.status_code == 200, response.text[:500]
            action, fields = _form(response.text)
            if "login" in fields:
                fields.update(login=login, password="any password")
            response = browser.post(urljoin(url, action), data=fields)
            assert response.status_code in (302, 303), response.text[:500]
            url = urljoin(url, response.headers["location"])
            if url.startswith(until):
                return url
    raise AssertionError("the provider never sent us back")


def start(client: TestClient, key: str = "council", next_path: str | None = None) -> str:
    response = client.get(f"/login/oidc/{key}" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    return location


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in_sso(client: TestClient, login: str, key: str = "council", next_path: str | None = None):
    return client.get(callback_path(through_provider(start(client, key, next_path), login)))


# ---- the flow end to end, in-process -------------------------------------------------------


def test_login_page_offers_each_provider(sso_app) -> None:
    html = TestClient(sso_app).get("/login?next=/s/plan").text
    assert "Sign in with Riverside Council" in html and "Sign in with Hill School" in html
    assert 'href="/login/oidc/council?next=%2Fs%2Fplan"' in html


def test_first_sign_in_creates_an_account_from_userinfo_claims(sso_app, db) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    response = sign_in_sso(client, "ana.ward@council.example", next_path="/account")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/account"
    # The ID token carried only `sub`: the email and name came from userinfo.
    user = accounts.find_user(db, "ana.ward@council.example")
    assert user is not None and user.name == "Ana Ward"
    assert db.one("SELECT email_verified_at FROM users WHERE id = ?", (user.id,))[
        "email_verified_at"
    ]
    identity = db.one("SELECT * FROM identities WHERE user_id = ?", (user.id,))
    assert identity["provider"] == "council" and identity["subject"] == "ana.ward@council.example"
    me = client.get("/api/v1/me")
    assert me.json() == {"email": "ana.ward@council.example", "name": "Ana Ward"}
    session = db.one("SELECT method FROM sessions WHERE user_id = ?", (user.id,))
    assert session["method"] == "single sign-on (Riverside Council)"


def test_first_sign_in_links_an_existing_account_by_verified_email(sso_app, db, people) -> None:
    existing = people.add("Bea")  # bea@example.org, with a password
    client = TestClient(sso_app, follow_redirects=False)
    assert sign_in_sso(client, "bea@example.org").status_code == 303
    assert client.get("/api/v1/me").json()["email"] == "bea@example.org"
    assert db.one("SELECT COUNT(*) AS n FROM users")["n"] == 1
    assert db.one("SELECT user_id FROM identities")["user_id"] == existing.user_id
    # Next time the provider's subject alone finds the account.
    again = TestClient(sso_app, follow_redirects=False)
    assert sign_in_sso(again, "bea@example.org").status_code == 303
    assert db.one("SELECT COUNT(*) AS n FROM identities")["n"] == 1


def test_unverified_email_is_not_trusted(sso_app, db, people) -> None:
    people.add("Cal")
    client = TestClient(sso_app, follow_redirects=False)
    response = sign_in_sso(client, "unverified+cal@example.org")
    assert response.status_code == 403
    assert "did not confirm your email address" in response.text
    assert client.get("/api/v1/me").status_code == 401
    assert db.one("SELECT COUNT(*) AS n FROM identities")["n"] == 0


def test_allowed_domains(sso_app, db) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    response = sign_in_sso(client, "dan@gmail.example", key="school")
    assert response.status_code == 403
    assert "addresses ending in @hill-school.example" in response.text
    assert accounts.find_user(db, "dan@gmail.example") is None
    assert sign_in_sso(client, "dan@hill-school.example", key="school").status_code == 303
    assert client.get("/api/v1/me").json()["email"] == "dan@hill-school.example"


def test_session_is_rotated_at_single_sign_on(sso_app, db, people) -> None:
    eve = people.add("Eve")
    client = people.client(eve)
    old = client.cookies.get("planwiki_session")
    client = TestClient(sso_app, follow_redirects=False)
    client.cookies.set("planwiki_session", old, domain="testserver.local")
    assert client.get("/api/v1/me").json()["email"] == "eve@example.org"
    assert sign_in_sso(client, "eve@example.org").status_code == 303
    new = client.cookies.get("planwiki_session")
    assert new and new != old
    assert accounts.actor_from_session(db, old, idle_minutes=60) is None


def test_callback_cannot_be_replayed_or_used_in_another_browser(sso_app) -> None:
    asker = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(asker), "fay@council.example")
    # Another browser (no sign-in cookie from this flow) gets nothing, even with a good code.
    thief = TestClient(sso_app, follow_redirects=False)
    stolen = thief.get(callback_path(url))
    assert stolen.status_code == 400 and "did not finish" in stolen.text
    assert thief.get("/api/v1/me").status_code == 401
    # The state was spent by that attempt: replaying it in the right browser fails too.
    replay = asker.get(callback_path(url))
    assert replay.status_code == 400 and "did not finish" in replay.text
    # A fresh start works.
    assert sign_in_sso(asker, "fay@council.example").status_code == 303


def test_unknown_or_missing_state_is_refused(sso_app) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    for query in ("", "?code=abc", "?code=abc&state=made-up"):
        response = client.get("/login/oidc/council/callback" + query)
        assert response.status_code == 400
        assert "Traceback" not in response.text and "Please" in response.text


def test_a_slow_sign_in_expires(sso_app) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(client), "gus@council.example")
    clock.freeze(clock.now() + timedelta(minutes=11))
    response = client.get(callback_path(url))
    assert response.status_code == 400 and "took too long" in response.text


def test_wrong_nonce_is_refused(sso_app, db) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(client), "hal@council.example")
    # The provider put the nonce we sent into its ID token; pretend we had sent another.
    with db.write():
        db.execute("UPDATE oidc_requests SET nonce = 'not-the-nonce-we-sent'")
    response = client.get(callback_path(url))
    assert response.status_code == 400
    assert "could not check who you are" in response.text
    assert accounts.find_user(db, "hal@council.example") is None


def test_wrong_pkce_verifier_is_refused_by_the_provider(sso_app, db) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(client), "ida@council.example")
    with db.write():
        db.execute("UPDATE oidc_requests SET code_verifier = ?", ("x" * 64,))
    response = client.get(callback_path(url))
    assert response.status_code == 400 and "could not check who you are" in response.text
    assert accounts.find_user(db, "ida@council.example") is None


def test_mixed_up_issuer_in_the_answer_is_refused(sso_app) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(client), "jo@council.example")
    assert "iss=" in url  # the provider names itself in its answer (RFC 9207)
    tampered = re.sub(r"iss=[^&]+", "iss=http%3A%2F%2Fevil.example", callback_path(url))
    response = client.get(tampered)
    assert response.status_code == 400 and "wrong place" in response.text


def test_cancelling_at_the_provider_gets_a_plain_message(sso_app) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    location = start(client)
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = client.get(f"/login/oidc/council/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "Sign-in was cancelled" in response.text


def test_unknown_provider_key(sso_app) -> None:
    response = TestClient(sso_app).get("/login/oidc/nobody")
    assert response.status_code == 404 and "choose again" in response.text


# ---- ID token checks with real tokens from the provider -------------------------------------


def _real_token(
    provider: Provider, client_id: str, key: str
) -> tuple[str, str, dict[str, Any], Clients]:
    """A real ID token issued by the provider to ``client_id``, with the nonce we sent."""
    config = provider_config(provider, key, client_id=client_id)
    clients = Clients([config])

    async def run() -> tuple[str, str, dict[str, Any]]:
        begun = await clients.begin(
            config, redirect_uri=f"http://testserver/login/oidc/{key}/callback"
        )
        url = through_provider(begun["url"], "kim@council.example")
        code = parse_qs(urlsplit(url).query)["code"][0]
        token = await clients._client(key).fetch_access_token(
            redirect_uri=f"http://testserver/login/oidc/{key}/callback", code=code,
            code_verifier=begun["code_verifier"],
        )  # fmt: skip
        jwks = await clients._client(key).fetch_jwk_set()
        return token["id_token"], begun["nonce"], jwks

    raw, nonce, jwks = run_async(run())
    return raw, nonce, jwks, clients


def test_real_id_token_checks(provider: Provider) -> None:
    raw, nonce, jwks, _ = _real_token(provider, "planwiki", "council")
    good = validate_id_token(raw, jwks=jwks, issuer=provider.url, client_id="planwiki", nonce=nonce)
    assert good["sub"] == "kim@council.example" and good["aud"] == "planwiki"
    # Only `sub` in the ID token: the email must be asked of userinfo.
    assert "email" not in good
    with pytest.raises(SignInFailed):  # wrong nonce
        validate_id_token(
            raw, jwks=jwks, issuer=provider.url, client_id="planwiki", nonce="another"
        )
    with pytest.raises(SignInFailed):  # expired: the provider's tokens last an hour
        validate_id_token(raw, jwks=jwks, issuer=provider.url, client_id="planwiki", nonce=nonce,
                          now=clock.now() + timedelta(hours=2))  # fmt: skip
    with pytest.raises(SignInFailed):  # another issuer
        validate_id_token(
            raw, jwks=jwks, issuer="http://127.0.0.1:1", client_id="planwiki", nonce=nonce
        )
    with pytest.raises(SignInFailed):  # signed by a key the provider does not publish
        validate_id_token(
            raw, jwks={"keys": []}, issuer=provider.url, client_id="planwiki", nonce=nonce
        )


def test_token_for_another_client_is_refused(provider: Provider) -> None:
    """Wrong audience: a genuine token the provider issued to another application."""
    raw, nonce, jwks, _ = _real_token(provider, "other-client", "other")
    with pytest.raises(SignInFailed) as refused:
        validate_id_token(raw, jwks=jwks, issuer=provider.url, client_id="planwiki", nonce=nonce)
    assert "aud" in str(refused.value.__cause__)


def test_expired_id_token_through_the_app(sso_app, db, monkeypatch) -> None:
    """The whole callback with the app's clock two hours on: the ID token has expired."""
    client = TestClient(sso_app, follow_redirects=False)
    url = through_provider(start(client), "lee@council.example")
    later = clock.now() + timedelta(hours=2)
    # Keep the sign-in request itself alive, so the ID token's age is what is judged.
    with db.write():
        db.execute(
            "UPDATE oidc_requests SET expires_at = ?", (clock.iso(later + timedelta(minutes=5)),)
        )
    clock.freeze(later)
    response = client.get(callback_path(url))
    assert response.status_code == 400 and "could not check who you are" in response.text
    assert accounts.find_user(db, "lee@council.example") is None


# ---- a provider that is down ------------------------------------------------------------------


def test_provider_down_at_the_start_gets_a_clear_message(settings: Settings) -> None:
    port = free_port()  # nothing listens here
    down = OidcProvider(key="council", name="Riverside Council", issuer=f"http://127.0.0.1:{port}",
                        client_id="planwiki", client_secret=SECRET)  # fmt: skip
    client = TestClient(create_app(settings.model_copy(update={"oidc_providers": [down]})))
    response = client.get("/login/oidc/council")
    assert response.status_code == 503
    assert "We could not reach Riverside Council just now" in response.text
    assert "Traceback" not in response.text and "ConnectError" not in response.text
    assert "sign in another way" in response.text


def test_provider_down_at_the_callback_gets_a_clear_message(settings: Settings) -> None:
    port = free_port()
    running = start_provider([_client("planwiki", ["council"])], port=port)
    config = OidcProvider(key="council", name="Riverside Council", issuer=running.url,
                          client_id="planwiki", client_secret=SECRET)  # fmt: skip
    client = TestClient(create_app(settings.model_copy(update={"oidc_providers": [config]})),
                        follow_redirects=False)  # fmt: skip
    try:
        url = through_provider(start(client), "max@council.example")
    finally:
        running.stop()
    response = client.get(callback_path(url))
    assert response.status_code == 503
    assert "We could not reach Riverside Council just now" in response.text


def test_providers_from_a_config_file(tmp_path: Path, settings: Settings) -> None:
    config = tmp_path / "sso.toml"
    config.write_text(
        '[[provider]]\nkey = "nhs"\nname = "NHS mail"\nissuer = "https://login.example/nhs/"\n'
        'client_id = "abc"\nclient_secret = "xyz"\nallowed_domains = ["NHS.example"]\n'
    )
    found = settings.model_copy(update={"oidc_config": config}).providers()
    assert [(p.key, p.issuer, p.allowed_domains) for p in found] == [
        ("nhs", "https://login.example/nhs", ["nhs.example"])
    ]
    html = (
        TestClient(create_app(settings.model_copy(update={"oidc_config": config})))
        .get("/login")
        .text
    )
    assert "Sign in with NHS mail" in html


def test_a_broken_config_file_leaves_the_other_ways_in(
    tmp_path: Path, settings: Settings, db
) -> None:
    config = tmp_path / "sso.toml"
    config.write_text("[[provider]]\nkey = 'Not A Key'\n")
    app = create_app(settings.model_copy(update={"oidc_config": config}))
    accounts.create_user(db, email="ola@example.org", name="Ola", password="correct-horse-battery")
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    assert page.status_code == 200 and "Sign in with" not in page.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"email": "ola@example.org", "password": "correct-horse-battery",
                                           "csrftoken": token})  # fmt: skip
    assert response.status_code == 303


def test_next_after_single_sign_on_is_only_local(sso_app) -> None:
    client = TestClient(sso_app, follow_redirects=False)
    response = sign_in_sso(client, "pip@council.example", next_path="https://evil.example/")
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_providers_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANWIKI_OIDC_PROVIDERS", json.dumps([
        {"key": "council", "name": "Council", "issuer": "https://id.council.example", "client_id": "pw"}
    ]))  # fmt: skip
    assert [p.name for p in Settings(db=tmp_path / "x.db").providers()] == ["Council"]


# ---- in a real browser, against the real server --------------------------------------------


def _cli(db_path: Path, *args: str, stdin: str | None = None) -> str:
    import sys

    done = subprocess.run([sys.executable, "-m", "main", *args, "--db", str(db_path)], input=stdin,
                          capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)  # fmt: skip
    return done.stdout


@pytest.mark.browser
def test_council_worker_signs_in_with_single_sign_on_in_a_browser(browser, tmp_path: Path) -> None:
    db_path = tmp_path / "live.db"
    _cli(db_path, "migrate")  # only migrate and serve create a database (issue #15)
    _cli(db_path, "user", "add", "yasmin@example.org", "--name", "Yasmin", "--password-stdin",
         stdin="pickle-timetable-42\n")  # fmt: skip
    _cli(db_path, "user", "add", "wes.worker@council.example", "--name", "Wes Worker")
    owner_token = _cli(db_path, "token", "create", "yasmin@example.org").strip().splitlines()[-1]
    provider_port = free_port()
    config = [{"key": "council", "name": "Riverside Council", "issuer": f"http://127.0.0.1:{provider_port}",
               "client_id": "planwiki", "client_secret": SECRET, "allowed_domains": ["council.example"]}]  # fmt: skip
    server = start_server(db_path, env={"PLANWIKI_OIDC_PROVIDERS": json.dumps(config)})
    running = start_provider(
        [_client("planwiki", ["council"], base=server.url)], port=provider_port
    )
    try:
        with httpx2.Client(
            base_url=server.url, headers={"authorization": f"Bearer {owner_token}"}
        ) as api:
            _share_about_me(api)
        _sso_in_browser(browser, server.url)
    finally:
        running.stop()
        stop_server(server)
        if server.process.stdout:
            server.process.stdout.close()


def _share_about_me(api: httpx2.Client) -> None:
    assert (
        api.post("/api/v1/sites", json={"slug": "yasmin", "title": "Yasmin's plan"}).status_code
        == 201
    )
    member = api.post("/api/v1/sites/yasmin/members",
                      json={"person": "wes.worker@council.example", "relationship": "social worker",
                            "groups": ["social-care"]})  # fmt: skip
    assert member.status_code == 201, member.text
    grant = api.post("/api/v1/sites/yasmin/grants",
                     json={"person": "wes.worker@council.example", "section": "about-me",
                           "capability": "view"})  # fmt: skip
    assert grant.status_code == 201, grant.text


def _sso_in_browser(browser, server_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(server_url + "/s/yasmin/about-me")
        assert "/login" in page.url  # not signed in: sent to sign in, and back afterwards
        page.get_by_role("link", name="Sign in with Riverside Council").click()
        page.fill("input[name=login]", "wes.worker@council.example")
        page.fill("input[name=password]", "anything")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(server_url + "/s/yasmin/about-me")
        assert "About me" in page.content()
        # Exactly what the sharing rules allow: about-me, and nothing else.
        response = page.goto(server_url + "/s/yasmin/budget")
        assert response is not None and response.status == 404
        page.goto(server_url + "/account")
        assert "Wes Worker" in page.content()
        assert "single sign-on (Riverside Council)" in page.content()
    finally:
        page.close()
