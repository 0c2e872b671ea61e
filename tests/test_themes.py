"""Themes and the young person's colour (issue #5): default, high contrast, large text and
easy read; the owner or a steward chooses; contrast stays AA whatever colour is chosen."""

from __future__ import annotations

import colorsys
import itertools
import re

import pytest
from conftest import csrf_of
from starlette.testclient import TestClient

from wiki import accounts, colour, store
from wiki.middleware import SESSION_COOKIE
from wiki.models import Actor
from wiki.store import appearance, circle
from wiki.templates import available_themes, environment, static_path

EVERY_COLOUR = ["#" + r * 2 + g * 2 + b * 2 for r, g, b in itertools.product("0369cf", repeat=3)]


def test_the_three_themes_are_installed_and_build_on_the_default_one() -> None:
    assert {"default", "high-contrast", "large-text"} <= set(available_themes())
    for theme in ("high-contrast", "large-text"):
        source = environment(theme).loader.get_source(environment(theme), "base.html")[0]  # type: ignore[union-attr]
        assert '{% extends "default:base.html" %}' in source
        own = static_path(theme, "style.css")
        assert own is not None and theme in str(own)
        assert '@import url("/static/default/style.css")' in own.read_text()
        fallback = static_path(theme, "plan.js")
        assert fallback is not None and "default" in str(fallback), (
            "what a theme does not change comes from the default"
        )
    assert static_path("high-contrast", "../../../wiki/app.py") is None


@pytest.mark.parametrize(
    "theme, target", [("default", 4.5), ("large-text", 4.5), ("high-contrast", 7.0)]
)
def test_whatever_colour_is_chosen_words_on_it_and_next_to_it_stay_readable(
    theme: str, target: float
) -> None:
    for chosen in EVERY_COLOUR:
        shown = colour.readable_accent(chosen, theme)
        assert colour.worst_contrast(shown, theme) >= target, (theme, chosen, shown)
        if colour.worst_contrast(chosen, theme) >= target:
            assert shown == chosen, "a readable colour is left alone"


def test_a_colour_keeps_its_hue_when_it_is_made_readable() -> None:
    for chosen in ("#ffcc00", "#ff69b4", "#00ff00", "#66ccff"):
        shown = colour.readable_accent(chosen)
        hue = colorsys.rgb_to_hls(*(int(chosen[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        kept = colorsys.rgb_to_hls(*(int(shown[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        assert abs(hue - kept) < 0.02, (chosen, shown)
    assert colour.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colour.parse_hex("#ABC") == "#aabbcc" and colour.parse_hex("red") is None


# ---- the settings page -----------------------------------------------------------------------------


def person(db, name: str) -> Actor:
    user = accounts.create_user(db, email=f"{name.lower()}@example.org", name=name)
    return Actor(user_id=user.id, email=user.email, name=user.name)


def client_for(app, db, who: Actor | None) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    if who is not None:
        user = accounts.find_user(db, who.email)
        assert user is not None
        client.cookies.set(SESSION_COOKIE, accounts.start_session(db, user, absolute_hours=24))
    return client


@pytest.fixture
def plan(app, db):
    ola, mum, fay, stan = (person(db, n) for n in ("Ola", "Mum", "Fay", "Stan"))
    store.create_site(db, ola, slug="ola", title="Ola's plan")
    circle.add_member(db, ola, site="ola", email=mum.email, relationship="mum", groups=[])
    circle.add_member(db, ola, site="ola", email=fay.email, relationship="friend", groups=[])
    circle.add_grant(db, ola, site="ola", section="*", capability="manage", person=mum.email)
    circle.add_grant(db, ola, site="ola", section="about-me", capability="edit", person=fay.email)
    store.save_page(db, ola, site="ola", section="about-me", page="me", body="```outcome\noutcome: I swim\n"
                    "area: good health\nby_when: 2027-06-30\n```\n", base_revision=None, title="Me")  # fmt: skip
    return {
        n: (w, client_for(app, db, w))
        for n, w in (("ola", ola), ("mum", mum), ("fay", fay), ("stan", stan))
    }


def choose(client: TestClient, **fields: str):
    token = csrf_of(client.get("/s/ola/settings").text)
    return client.post("/s/ola/settings", data={"csrftoken": token, **fields})


def test_only_the_young_person_and_their_stewards_choose_the_look(plan) -> None:
    assert plan["ola"][1].get("/s/ola/settings").status_code == 200
    assert plan["mum"][1].get("/s/ola/settings").status_code == 200
    assert plan["fay"][1].get("/s/ola/settings").status_code == 403
    assert plan["stan"][1].get("/s/ola/settings").status_code == 404
    token = csrf_of(plan["fay"][1].get("/s/ola/about-me/me").text)
    refused = plan["fay"][1].post(
        "/s/ola/settings", data={"csrftoken": token, "theme": "high-contrast"}
    )
    assert refused.status_code == 403
    assert "Theme and colour" in plan["mum"][1].get("/s/ola/about-me/me").text
    assert "Theme and colour" not in plan["fay"][1].get("/s/ola/about-me/me").text


def test_a_chosen_theme_is_what_everyone_sees_on_that_plan(app, db, plan) -> None:
    assert choose(plan["ola"][1], theme="high-contrast", accent="").status_code == 303
    page = plan["fay"][1].get("/s/ola/about-me/me").text
    assert "/static/high-contrast/style.css" in page and "/static/high-contrast/plan.css" in page
    assert 'class="theme-high-contrast"' in page
    assert choose(plan["ola"][1], theme="large-text", accent="").status_code == 303
    page = plan["fay"][1].get("/s/ola/about-me/me").text
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, flags=re.S)
    assert (
        nav
        and 'src="/static/default/symbols/1F60A.svg" alt="" width="32" height="32">About me'
        in (nav.group(0))
    ), "pictures beside section names, from the symbol set (issue #16)"
    log = [
        e.detail
        for e in store.list_audit(db, plan["ola"][0], site="ola")
        if e.action == "change-look"
    ]
    assert set(log) == {"theme large-text", "theme high-contrast"}


def test_a_colour_too_light_to_read_is_darkened_and_the_page_says_so(plan) -> None:
    ola = plan["ola"][1]
    assert choose(ola, theme="default", accent="custom", custom="#ffcc00").status_code == 303
    shown = colour.readable_accent("#ffcc00", "default")
    settings = ola.get("/s/ola/settings?saved=1").text
    assert "a little darker" in settings and shown in settings
    page = ola.get("/s/ola/about-me/me").text
    css_url = re.search(r'<link rel="stylesheet" href="(/look/default/[0-9a-f]{6}\.css)">', page)
    assert css_url and css_url.group(1) == "/look/default/ffcc00.css"
    css = TestClient(ola.app).get(css_url.group(1))  # no account needed: it holds only a colour
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert f"--accent: {shown};" in css.text and "immutable" in css.headers["cache-control"]
    dark = TestClient(ola.app).get("/look/high-contrast/ffcc00.css").text
    assert "--accent: #ffcc00;" in dark and "--accent-ink: #000000;" in dark, (
        "yellow is fine on black"
    )


def test_nonsense_colours_and_themes_are_refused_and_change_nothing(db, plan) -> None:
    ola = plan["ola"][1]
    assert (
        choose(ola, theme="default", accent="custom", custom="javascript:alert(1)").status_code
        == 422
    )
    assert choose(ola, theme="../../etc", accent="").status_code == 422
    look = appearance.get_look(db, plan["ola"][0], site="ola")
    assert (look.theme, look.accent) == ("default", None)
    anon = TestClient(ola.app)
    assert anon.get("/look/default/zzzzzz.css").status_code == 404
    assert anon.get("/look/nope/112233.css").status_code == 404


def test_the_settings_page_offers_every_theme_and_a_choice_of_colours(plan) -> None:
    text = plan["ola"][1].get("/s/ola/settings").text
    for name in (
        "Clear and calm",
        "High contrast",
        "Large text and easy read",
        "My own colour",
        "The theme's own colour",
    ):
        assert name in text
    assert text.count('name="accent"') == 10 and 'type="color"' in text
    assert "style=" not in text, "no inline styles: the Content-Security-Policy forbids them"
