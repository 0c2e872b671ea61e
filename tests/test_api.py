"""The JSON API under /api/v1: the contract's shapes, both ways of signing in, and
errors as {"error": {"code", "message"}} with the right status."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from conftest import csrf_of, png

from wiki import accounts, store
from wiki.models import PageOut, PageSave, SectionCreate, SiteCreate, SiteOut
from wiki.store import circle, files, introduction

STANDARD = [
    "about-me",
    "circle",
    "outcomes",
    "budget",
    "health",
    "education",
    "reviews",
    "handover",
]
PAGE = "/api/v1/sites/ola/pages/about-me/profile"


def token_for(db, person) -> str:
    return accounts.create_token(db, accounts.find_user(db, person.email))  # type: ignore[arg-type]


class Api:
    """A script's view of the API: one bearer token, JSON in and out."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **kw):
        return self.client.get(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, json=None, **kw):
        return self.client.post(
            path, json=json, headers={**self.headers, **kw.pop("headers", {})}, **kw
        )

    def put(self, path: str, json=None, **kw):
        return self.client.put(
            path, json=json, headers={**self.headers, **kw.pop("headers", {})}, **kw
        )


def is_error(response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"error", "error_fields", "current"}, body
    assert set(body["error"]) >= {"code", "message"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    if code is not None:
        assert body["error"]["code"] == code, body
    return body


@pytest.fixture
def owner(people):
    return people.add("Ola")


@pytest.fixture
def api(people, owner, db) -> Api:
    """Ola's script, with her plan 'ola' and a profile page (revision 1)."""
    client = Api(people.client(), token_for(db, owner))
    assert client.post("/api/v1/sites", {"slug": "ola", "title": "Ola's plan"}).status_code == 201
    created = client.put(
        PAGE, {"body": "I like buses.", "base_revision": None, "title": "My profile"}
    )
    assert created.status_code == 201, created.text
    return client


def member_api(people, db, owner, name: str, grants: list[tuple[str, str]]) -> Api:
    person = people.add(name)
    circle.add_member(db, owner, site="ola", email=person.email, relationship="circle")
    for section, capability in grants:
        circle.add_grant(
            db, owner, site="ola", section=section, capability=capability, person=person.email
        )
    return Api(people.client(), token_for(db, person))


def count(db, table: str) -> int:
    return int(db.one(f"SELECT COUNT(*) AS n FROM {table}")["n"])


# ---- who am I -----------------------------------------------------------------------------


def test_me_answers_who_the_token_belongs_to(api, owner) -> None:
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {"email": owner.email, "name": "Ola"}


def test_me_works_with_a_session_cookie_too(people, owner) -> None:
    client = people.client(owner)
    assert client.get("/api/v1/me").json()["email"] == owner.email


# ---- sites --------------------------------------------------------------------------------


def test_creating_a_site_makes_me_its_owner_with_the_standard_sections(people, owner, db) -> None:
    client = Api(people.client(), token_for(db, owner))
    response = client.post(
        "/api/v1/sites", {"slug": "sam", "title": "Sam's plan", "date_of_birth": "2011-03-14"}
    )
    assert response.status_code == 201
    assert response.json() == {
        "slug": "sam",
        "title": "Sam's plan",
        "owner": owner.email,
        "date_of_birth": "2011-03-14",
        "pending_owner": None,  # issue #14: a plan made for someone names who it waits for
        "person_name": owner.name,
    }
    detail = client.get("/api/v1/sites/sam").json()
    assert [s["key"] for s in detail["sections"]] == STANDARD
    assert {s["capability"] for s in detail["sections"]} == {"manage"}


def test_the_sites_list_shows_only_sites_i_can_see(api, people, owner, db) -> None:
    mine = api.get("/api/v1/sites")
    assert mine.status_code == 200
    assert mine.json() == [
        {"slug": "ola", "title": "Ola's plan", "owner": owner.email, "date_of_birth": None,
         "pending_owner": None, "person_name": owner.name}
    ]  # fmt: skip
    stranger = Api(people.client(), token_for(db, people.add("Stranger")))
    assert stranger.get("/api/v1/sites").json() == []
    friend = member_api(people, db, owner, "Sami", [("about-me", "view")])
    assert [s["slug"] for s in friend.get("/api/v1/sites").json()] == ["ola"]


def test_a_site_shows_only_the_sections_i_may_view_with_my_capability(
    api, people, owner, db
) -> None:
    owner_view = api.get("/api/v1/sites/ola")
    assert owner_view.status_code == 200
    body = owner_view.json()
    assert {k: body[k] for k in ("slug", "title", "owner")} == {
        "slug": "ola",
        "title": "Ola's plan",
        "owner": owner.email,
    }
    assert [(s["key"], s["capability"]) for s in body["sections"]] == [
        (k, "manage") for k in STANDARD
    ]
    assert all(set(s) >= {"key", "title", "capability"} for s in body["sections"])

    priya = member_api(people, db, owner, "Priya", [("about-me", "view"), ("education", "edit")])
    sections = priya.get("/api/v1/sites/ola").json()["sections"]
    assert [(s["key"], s["title"], s["capability"]) for s in sections] == [
        ("about-me", "About me", "view"), ("education", "Education", "edit"),
    ]  # fmt: skip


def test_someone_elses_site_and_an_unknown_site_are_both_not_found(api, people, db) -> None:
    stranger = Api(people.client(), token_for(db, people.add("Stranger")))
    hidden, unknown = stranger.get("/api/v1/sites/ola"), stranger.get("/api/v1/sites/nobody")
    assert is_error(hidden, 404, "not_found") == is_error(unknown, 404, "not_found")


def test_a_slug_already_taken_is_a_conflict(api, people, db) -> None:
    other = Api(people.client(), token_for(db, people.add("Bea")))
    is_error(other.post("/api/v1/sites", {"slug": "ola", "title": "Not Ola's"}), 409, "conflict")
    assert count(db, "sites") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "Bad Slug", "title": "x"}, "slug"),
        ({"slug": "UPPER", "title": "x"}, "slug"),
        ({"slug": "a--b", "title": "x"}, "slug"),
        ({"slug": "s" * 61, "title": "x"}, "slug"),
        ({"slug": "", "title": "x"}, "slug"),
        ({"slug": "fine", "title": "t" * 121}, "title"),
        ({"slug": "fine", "title": ""}, "title"),
        ({"slug": "fine"}, "title"),
        ({"slug": "fine", "title": "x", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"slug": "fine", "title": "x", "date_of_birth": "yesterday"}, "date_of_birth"),
        ({"slug": "fine", "title": "x", "owner": "someone@example.org"}, "owner"),
        ({"slug": 7, "title": "x"}, "slug"),
    ],
)
def test_creating_a_site_with_invalid_fields_is_422_naming_the_field_and_changes_nothing(
    api, db, body, field
) -> None:
    before = count(db, "sites"), count(db, "sections")
    answer = is_error(api.post("/api/v1/sites", body), 422, "invalid")
    assert field in answer["error"]["message"]
    assert field in answer.get("error_fields", {})
    assert (count(db, "sites"), count(db, "sections")) == before


# ---- sections -----------------------------------------------------------------------------


def test_the_owner_adds_a_section(api) -> None:
    response = api.post("/api/v1/sites/ola/sections", {"key": "hobbies", "title": "My hobbies"})
    assert response.status_code == 201
    sections = response.json()["sections"]
    assert sections[-1] == {"key": "hobbies", "title": "My hobbies", "capability": "manage"}
    assert [s["key"] for s in api.get("/api/v1/sites/ola").json()["sections"]] == [
        *STANDARD,
        "hobbies",
    ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"key": "health", "title": "Health again"}, 409),
        ({"key": "sharing", "title": "Sharing"}, 422),
        ({"key": "Bad Key", "title": "x"}, 422),
        ({"key": "fine", "title": "t" * 121}, 422),
        ({"key": "fine", "title": "x", "position": 1}, 422),
        ({"title": "no key"}, 422),
    ],
)
def test_adding_a_bad_section_is_refused_and_changes_nothing(api, db, body, status) -> None:
    before = count(db, "sections")
    is_error(api.post("/api/v1/sites/ola/sections", body), status)
    assert count(db, "sections") == before


def test_a_circle_member_who_is_not_a_steward_cannot_add_sections(api, people, owner, db) -> None:
    editor = member_api(people, db, owner, "Priya", [("education", "edit")])
    before = count(db, "sections")
    is_error(
        editor.post("/api/v1/sites/ola/sections", {"key": "priya", "title": "Priya's"}),
        403,
        "forbidden",
    )
    stranger = Api(people.client(), token_for(db, people.add("Stranger")))
    is_error(
        stranger.post("/api/v1/sites/ola/sections", {"key": "x", "title": "x"}), 404, "not_found"
    )
    assert count(db, "sections") == before


# ---- pages --------------------------------------------------------------------------------


def test_pages_in_a_section_are_listed(api) -> None:
    assert api.get("/api/v1/sites/ola/sections/outcomes/pages").json() == []
    listing = api.get("/api/v1/sites/ola/sections/about-me/pages")
    assert listing.status_code == 200
    (item,) = listing.json()
    assert {k: item[k] for k in ("slug", "title", "revision")} == {
        "slug": "profile",
        "title": "My profile",
        "revision": 1,
    }
    assert item["updated_at"]


def test_reading_a_page_gives_the_contract_shape(api, owner) -> None:
    response = api.get(PAGE)
    assert response.status_code == 200
    page = response.json()
    assert set(PageOut.model_fields) <= set(page)
    assert page["site"] == "ola" and page["section"] == "about-me" and page["slug"] == "profile"
    assert page["title"] == "My profile" and page["body"] == "I like buses."
    assert page["revision"] == 1 and page["updated_by"] == owner.email and page["updated_at"]


def test_saving_with_the_current_base_makes_the_next_revision(api) -> None:
    response = api.put(
        PAGE,
        {"body": "I like trains.", "base_revision": 1, "summary": "Trains now", "title": "Profile"},
    )
    assert response.status_code == 200
    page = response.json()
    assert page["revision"] == 2 and page["body"] == "I like trains." and page["title"] == "Profile"
    assert api.get(PAGE).json() == page


def test_saving_identical_text_through_the_api_makes_no_revision(api) -> None:
    response = api.put(PAGE, {"body": "I like buses.", "base_revision": 1})
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert len(api.get(PAGE + "/revisions").json()) == 1


def test_history_lists_revisions_and_one_revision_has_its_text(api, owner) -> None:
    api.put(PAGE, {"body": "I like trains.", "base_revision": 1, "summary": "Trains now"})
    history = api.get(PAGE + "/revisions")
    assert history.status_code == 200
    items = history.json()
    assert [r["number"] for r in sorted(items, key=lambda r: r["number"])] == [1, 2]
    by_number = {r["number"]: r for r in items}
    assert by_number[2]["summary"] == "Trains now" and by_number[2]["author"] == owner.email
    assert by_number[2]["base"] == 1 and by_number[1]["base"] is None
    assert all(
        {"number", "title", "summary", "author", "base", "created_at"} <= set(r) for r in items
    )
    one = api.get(PAGE + "/revisions/1")
    assert one.status_code == 200
    assert one.json()["body"] == "I like buses." and one.json()["number"] == 1
    is_error(api.get(PAGE + "/revisions/9"), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites/ola/pages/about-me/nothing",
        "/api/v1/sites/ola/pages/nowhere/profile",
        "/api/v1/sites/nobody/pages/about-me/profile",
        "/api/v1/sites/ola/pages/about-me/nothing/revisions",
        "/api/v1/sites/ola/sections/nowhere/pages",
        "/api/v1/sites/nobody/sections/about-me/pages",
        "/api/v1/no-such-endpoint",
    ],
)
def test_unknown_things_are_404_with_a_json_error(api, path: str) -> None:
    is_error(api.get(path), 404, "not_found")


def test_a_section_that_is_not_shared_with_me_is_404_not_403(api, people, owner, db) -> None:
    friend = member_api(people, db, owner, "Sami", [("about-me", "view")])
    api.put("/api/v1/sites/ola/pages/health/meds", {"body": "lamotrigine", "base_revision": None})
    for path in ("/api/v1/sites/ola/pages/health/meds", "/api/v1/sites/ola/sections/health/pages",
                 "/api/v1/sites/ola/pages/health/meds/revisions"):  # fmt: skip
        answer = is_error(friend.get(path), 404, "not_found")
        assert "lamotrigine" not in str(answer) and "meds" not in answer["error"]["message"]
    is_error(
        friend.put("/api/v1/sites/ola/pages/health/meds", {"body": "x", "base_revision": 1}),
        404,
        "not_found",
    )


def test_a_reader_trying_to_edit_gets_403_and_nothing_changes(api, people, owner, db) -> None:
    reader = member_api(people, db, owner, "Sami", [("about-me", "view")])
    assert reader.get(PAGE).status_code == 200
    before = count(db, "revisions"), count(db, "drafts")
    is_error(reader.put(PAGE, {"body": "Sami was here", "base_revision": 1}), 403, "forbidden")
    is_error(
        reader.put("/api/v1/sites/ola/pages/about-me/new", {"body": "x", "base_revision": None}),
        403,
        "forbidden",
    )
    assert (count(db, "revisions"), count(db, "drafts")) == before
    assert api.get(PAGE).json()["body"] == "I like buses."


def test_an_editor_can_save_but_only_in_their_section(api, people, owner, db) -> None:
    editor = member_api(people, db, owner, "Priya", [("about-me", "edit"), ("education", "view")])
    assert editor.put(PAGE, {"body": "Edited by Priya", "base_revision": 1}).status_code == 200
    is_error(
        editor.put("/api/v1/sites/ola/pages/education/x", {"body": "x", "base_revision": None}),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "x", "base_revision": 1, "colour": "red"}, "colour"),
        ({"body": "x"}, "base_revision"),
        ({"base_revision": 1}, "body"),
        ({"body": "x", "base_revision": "one"}, "base_revision"),
        ({"body": 5, "base_revision": 1}, "body"),
        ({"body": "x", "base_revision": 1, "title": "t" * 121}, "title"),
        ({"body": "x", "base_revision": 1, "summary": "s" * 301}, "summary"),
    ],
)
def test_saving_with_invalid_fields_is_422_and_changes_nothing(api, db, body, field) -> None:
    before = count(db, "revisions"), count(db, "drafts")
    answer = is_error(api.put(PAGE, body), 422, "invalid")
    assert field in answer["error"]["message"]
    assert (count(db, "revisions"), count(db, "drafts")) == before


@pytest.mark.parametrize("slug", ["Bad_Slug", "UPPER", "a--b", "x" * 61])
def test_saving_to_an_invalid_page_address_is_422(api, db, slug: str) -> None:
    before = count(db, "pages")
    is_error(
        api.put(f"/api/v1/sites/ola/pages/about-me/{slug}", {"body": "x", "base_revision": None}),
        422,
        "invalid",
    )
    assert count(db, "pages") == before


def test_a_page_over_the_size_limit_is_413_with_the_limit_and_changes_nothing(
    api, db, settings
) -> None:
    before = count(db, "revisions"), count(db, "drafts")
    body = "a" * (settings.max_page_chars + 1)
    answer = is_error(api.put(PAGE, {"body": body, "base_revision": 1}), 413, "too_large")
    assert f"{settings.max_page_chars:,}" in answer["error"]["message"]
    assert (count(db, "revisions"), count(db, "drafts")) == before


def test_a_request_body_over_the_json_limit_is_413(api, db, settings) -> None:
    before = count(db, "revisions")
    raw = '{"body": "' + "a" * (settings.max_json_bytes + 10) + '", "base_revision": 1}'
    response = api.client.put(
        PAGE, content=raw, headers={**api.headers, "content-type": "application/json"}
    )
    is_error(response, 413, "too_large")
    assert count(db, "revisions") == before


@pytest.mark.parametrize(
    "raw", ['{"body": "x", "base_revision": 1', "not json at all", "", "\xff\xfe"]
)
def test_malformed_json_is_400(api, db, raw: str) -> None:
    before = count(db, "revisions")
    response = api.client.put(
        PAGE,
        content=raw.encode("latin-1"),
        headers={**api.headers, "content-type": "application/json"},
    )
    is_error(response, 400, "bad_request")
    assert count(db, "revisions") == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_declared_as_json_is_400(api, db, content_type: str | None) -> None:
    headers = dict(api.headers)
    if content_type:
        headers["content-type"] = content_type
    response = api.client.put(PAGE, content=b'{"body": "x", "base_revision": 1}', headers=headers)
    answer = is_error(response, 400, "bad_request")
    assert "application/json" in answer["error"]["message"]
    assert count(db, "revisions") == 1


def test_json_with_a_charset_is_fine(api) -> None:
    response = api.client.put(PAGE, content=b'{"body": "caf\xc3\xa9", "base_revision": 1}',
                              headers={**api.headers, "content-type": "application/json; charset=utf-8"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["body"] == "café"


def test_a_json_array_instead_of_an_object_is_refused(api, db) -> None:
    response = api.put(PAGE, ["body", "x"])
    assert response.status_code in (400, 422)
    is_error(response, response.status_code)


def test_a_method_the_endpoint_does_not_have_is_a_json_405(api) -> None:
    is_error(api.client.delete(PAGE, headers=api.headers), 405, "method_not_allowed")


# ---- signing in ---------------------------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/v1/me", None),
    ("GET", "/api/v1/sites", None),
    ("POST", "/api/v1/sites", {"slug": "x", "title": "x"}),
    ("GET", "/api/v1/sites/ola", None),
    ("POST", "/api/v1/sites/ola/sections", {"key": "x", "title": "x"}),
    ("GET", "/api/v1/sites/ola/sections/about-me/pages", None),
    ("GET", PAGE, None),
    ("PUT", PAGE, {"body": "x", "base_revision": 1}),
    ("GET", PAGE + "/revisions", None),
    ("GET", PAGE + "/revisions/1", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS]
)
def test_every_endpoint_is_401_without_a_token_or_cookie(
    api, people, db, method, path, body
) -> None:
    before = count(db, "revisions"), count(db, "sites"), count(db, "sections")
    nobody = people.client()
    is_error(nobody.request(method, path, json=body), 401, "not_signed_in")
    assert (count(db, "revisions"), count(db, "sites"), count(db, "sections")) == before


@pytest.mark.parametrize(
    ("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS]
)
def test_every_endpoint_is_401_with_a_bad_token(api, people, db, method, path, body) -> None:
    nobody = people.client()
    for header in ("Bearer pw_not-a-real-token", "Bearer ", "bearer pw_wrong"):
        is_error(
            nobody.request(method, path, json=body, headers={"authorization": header}),
            401,
            "not_signed_in",
        )


@pytest.mark.parametrize(
    ("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS]
)
def test_every_endpoint_works_with_a_bearer_token(api, method, path, body) -> None:
    if method == "POST" and path == "/api/v1/sites":
        body = {"slug": "second", "title": "Second"}
    if method == "PUT":
        body = {"body": "Changed", "base_revision": 1}
    response = api.client.request(method, path, json=body, headers=api.headers)
    assert response.status_code in (200, 201), response.text


def test_a_bad_token_does_not_fall_back_to_the_session_cookie(api, people, owner) -> None:
    browser = people.client(owner)
    is_error(
        browser.get("/api/v1/me", headers={"authorization": "Bearer pw_revoked"}),
        401,
        "not_signed_in",
    )


def test_a_revoked_token_stops_working_on_the_next_request(people, owner, db) -> None:
    token = token_for(db, owner)
    client = Api(people.client(), token)
    assert client.get("/api/v1/me").status_code == 200
    token_id = db.one("SELECT id FROM tokens ORDER BY id DESC LIMIT 1")["id"]
    assert accounts.revoke_token(db, owner.user_id, token_id)
    is_error(client.get("/api/v1/me"), 401, "not_signed_in")


def test_tokens_are_stored_only_as_a_hash(people, owner, db) -> None:
    token = token_for(db, owner)
    stored = [r["token_hash"] for r in db.all("SELECT token_hash FROM tokens")]
    assert token not in stored and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)


def test_with_a_session_cookie_reads_work_and_writes_need_the_csrf_header(
    api, people, owner, db
) -> None:
    browser = people.client(owner)
    assert browser.get(PAGE).status_code == 200

    refused = browser.put(PAGE, json={"body": "From the browser", "base_revision": 1})
    is_error(refused, 403, "csrf")
    refused_site = browser.post("/api/v1/sites", json={"slug": "forged", "title": "Forged"})
    is_error(refused_site, 403, "csrf")
    assert count(db, "revisions") == 1 and count(db, "sites") == 1

    token = browser.cookies["csrftoken"]
    wrong = browser.put(
        PAGE, json={"body": "x", "base_revision": 1}, headers={"x-csrftoken": "forged"}
    )
    is_error(wrong, 403, "csrf")
    saved = browser.put(
        PAGE, json={"body": "From the browser", "base_revision": 1}, headers={"x-csrftoken": token}
    )
    assert saved.status_code == 200
    assert saved.json()["revision"] == 2 and saved.json()["updated_by"] == owner.email


def test_a_script_with_a_token_saves_without_any_csrf_cookie_being_made(
    api, people, owner, db
) -> None:
    # Bearer requests without cookies skip the CSRF check (wiki/csrf.py), which would only
    # have made a token no one uses (issue #8); one with a browser's cookies is checked.
    saved = api.put(PAGE, json={"body": "From a script", "base_revision": 1})
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 2
    assert "set-cookie" not in saved.headers and "csrftoken" not in api.client.cookies
    browser = people.client(owner)
    assert browser.get(PAGE).status_code == 200
    refused = browser.put(PAGE, json={"body": "Forged", "base_revision": 2})
    is_error(refused, 403, "csrf")
    assert count(db, "revisions") == 2


def test_the_csrf_token_from_a_page_also_works_as_the_header(api, people, owner) -> None:
    browser = people.client(owner)
    token = csrf_of(browser.get("/s/ola").text)
    response = browser.post("/api/v1/sites/ola/sections", json={"key": "hobbies", "title": "Hobbies"},
                            headers={"x-csrftoken": token})  # fmt: skip
    assert response.status_code == 201


# ---- the description ----------------------------------------------------------------------


def test_openapi_lists_the_endpoints(people) -> None:
    response = people.client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    expected = {
        "/api/v1/me": {"get"},
        "/api/v1/sites": {"get", "post"},
        "/api/v1/sites/{site}": {"get"},
        "/api/v1/sites/{site}/sections": {"post"},
        "/api/v1/sites/{site}/sections/{section}/pages": {"get"},
        "/api/v1/sites/{site}/pages/{section}/{page}": {"get", "put"},
        "/api/v1/sites/{site}/pages/{section}/{page}/revisions": {"get"},
        "/api/v1/sites/{site}/pages/{section}/{page}/revisions/{n}": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    for path, ops in paths.items():
        params = set(re.findall(r"{([^}]+)}", path))
        for op in ops.values():
            assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == params, path
            assert "summary" in op and op["responses"]
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_openapi_is_generated_from_the_pydantic_models(people) -> None:
    doc = people.client().get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for model in (PageSave, SiteCreate, SectionCreate, PageOut, SiteOut):
        assert schemas[model.__name__] == model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        ), model
    put = doc["paths"]["/api/v1/sites/{site}/pages/{section}/{page}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PageSave"
    }
    post = doc["paths"]["/api/v1/sites"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SiteCreate"
    }
    assert "201" in post["responses"]
    # Every reference points at a schema that is there.
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', response_text(doc)))
    assert refs <= set(schemas)


def response_text(doc: dict[str, Any]) -> str:
    import json

    return json.dumps(doc)


def test_every_documented_endpoint_exists_and_asks_who_you_are(people) -> None:
    doc = people.client().get("/api/v1/openapi.json").json()
    nobody = people.client()
    for path, ops in doc["paths"].items():
        concrete = re.sub(r"{n}|{[a-z_]*id}", "1", path)
        concrete = re.sub(r"{email}", "someone@example.org", concrete)
        concrete = re.sub(r"{[^}]+}", "thing", concrete)
        for method in ops:
            response = nobody.request(method.upper(), concrete, json={})
            assert response.status_code == 401, (method, path, response.status_code, response.text)
            assert response.json()["error"]["code"] == "not_signed_in"


def test_a_site_gives_olas_own_line_to_all_and_her_photo_only_to_who_may_see_its_page(
    api, people, owner, db, settings
) -> None:
    """Issue #16: the plan home's introduction and photo, in the API as on the page."""
    store.save_page(db, owner, site="ola", section="health", page="clinic", body="Clinic.",
                    base_revision=None)  # fmt: skip
    picture = files.attach(db, owner, site="ola", section="health", page="clinic",
                           upload=io.BytesIO(png()), filename="me.png", caption="",
                           files_dir=settings.files_path())  # fmt: skip
    introduction.set_introduction(db, owner, site="ola", intro="I'm Ola. I love buses.",
                                  photo=picture.key)  # fmt: skip
    mine = api.get("/api/v1/sites/ola").json()
    assert mine["intro"] == "I'm Ola. I love buses."
    assert mine["photo_url"] == f"/s/ola/-/files/{picture.key}/me.png"
    for name, grants, sees in (("Priya", [("about-me", "view")], False),
                               ("Helen", [("health", "view")], True)):  # fmt: skip
        theirs = member_api(people, db, owner, name, grants).get("/api/v1/sites/ola").json()
        assert theirs["intro"] == "I'm Ola. I love buses.", name
        assert (theirs["photo_url"] is not None) is sees, name
