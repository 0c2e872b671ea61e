"""How I read (issue #16): each person chooses their own look, text size, easy read and read
aloud — on their account through a form or the API, or in a cookie when they read through a
guest link — and nobody else's pages change. Bad choices are refused in plain words and
change nothing; a person's own colours must be easy to read."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import csrf_of
from starlette.testclient import TestClient

from wiki import accounts, colour, store
from wiki.middleware import SESSION_COOKIE
from wiki.models import OWN_COLOURS_CONTRAST, Actor, Preferences
from wiki.routes.common import READING_COOKIE
from wiki.routes.reading import PAIRS
from wiki.store import circle, links

THEMES = Path(__file__).parent.parent / "themes"


def stored(db, who: Actor) -> str | None:
    return db.one("SELECT preferences FROM users WHERE id = ?", (who.user_id,))[0]


def body_of(html: str) -> str:
    match = re.search(r"<body[^>]*>", html)
    assert match
    return match.group(0)


@pytest.fixture
def plan(people, db):
    """Ola's plan; Mum reads all of it."""
    ola, mum = people.add("Ola"), people.add("Mum")
    store.create_site(db, ola, slug="ola", title="Ola's plan")
    store.save_page(db, ola, site="ola", section="about-me", page="profile",
                    body="# My profile\n\nI like buses and my dog Pickle.", base_revision=None)  # fmt: skip
    circle.add_member(db, ola, site="ola", email=mum.email, relationship="mum", groups=[])
    circle.add_grant(db, ola, site="ola", section="*", capability="view", person=mum.email)
    return {"ola": ola, "mum": mum}


def choose(client: TestClient, where: str = "/account/reading", **fields: str):
    """Send the How I read form the way a browser does."""
    form = client.get(where)
    assert form.status_code == 200, form.text[:300]
    data = {"theme": "plan", "text_size": "normal", "colours": "cream", **fields}
    return client.post(where, data={**data, "csrftoken": csrf_of(form.text)})


# ---- a signed-in person, through the form --------------------------------------------------------


def test_ola_switches_easy_read_and_bigger_text_on_for_herself_and_sees_them_on_every_page(
    people, db, plan
) -> None:
    ola = people.client(plan["ola"])
    home = ola.get("/s/ola").text
    assert 'href="/account/reading?back=/s/ola"' in home, "a How I read link on every page"
    assert 'href="/account/reading?back=/account"' in ola.get("/account").text

    saved = choose(ola, text_size="larger", easy_read="on", back="/s/ola/about-me/profile")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/account/reading?done=1&back=/s/ola/about-me/profile"
    done = ola.get(saved.headers["location"])
    assert "Saved." in done.text and "Pages now look the way you chose." in done.text
    assert 'href="/s/ola/about-me/profile">Go back to where I was' in done.text
    assert 'id="easy_read" name="easy_read" checked' in done.text
    assert 'id="size-larger" name="text_size" value="larger" checked' in done.text

    assert Preferences.parse(stored(db, plan["ola"])) == Preferences(
        text_size="larger", easy_read=True, text_colour="#1b1f24", background_colour="#fdf6e3"
    )
    for url in ("/s/ola", "/s/ola/about-me/profile", "/", "/account"):
        assert 'class="theme-default text-larger easy-read"' in body_of(ola.get(url).text), url
    mums = people.client(plan["mum"])
    assert body_of(mums.get("/s/ola").text) == '<body class="theme-default">', "Mum's unchanged"


def test_mum_reads_in_her_own_colours_served_as_a_stylesheet(people, db, plan) -> None:
    mum = people.client(plan["mum"])
    assert choose(mum, theme="own-colours", colours="night").status_code == 303
    page = mum.get("/s/ola/about-me/profile").text
    assert 'class="theme-own-colours"' in page
    assert '<link rel="stylesheet" href="/reading/colours/ffffff-0b2e59.css">' in page
    assert "style=" not in page, "no inline styles: the CSP forbids them"
    css = mum.get("/reading/colours/ffffff-0b2e59.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "--ink: #ffffff;" in css.text and "--paper: #0b2e59;" in css.text
    assert "immutable" in css.headers["cache-control"]
    # her own pair of colours, picked herself
    assert choose(mum, theme="own-colours", colours="custom", text_colour="#003300",
                  background_colour="#FFFFEE").status_code == 303  # fmt: skip
    assert "/reading/colours/003300-ffffee.css" in mum.get("/s/ola").text
    ola = people.client(plan["ola"])
    assert "/reading/colours/" not in ola.get("/s/ola").text


def test_the_form_shows_a_preview_of_each_look_and_words_for_each_choice(people, plan) -> None:
    text = html.unescape(people.client(plan["ola"]).get("/account/reading").text)
    for words in ("The plan's own look", "Clear and calm", "High contrast", "Large text",
                  "My own colours", "Normal", "Big", "Bigger", "Easy read", "Read aloud",
                  "Colours I pick myself", "Save how I read"):  # fmt: skip
        assert words in text, words
    assert text.count('name="theme"') == 5 and text.count('name="colours"') == len(PAIRS) + 1
    assert text.count('<svg class="swatch"') >= 4 + len(PAIRS)
    assert "style=" not in text


# ---- bad choices: refused, in plain words, nothing changed ----------------------------------------


@pytest.mark.parametrize(
    "fields, field, words",
    [
        # Ola reads in easy words (chosen first, below): the form's own messages are easy too.
        ({"theme": "neon"}, "theme", "Choose one look from the list."),
        ({"theme": "../default"}, "theme", "Choose one look from the list."),
        ({"text_size": "huge"}, "text_size", "Choose how big the words are."),
        ({"theme": "own-colours", "colours": "custom", "text_colour": "#777777",
          "background_colour": "#888888"}, "colours", "too alike. The words would be hard to read"),
        ({"colours": "custom", "text_colour": "#000000", "background_colour": ""}, "colours",
         "Choose both colours"),
        ({"theme": "own-colours", "colours": ""}, "colours", "choose a colour for the words"),
        ({"colours": "custom", "text_colour": "red", "background_colour": "#ffffff"}, "colours",
         "Write a colour as #"),
    ],
)  # fmt: skip
def test_a_bad_choice_is_refused_and_nothing_is_changed_or_lost(
    people, db, plan, fields: dict[str, str], field: str, words: str
) -> None:
    ola = people.client(plan["ola"])
    assert choose(ola, theme="high-contrast", easy_read="on").status_code == 303
    before = stored(db, plan["ola"])
    answer = choose(ola, **{"text_size": "larger", "read_aloud": "on", **fields})
    assert answer.status_code == 422
    assert words in answer.text and "Nothing has been saved yet" in answer.text
    assert f'id="{field}-error"' in answer.text
    assert stored(db, plan["ola"]) == before
    # what was sent is still there to fix, not the saved choices
    assert 'id="read_aloud" name="read_aloud" checked' in answer.text
    assert 'id="easy_read" name="easy_read" checked' not in answer.text
    if field != "text_size":
        assert 'value="larger" checked' in answer.text
    if fields.get("colours") == "custom":
        assert 'id="colours-custom" name="colours" value="custom" checked' in answer.text
        assert f'value="{fields["text_colour"]}"' in answer.text
    assert 'class="theme-high-contrast easy-read"' in body_of(answer.text), "drawn as saved"


def test_a_choice_without_the_forms_security_check_is_refused(people, db, plan) -> None:
    ola = people.client(plan["ola"])
    answer = ola.post("/account/reading", data={"theme": "high-contrast", "text_size": "normal"})
    assert answer.status_code == 403 and stored(db, plan["ola"]) is None


# ---- a guest link's reader: a cookie ----------------------------------------------------------


@pytest.fixture
def guest_link(db, plan) -> str:
    made = links.create_guest_link(db, plan["ola"], site="ola", section="about-me")
    assert made.token
    return made.token


def test_a_guest_link_reader_keeps_their_choices_in_a_cookie(app, db, plan, guest_link) -> None:
    reader = TestClient(app, follow_redirects=False)
    page_url = f"/g/{guest_link}/about-me/profile"
    shown = reader.get(page_url).text
    assert f'href="/reading?back={page_url}"' in shown, "a guest link's pages link to How I read"
    form = reader.get(f"/reading?back={page_url}")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    assert "kept on this phone or computer only" in form.text
    answer = reader.post("/reading", data={
        "theme": "large-text", "text_size": "large", "easy_read": "on", "colours": "cream",
        "back": page_url, "csrftoken": csrf_of(form.text)})  # fmt: skip
    assert answer.status_code == 303
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie"
                  and v.startswith(READING_COOKIE + "="))  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "Secure over https only (see the next test)"
    done = reader.get(answer.headers["location"])
    assert "Saved." in done.text and f'href="{page_url}">Go back to where I was' in done.text
    assert 'class="theme-large-text text-large easy-read"' in body_of(reader.get(page_url).text)
    # nothing was kept on anyone's account
    assert all(row[0] is None for row in db.execute("SELECT preferences FROM users").fetchall())
    # another reader of the same link is not changed
    other = TestClient(app, follow_redirects=False)
    assert body_of(other.get(page_url).text) == '<body class="theme-default">'


def test_a_signed_in_person_reading_through_a_guest_link_sees_their_own_choices(
    people, plan, guest_link
) -> None:
    """A guest link's pages know nobody's account (the link is the whole identity): the
    choices saved on the account are kept in this browser's cookie too."""
    mum = people.client(plan["mum"])
    assert choose(mum, theme="high-contrast", easy_read="on").status_code == 303
    page = mum.get(f"/g/{guest_link}/about-me/profile").text
    assert 'class="theme-high-contrast easy-read"' in body_of(page)
    assert f'href="/reading?back=/g/{guest_link}/about-me/profile"' in page


def test_over_https_the_reading_cookie_is_secure(app) -> None:
    reader = TestClient(app, base_url="https://testserver", follow_redirects=False)
    form = reader.get("/reading")
    answer = reader.post("/reading", data={
        "theme": "high-contrast", "text_size": "normal", "colours": "cream",
        "csrftoken": csrf_of(form.text)})  # fmt: skip
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie"
                  and v.startswith(READING_COOKIE + "="))  # fmt: skip
    assert "Secure" in cookie


def test_a_bad_or_tampered_cookie_is_the_plans_look(app) -> None:
    reader = TestClient(app, follow_redirects=False)
    tampered = Preferences.model_construct(
        theme="own-colours", text_size="normal", easy_read=False, read_aloud=False,
        text_colour="#777777", background_colour="#888888",
    ).as_cookie()  # fmt: skip
    for value in (tampered, "not-base64!", "e30" * 200):
        reader.cookies.set(READING_COOKIE, value)
        page = reader.get("/login")
        assert page.status_code == 200 and body_of(page.text) == '<body class="theme-default">'


def test_signed_in_the_reading_page_is_the_accounts(people, plan) -> None:
    ola = people.client(plan["ola"])
    moved = ola.get("/reading?back=/s/ola")
    assert moved.status_code == 303 and moved.headers["location"] == "/account/reading?back=/s/ola"
    nobody = people.client()
    assert nobody.get("/account/reading").status_code == 303  # to sign in
    assert nobody.get("/reading?back=https://evil.example/").status_code == 200
    assert 'name="back" value="/"' in nobody.get("/reading?back=//evil.example").text
    # a browser drops tabs and line breaks: "/\t/evil.example" would be another site
    for sneaky in ("/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example"):
        assert 'name="back" value="/"' in nobody.get(f"/reading?back={sneaky}").text, sneaky


# ---- the API ------------------------------------------------------------------------------------


def api_client(app, db, who: Actor) -> TestClient:
    user = accounts.find_user(db, who.email)
    assert user is not None
    client = TestClient(app)
    client.headers["authorization"] = f"Bearer {accounts.create_token(db, user)}"
    return client


def test_ola_reads_and_changes_her_choices_through_the_api(app, db, plan) -> None:
    ola = api_client(app, db, plan["ola"])
    assert ola.get("/api/v1/me/preferences").json() == {
        "theme": "plan", "text_size": "normal", "easy_read": False, "read_aloud": False,
        "text_colour": None, "background_colour": None,
    }  # fmt: skip
    mine = {"theme": "own-colours", "text_size": "large", "easy_read": True, "read_aloud": True,
            "text_colour": "#FFFF00", "background_colour": "#000"}  # fmt: skip
    answer = ola.put("/api/v1/me/preferences", json=mine)
    assert answer.status_code == 200, answer.text
    assert (
        answer.json()["text_colour"] == "#ffff00"
        and answer.json()["background_colour"] == "#000000"
    )
    assert ola.get("/api/v1/me/preferences").json() == answer.json()
    # the contract's four fields alone; left-out fields go back to their defaults
    four = {"theme": "high-contrast", "text_size": "larger", "easy_read": False, "read_aloud": True}
    assert ola.put("/api/v1/me/preferences", json=four).json() == {
        **four, "text_colour": None, "background_colour": None}  # fmt: skip
    # the same choices reach her pages, signed in in a browser
    page = TestClient(app, follow_redirects=False)
    user = accounts.find_user(db, plan["ola"].email)
    assert user is not None
    page.cookies.set(SESSION_COOKIE, accounts.start_session(db, user, absolute_hours=1))
    assert 'class="theme-high-contrast text-larger read-aloud"' in body_of(page.get("/s/ola").text)
    assert '<script src="/static/high-contrast/read-aloud.js" defer></script>' in page.get("/").text


def test_the_api_works_with_a_browser_session_and_its_csrf_header(people, db, plan) -> None:
    mum = people.client(plan["mum"])
    assert mum.get("/api/v1/me/preferences").json()["theme"] == "plan"
    refused = mum.put("/api/v1/me/preferences", json={"theme": "high-contrast"})
    assert refused.status_code == 403 and stored(db, plan["mum"]) is None
    token = mum.cookies.get("csrftoken")
    assert token
    saved = mum.put("/api/v1/me/preferences", json={"theme": "high-contrast"},
                    headers={"x-csrftoken": token})  # fmt: skip
    assert (
        saved.status_code == 200
        and Preferences.parse(stored(db, plan["mum"])).theme == "high-contrast"
    )


def test_nobody_can_read_or_set_another_persons_choices(app, db, plan, guest_link) -> None:
    ola, mum = api_client(app, db, plan["ola"]), api_client(app, db, plan["mum"])
    assert ola.put("/api/v1/me/preferences", json={"theme": "large-text"}).status_code == 200
    assert mum.get("/api/v1/me/preferences").json()["theme"] == "plan"
    for sneaky in ({"theme": "default", "email": plan["ola"].email},
                   {"theme": "default", "user_id": plan["ola"].user_id},
                   {"theme": "default", "person": "ola@example.org"}):  # fmt: skip
        answer = mum.put("/api/v1/me/preferences", json=sneaky)
        assert answer.status_code == 422, answer.text
    assert Preferences.parse(stored(db, plan["ola"])).theme == "large-text"
    assert stored(db, plan["mum"]) is None
    # no other address reads or writes a person's choices
    assert mum.get(f"/api/v1/users/{plan['ola'].user_id}/preferences").status_code == 404
    assert mum.get("/api/v1/me/preferences?email=ola@example.org").json()["theme"] == "plan"
    # not signed in, or only a guest link: 401, nothing stored
    nobody = TestClient(app)
    for method in ("GET", "PUT"):
        answer = nobody.request(method, "/api/v1/me/preferences", json={"theme": "default"})
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "not_signed_in"
    revoked = TestClient(app)
    revoked.headers["authorization"] = "Bearer pw_nottherightone"
    assert revoked.get("/api/v1/me/preferences").status_code == 401


@pytest.mark.parametrize(
    "body, words",
    [
        ({"theme": "neon"}, "There is no look called 'neon'"),
        ({"theme": "Plan"}, "theme"),
        ({"text_size": "huge"}, "text_size"),
        ({"easy_read": "yes please"}, "easy_read"),
        ({"theme": "own-colours"}, "choose a colour for the words"),
        ({"text_colour": "#777777", "background_colour": "#888888"}, "hard to read"),
        ({"text_colour": "#000000"}, "Choose both colours"),
        ({"text_colour": "black", "background_colour": "#ffffff"}, "Write a colour as #"),
        ({"text_colour": 12, "background_colour": "#ffffff"}, "Write a colour as #"),
        ({"colour": "#000000"}, "colour"),
    ],
)
def test_bad_values_through_the_api_get_422_with_a_plain_message_and_change_nothing(
    app, db, plan, body: dict[str, object], words: str
) -> None:
    ola = api_client(app, db, plan["ola"])
    assert ola.put("/api/v1/me/preferences", json={"easy_read": True}).status_code == 200
    before = stored(db, plan["ola"])
    answer = ola.put("/api/v1/me/preferences", json=body)
    assert answer.status_code == 422, answer.text
    assert (
        answer.json()["error"]["code"] == "invalid" and words in answer.json()["error"]["message"]
    )
    assert stored(db, plan["ola"]) == before


def test_odd_bodies_get_a_4xx_and_change_nothing(app, db, plan) -> None:
    ola = api_client(app, db, plan["ola"])
    raw = {"content-type": "application/json"}
    for body, status in ((b'{"theme": "\\ud800"}', 400), (b"[]", 422), (b"null", 422),
                         (b'{"theme": "' + b"x" * 2_000_000 + b'"}', 413), (b"{", 400),
                         (json.dumps({"text_colour": "#000000\u0000"}).encode(), 422)):  # fmt: skip
        answer = ola.put("/api/v1/me/preferences", content=body, headers=raw)
        assert answer.status_code == status, (body[:40], answer.text[:200])
        assert answer.json()["error"]["message"]
    assert ola.put("/api/v1/me/preferences", content=b"{}", headers={
        "content-type": "text/plain"}).status_code == 400  # fmt: skip
    assert stored(db, plan["ola"]) is None


def test_the_openapi_document_describes_my_preferences(people) -> None:
    doc = people.client().get("/api/v1/openapi.json").json()
    ops = doc["paths"]["/api/v1/me/preferences"]
    assert set(ops) == {"get", "put"}
    ref = {"$ref": "#/components/schemas/Preferences"}
    assert ops["put"]["requestBody"]["content"]["application/json"]["schema"] == ref
    assert ops["get"]["responses"]["200"]["content"]["application/json"]["schema"] == ref
    fields = doc["components"]["schemas"]["Preferences"]["properties"]
    assert {"theme", "text_size", "easy_read", "read_aloud"} <= set(fields), "the contract"
    assert {"text_colour", "background_colour"} <= set(fields)


# ---- own colours: always easy to read ---------------------------------------------------------


def test_every_pair_offered_is_easy_to_read_and_a_pair_that_is_not_is_refused() -> None:
    for key, (text, background, name) in PAIRS.items():
        assert colour.contrast(text, background) >= 7.0, (key, name)
        assert Preferences(theme="own-colours", text_colour=text, background_colour=background)
    with pytest.raises(ValueError, match="hard to read"):
        Preferences(text_colour="#767676", background_colour="#ffffff".replace("f", "e"))
    assert Preferences(text_colour="#595959", background_colour="#ffffff")  # 7:1
    # just under AA is refused, just over is kept
    assert colour.contrast("#777777", "#ffffff") < OWN_COLOURS_CONTRAST
    with pytest.raises(ValueError):
        Preferences(text_colour="#777777", background_colour="#ffffff")
    assert Preferences(text_colour="#757575", background_colour="#ffffff")
    # stored before own colours existed: still read
    old = '{"theme": "large-text", "text_size": "large", "easy_read": true, "read_aloud": false}'
    assert Preferences.parse(old) == Preferences(
        theme="large-text", text_size="large", easy_read=True
    )


def test_the_own_colours_stylesheet_is_served_only_for_a_readable_pair(app) -> None:
    anyone = TestClient(app)
    assert anyone.get("/reading/colours/000000-ffffff.css").status_code == 200
    for bad in ("777777-ffffff.css", "zzzzzz-ffffff.css", "000-fff.css", "000000ffffff.css",
                "000000-ffffff-000000.css", "..%2f..%2fwiki.css", "000000-ffffff.css.js"):  # fmt: skip
        assert anyone.get(f"/reading/colours/{bad}").status_code == 404, bad


def test_the_own_colours_look_uses_only_the_persons_two_colours() -> None:
    """Every colour on the page comes from the pair (checked AA), so nothing can be less
    readable than the pair itself: no colour is written into the own-colours theme."""
    for sheet in (THEMES / "own-colours" / "static").glob("*.css"):
        text = sheet.read_text()
        assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgb|hsl", text), sheet.name


def test_the_plans_look_page_says_it_is_only_the_default_and_offers_no_personal_look(
    people, db, plan
) -> None:
    ola = people.client(plan["ola"])
    page = ola.get("/s/ola/settings").text
    assert "This is how the plan looks for people who have not chosen their own look." in page
    assert 'value="own-colours"' not in page
    refused = ola.post("/s/ola/settings", data={"theme": "own-colours", "accent": "",
                                                "csrftoken": csrf_of(page)})  # fmt: skip
    assert refused.status_code == 422
    assert store.site_for(db, plan["ola"], "ola").site.theme in (None, "default")
