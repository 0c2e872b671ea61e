"""Drafts that survive everything (issue #26): unsaved words are kept for their author
alone, come back after a session ends, are shown back when cookies are gone, and go with
the plan, the account, or after 30 days. Never searched, exported, emailed or logged."""

from __future__ import annotations

import html as entities
import re
import zipfile
from datetime import timedelta

import pytest
from conftest import csrf_of, post_form

from wiki import clock, store
from wiki.errors import WikiError
from wiki.store import account_erasure, circle, drafts, erasure, search
from wiki.store.links import create_guest_link
from wiki.store.transfer import export_site

PAGE = "/s/rhys/about-me/profile"
WORDS = "Saturday swimming with Zanzibar the dog"


@pytest.fixture
def plan(people, db):
    """Rhys's plan, and everyone around it."""
    rhys = people.add("Rhys")
    rhys_client = people.client(rhys)
    assert (
        post_form(rhys_client, "/sites", {"title": "Rhys's plan", "slug": "rhys"}).status_code
        == 303
    )
    store.save_page(db, rhys, site="rhys", section="about-me", page="profile", body="I like buses.",
                    base_revision=None, title="My profile")  # fmt: skip
    who = {"owner": rhys}
    for name, section, capability in (("Claire", "*", "manage"), ("Tom", "about-me", "edit"),
                                      ("Amy", "about-me", "view")):  # fmt: skip
        person = people.add(name)
        circle.add_member(db, rhys, site="rhys", email=person.email, relationship="circle")
        circle.add_grant(
            db, rhys, site="rhys", section=section, capability=capability, person=person.email
        )
        who[name] = person
    ola = people.add("Ola")
    post_form(people.client(ola), "/sites", {"title": "Ola's plan", "slug": "ola"})
    who["other plan's owner"] = ola
    link = create_guest_link(db, rhys, site="rhys", section="about-me")
    return {"people": who, "rhys": rhys_client, "guest": f"/g/{link.token}"}


def textarea_of(html: str) -> str:
    found = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', html, flags=re.S)
    assert found, "no text box"
    return entities.unescape(found.group(1)).lstrip("\n")


def keep_as_typed(client, words: str = WORDS):
    """What drafts.js does: the open form's fields, sent a moment after typing stops."""
    form = client.get(PAGE + "/edit").text
    return client.post(PAGE + "/draft", data={"csrftoken": csrf_of(form), "title": "My profile",
                                              "body": f"I like buses.\n{words}", "base": "1",
                                              "form": PAGE + "/edit"})  # fmt: skip


def test_words_typed_are_kept_and_listed_on_the_page_for_their_author(plan, db) -> None:
    rhys = plan["rhys"]
    assert keep_as_typed(rhys).status_code == 204
    page = rhys.get(PAGE).text
    assert "You have words you have not saved." in page
    assert WORDS not in page, "the page itself is as saved"
    assert textarea_of(rhys.get(PAGE + "/edit").text) == f"I like buses.\n{WORDS}"
    thrown = rhys.post(PAGE + "/draft", data={"csrftoken": csrf_of(page), "action": "discard"})
    assert thrown.status_code == 303
    assert "You have words you have not saved." not in rhys.get(PAGE).text
    assert textarea_of(rhys.get(PAGE + "/edit").text) == "I like buses."


@pytest.mark.parametrize(
    "who", ["steward", "member with edit", "member with view", "guest link", "other plan's owner"]
)
def test_a_draft_is_never_shown_to_anyone_but_its_author(plan, people, db, who) -> None:
    assert keep_as_typed(plan["rhys"]).status_code == 204
    person = {"steward": "Claire", "member with edit": "Tom", "member with view": "Amy",
              "other plan's owner": "other plan's owner"}.get(who)  # fmt: skip
    if person is None:
        client = people.client()
        seen = [client.get(plan["guest"], follow_redirects=True).text]
    else:
        actor = plan["people"][person]
        client = people.client(actor)
        seen = [client.get(u).text for u in (PAGE, PAGE + "/edit", PAGE + "/history",
                                              "/s/rhys/search?q=Zanzibar", "/api/v1/sites/rhys/pages/about-me/profile",
                                              "/api/v1/sites/rhys/search?q=Zanzibar")]  # fmt: skip
        try:
            assert (
                store.get_draft(db, actor, site="rhys", section="about-me", page="profile") is None
            )
        except WikiError:
            pass  # may not edit (or see) the page: no drafts there at all
    for text in seen:  # (the search pages say back what was searched for: "Zanzibar")
        assert "Saturday swimming" not in text
        assert "words you have not saved" not in text


def test_nobody_can_keep_words_as_someone_elses_draft(plan, people, db) -> None:
    amy = people.client(plan["people"]["Amy"])  # may only read About me
    assert keep_as_typed(amy).status_code in (403, 404)
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0
    stranger = people.client()
    page = stranger.get("/login").text
    refused = stranger.post(PAGE + "/draft", data={"csrftoken": csrf_of(page), "body": WORDS,
                                                   "form": PAGE + "/edit"})  # fmt: skip
    assert refused.status_code == 401
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0


def test_drafts_are_not_in_search_export_emails_or_the_log(plan, db, settings) -> None:
    rhys = plan["people"]["owner"]
    assert keep_as_typed(plan["rhys"]).status_code == 204
    assert search.search_site(db, rhys, site="rhys", query="Zanzibar")[1].hits == []
    made = export_site(db, rhys, site="rhys")
    with zipfile.ZipFile(made.path) as archive:
        assert not any(b"Zanzibar" in archive.read(name) for name in archive.namelist())
    assert not db.all("SELECT 1 FROM outbox WHERE body LIKE '%Zanzibar%'")
    assert not db.all("SELECT 1 FROM audit WHERE detail LIKE '%Zanzibar%'")


def test_drafts_go_after_thirty_days(plan, db) -> None:
    rhys = plan["people"]["owner"]
    assert keep_as_typed(plan["rhys"]).status_code == 204
    clock.freeze(clock.now() + timedelta(days=drafts.KEEP_DAYS, minutes=1))
    assert store.get_draft(db, rhys, site="rhys", section="about-me", page="profile") is None
    drafts.expire(db)
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0


def test_drafts_are_erased_with_the_plan_and_with_the_account(plan, people, db) -> None:
    tom = plan["people"]["Tom"]
    assert keep_as_typed(plan["rhys"]).status_code == 204
    assert keep_as_typed(people.client(tom), "Tom's own words").status_code == 204
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 2
    account_erasure.delete_account(db, tom, confirm_email=tom.email)
    assert db.all("SELECT * FROM drafts WHERE user_id = ?", (tom.user_id,)) == []
    erasure.delete_site(db, plan["people"]["owner"], site="rhys", confirm="rhys")
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0


# ---- the session ends while they type ----------------------------------------------------


def test_a_save_after_the_session_timed_out_keeps_the_words_until_they_sign_in(
    plan, people, db, settings
) -> None:
    rhys = plan["rhys"]
    form = rhys.get(PAGE + "/edit").text
    clock.freeze(clock.now() + timedelta(minutes=settings.session_idle_minutes + 5))

    sent = rhys.post(PAGE + "/edit", data={"csrftoken": csrf_of(form), "title": "My profile",
                                          "body": f"I like buses.\n{WORDS}", "base": "1"})  # fmt: skip

    assert sent.status_code == 303
    assert sent.headers["location"] == "/login?next=" + PAGE + "/edit%3Fkept%3D1"
    assert db.one("SELECT body FROM drafts")["body"] == f"I like buses.\n{WORDS}"
    assert store.get_page(db, plan["people"]["owner"], site="rhys", section="about-me",
                          page="profile")[1].revision == 1, "nothing was saved as a change"  # fmt: skip
    login = rhys.get(sent.headers["location"]).text
    assert 'name="next" value="/s/rhys/about-me/profile/edit?kept=1"' in login
    back = rhys.post("/login", data={"csrftoken": csrf_of(login), "email": "rhys@example.org",
                                     "password": "correct-horse-battery", "next": PAGE + "/edit?kept=1"})  # fmt: skip
    assert back.headers["location"] == PAGE + "/edit?kept=1"
    again = rhys.get(back.headers["location"]).text
    assert textarea_of(again) == f"I like buses.\n{WORDS}"
    assert "You were signed out. Your words are safe. Press Save." in again


def test_after_signing_out_on_purpose_the_old_cookie_keeps_nothing(plan, db) -> None:
    rhys = plan["rhys"]
    form = rhys.get(PAGE + "/edit").text
    old = rhys.cookies.get("planwiki_session")
    rhys.post("/logout", data={"csrftoken": csrf_of(form)})
    rhys.cookies.set("planwiki_session", old)
    sent = rhys.post(PAGE + "/edit", data={"csrftoken": csrf_of(form), "title": "My profile",
                                          "body": WORDS, "base": "1"})  # fmt: skip
    assert sent.status_code == 303 and "kept=1" not in sent.headers["location"]
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0


# ---- cookies gone --------------------------------------------------------------------------


def _post_without_cookies(people, headers: dict[str, str]):
    bare = people.client()
    return bare, bare.post(PAGE + "/edit", data={"title": "My profile", "body": WORDS, "base": "1"},
                           headers=headers)  # fmt: skip


def test_with_cookies_gone_the_words_come_back_with_a_way_to_sign_in_and_keep_them(
    plan, people, db
) -> None:
    bare, refused = _post_without_cookies(people, {"sec-fetch-site": "same-origin"})
    assert refused.status_code == 403
    assert textarea_of(refused.text) == WORDS
    assert 'action="/login"' in refused.text
    assert db.one("SELECT COUNT(*) AS n FROM drafts")["n"] == 0, "a 403 saves nothing"
    found = re.search(r'name="carried" value="([^"]*)"', refused.text)
    assert found, "the words go along with the sign-in"
    carried = entities.unescape(found.group(1))
    signed = bare.post("/login", data={"csrftoken": csrf_of(refused.text), "email": "rhys@example.org",
                                       "password": "correct-horse-battery", "next": PAGE + "/edit?kept=1",
                                       "carried": carried, "body": WORDS})  # fmt: skip
    assert signed.headers["location"] == PAGE + "/edit?kept=1"
    assert textarea_of(bare.get(signed.headers["location"]).text) == WORDS


@pytest.mark.parametrize("headers", [{"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
                                     {"origin": "https://evil.example"}, {}])  # fmt: skip
def test_a_post_from_another_site_gets_the_plain_refusal_without_the_words(
    plan, people, headers
) -> None:
    _, refused = _post_without_cookies(people, headers)
    assert refused.status_code == 403
    assert "Zanzibar" not in refused.text
