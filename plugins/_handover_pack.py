"""A handover pack's stored head, and how it is read through its sources (issue #14).

The stored page holds only this head: a note, the day, and each source as the page's id and
pinned revision. ``render_for`` draws the parts in through one reader's ``PluginContext``:
a part they may not read at the source is left out without a trace.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml
from markupsafe import escape
from pydantic import BaseModel, Field

from plugins import _first_minutes as first
from wiki.plugin_api import NotFound, Page, PluginContext

FENCE = re.compile(r"```handover-pack[ \t]*\n(.*?)\n```", re.DOTALL)
HEADING = re.compile(r"<(/?)h([1-5])(?=[\s>])")
TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
CELL = re.compile(r"<(t[hd])((?:\s[^>]*)?)>(.*?)</\1>", re.DOTALL)


class Source(BaseModel):
    """One part of a pack: the page's id and its pinned revision (nothing a reader of the
    Handover section could learn the page from). Packs made before issue #14 named the
    page instead (section, page, title); they are still read, through the reader's access,
    and never written."""

    page_id: int | None = None
    revision: int
    section: str | None = None
    page: str | None = None
    title: str | None = None


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


def _made(pack: Pack) -> str:
    return f"Made on {pack.made.day} {pack.made:%B %Y}."


def render_pack(pack: Pack) -> str:
    """The stored HTML of a pack: its note and day only. What it holds is drawn in for each
    reader when it is shown (``page_content``), so the stored page names no source."""
    note = f"<p>{escape(pack.note)}</p>" if pack.note else ""
    return (
        f'<section class="handover-head" aria-label="About this handover">{note}'
        f'<p class="meta">{_made(pack)}</p></section>'
    )


def demote(markdown: str) -> str:
    """Headings one level down (a copied page's ## becomes ###), leaving code blocks alone."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"^#{1,5} ", line) else line)
    return "\n".join(out)


def demote_html(html: str) -> str:
    """A source's rendered headings one level down, under the part's own heading."""
    return HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def pack_body(pack: Pack) -> str:
    """The whole stored text of a pack page: the head, and nothing copied (issue #14)."""
    head = yaml.safe_dump(
        pack.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True
    ).rstrip()
    return f"```handover-pack\n{head}\n```\n"


def resolve(context: PluginContext, site: str, source: Source) -> tuple[Page, Any] | None:
    """The source page and its pinned revision, if THIS reader may view it; else None."""
    try:
        if source.page_id is not None:
            return context.revision_by_id(site, source.page_id, source.revision)
        if source.section and source.page:  # a pack made before issue #14
            found = context.page(site, source.section, source.page)
            return found, context.revision(site, source.section, source.page, source.revision)
    except NotFound:
        return None
    return None


def stack_tables(html: str) -> str:
    """Each table of a part, marked to become one small card per row on a phone: every
    cell names its column (``data-label``), so nothing is cut off and no word is broken."""

    def one(table: re.Match[str]) -> str:
        inner = table.group(1)
        head, _, rest = inner.partition("</thead>")
        if not rest:
            return table.group(0)
        labels = [re.sub(r"<[^>]+>", "", m.group(3)).strip() for m in CELL.finditer(head)]

        def row(tr: re.Match[str]) -> str:
            cells = iter(labels)
            return CELL.sub(
                lambda c: (
                    f'<{c.group(1)}{c.group(2)} data-label="{escape(next(cells, ""))}">'
                    f"{c.group(3)}</{c.group(1)}>"
                ),
                tr.group(0),
            )

        body = re.sub(r"<tr>.*?</tr>", row, rest, flags=re.DOTALL)
        return f'<table class="stack-narrow">{head}</thead>{body}</table>'

    return TABLE.sub(one, html)


def render_for(context: PluginContext, site: str, pack: Pack, root: str) -> str:
    """The pack as this reader may read it: first five minutes, then the contents, then
    each part — only the parts they may read at the source. Parts they may not read leave
    no title and no count behind (issue #14); nor does the first five minutes (#23)."""
    parts = [found for found in (resolve(context, site, s) for s in pack.sources) if found]
    note = f"<p>{escape(pack.note)}</p>" if pack.note else ""
    out = [
        f'<section class="handover-head" aria-label="About this handover">{note}'
        f'<p class="meta">{_made(pack)}</p></section>',
        first.render(first.gather(parts, root)),
    ]
    if parts:
        listed = "".join(
            f'<li><a href="#part-{n}">{escape(rev.title)}</a></li>'
            for n, (_, rev) in enumerate(parts, 1)
        )
        out.append(f'<nav class="handover-contents" aria-labelledby="in-this"><h2 id="in-this">'
                   f"In this handover</h2><ol>{listed}</ol></nav>")  # fmt: skip
    for n, (_, rev) in enumerate(parts, 1):
        out.append(
            f'<section class="handover-part" id="part-{n}"><h2>{escape(rev.title)}</h2>'
            f"{stack_tables(demote_html(rev.html))}</section>"
        )
    return "".join(out)
