"""How I read (issue #16): each person chooses their own look, text size, easy read and read
aloud; the plan's look is only the default.

Signed-in people keep their choices on their account (``/account/reading``); a reader
without an account — someone reading through a guest link — keeps them in a cookie
(``/reading``), because they have nowhere else to keep them. Nobody can see or change
another person's choices: the routes only ever read or write the asking person's own.

A person's own colours reach the page as a stylesheet by address
(``/reading/colours/<words>-<background>.css``), like the plan's accent colour
(wiki/routes/look.py): the Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import accounts, colour
from wiki.errors import Invalid
from wiki.models import (
    OWN_COLOURS,
    OWN_COLOURS_CONTRAST,
    PLAN_LOOK,
    Preferences,
)
from wiki.routes.common import (
    READING_COOKIE,
    actor_of,
    db_of,
    form_of,
    page,
    preferences_of,
    redirect,
    require_signed_in,
    safe_next,
    settings_of,
)
from wiki.templates import available_themes
from wiki.words import say_later

COOKIE_DAYS = 365

# The looks a person can choose, in the order shown: (key, name, words, preview colours).
# Looks only for people (own colours) are never offered as a plan's look (wiki/routes/look.py).
LOOKS: list[tuple[str, str, str, tuple[str, str] | None]] = [
    (PLAN_LOOK, say_later("looks.plan"), say_later("looks.plan_hint"), None),
    ("default", say_later("looks.default"), say_later("looks.default_hint"),
     ("#1b1f24", "#ffffff")),
    ("high-contrast", say_later("looks.high_contrast"), say_later("looks.high_contrast_hint"),
     ("#ffff00", "#000000")),
    ("large-text", say_later("looks.large_text"), say_later("looks.large_text_hint"),
     ("#1b1f24", "#ffffff")),
    (OWN_COLOURS, say_later("looks.own"), say_later("looks.own_hint"), None),
]  # fmt: skip
TEXT_SIZES = [
    ("normal", say_later("looks.size_normal")),
    ("large", say_later("looks.size_large")),
    ("larger", say_later("looks.size_larger")),
]
# Pairs of colours that are easy to read (each well past AA); the person can also pick a pair.
PAIRS: dict[str, tuple[str, str, str]] = {
    "cream": ("#1b1f24", "#fdf6e3", "Black words on cream"),
    "yellow": ("#0b2e59", "#fff8c4", "Dark blue words on pale yellow"),
    "blue": ("#1b1f24", "#dbeefd", "Black words on pale blue"),
    "peach": ("#3b2412", "#fde3cf", "Brown words on peach"),
    "green": ("#1b1f24", "#e3f4e1", "Black words on pale green"),
    "night": ("#ffffff", "#0b2e59", "White words on dark blue"),
    "yellow-black": ("#ffff00", "#000000", "Yellow words on black"),
}
CUSTOM = "custom"
FIELD_WORDS = {  # said in the reader's words when the form is drawn (issue #16)
    "theme": say_later("looks.choose_look"),
    "text_size": say_later("looks.choose_size"),
    # the API says it with numbers; the form in plain words
    "contrast": say_later("looks.too_alike"),
}


@dataclass
class Shown:
    """What the form shows: the saved choices, or what was just sent (nothing is lost)."""

    theme: str
    text_size: str
    easy_read: bool
    read_aloud: bool
    pair: str
    text_colour: str
    background_colour: str

    @classmethod
    def of(cls, prefs: Preferences) -> Shown:
        text, background = prefs.text_colour, prefs.background_colour
        pair = next(
            (key for key, (t, b, _) in PAIRS.items() if (t, b) == (text, background)),
            CUSTOM if text else next(iter(PAIRS)),
        )
        return cls(prefs.theme, prefs.text_size, prefs.easy_read, prefs.read_aloud, pair,
                   text or "#1b1f24", background or "#ffffff")  # fmt: skip

    @classmethod
    def sent(cls, form: dict[str, str]) -> Shown:
        return cls(
            theme=form.get("theme", ""),
            text_size=form.get("text_size", ""),
            easy_read=form.get("easy_read") == "on",
            read_aloud=form.get("read_aloud") == "on",
            pair=form.get("colours", ""),
            text_colour=form.get("text_colour", "")[:20],
            background_colour=form.get("background_colour", "")[:20],
        )

    def colours(self) -> tuple[str | None, str | None]:
        if self.pair == CUSTOM:
            return self.text_colour or None, self.background_colour or None
        if self.pair in PAIRS:
            return PAIRS[self.pair][0], PAIRS[self.pair][1]
        return None, None


def choices_from(shown: Shown) -> tuple[Preferences | None, dict[str, str]]:
    """The form's choices as preferences, or a plain message for each field that is wrong."""
    text, background = shown.colours()
    data: dict[str, Any] = {
        "theme": shown.theme, "text_size": shown.text_size, "easy_read": shown.easy_read,
        "read_aloud": shown.read_aloud, "text_colour": text, "background_colour": background,
    }  # fmt: skip
    try:
        prefs = Preferences.model_validate(data)
        accounts.check_preferences(prefs, available_themes())
    except ValidationError as invalid:
        errors: dict[str, str] = {}
        for e in invalid.errors():
            name = str(e["loc"][0]) if e["loc"] else "colours"
            field = "colours" if name in ("text_colour", "background_colour") else name
            errors.setdefault(field, FIELD_WORDS.get(field, FIELD_WORDS.get(e["type"], e["msg"])))
        return None, errors
    except Invalid:
        return None, {"theme": FIELD_WORDS["theme"]}
    return prefs, {}


def _swatches(shown: Shown) -> dict[str, tuple[str, str]]:
    own = shown.colours()
    swatches = {key: pair for key, _, _, pair in LOOKS if pair}
    if own[0] and own[1] and colour.parse_hex(own[0]) and colour.parse_hex(own[1]):
        swatches[OWN_COLOURS] = (str(colour.parse_hex(own[0])), str(colour.parse_hex(own[1])))
    else:
        swatches[OWN_COLOURS] = PAIRS["cream"][:2]
    return swatches


def _where(request: Request) -> str:
    return "/account/reading" if actor_of(request).signed_in else "/reading"


def _back(value: str | None) -> str:
    back = safe_next(value)
    return "/" if back.startswith(("/reading", "/account/reading")) else back


def _show(request: Request, shown: Shown, *, back: str, errors: dict[str, str] | None = None,
          done: bool = False, status: int = 200) -> Response:  # fmt: skip
    installed = set(available_themes())
    response = page(
        request,
        "reading.html",
        {
            "shown": shown,
            "looks": [look for look in LOOKS if look[0] == PLAN_LOOK or look[0] in installed],
            "swatches": _swatches(shown),
            "sizes": TEXT_SIZES,
            "pairs": PAIRS,
            "custom": CUSTOM,
            "errors": errors or {},
            "done": done,
            "back": back,
            "on_account": actor_of(request).signed_in,
            "action": _where(request),
            "need": OWN_COLOURS_CONTRAST,
        },
        status=status,
    )
    response.headers["cache-control"] = "no-store"  # it carries this browser's CSRF token
    return response


async def reading_get(request: Request) -> Response:
    back = _back(request.query_params.get("back"))
    if request.url.path == "/account/reading":
        require_signed_in(request)
    elif actor_of(request).signed_in:  # signed in: their choices are kept on their account
        return redirect("/account/reading?back=" + quote(back, safe="/"))
    done = request.query_params.get("done") == "1"
    return _show(request, Shown.of(preferences_of(request)), back=back, done=done)


async def reading_post(request: Request) -> Response:
    if request.url.path == "/account/reading":
        require_signed_in(request)
    form = await form_of(request)
    back = _back(form.get("back"))
    shown = Shown.sent(form)
    prefs, errors = choices_from(shown)
    if prefs is None:
        return _show(request, shown, back=back, errors=errors, status=422)
    actor = actor_of(request)
    response = redirect(f"{_where(request)}?done=1&back=" + quote(back, safe="/"))
    if actor.signed_in:
        accounts.set_preferences(db_of(request), actor, prefs, themes=available_themes())
    # The cookie as well, even for an account: a guest link's pages know nobody's account
    # (the link is the whole identity), so this browser shows them the person's choices too.
    response.set_cookie(
        READING_COOKIE, prefs.as_cookie(), max_age=COOKIE_DAYS * 86400, path="/", httponly=True,
        samesite="lax", secure=settings_of(request).secure_cookies,
    )  # fmt: skip
    return response


async def colours_css(request: Request) -> Response:
    """A person's own colours as CSS variables; a pair that is not easy to read is not served."""
    name = str(request.path_params["pair"]).removesuffix(".css")
    text_hex, _, background_hex = name.partition("-")
    text, background = colour.parse_hex(text_hex), colour.parse_hex(background_hex)
    if (
        text is None
        or background is None
        or len(name) != 13
        or colour.contrast(text, background) < OWN_COLOURS_CONTRAST
    ):
        raise HTTPException(404)
    scheme = "dark" if colour.luminance(background) < colour.luminance(text) else "light"
    css = (
        f":root {{ color-scheme: {scheme}; --ink: {text}; --muted: {text}; --line: {text};"
        f" --paper: {background}; --wash: {background}; --accent: {text};"
        f" --accent-ink: {background}; --focus: {text}; --good-bg: {background};"
        f" --good-ink: {text}; --bad-bg: {background}; --bad-ink: {text}; }}\n"
    )
    return Response(
        css, media_type="text/css", headers={"cache-control": "public, max-age=31536000, immutable"}
    )


routes = [
    Route("/account/reading", reading_get, methods=["GET"]),
    Route("/account/reading", reading_post, methods=["POST"]),
    Route("/reading", reading_get, methods=["GET"]),
    Route("/reading", reading_post, methods=["POST"]),
    Route("/reading/colours/{pair}", colours_css, methods=["GET"]),
]
