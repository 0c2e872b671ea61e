"""Edit a block with a friendly form (issue #5).

``/s/{site}/{section}/{page}/blocks`` lists a page's blocks; ``…/block/{n}`` edits one;
``…/blocks/new?type=…`` adds one. Saving rewrites only that block's YAML in the page
text and saves a new revision from the revision the form was made from, through the
request's ``PluginContext``: the same revisions, history, sharing and conflicts as the
ordinary editor. A form with mistakes comes back with everything typed still in it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from plugins import _form_layout, _forms
from plugins._pagetext import FoundBlock, append_block, dump_yaml, find_blocks, replace_block
from plugins.blocks import BLOCKS
from wiki.plugin_api import (
    BlockType,
    Clashed,
    Invalid,
    Link,
    NotFound,
    Page,
    PluginContext,
    SiteContext,
    collect,
    context_of,
    form_of,
    hookimpl,
    kept_if_signed_out,
    page,
    parse_block,
    redirect,
    require_signed_in,
    saved_url,
    say,
    show_clashes,
    with_article,
)


def registered(request: Request) -> dict[str, BlockType]:
    """Every block type the running app knows (built-in and from other plugins)."""
    pm = request.app.state.plugins
    return {b.name: b for b in collect(pm.hook.block_types())}


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


def _where(request: Request) -> tuple[str, str, str]:
    return _p(request, "site"), _p(request, "section"), _p(request, "page")


def _editable(
    context: PluginContext, site: str, section: str, slug: str
) -> tuple[SiteContext, Page]:
    """Load-and-check: 404 if you may not view the page, 403 if you may view but not edit."""
    ctx = context.site(site)
    ctx.require("edit", section)
    return ctx, context.page(site, section, slug)


def _page_url(site: str, section: str, slug: str) -> str:
    return f"/s/{site}/{section}/{slug}"


def _values_of(block: BlockType, found: FoundBlock) -> tuple[dict[str, str], str]:
    """The form's starting values, and a note if the block's text had a mistake."""
    try:
        return _forms.form_values(parse_block(block, found.text)), ""
    except ValueError as problem:
        try:
            data = yaml.safe_load(found.text)
        except yaml.YAMLError:
            data = None
        return _form_layout.lenient_values(block.model, data), (
            f"The text of this {block.title.lower()} has a mistake ({problem}). The form shows what could be read;"
            " check it, then save to put it right."
        )


def _show(
    request: Request,
    *,
    ctx: SiteContext,
    found_page: Page,
    block: BlockType,
    number: int | None,
    values: dict[str, str],
    errors: dict[str, str],
    base: int,
    summary: str,
    note: str = "",
    extra_rows: dict[str, int] | None = None,
    status: int = 200,
) -> Response:
    site, section = ctx.site.slug, found_page.section
    action = f"{_page_url(site, section.key, found_page.slug)}/" + (
        f"block/{number}" if number is not None else f"blocks/new?type={block.name}"
    )
    items = _form_layout.layout(block.model, values, errors, extra_rows=extra_rows)
    summary_links = [(k, v) for k, v in errors.items() if k != "_form"]
    return page(
        request,
        "block_form.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": section,
            "page": found_page,
            "block": block,
            "number": number,
            "items": items,
            "errors": errors,
            "error_links": [(_form_layout.html_id(k), v) for k, v in summary_links],
            "form_error": errors.get("_form", ""),
            "note": note,
            "base": base,
            "summary": summary,
            "action": action,
            "draft_url": f"{_page_url(site, section.key, found_page.slug)}/draft",
            "kept": bool(request.query_params.get("kept")),
        },
        status=status,
    )


async def blocks_index(request: Request) -> Response:
    require_signed_in(request)
    context = context_of(request)
    site, section, slug = _where(request)
    ctx, found_page = _editable(context, site, section, slug)
    types = registered(request)
    found = find_blocks(found_page.body, types)
    return page(
        request,
        "block_list.html",
        {
            "site": ctx.site,
            "ctx": ctx,
            "section": found_page.section,
            "page": found_page,
            "found": [(b, label_of(types[b.name], b), _gist(types[b.name], b)) for b in found],
            "types": sorted(types.values(), key=lambda t: t.title),
        },
    )


def label_of(block: BlockType, found: FoundBlock) -> str:
    """What the page itself calls this block: "Outcome 2" when it has its own number.

    The list used to number blocks by their place on the page (1, 2, …) while the page
    showed each outcome's own number ("Outcome 2"), so the two disagreed (issue #16)."""
    try:
        model = parse_block(block, found.text)
    except ValueError:
        return block.title
    ref = getattr(model, "ref", "")
    return f"{block.title} {ref}" if isinstance(ref, str) and ref.strip() else block.title


def _gist(block: BlockType, found: FoundBlock) -> str:
    """A few words to tell blocks of the same kind apart: the first thing written in it."""
    try:
        model = parse_block(block, found.text)
    except ValueError:
        return "This one has a mistake in its text."
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, str) and value.strip() and name not in ("ref",):
            return value if len(value) <= 90 else value[:89].rstrip() + "…"
    return ""


def _block_at(request: Request, body: str, number: int) -> tuple[FoundBlock, BlockType]:
    types = registered(request)
    found = find_blocks(body, types)
    if number >= len(found):
        raise NotFound(
            "This page has no block with that number. It may have been changed; open the page again."
        )
    return found[number], types[found[number].name]


async def block_form(request: Request) -> Response:
    require_signed_in(request)
    context = context_of(request)
    site, section, slug = _where(request)
    ctx, found_page = _editable(context, site, section, slug)
    number = int(request.path_params["n"])
    found, block = _block_at(request, found_page.body, number)
    values, note = _values_of(block, found)
    if not found.editable:
        note = "This block is inside a quote, so it can only be changed with the ordinary editor."
    base, summary = found_page.revision, ""
    if (
        kept := _kept(
            context, site, section, slug, f"{_page_url(site, section, slug)}/block/{number}"
        )
    ) is not None:
        values, base, summary, note = kept
    return _show(request, ctx=ctx, found_page=found_page, block=block, number=number, values=values, errors={},
                 base=base, summary=summary, note=note)  # fmt: skip


def _kept(
    context: PluginContext, site: str, section: str, slug: str, form: str
) -> tuple[dict[str, str], int, str, str] | None:
    """This person's unsaved words in this very form (issue #26): its values, the revision
    they started from (a save merges with anything saved since), and a note."""
    draft = context.draft(site, section, slug)
    if draft is None or draft.form != form or not draft.fields:
        return None
    values = {k: v for k, v in draft.fields.items() if k != "summary"}
    base = draft.base if draft.base is not None else context.page(site, section, slug).revision
    return values, base, draft.fields.get("summary", ""), say("kept.unsaved")


def _more_rows(form: dict[str, str], extra: dict[str, int]) -> dict[str, int]:
    action = form.get("action", "")
    if action.startswith("more:"):
        name = action.removeprefix("more:")
        extra[name] = extra.get(name, 0) + 1
    return extra


async def _save(
    request: Request,
    form: dict[str, str],
    *,
    number: int | None,
    block: BlockType,
    context: PluginContext,
    ctx: SiteContext,
    current: Page,
) -> Response:
    site, section, slug = ctx.site.slug, current.section.key, current.slug
    base_text = form.get("base", "")
    if not base_text.isdigit():
        raise Invalid(
            "This form is missing the revision it was made from. Open the page again and retry."
        )
    base = int(base_text)
    summary = form.get("summary", "").strip()[:300]
    if form.get("action", "").startswith("more:"):
        # "Add another": show the form again with one more empty row; nothing is saved.
        values = {
            k: v
            for k, v in form.items()
            if k not in ("csrftoken", "action", "base", "summary", "kind")
        }
        return _show(request, ctx=ctx, found_page=current, block=block, number=number, values=values, errors={},
                     base=base, summary=summary, extra_rows=_more_rows(form, {}))  # fmt: skip
    model, errors = _forms.read_form(block.model, form)
    if model is None:  # without JavaScript, a submit that cannot save keeps the words
        here = f"{_page_url(site, section, slug)}/" + (f"block/{number}" if number is not None
                                                       else f"blocks/new?type={block.name}")  # fmt: skip
        typed = {k: v for k, v in form.items() if k not in ("csrftoken", "action", "base", "kind")}
        context.keep_draft(site, section, slug, form=here, fields=typed, base=base)
        values = {
            k: v
            for k, v in form.items()
            if k not in ("csrftoken", "action", "base", "summary", "kind")
        }
        return _show(request, ctx=ctx, found_page=current, block=block, number=number, values=values,
                     errors=errors, base=base, summary=summary, status=422)  # fmt: skip
    # The change is made to the text the form was made from, and saved from that revision:
    # if someone saved in between, the store merges the two, exactly as in the ordinary editor.
    start = current if base == current.revision else context.revision(site, section, slug, base)
    if number is None:
        body = append_block(start.body, block.name, dump_yaml(model))
    else:
        found, kind = _block_at(request, start.body, number)
        if kind.name != block.name:
            raise NotFound("This page has no such block any more. Open the page again.")
        try:
            body = replace_block(start.body, found, dump_yaml(model))
        except ValueError as problem:
            raise Invalid(str(problem)) from None
    words = summary or (f"Changed the {block.title.lower()} with its form" if number is not None
                        else f"Added {with_article(block.title.lower())} with a form")  # fmt: skip
    try:  # someone else saved meanwhile: merged three ways, a real clash asks (issue #26)
        saved, _ = context.save_merging(
            site, section, slug, body=body, base_revision=base, summary=words, title=current.title
        )
    except Clashed as clashed:
        return show_clashes(request, ctx=ctx, section=section, slug=slug, clashed=clashed,
                            summary=words)  # fmt: skip
    old = None if number is None else _old_model(block, start.body, request, number)
    return redirect(saved_url(site, section, slug, saved.revision, anchor_of(old, model)))


def _old_model(block: BlockType, body: str, request: Request, number: int) -> Any:
    found, _ = _block_at(request, body, number)
    try:
        return parse_block(block, found.text)
    except ValueError:
        return None


def anchor_of(old: Any, new: Any) -> str:
    """The heading on the page of the first part of the block that changed, so the page
    opens there after a save (issue #26): "What is important to me" → what-is-important-to-me.
    Lists of lines have such headings (the ``part`` macro of the block templates)."""
    for name, info in type(new).model_fields.items():
        value = getattr(new, name)
        if old is not None and getattr(old, name) == value:
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return re.sub(r"[^a-z0-9]+", "-", (info.title or name).lower()).strip("-")
        if old is not None:
            return ""  # a part with no heading of its own: the top of the page
    return ""


async def block_save(request: Request) -> Response:
    form = await form_of(request)
    if (kept := await kept_if_signed_out(request, form)) is not None:
        return kept  # the session timed out while they typed: their words wait (issue #26)
    require_signed_in(request)
    context = context_of(request)
    site, section, slug = _where(request)
    ctx, current = _editable(context, site, section, slug)
    # The kind of block comes with the form, so a page changed meanwhile still gets a fair conflict.
    block = _type_of(request, form.get("kind"))
    return await _save(request, form, number=int(request.path_params["n"]), block=block, context=context, ctx=ctx,
                       current=current)  # fmt: skip


def _type_of(request: Request, name: str | None) -> BlockType:
    types = registered(request)
    if not name or name not in types:
        raise NotFound("There is no kind of block with that name.")
    return types[name]


async def new_block_form(request: Request) -> Response:
    require_signed_in(request)
    context = context_of(request)
    site, section, slug = _where(request)
    ctx, found_page = _editable(context, site, section, slug)
    block = _type_of(request, request.query_params.get("type"))
    defaults: dict[str, Any] = {}
    base, summary, note = found_page.revision, "", ""
    here = f"{_page_url(site, section, slug)}/blocks/new?type={block.name}"
    if (kept := _kept(context, site, section, slug, here)) is not None:
        defaults, base, summary, note = kept
    return _show(request, ctx=ctx, found_page=found_page, block=block, number=None, values=defaults, errors={},
                 base=base, summary=summary, note=note)  # fmt: skip


async def new_block_save(request: Request) -> Response:
    form = await form_of(request)
    if (kept := await kept_if_signed_out(request, form)) is not None:
        return kept
    require_signed_in(request)
    context = context_of(request)
    site, section, slug = _where(request)
    ctx, current = _editable(context, site, section, slug)
    block = _type_of(request, request.query_params.get("type"))
    return await _save(
        request, form, number=None, block=block, context=context, ctx=ctx, current=current
    )


@hookimpl
def routes() -> list[Route]:
    base = "/s/{site}/{section}/{page}"
    return [
        Route(base + "/blocks", blocks_index, methods=["GET"]),
        Route(base + "/blocks/new", new_block_form, methods=["GET"]),
        Route(base + "/blocks/new", new_block_save, methods=["POST"]),
        Route(base + "/block/{n:int}", block_form, methods=["GET"]),
        Route(base + "/block/{n:int}", block_save, methods=["POST"]),
    ]


_FENCE_OPEN = re.compile(r"^(?:`{3,}|~{3,})[ \t]*([a-z][a-z0-9-]*)[ \t]*$", re.MULTILINE)


def _blocks_named(context: PluginContext, body: str) -> list[str]:
    """The names of the blocks of known types on a page, in order: built-in ones and those of
    other plugins (a safety plan, plan facts), so such a page also opens its form first.

    A page view must not parse markdown (pages are rendered once, at save): a line scan
    for fenced blocks of known types is enough to choose the buttons. The exact parse
    (find_blocks) runs on the form pages, where the block's position matters."""
    if "```" not in body and "~~~" not in body:  # most pages have none: skip the scan
        return []
    known = context.block_types() or BLOCKS
    return [name for name in _FENCE_OPEN.findall(body) if name in known]


@hookimpl
def edit_link(context: PluginContext, site: SiteContext, page: Page) -> Link | None:
    """On a page made of blocks the main "Edit" opens the friendly form (issue #16); the
    text editor is the second, smaller choice on the page."""
    if not site.allows("edit", page.section.key):
        return None
    found = _blocks_named(context, page.body)
    if not found:
        return None
    url = _page_url(site.site.slug, page.section.key, page.slug)
    return Link("Edit", f"{url}/block/0" if len(found) == 1 else f"{url}/blocks")


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page) -> list[Link]:
    if not site.allows("edit", page.section.key):
        return []
    if _blocks_named(context, page.body):
        return []  # the main "Edit" button opens the form (edit_link)
    url = _page_url(site.site.slug, page.section.key, page.slug)
    return [Link("Add a block", f"{url}/blocks")]
