"""A real clash stays in the form (issue #26).

When two people changed the same item differently, each clashing item is shown side by
side in words — "What you wrote" / "What Mum wrote" — with Keep mine, Keep theirs and
(where it makes sense) Keep both, as radio buttons: no JavaScript, keyboard only, never
markup, fences or field names. The text editor and the block forms use the same page.

What the person wrote is kept as their draft (``store.save_page`` keeps it when it says
Conflict), so the choices page carries only the revision it was made against: the
merge is worked out again from the draft, and the clashes come in the same order, so
the n-th choice belongs to the n-th clash. If someone saved yet again meanwhile, the
choices are shown again against the page as it is now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki import store
from wiki.errors import Clashed, Invalid
from wiki.merge import BOTH, MINE, THEIRS, Clash
from wiki.merge.items import MISSING
from wiki.merge.page import cut_page
from wiki.models import Page
from wiki.routes.common import db_of, form_of, page, redirect, require_signed_in, settings_of
from wiki.store import SiteContext, merging
from wiki.words import label_of, say

CHOICES = (MINE, THEIRS, BOTH)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass
class _Label:  # what ``label_of`` needs: the standard label and where its easy words are
    label: str
    words: str


@dataclass
class ClashShown:
    n: int
    where: str  # "What is important to me", "Line 3 of the text"
    mine: list[str]  # the words, line by line ([] when they took it out)
    theirs: list[str]
    can_both: bool


def _item_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    info = model.model_fields.get(name)
    annotation = info.annotation if info else None
    while annotation is not None and get_origin(annotation) is not list and get_args(annotation):
        annotation = get_args(annotation)[0]  # through Annotated[...]
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        while get_args(item) and not isinstance(item, type):
            item = get_args(item)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _title(model: type[BaseModel] | None, name: str) -> str:
    info = model.model_fields.get(name) if model else None
    standard = info.title if info and info.title else name.replace("_", " ").capitalize()
    return label_of(_Label(standard, f"{model.__name__}.{name}" if model else ""))


def _words(value: Any, model: type[BaseModel] | None = None) -> list[str]:
    """A value as lines of plain words: never YAML, keys or markup."""
    if value is MISSING or value is None or value == "":
        return []
    if isinstance(value, bool):
        return [say("clash.yes") if value else say("clash.no")]
    if isinstance(value, date):
        return [value.strftime("%-d %B %Y")]
    if isinstance(value, list):
        return [line for v in value for line in _words(v, model)]
    if isinstance(value, dict):
        inner = {k: _item_model(model, k) if model else None for k in value}
        return [f"{_title(model, k)}: {' '.join(_words(v, inner[k]))}" for k, v in value.items()
                if _words(v)]  # fmt: skip
    return str(value).split("\n")


def _text_words(value: Any, blocks: dict[str, Any]) -> list[str]:
    """Lines of a page's text in words: a block in them is told by its title and its
    words (a clash where someone added or took out a whole block), never by its fences."""
    if not isinstance(value, str) or not value.strip():
        return []
    cut = cut_page(value, blocks)
    out: list[str] = []
    for n, text in enumerate(cut.texts):
        out += [line for line in text if line.strip() and not _FENCE.match(line)]
        if n < len(cut.blocks):
            found, block = cut.blocks[n], blocks.get(cut.blocks[n].name)
            model = getattr(block, "model", None)
            out += [getattr(block, "title", "")] + (_words(found.data, model) if found.data else [])
    return out


def shown(clash: Clash, n: int, blocks: dict[str, Any]) -> ClashShown:
    if clash.kind == "line" or clash.block is None:
        where = say("clash.line", n=int(clash.path[0]) + 1)
        mine, theirs = _text_words(clash.mine, blocks), _text_words(clash.theirs, blocks)
        return ClashShown(n, where, mine, theirs, bool(mine and theirs))
    model: type[BaseModel] | None = getattr(blocks.get(clash.block), "model", None)
    names: list[str] = []
    for part in clash.path:
        if isinstance(part, str) and model is not None:
            names.append(_title(model, part))
            model = _item_model(model, part) or model
    where = " — ".join(names) or say("clash.block")
    both = clash.mine not in (MISSING, None, "") and clash.theirs not in (MISSING, None, "")
    both = both and (isinstance(clash.path[-1], int) or isinstance(clash.mine, str))
    return ClashShown(n, where, _words(clash.mine, model), _words(clash.theirs, model), both)


def show(
    request: Request, *, ctx: SiteContext, section: str, slug: str, clashed: Clashed,
    summary: str = "", missing: bool = False,
) -> Response:  # fmt: skip
    """The choices page for these clashes (409: nothing was saved yet)."""
    db = db_of(request)
    current: Page = clashed.current
    names = merging.others_since(db, request.state.actor, site=ctx, section=section,
                                 page_id=current.id, after=clashed.base, upto=current.revision)  # fmt: skip
    who = " and ".join(names) or say("conflict.someone")
    return page(
        request,
        "clash.html",
        {
            "site": ctx.site, "ctx": ctx, "section": ctx.section(section), "slug": slug,
            "current": current, "who": who, "summary": summary, "missing": missing,
            "clashes": [shown(c, n, db.extensions.blocks) for n, c in enumerate(clashed.clashes)],
        },
        status=409,
    )  # fmt: skip


def saved_url(site: str, section: str, slug: str, revision: int, anchor: str = "") -> str:
    """Where a save lands: the page, with "Saved" said at the top (issue #26)."""
    return f"/s/{site}/{section}/{slug}?saved={revision}" + (f"#{anchor}" if anchor else "")


async def choose_post(request: Request) -> Response:
    """Keep mine / theirs / both for each clash, then save the merge."""
    db, actor = db_of(request), require_signed_in(request)
    site, section, slug = (str(request.path_params[k]) for k in ("site", "section", "page"))
    form = await form_of(request)
    ctx = store.site_for(db, actor, site)
    ctx.require("edit", section)
    draft = store.get_draft(db, actor, site=ctx, section=section, page=slug)
    if draft is None:  # already saved, or thrown away: the page as it is
        return redirect(f"/s/{site}/{section}/{slug}")
    summary = form.get("summary", "").strip()[:300]
    seen = form.get("against", "")
    try:
        first = merging.save_merging(db, actor, site=ctx, section=section, page=slug, body=draft.body,
                                     base_revision=draft.base, summary=summary, title=draft.title,
                                     max_chars=settings_of(request).max_page_chars)  # fmt: skip
        return redirect(saved_url(site, section, slug, first.saved.page.revision))
    except Clashed as clashed:
        if seen != str(clashed.current.revision):  # someone saved again: choose afresh
            return show(
                request, ctx=ctx, section=section, slug=slug, clashed=clashed, summary=summary
            )
        picked = [form.get(f"choice-{n}", "") for n in range(len(clashed.clashes))]
        if not all(p in CHOICES for p in picked):
            return show(request, ctx=ctx, section=section, slug=slug, clashed=clashed,
                        summary=summary, missing=True)  # fmt: skip
        choices = {c.key: p for c, p in zip(clashed.clashes, picked, strict=True)}
    try:
        done = merging.save_merging(db, actor, site=ctx, section=section, page=slug, body=draft.body,
                                    base_revision=draft.base, summary=summary, title=draft.title,
                                    max_chars=settings_of(request).max_page_chars, choices=choices)  # fmt: skip
    except Clashed as again:
        return show(request, ctx=ctx, section=section, slug=slug, clashed=again, summary=summary)
    except Invalid as refused:  # "keep both" made something the block cannot hold
        raise Invalid(say("clash.cannot_both") + " " + refused.message) from None
    return redirect(saved_url(site, section, slug, done.saved.page.revision))


routes = [Route("/s/{site}/{section}/{page}/choose", choose_post, methods=["POST"])]
