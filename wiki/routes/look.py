"""Theme and accent colour: the young person's small settings page, and the accent's CSS (issue #5).

The accent reaches the page as a stylesheet (``/look/<theme>/<colour>.css``), because
the Content-Security-Policy allows no inline styles; its address names the colour, so
browsers may keep it as long as they like.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import colour, store
from wiki.errors import Invalid
from wiki.models import OWN_COLOURS
from wiki.routes.common import db_of, form_of, page, redirect, require_signed_in
from wiki.store import appearance
from wiki.templates import available_themes

THEME_WORDS = {
    "default": ("Clear and calm", "Dark words on white, with your colour for links and buttons."),
    "high-contrast": ("High contrast", "White and yellow words on black, with strong outlines."),
    "large-text": (
        "Large text and easy read",
        "Bigger words and buttons, short lines, and pictures beside headings.",
    ),
}
PRESETS = [
    ("#1d4f91", "Blue"),
    ("#0b6e4f", "Green"),
    ("#6b3fa0", "Purple"),
    ("#b0003a", "Red"),
    ("#00707a", "Teal"),
    ("#ff9900", "Orange"),
    ("#ff69b4", "Pink"),
    ("#333333", "Charcoal"),
]


def plan_themes() -> list[str]:
    """The looks a plan can have: a person's own colours are theirs alone (issue #16)."""
    return [t for t in available_themes() if t != OWN_COLOURS]


def themes_offered() -> list[tuple[str, str, str]]:
    installed = plan_themes()
    ordered = [t for t in THEME_WORDS if t in installed] + [
        t for t in installed if t not in THEME_WORDS
    ]
    return [(t, *THEME_WORDS.get(t, (t.replace("-", " ").capitalize(), ""))) for t in ordered]


def _show(request: Request, ctx: store.SiteContext, look: appearance.Look, *, errors: dict[str, str],
          message: str = "", status: int = 200) -> Response:  # fmt: skip
    preset_values = [v for v, _ in PRESETS]
    return page(
        request,
        "look.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "look": look,
            "themes": themes_offered(),
            "presets": [(v, name, colour.readable_accent(v, look.theme)) for v, name in PRESETS],
            "custom": look.accent if look.accent and look.accent not in preset_values else "",
            "shown": look.accent_for(),
            "errors": errors,
            "message": message,
        },
        status=status,
    )


async def look_get(request: Request) -> Response:
    actor = require_signed_in(request)
    db = db_of(request)
    ctx = store.site_for(db, actor, str(request.path_params["site"]))
    ctx.check("change-look")
    look = appearance.look_of(db, ctx)
    message = ""
    if request.query_params.get("saved"):
        shown = look.accent_for()
        message = "Saved. Your plan now looks like this."
        if look.accent and shown != look.accent:
            message = (f"Saved. We made your colour a little {'lighter' if colour.palette(look.theme).dark else 'darker'}"
                       f" ({shown}) so that words on it and next to it stay easy to read.")  # fmt: skip
    return _show(request, ctx, look, errors={}, message=message)


async def look_post(request: Request) -> Response:
    actor = require_signed_in(request)
    db, site = db_of(request), str(request.path_params["site"])
    form = await form_of(request)
    choice = form.get("accent", "")
    accent = form.get("custom", "") if choice == "custom" else choice
    try:
        appearance.set_look(db, actor, site=site, theme=form.get("theme", ""), accent=accent or None,
                            themes=plan_themes())  # fmt: skip
    except Invalid as wrong:
        ctx = store.site_for(db, actor, site)
        current = appearance.look_of(db, ctx)
        return _show(
            request, ctx, current, errors=wrong.fields or {"form": wrong.message}, status=422
        )
    return redirect(f"/s/{site}/settings?saved=1")


async def accent_css(request: Request) -> Response:
    theme, name = str(request.path_params["theme"]), str(request.path_params["name"])
    chosen = colour.parse_hex(name.removesuffix(".css"))
    if chosen is None or theme not in available_themes():
        raise HTTPException(404)
    shown = colour.readable_accent(chosen, theme)
    ink = colour.palette(theme).ink
    css = f":root {{ --accent: {shown}; --accent-ink: {ink}; }}\n"
    return Response(
        css, media_type="text/css", headers={"cache-control": "public, max-age=31536000, immutable"}
    )


routes = [
    Route("/s/{site}/settings", look_get, methods=["GET"]),
    Route("/s/{site}/settings", look_post, methods=["POST"]),
    Route("/look/{theme}/{name}", accent_css, methods=["GET"]),
]
