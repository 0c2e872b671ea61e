"""Easy read that changes words and adds pictures (issue #16).

The two catalogues (wiki/data/words/standard.toml and easy.toml) are held to each other
and to every key the templates and the Python code use; the easy strings must really be
easier; a converted page shows the easy words to a reader who chose them, signed in or
through a guest link, and the standard words to everyone else; every symbol in the map
has its file and its licence beside it."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import post_form
from pydantic import BaseModel
from starlette.testclient import TestClient

from plugins import blocks
from wiki import accounts, store, symbols, words
from wiki.models import Preferences
from wiki.routes.common import READING_COOKIE
from wiki.store import circle, links
from wiki.templates import THEMES_DIR, available_themes

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted(THEMES_DIR.glob("*/templates/**/*.html")),
    *sorted((ROOT / "plugins" / "templates").glob("**/*.html")),
    *sorted((ROOT / "wiki").glob("**/*.py")),
    *sorted((ROOT / "plugins").glob("**/*.py")),
]
# Strings that are already as plain as they can be: the same in both registers.
ALREADY_EASY = {
    "about.pictures", "account.save_name", "account.save_password", "audit.hide_mine",
    "audit.show_mine", "audit.times", "audit.weekly_on", "audit.weekly_stop", "base.my_plans",
    "base.how_i_read", "base.menu", "base.sign_in", "conflict.someone",
    "clash.keep_both", "clash.mine", "clash.mine_gone", "clash.no", "clash.save", "clash.saved",
    "clash.theirs", "clash.theirs_gone", "clash.yes", "kept.save", "kept.signed_out", "looks.default_hint", "looks.size_large", "looks.size_larger", "looks.size_normal", "door.make_account", "door.someone", "diff.same", "done.nothing", "done.title", "editor.a_photo", "editor.link", "editor.list", "editor.photo",
    "editor.save", "editor.summary", "editor.write", "error.go_home", "form.save",
    "form.summary", "growing.save", "home.new", "handover.ask", "handover.ask_about", "handover.have_you_read",
    "handover.read", "handover.thanks", "handover.your_question", "history.version",
    "history.who_when", "intro.add_this", "intro.crumb", "intro.new_photo", "intro.no_photo",
    "intro.save", "intro.what_in", "login.title", "login.with", "missing.text", "missing.title",
    "missing.write", "reading.fix_kept", "reading.words_colour", "revision.crumb", "search.file_on", "search.hint_quotes", "section.empty",
    "section.new_page", "section.start_writing", "sharing.cancel", "sharing.failed",
    "sharing.groups", "sharing.in", "sharing.nothing", "sharing.opened", "sharing.people",
    "sharing.see_what_they_see", "sharing.to", "site.looked",
    "steps.everyone_in", "steps.their_name", "steps.what", "welcome.step_photo", "welcome.step_write",
}  # fmt: skip
# Words a young person should not have to know (issue #16).
JARGON = re.compile(
    r"\b(steward|grant|capabilit|revision|session|token|section|invitation|guest|audit|"
    r"permission|credential|revoke|expire|configure|sso)\w*",
    re.IGNORECASE,
)
MAX_WORDS = 15
# Form fields that carry easy labels: the one-page profile and the circle of support.
EASY_FORMS: list[type[BaseModel]] = [blocks.OnePageProfile, blocks.Circle, blocks.Member]


def _first_argument(text: str, start: int) -> str:
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return text[start:i]
            depth -= 1
        elif char == "," and depth == 0:
            return text[start:i]
        i += 1
    return text[start:]


def keys_used() -> tuple[set[str], list[re.Pattern[str]]]:
    """Every key passed to ``say`` in the templates and the code: literal keys, and
    f-string keys as patterns (``say(f"done.can_{level}")``)."""
    literal: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for path in SOURCES:
        if path.name == "words.py":
            continue
        text = path.read_text()
        for call in re.finditer(r"\bsay(?:_later)?\(", text):
            argument = _first_argument(text, call.end())
            for f, key in re.findall(
                r"""(f?)["']([a-z_]+\.[a-z0-9_.{}' =\"()-]+?)["']""", argument
            ):
                if f:
                    pattern = re.escape(re.sub(r"\{[^}]*\}", "\0", key)).replace("\0", ".+")
                    patterns.append(re.compile(pattern))
                else:
                    literal.add(key)
    return literal, patterns


def symbols_used() -> set[str]:
    used: set[str] = set()
    for path in SOURCES:
        used |= set(re.findall(r"""\bsymbol\(\s*["']([a-z-]+)["']""", path.read_text()))
    return used


def _core(register: words.Register) -> dict[str, str]:
    return {k: v for k, v in words.catalogue(register).items() if not k.startswith("field.")}


def test_every_key_the_pages_use_is_in_both_catalogues_and_no_key_is_unused() -> None:
    literal, patterns = keys_used()
    standard, easy = _core("standard"), _core("easy")
    assert literal, "the scan found no keys: it is broken"
    assert literal - standard.keys() == set(), "used but not in standard.toml"
    assert literal - easy.keys() == set(), "used but not in easy.toml"
    assert standard.keys() == easy.keys(), "the catalogues must have the same keys"
    for pattern in patterns:
        assert any(pattern.fullmatch(k) for k in standard), f"nothing matches {pattern.pattern}"
    unused = {k for k in standard if k not in literal and not any(p.fullmatch(k) for p in patterns)}
    assert unused == set(), "in the catalogues but used nowhere"


def test_easy_strings_are_different_short_and_plain() -> None:
    standard, easy = _core("standard"), _core("easy")
    same = {k for k in standard if standard[k] == easy[k]}
    assert same - ALREADY_EASY == set(), "easy read must say these in easier words"
    assert ALREADY_EASY - same == set(), "no longer the same: take them off ALREADY_EASY"
    for key, text in words.catalogue("easy").items():
        plain = re.sub(r"\{[^}]*\}", "X", text)
        for sentence in re.split(r"(?<=[.?!:])\s+", plain):
            assert len(sentence.split()) <= MAX_WORDS, f"{key}: a sentence is too long: {sentence}"
        assert not JARGON.search(plain), f"{key}: a word a young person should not need: {text}"


def test_easy_strings_only_use_names_the_page_passes() -> None:
    standard = words.catalogue("standard")
    for key, text in _core("easy").items():
        wanted = set(re.findall(r"\{(\w+)\}", text))
        assert wanted <= set(re.findall(r"\{(\w+)\}", standard[key])), key


def test_form_fields_of_the_profile_and_the_circle_have_easy_labels() -> None:
    easy = words.catalogue("easy")
    fields = {k.rsplit(".", 1)[0] for k in easy if k.startswith("field.")}
    known = {
        f"field.{model.__name__}.{name}" for model in EASY_FORMS for name in model.model_fields
    }
    assert fields - known == set(), "easy labels for fields that do not exist"
    for model in EASY_FORMS:
        for name, info in model.model_fields.items():
            base = f"field.{model.__name__}.{name}"
            assert f"{base}.label" in easy, base
            if info.description:
                assert f"{base}.hint" in easy, base


def test_every_symbol_has_its_file_and_licence_and_every_file_is_named() -> None:
    folder = THEMES_DIR / "default" / "static" / symbols.STATIC_FOLDER
    files = {p.name for p in folder.glob("*.svg")}
    assert files == {symbols.file_of(n) for n in symbols.SYMBOLS}
    assert (folder / "LICENSE.txt").read_text().startswith("Attribution-ShareAlike 4.0")
    assert set(symbols.SECTION_SYMBOLS.values()) <= symbols.SYMBOLS.keys()
    assert symbols_used() - symbols.SYMBOLS.keys() == set()
    for name in symbols.SYMBOLS:
        assert "<script" not in (folder / symbols.file_of(name)).read_text()


def _plan(people, db):
    rhys = people.add("Rhys")
    store.create_site(db, rhys, slug="rhys", title="Rhys's plan")
    store.save_page(db, rhys, site="rhys", section="about-me", page="hello", body="# Hello\n\nI like buses.",
                    base_revision=None, summary="first")  # fmt: skip
    return rhys


def _mum_and_easy_read(people, db, rhys, capability: str):
    """Rhys's mum in his circle with ``capability`` on every part; Rhys chooses easy read."""
    mum = people.add("Mum")
    circle.add_member(db, rhys, site="rhys", email=mum.email, relationship="mum", groups=[])
    circle.add_grant(db, rhys, site="rhys", section="*", capability=capability, person=mum.email)
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    return mum


def test_a_signed_in_person_with_easy_read_on_gets_easy_words_and_pictures(people, db) -> None:
    rhys = _plan(people, db)
    mum = _mum_and_easy_read(people, db, rhys, "view")
    easy, standard = people.client(rhys), people.client(mum)

    home = easy.get("/s/rhys").text
    assert "Choose who can see my plan" in home and "Who can see what" not in home
    assert "Show my plan to someone" in home and "Parts of the plan" in home
    assert 'src="/static/default/symbols/1F60A.svg" alt=""' in home, "a picture for About me"
    page = easy.get("/s/rhys/about-me/hello").text
    assert "Change this page" in page and "Old versions" in page and ">History<" not in page
    assert "symbols/270F.svg" in page, "a pencil beside the edit button"

    mums = standard.get("/s/rhys/about-me/hello").text
    assert ">History<" in mums.replace(" ", "") or "History</a>" in mums
    assert "Old versions" not in mums and "/symbols/" not in mums, "no pictures unless chosen"


def test_the_form_labels_of_the_one_page_profile_are_easy(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    url = "/s/rhys/about-me/hello/blocks/new?type=one-page-profile"
    assert "What people like and admire about me" in client.get(url).text
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    form = client.get(url).text
    assert "What people like about me" in form and "How to help me" in form
    assert "What people like and admire about me" not in form


def test_a_guest_link_reader_chooses_easy_read_with_the_cookie(people, db, app) -> None:
    rhys = _plan(people, db)
    link = links.create_guest_link(db, rhys, site="rhys", section="about-me", label="Club")
    reader = TestClient(app, follow_redirects=True)
    url = f"/g/{link.token}/about-me/hello"
    plain = reader.get(url).text
    assert "Shared with you by link" in plain and "Hello" in plain
    reader.cookies.set(READING_COOKIE, Preferences(easy_read=True).as_cookie())
    easy = reader.get(url).text
    assert "Someone shared this with you" in easy and "Shared with you by link" not in easy
    assert "Go to the main part" in easy, "the skip link too"


def test_a_message_after_an_action_is_said_in_the_readers_words(people, db) -> None:

    rhys = _plan(people, db)
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    client = people.client(rhys)
    done = post_form(client, "/s/rhys/sharing", {"action": "group", "title": "Swimming club"},
                     page="/s/rhys/sharing")  # fmt: skip
    shown = client.get(done.headers["location"]).text
    assert "Done. The new group is ready." in shown


def test_the_about_page_credits_the_symbols_in_plain_words(people) -> None:
    page = people.client().get("/")
    assert 'href="/about"' in page.text, "linked from the footer of every page"
    about = people.client().get("/about").text
    assert "OpenMoji" in about and "CC BY-SA 4.0" in about
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in about
    assert "Jinja2" in about, "the libraries it runs on, from the installed packages"


def test_the_recorder_and_the_upload_box_speak_easy_read_when_it_is_chosen(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    url = "/s/rhys/about-me/hello"
    plain = client.get(url).text
    assert "Record a video or your voice" in plain and "Add to this page" in plain
    assert 'data-say-sending="Sending…"' in plain, "the script's words come from the page"
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    easy = client.get(url).text
    assert "Make a video or record your voice" in easy and "Put it on this page" in easy
    assert "Photos, videos and sounds" in easy and "Pick a file" in easy
    assert 'data-say-sending="Sending now…"' in easy
    assert 'data-say-recording-video="Making a video now.' in easy
    for standard in (
        "Record a video or your voice",
        "Add to this page",
        "Photos, recordings and files",
    ):
        assert standard not in easy, standard


def test_the_welcome_on_the_plan_home_speaks_easy_read_when_it_is_chosen(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    plain = client.get("/s/rhys").text
    assert "Welcome to your plan" in plain and "Three first steps" in plain
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    easy = client.get("/s/rhys").text
    assert "Hello! This is your plan" in easy and "Three things to do first" in easy
    assert "It is all about you." in easy and "Choose who sees it" in easy
    assert "Pick a photo. Write one line about you." in easy, "the first steps too"
    assert "Put this away" in easy and "Add a photo. Write a line about you." in easy
    for standard in ("Welcome to your plan", "Three first steps", "Hide this welcome"):
        assert standard not in easy, standard
    assert "Hello! This is your plan" in client.get("/s/rhys/-/welcome").text


def test_the_text_editor_speaks_easy_read_when_it_is_chosen(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    url = "/s/rhys/about-me/hello/edit"
    assert 'data-tool="heading" aria-describedby="tools-hint">Heading<' in client.get(url).text
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    easy = client.get(url).text
    assert ">Big title<" in easy and ">See how it looks<" in easy and "Your words" in easy
    assert 'data-say-getting="Getting it ready…"' in easy, "the script's words come from the page"


def test_rhys_with_easy_read_on_gets_a_clash_of_saves_in_easy_words_and_mum_in_standard(
    people, db
) -> None:
    """Rhys writes while his mum saves the same page: his words are kept, and the page that
    says so speaks easy read to him and names his mum (issue #16)."""
    rhys = _plan(people, db)
    mum = _mum_and_easy_read(people, db, rhys, "edit")
    store.save_page(db, mum, site="rhys", section="about-me", page="hello", base_revision=1,
                    body="Mum was here first.\n", title="Hello")  # fmt: skip
    form = {"title": "Hello", "body": "I like buses.\n", "base": "1"}
    easy = post_form(people.client(rhys), "/s/rhys/about-me/hello/edit", form,
                     page="/s/rhys/about-me/hello/edit")  # fmt: skip
    assert easy.status_code == 409
    # Issue #26: the clash is asked about item by item, in his words.
    assert (
        "Choose which words to keep" in easy.text
        and "Mum changed the same thing as you" in easy.text
    )
    assert "What you wrote" in easy.text and "What Mum wrote" in easy.text
    assert "I like buses." in easy.text, "what he typed is shown back to him"
    assert "revision" not in easy.text.lower().replace('name="against"', "")

    store.save_page(db, rhys, site="rhys", section="about-me", page="hello", base_revision=2,
                    body="Rhys again.\n", title="Hello")  # fmt: skip
    standard = post_form(people.client(mum), "/s/rhys/about-me/hello/edit",
                         {**form, "base": "2"}, page="/s/rhys/about-me/hello/edit")  # fmt: skip
    assert "Choose what to keep" in standard.text
    assert "Rhys changed the same thing while you were writing" in standard.text


def test_rhys_reads_whose_plan_it_is_in_easy_words_and_mum_in_standard(people, db) -> None:
    rhys = _plan(people, db)
    mum = _mum_and_easy_read(people, db, rhys, "manage")
    easy = people.client(rhys).get("/s/rhys/owner?done=withdrawn").text
    assert "<h1>Whose plan this is</h1>" in easy and "This is your plan." in easy
    assert "Give this plan to someone else" in easy and "stop seeing it" in easy
    assert "Done. The link in the email does not work now." in easy, "the message after an action"
    assert "Who owns this plan" not in easy and "Hand this plan" not in easy
    standard = people.client(mum).get("/s/rhys/owner?done=withdrawn").text
    assert "<h1>Who owns this plan</h1>" in standard and "This plan belongs to" in standard
    assert "The offer is taken back." in standard


def test_the_form_that_makes_a_new_plan_speaks_easy_read_when_it_is_chosen(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    assert "Create the plan" in client.get("/").text
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    home = client.get("/").text
    assert "Whose plan is it?" in home and "Me. It is my own plan." in home
    assert "Birthday of the young person" in home and "Make the plan" in home
    assert "Create the plan" not in home and "Lower-case letters" not in home


def test_the_account_page_says_how_rhys_reads_and_signs_in_in_easy_words(people, db) -> None:
    rhys = _plan(people, db)
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    page = people.client(rhys).get("/account").text
    assert "Choose how I like to read" in page and "Signed in on " in page
    assert "Choose how I read" not in page and "Signed in by" not in page


def test_how_i_read_names_its_looks_in_easy_words_once_easy_read_is_chosen(people, db) -> None:
    rhys = _plan(people, db)
    client = people.client(rhys)
    standard = client.get("/account/reading").text
    assert "High contrast" in standard and "Large text" in standard
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    easy = client.get("/account/reading").text
    assert "Strong colours" in easy and "Big writing" in easy and "How my plan looks" in easy
    assert "High contrast" not in easy and "Large text" not in easy
