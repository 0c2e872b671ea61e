"""GET /healthz, GET /metrics, request ids, request log lines and errors logged once
(issue #15), on the app in-process. The same under real workers: tests/test_serve.py.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

import wiki
from wiki import accounts, versions
from wiki.app import create_app
from wiki.hookspecs import hookimpl
from wiki.logs import JsonFormatter, TextFormatter
from wiki.settings import Settings

LOCAL = ("127.0.0.1", 50123)
SITE = "zebra-plan-7"  # distinctive, so a leak into the metrics would be found
EMAIL = "priya.metrics@example.org"
PASSWORD = "correct-horse-battery"


def local(app: Any, **options: Any) -> TestClient:
    return TestClient(app, client=LOCAL, follow_redirects=False, **options)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 when it is not there."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        sample_name, _, rest = key.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if sample_name == name and found == want:
            return float(value)
    return 0.0


# ---- /healthz ------------------------------------------------------------------------------


def test_healthz_answers_200_with_each_check(app) -> None:
    response = TestClient(app).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": wiki.__version__,
        "schema": versions.schema(),
        "checks": {"database": "ok", "schema": "ok", "files": "ok", "disk": "ok"},
    }
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"


def test_healthz_answers_503_when_the_disk_is_nearly_full(tmp_path: Path) -> None:
    app = create_app(Settings(db=tmp_path / "wiki.db", min_free_disk_mb=10**12))
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["disk"].startswith("less than")
    assert "MB free" in body["reason"]
    assert str(tmp_path) not in response.text  # no paths for the world to read


def test_healthz_answers_503_when_the_schema_is_behind(app, db) -> None:
    with db.write():
        db.execute("DELETE FROM _sqlite_migrations WHERE name LIKE '0008%'")
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["schema"] == (
        "1 schema steps not applied (run planwiki migrate)"
    )


def test_healthz_answers_503_when_the_database_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "wiki.db"
    app = create_app(Settings(db=path))
    app.state.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app.state.db.close()
    with path.open("r+b") as file:  # the header of a database file, scribbled over
        file.write(b"this is not a database at all, " * 4)
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "the database cannot be read"
    assert "cannot be read" in response.json()["reason"]


def test_health_problems_names_no_exception_text(monkeypatch, app) -> None:
    def broken(_db: Any) -> list[str]:
        raise sqlite3.DatabaseError("disk I/O error at /secret/path")

    monkeypatch.setattr(versions, "standing", broken)
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert "/secret/path" not in response.text


# ---- /metrics: who may read it --------------------------------------------------------------


def test_metrics_are_served_to_this_machine_in_prometheus_text(app) -> None:
    response = local(app).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    for name in (
        "planwiki_http_requests_total",
        "planwiki_http_request_duration_seconds_bucket",
        "planwiki_saves_total",
        "planwiki_searches_total",
        "planwiki_active_sessions",
        "planwiki_database_bytes",
        "planwiki_wal_bytes",
    ):
        assert f"\n{name}" in response.text, name
    assert sample(response.text, "planwiki_database_bytes") > 0


@pytest.mark.parametrize(
    ("client", "headers"),
    [
        (("203.0.113.9", 40000), {}),  # from elsewhere
        (LOCAL, {"x-forwarded-for": "203.0.113.9"}),  # through a proxy on this machine
        (LOCAL, {"forwarded": "for=203.0.113.9"}),
        (("testclient", 50000), {}),
    ],
)
def test_metrics_do_not_exist_for_anyone_else(app, client, headers) -> None:
    response = TestClient(app, client=client).get("/metrics", headers=headers)
    assert response.status_code == 404
    assert "planwiki_" not in response.text


def test_with_a_metrics_token_only_the_token_opens_them(tmp_path: Path) -> None:
    app = create_app(Settings(db=tmp_path / "wiki.db", metrics_token="s3cret-scraper-token"))
    far = TestClient(app, client=("203.0.113.9", 40000))
    assert far.get("/metrics").status_code == 404
    assert local(app).get("/metrics").status_code == 404  # the token is needed from here too
    assert far.get("/metrics", headers={"authorization": "Bearer wrong"}).status_code == 404
    opened = far.get(
        "/metrics",
        headers={"authorization": "Bearer s3cret-scraper-token", "x-forwarded-for": "1.2.3.4"},
    )
    assert opened.status_code == 200
    assert "planwiki_http_requests_total" in opened.text


# ---- /metrics: what they count ---------------------------------------------------------------


def test_requests_saves_searches_and_sessions_are_counted_by_template_not_address(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(db=tmp_path / "wiki.db", synchronous="NORMAL"))
    accounts.create_user(app.state.db, email=EMAIL, name="Priya", password=PASSWORD)
    scraper = local(app)
    before = scraper.get("/metrics").text

    browser = TestClient(app, follow_redirects=False)
    browser.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrftoken": _token(browser, "/login")},
    )
    token = accounts.create_token(app.state.db, accounts.find_user(app.state.db, EMAIL))  # type: ignore[arg-type]
    api = {"authorization": f"Bearer {token}"}
    script = TestClient(app)  # a script: a bearer token and no cookies
    made = script.post("/api/v1/sites", json={"slug": SITE, "title": "Zebra plan"}, headers=api)
    assert made.status_code == 201, made.text
    page = f"/api/v1/sites/{SITE}/pages/about-me/secret-diary-entry"
    saved = script.put(page, json={"body": "Zebra words.", "base_revision": None}, headers=api)
    assert saved.status_code == 201, saved.text
    assert browser.get(f"/s/{SITE}/about-me/secret-diary-entry").status_code == 200
    assert browser.get(f"/s/{SITE}/search", params={"q": "zebra"}).status_code == 200
    assert script.get(f"/api/v1/sites/{SITE}/search?q=zebra", headers=api).status_code == 200
    assert browser.get(f"/s/{SITE}/nothing-here/at-all").status_code == 404
    assert browser.get("/no/such/address").status_code == 404

    after = scraper.get("/metrics").text

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    page_view = {"method": "GET", "route": "/s/{site}/{section}/{page}"}
    assert grew("planwiki_http_requests_total", **page_view, status="200") == 1
    assert grew("planwiki_http_requests_total", **page_view, status="404") == 1
    assert grew("planwiki_http_request_duration_seconds_count", **page_view) == 2
    assert grew("planwiki_http_request_duration_seconds_bucket", **page_view, le="+Inf") == 2
    assert grew("planwiki_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert (
        grew(
            "planwiki_http_requests_total",
            method="PUT",
            route="/api/v1/sites/{site}/pages/{section}/{page}",
            status="201",
        )
        == 1
    )
    assert grew("planwiki_saves_total") >= 1
    assert grew("planwiki_searches_total") == 2
    assert sample(after, "planwiki_active_sessions") >= 1

    # Personal data never becomes a label: no slug, page name, email or query.
    for private in (SITE, "secret-diary-entry", EMAIL, "zebra", "no/such"):
        assert private not in after, private


def test_a_method_nobody_uses_is_not_a_new_label(app) -> None:
    client = local(app)
    client.request("BREW", "/healthz")
    text = client.get("/metrics").text
    assert 'method="BREW"' not in text
    assert (
        sample(text, "planwiki_http_requests_total", method="OTHER", route="/healthz", status="405")
        >= 1
    )


def _token(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


# ---- request ids and log lines ---------------------------------------------------------------


def test_every_answer_carries_a_request_id_and_a_proxys_id_is_kept(app) -> None:
    client = TestClient(app, follow_redirects=False)
    ids = {client.get("/login").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    assert client.get("/nowhere").headers["x-request-id"]
    kept = client.get("/login", headers={"x-request-id": "nginx-5f2c9a0e1b"})
    assert kept.headers["x-request-id"] == "nginx-5f2c9a0e1b"
    odd = client.get("/login", headers={"x-request-id": "<script>alert(1)</script>"})
    assert odd.headers["x-request-id"] != "<script>alert(1)</script>"


def test_the_access_log_has_one_line_per_request_with_the_route_template(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(db=tmp_path / "wiki.db", access_log=True))
    client = TestClient(app, follow_redirects=False)
    with caplog.at_level(logging.INFO, logger="planwiki.access"):
        first = client.get("/s/someones-plan/about-me/diary")
        client.get("/healthz", headers={"x-request-id": "abcdefgh-1234"})
    lines = [r for r in caplog.records if r.name == "planwiki.access"]
    assert len(lines) == 2
    line = lines[0]
    assert line.request_id == first.headers["x-request-id"]  # type: ignore[attr-defined]
    assert (line.method, line.route, line.status) == (  # type: ignore[attr-defined]
        "GET",
        "/s/{site}/{section}/{page}",
        first.status_code,
    )
    assert line.ms >= 0  # type: ignore[attr-defined]
    assert "someones-plan" not in line.getMessage()
    assert lines[1].request_id == "abcdefgh-1234"  # type: ignore[attr-defined]


def test_without_the_access_log_there_are_no_request_lines(
    app, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="planwiki.access"):
        TestClient(app).get("/login")
    assert not [r for r in caplog.records if r.name == "planwiki.access"]


class Broken:
    @hookimpl
    def routes(self) -> list[Route]:
        async def boom(request: Request) -> Response:
            raise RuntimeError("the kettle is on fire")

        return [Route("/boom", boom)]


def test_an_unhandled_error_is_logged_once_with_the_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(db=tmp_path / "wiki.db"), plugins=[Broken()])
    with caplog.at_level(logging.INFO):
        response = TestClient(app).get("/boom")
    assert response.status_code == 500
    assert "Nothing you saved has been lost" in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].request_id == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert errors[0].exc_info and "kettle" in str(errors[0].exc_info[1])
    assert errors[0].getMessage() == "unhandled error in GET /boom"


def test_log_lines_have_a_timestamp_as_text_and_as_json() -> None:
    record = logging.LogRecord(
        "planwiki.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None
    )
    record.request_id, record.client, record.status = "abc123abc123", "203.0.113.9", 200
    text = TextFormatter().format(record)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO planwiki.access GET /x ", text)
    assert "request_id=abc123abc123" in text and "client=203.0.113.9" in text
    out = json.loads(JsonFormatter().format(record))
    assert out["message"] == "GET /x" and out["request_id"] == "abc123abc123"
    assert out["status"] == 200 and re.match(r"^\d{4}-.*Z$", out["time"])
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert "ValueError: bad" in json.loads(JsonFormatter().format(record))["error"]
    assert "\n" not in JsonFormatter().format(record)


# ---- Secure cookies behind https --------------------------------------------------------------


def test_cookies_are_secure_over_https_and_not_over_plain_http(app) -> None:
    plain = TestClient(app).get("/login")
    assert "csrftoken=" in plain.headers["set-cookie"]
    assert "secure" not in plain.headers["set-cookie"].lower()
    secure = TestClient(app, base_url="https://testserver").get("/login")
    assert secure.headers["set-cookie"].endswith("; Secure")
