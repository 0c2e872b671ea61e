"""The handover plugin: one page that teaches a new worker how to support the young person
well, read in minutes on a phone (issue #6).

A pack is a snapshot: a page in the Handover section whose text is a copy of the chosen
pages at pinned revisions (the young person's own profile first). Sharing the Handover
section, with a person or a guest link, shares exactly that copy and nothing else. The
owner and stewards see when a source page has changed since, who pressed "I have read
this", and the questions readers sent back (both kept in the audit log).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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
)

SECTION = "handover"
FENCE = re.compile(r"```handover-pack[ \t]*\n(.*?)\n```", re.DOTALL)
# The order a newcomer needs things in: who I am first, then how to talk with me, health…
PREFERRED = ["about-me", "health", "circle", "outcomes", "budget", "education"]


class Source(BaseModel):
    section: str
    page: str
    revision: int
    title: str


class Pack(BaseModel):
    """The structured head of a handover pack page."""

    made: date
    note: str = Field(default="", max_length=2000)
    sources: list[Source] = []


def read_pack(body: str) -> Pack | None:
    found = FENCE.search(body)
    if not found:
        return None
    try:
        return Pack.model_validate(yaml.safe_load(found.group(1)) or {})
    except Exception:
        return None


def render_pack(pack: Pack) -> str:
    items = "".join(f"<li>{escape(s.title)}</li>" for s in pack.sources)
    note = f"<p>{escape(pack.note)}</p>" if pack.note else ""
    return (
        f'<section class="handover-head" aria-label="About this handover">{note}'
        f'<p class="meta">Made on {pack.made.day} {pack.made:%B %Y}. In this handover:</p><ul>{items}</ul></section>'
    )


def demote(markdown: str) -> str:
    """Headings one level down (a copied page's ## becomes ###), leaving code blocks alone."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"^#{1,5} ", line) else line)
    return "\n".join(out)


def pack_body(pack: Pack, copies: list[tuple[Source, str]]) -> str:
    head = yaml.safe_dump(
        pack.model_dump(mode="json"), sort_keys=False, allow_unicode=True
    ).rstrip()
    parts = [f"```handover-pack\n{head}\n```"]
    parts += [f"## {source.title}\n\n{demote(body).strip()}" for source, body in copies]
    return "\n\n".join(parts) + "\n"


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
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    if site.allows("make-handover-pack"):
        return [Link("Make a handover pack", f"/s/{site.site.slug}/handover-pack/new")]
    return []


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    if "```handover-pack" not in page.body:
        return []
    base = f"{root}/{page.section.key}/{page.slug}"
    links = [Link("I have read this", f"{base}/read"), Link("Ask a question", f"{base}/ask")]
    if site.allows("see-who-read-pack") and root.startswith("/s/"):
        links.append(Link("Who has read it", f"/s/{site.site.slug}/handover-pack/{page.slug}"))
    return links


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


async def build_form(request: Request) -> Response:
    context, site_ctx = _steward_site(request)
    return page(request, "handover_build.html", {
        "site": site_ctx.site, "ctx": site_ctx, "choices": _choices(context, site_ctx), "errors": {},
        "values": {"title": "How to support me: a handover", "note": ""},
    })  # fmt: skip


async def build(request: Request) -> Response:
    context, site_ctx = _steward_site(request)
    slug = site_ctx.site.slug
    form = await request.form()
    chosen = [str(v) for v in form.getlist("pages")]
    title = str(form.get("title", "")).strip()[:120] or "Handover"
    note = str(form.get("note", "")).strip()[:2000]
    if not chosen:
        return page(request, "handover_build.html", {
            "site": site_ctx.site, "ctx": site_ctx, "choices": _choices(context, site_ctx),
            "values": {"title": title, "note": note}, "errors": {"pages": "Choose at least one page to include."},
        }, status=422)  # fmt: skip
    copies = _copies(context, slug, chosen)
    pack = Pack(made=date.today(), note=note, sources=[s for s, _ in copies])
    page_slug = f"handover-{date.today().isoformat()}-" + re.sub(
        r"[^a-z0-9]+", "-", title.lower()
    ).strip("-")[:30].strip("-")
    context.save(slug, SECTION, page_slug, body=pack_body(pack, copies), base_revision=None,
                 summary="Made the handover pack", title=title)  # fmt: skip
    return redirect(f"/s/{slug}/handover-pack/{page_slug}")


def _copies(context: PluginContext, slug: str, chosen: list[str]) -> list[tuple[Source, str]]:
    """The chosen pages' text now, pinned to their revision, in the newcomer's order."""
    rank = {key: i for i, key in enumerate(PREFERRED)}
    copies = []
    for ref in sorted(chosen, key=lambda r: (rank.get(r.split("/")[0], 99), chosen.index(r))):
        section, _, page_slug = ref.partition("/")
        found = context.page(slug, section, page_slug)  # NotFound unless the builder may view it
        copies.append(
            (
                Source(section=section, page=page_slug, revision=found.revision, title=found.title),
                found.body,
            )
        )
    return copies


async def status(request: Request) -> Response:
    context, site_ctx = _steward_site(request)
    slug, page_slug = site_ctx.site.slug, request.path_params["page"]
    found = context.page(slug, SECTION, page_slug)
    pack = read_pack(found.body)
    if pack is None:
        raise NotFound("This page is not a handover pack.")
    changed: list[tuple[Source, Page | None]] = []
    for source in pack.sources:
        try:
            now = context.page(slug, source.section, source.page)
            if now.revision != source.revision:
                changed.append((source, now))
        except NotFound:
            changed.append((source, None))
    entries = [
        e
        for e in context.audit(slug, section=SECTION)
        if e.action in ("handover-read", "handover-question")
    ]
    mine = [e for e in entries if e.detail.startswith(f"{found.title}:") or e.detail == found.title]
    return page(request, "handover_status.html", {
        "site": site_ctx.site, "ctx": site_ctx, "pack_page": found, "pack": pack, "changed": changed,
        "reads": [e for e in mine if e.action == "handover-read"],
        "questions": [e for e in mine if e.action == "handover-question"],
    })  # fmt: skip


async def refresh(request: Request) -> Response:
    """Bring the pack up to date with the source pages (a new revision of the pack)."""
    context, site_ctx = _steward_site(request)
    slug, page_slug = site_ctx.site.slug, request.path_params["page"]
    found = context.page(slug, SECTION, page_slug)
    pack = read_pack(found.body)
    if pack is None:
        raise NotFound("This page is not a handover pack.")
    copies = _copies(context, slug, [f"{s.section}/{s.page}" for s in pack.sources])
    fresh = Pack(made=date.today(), note=pack.note, sources=[s for s, _ in copies])
    context.save(slug, SECTION, page_slug, body=pack_body(fresh, copies), base_revision=found.revision,
                 summary="Brought the pack up to date")  # fmt: skip
    return redirect(f"/s/{slug}/handover-pack/{page_slug}")


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
