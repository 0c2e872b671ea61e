"""The handover plugin: one page that teaches a new worker how to support the young person
well, read in minutes on a phone (issue #6).

A pack is read THROUGH its sources, never copied (issue #14: a copy never widens access).
The pack page stores only its head: a note, the day it was made, and each source as an
opaque reference (the page's id and the revision it is pinned to). No title, slug, section
or text of a source is in the pack page, so search, the API, history, diffs and exports
of the Handover section carry nothing from other sections. When someone opens the pack,
the ``page_content`` hook draws each pinned revision in through THAT reader's own access:
the parts they may not read at the source are simply not there for them. The owner and
stewards see before making it who will read which part, when a source has changed since,
who pressed "I have read this", and the questions readers sent back (audit log).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins._first_minutes import is_safety_page
from plugins._handover_pack import (
    Pack,
    Source,
    pack_body,
    read_pack,
    render_for,
    render_pack,
)
from plugins._handover_pack import demote as demote  # re-exported: tests and callers
from wiki.plugin_api import (
    Action,
    BlockType,
    Link,
    NotFound,
    Page,
    PluginContext,
    Rule,
    Section,
    SiteContext,
    context_of,
    form_of,
    hookimpl,
    page,
    redirect,
    say_later,
)

SECTION = "handover"
# The order a newcomer needs things in: who I am first, then how to talk with me, health…
PREFERRED = ["about-me", "health", "circle", "outcomes", "budget", "education"]


def _ordered(sections: list[Section]) -> list[Section]:
    rank = {key: i for i, key in enumerate(PREFERRED)}
    return sorted(sections, key=lambda s: rank.get(s.key, len(rank)))


# ---- hooks --------------------------------------------------------------------------------


@hookimpl
def block_types() -> list[BlockType]:
    return [BlockType("handover-pack", "Handover pack", Pack, render_pack)]


@hookimpl
def actions() -> list[Action]:
    # A pack copies sections for a newcomer, so only stewards make one (issue #13).
    return [
        Action("make-handover-pack", Rule.STEWARD, "make a handover pack for"),
        Action("see-who-read-pack", Rule.STEWARD, "see who has read the handover pack of"),
    ]


@hookimpl
def template_dirs() -> list[Path]:
    return [Path(__file__).parent / "templates"]


@hookimpl
def page_content(context: PluginContext, site: SiteContext, page: Page, root: str) -> str | None:
    """A pack page shows its parts drawn in through this reader's access (issue #14)."""
    if "```handover-pack" not in page.body:
        return None
    pack = read_pack(page.body)
    return None if pack is None else render_for(context, site.site.slug, pack, root)


@hookimpl
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    if site.allows("make-handover-pack"):
        return [Link(say_later("plugin.handover_pack"), f"/s/{site.site.slug}/handover-pack/new")]
    return []


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    if "```handover-pack" not in page.body:
        return []
    base = f"{root}/{page.section.key}/{page.slug}"
    # After the pack, where a reader who has reached the end finds them (issue #16).
    links = [
        Link(say_later("handover.read"), f"{base}/read", after=True),
        Link(say_later("handover.ask"), f"{base}/ask", after=True),
    ]
    if site.allows("see-who-read-pack") and root.startswith("/s/"):
        links.append(
            Link(say_later("plugin.who_read"), f"/s/{site.site.slug}/handover-pack/{page.slug}")
        )
    return links


@hookimpl
def reserved_section_keys() -> list[str]:
    return ["handover-pack"]  # /s/{site}/handover-pack: no section may take the address (issue #25)


@hookimpl
def routes() -> list[Route]:
    return [
        Route("/s/{site}/handover-pack/new", build_form, methods=["GET"]),
        Route("/s/{site}/handover-pack/new", build, methods=["POST"]),
        Route("/s/{site}/handover-pack/{page}", status, methods=["GET"]),
        Route("/s/{site}/handover-pack/{page}", refresh, methods=["POST"]),
        Route("/s/{site}/{section}/{page}/read", read_form, methods=["GET"]),
        Route("/s/{site}/{section}/{page}/read", read, methods=["POST"]),
        Route("/s/{site}/{section}/{page}/ask", ask_form, methods=["GET"]),
        Route("/s/{site}/{section}/{page}/ask", ask, methods=["POST"]),
        Route("/g/{token}/{section}/{page}/read", read_form, methods=["GET"]),
        Route("/g/{token}/{section}/{page}/read", read, methods=["POST"]),
        Route("/g/{token}/{section}/{page}/ask", ask_form, methods=["GET"]),
        Route("/g/{token}/{section}/{page}/ask", ask, methods=["POST"]),
    ]


# ---- building a pack (owner and stewards) --------------------------------------------------


def _steward_site(request: Request) -> tuple[PluginContext, SiteContext]:
    context = context_of(request)
    site_ctx = context.site(request.path_params["site"])
    site_ctx.check("make-handover-pack")
    return context, site_ctx


def _choices(context: PluginContext, site_ctx: SiteContext) -> list[tuple[Section, list[Page]]]:
    slug = site_ctx.site.slug
    return [
        (s, context.pages(slug, s.key)) for s in _ordered(site_ctx.sections) if s.key != SECTION
    ]


def audience(
    context: PluginContext, site_ctx: SiteContext, chosen: list[tuple[Section, Page]]
) -> list[dict[str, Any]]:
    """Who will be able to open the pack, and which chosen parts each will and will not
    see: every person, group and live guest link that may view Handover, with the sections
    each may view, as ``wiki.access`` decides them (issue #14)."""
    rows = []
    for reader in context.readers(site_ctx.site.slug, SECTION):
        rows.append(
            {
                "reader": reader,
                "sees": [p for sec, p in chosen if sec.key in reader.sections],
                "misses": [p for sec, p in chosen if sec.key not in reader.sections],
            }
        )
    return rows


def _form(
    request: Request, context: PluginContext, site_ctx: SiteContext, *, picked: list[str],
    values: dict[str, str], errors: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    choices = _choices(context, site_ctx)
    chosen = [(sec, p) for sec, pages in choices for p in pages if f"{sec.key}/{p.slug}" in picked]
    rows = audience(context, site_ctx, chosen)
    return page(request, "handover_build.html", {
        "site": site_ctx.site, "ctx": site_ctx, "choices": choices, "picked": picked,
        "chosen": chosen, "audience": rows, "guests": [r for r in rows if r["reader"].kind == "guest link"],
        "values": values, "errors": errors or {},
    }, status=status)  # fmt: skip


async def build_form(request: Request) -> Response:
    context, site_ctx = _steward_site(request)
    # About me and Health are ticked to start with: what a newcomer needs on day one; and
    # every safety page wherever it is (the safety plan, the circle with its numbers, the
    # communication passport): the first five minutes is drawn from them (issue #23).
    picked = [
        f"{p.section.key}/{p.slug}"
        for p in context.readable_pages(site_ctx.site.slug)
        if p.section.key in ("about-me", "health") or is_safety_page(p.body, p.title)
        if p.section.key != SECTION
    ]
    values = {"title": "How to support me: a handover", "note": ""}
    return _form(request, context, site_ctx, picked=picked, values=values)


async def build(request: Request) -> Response:
    context, site_ctx = _steward_site(request)
    slug = site_ctx.site.slug
    form = await request.form()
    chosen = [str(v) for v in form.getlist("pages")]
    title = str(form.get("title", "")).strip()[:120] or "Handover"
    note = str(form.get("note", "")).strip()[:2000]
    values = {"title": title, "note": note}
    if form.get("action") == "preview":  # "Show who will read what" for this choice
        return _form(request, context, site_ctx, picked=chosen, values=values)
    if not chosen:
        errors = {"pages": "Choose at least one page to include."}
        return _form(request, context, site_ctx, picked=chosen, values=values, errors=errors,
                     status=422)  # fmt: skip
    pack = Pack(made=date.today(), note=note, sources=_sources(context, slug, chosen))
    page_slug = f"handover-{date.today().isoformat()}-" + re.sub(
        r"[^a-z0-9]+", "-", title.lower()
    ).strip("-")[:30].strip("-")
    context.save(slug, SECTION, page_slug, body=pack_body(pack), base_revision=None,
                 summary="Made the handover pack", title=title)  # fmt: skip
    return redirect(f"/s/{slug}/handover-pack/{page_slug}")


def _sources(context: PluginContext, slug: str, chosen: list[str]) -> list[Source]:
    """The chosen pages pinned to their revision now, in the newcomer's order; each kept as
    its page id only (issue #14)."""
    rank = {key: i for i, key in enumerate(PREFERRED)}
    sources = []
    for ref in sorted(chosen, key=lambda r: (rank.get(r.split("/")[0], 99), chosen.index(r))):
        section, _, page_slug = ref.partition("/")
        found = context.page(slug, section, page_slug)  # NotFound unless the builder may view it
        sources.append(Source(page_id=found.id, revision=found.revision))
    return sources


def _now(context: PluginContext, slug: str, source: Source) -> Page | None:
    """The source page as it is now, for a steward (None: no longer there)."""
    try:
        if source.page_id is not None:
            return context.page_by_id(slug, source.page_id)
        if source.section and source.page:
            return context.page(slug, source.section, source.page)
    except NotFound:
        return None
    return None


def _pack_page(request: Request) -> tuple[PluginContext, SiteContext, Page, Pack]:
    context, site_ctx = _steward_site(request)
    found = context.page(site_ctx.site.slug, SECTION, request.path_params["page"])
    pack = read_pack(found.body)
    if pack is None:
        raise NotFound("This page is not a handover pack.")
    return context, site_ctx, found, pack


async def status(request: Request) -> Response:
    context, site_ctx, found, pack = _pack_page(request)
    slug = site_ctx.site.slug
    parts: list[tuple[Source, Page | None]] = [(s, _now(context, slug, s)) for s in pack.sources]
    changed = [(s, now) for s, now in parts if now is None or now.revision != s.revision]
    chosen = [(now.section, now) for _, now in parts if now is not None]
    rows = audience(context, site_ctx, chosen)
    entries = [
        e
        for e in context.audit(slug, section=SECTION)
        if e.action in ("handover-read", "handover-question")
    ]
    mine = [e for e in entries if e.detail.startswith(f"{found.title}:") or e.detail == found.title]
    return page(request, "handover_status.html", {
        "site": site_ctx.site, "ctx": site_ctx, "pack_page": found, "pack": pack, "changed": changed,
        "audience": rows, "chosen": chosen, "guests": [r for r in rows if r["reader"].kind == "guest link"],
        "reads": [e for e in mine if e.action == "handover-read"],
        "questions": [e for e in mine if e.action == "handover-question"],
    })  # fmt: skip


async def refresh(request: Request) -> Response:
    """Pin the pack to the source pages as they are now (a new revision of the pack's head;
    a pack made before issue #14 is rewritten as references only)."""
    context, site_ctx, found, pack = _pack_page(request)
    slug = site_ctx.site.slug
    now = [p for p in (_now(context, slug, s) for s in pack.sources) if p is not None]
    sources = [Source(page_id=p.id, revision=p.revision) for p in now]
    fresh = Pack(made=date.today(), note=pack.note, sources=sources)
    context.save(slug, SECTION, found.slug, body=pack_body(fresh), base_revision=found.revision,
                 summary="Brought the pack up to date")  # fmt: skip
    return redirect(f"/s/{slug}/handover-pack/{found.slug}")


# ---- reading a pack (anyone who may view it, including guest-link readers) ----------------


def _pack_for_reader(request: Request) -> tuple[PluginContext, str, Page, str]:
    context = context_of(request)
    if "token" in request.path_params:
        slug, root = context.guest_site(), f"/g/{request.path_params['token']}"
    else:
        slug, root = request.path_params["site"], f"/s/{request.path_params['site']}"
    found = context.page(slug, request.path_params["section"], request.path_params["page"])
    if "```handover-pack" not in found.body:
        raise NotFound()
    return context, slug, found, root


def _reader_page(
    request: Request, found: Page, root: str, mode: str, *, status: int = 200, **extra: Any
) -> Response:
    context = {"pack_page": found, "root": root, "mode": mode, "errors": {}, **extra}
    return page(request, "handover_read.html", context, status=status)


async def read_form(request: Request) -> Response:
    _context, _slug, found, root = _pack_for_reader(request)
    return _reader_page(request, found, root, "read")


async def read(request: Request) -> Response:
    context, slug, found, root = _pack_for_reader(request)
    context.note(slug, action="handover-read", section=found.section.key, detail=found.title)
    return _reader_page(request, found, root, "thanks")


async def ask_form(request: Request) -> Response:
    _context, _slug, found, root = _pack_for_reader(request)
    return _reader_page(request, found, root, "ask")


async def ask(request: Request) -> Response:
    context, slug, found, root = _pack_for_reader(request)
    form = await form_of(request)
    question = form.get("question", "").strip()
    who = form.get("name", "").strip()[:80]
    if not question or len(question) > 1500:
        return _reader_page(
            request, found, root, "ask", status=422, question=question, name=who,
            errors={"question": "Write your question (up to 1,500 characters)."},
        )  # fmt: skip
    signed = f" (from {who})" if who and context.actor.is_guest else ""
    context.note(
        slug,
        action="handover-question",
        section=found.section.key,
        detail=f"{found.title}: {question}{signed}",
    )
    return _reader_page(request, found, root, "asked")
