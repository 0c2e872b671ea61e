"""PUT with "merge": true (issue #26): a stale base is merged three ways instead of
refused. Without it, a stale base still answers 409 (tests/test_conflict.py)."""

from __future__ import annotations

import test_conflict as same_page
from test_conflict import API_PAGE, CLAIRES, MERGED, OLAS, ORIGINAL, bearer, draft_of, revisions

# The same plan, people and page as the conflict tests.
owner, ola, claire = same_page.owner, same_page.ola, same_page.claire


def test_api_merge_true_keeps_both_changes_and_says_merged(ola, claire, owner, db, people) -> None:
    claire_person, _ = claire
    api = people.client()
    api.put(API_PAGE, json={"body": OLAS, "base_revision": 1}, headers=bearer(db, owner))

    response = api.put(API_PAGE, json={"body": CLAIRES, "base_revision": 1, "merge": True},
                       headers=bearer(db, claire_person))  # fmt: skip

    assert response.status_code == 200
    answer = response.json()
    assert answer["merged"] is True
    assert answer["body"] == MERGED and answer["revision"] == 3
    # Both versions are in the history; the merged one remembers where Claire started.
    assert revisions(db) == [
        (1, ORIGINAL, None, "Ola"),
        (2, OLAS, 1, "Ola"),
        (3, MERGED, 1, "Claire"),
    ]
    assert draft_of(db, claire_person) is None


def test_api_merge_true_on_a_fresh_base_is_an_ordinary_save(ola, owner, db, people) -> None:
    response = people.client().put(API_PAGE, json={"body": OLAS, "base_revision": 1, "merge": True},
                                   headers=bearer(db, owner))  # fmt: skip
    assert response.status_code == 200
    assert response.json()["merged"] is False and response.json()["revision"] == 2


def test_api_merge_true_with_a_real_clash_answers_409_with_each_clash(
    ola, claire, owner, db, people
) -> None:
    claire_person, _ = claire
    api = people.client()
    api.put(API_PAGE, json={"body": OLAS, "base_revision": 1}, headers=bearer(db, owner))
    hers = ORIGINAL.replace("- Buses", "- Buses and trains")

    response = api.put(API_PAGE, json={"body": hers, "base_revision": 1, "merge": True},
                       headers=bearer(db, claire_person))  # fmt: skip

    assert response.status_code == 409
    answer = response.json()
    assert answer["error"]["code"] == "conflict"
    assert answer["current"]["revision"] == 2
    assert answer["clashes"] == [
        {
            "line": 3,
            "base": "- Buses",
            "mine": "- Buses and trains",
            "theirs": "- Buses, especially the 47",
        }
    ]
    assert revisions(db)[-1][:2] == (2, OLAS), "nothing of hers was applied"
    assert draft_of(db, claire_person)["body"] == hers  # type: ignore[index]


def test_api_merge_names_a_block_field_that_clashed(ola, owner, db, people) -> None:
    url = "/api/v1/sites/ola/pages/about-me/one-page"
    start = "```one-page-profile\nimportant_to_me:\n- My dog.\n```\n"
    api, as_ola = people.client(), bearer(db, owner)
    assert (
        api.put(url, json={"body": start, "base_revision": None}, headers=as_ola).status_code == 201
    )
    api.put(
        url, json={"body": start.replace("My dog.", "My cat."), "base_revision": 1}, headers=as_ola
    )

    response = api.put(url, json={"body": start.replace("My dog.", "My dog Rex."), "base_revision": 1,
                                  "merge": True}, headers=as_ola)  # fmt: skip

    assert response.status_code == 409
    assert response.json()["clashes"] == [{"field": "one-page-profile.important_to_me.0",
                                           "base": "My dog.", "mine": "My dog Rex.", "theirs": "My cat."}]  # fmt: skip


def test_api_merge_in_the_openapi_description(people) -> None:
    spec = people.client().get("/api/v1/openapi.json").json()
    merge = spec["components"]["schemas"]["PageSave"]["properties"]["merge"]
    assert merge["type"] == "boolean" and merge["default"] is False
    assert "clashes" in merge["description"]
    assert "merge" in spec["paths"]["/api/v1/sites/{site}/pages/{section}/{page}"]["put"]["summary"]


def test_api_merge_of_text_sent_with_windows_line_ends_keeps_both(
    ola, claire, owner, db, people
) -> None:
    """Browsers send a text box's lines ending "\\r\\n": only the lines changed may clash."""
    claire_person, _ = claire
    api = people.client()
    api.put(API_PAGE, json={"body": OLAS, "base_revision": 1}, headers=bearer(db, owner))
    response = api.put(API_PAGE, json={"body": CLAIRES.replace("\n", "\r\n"), "base_revision": 1,
                                       "merge": True}, headers=bearer(db, claire_person))  # fmt: skip
    assert response.status_code == 200 and response.json()["body"] == MERGED
