"""Markdown to inert HTML, once per revision (the HTML is stored with the revision).

markdown-it-py's default preset passes raw HTML through, so we start from
``js-default`` with ``html`` off, allow only safe link schemes, allow images only
from the site's own files (a picture from elsewhere becomes a link to it), and run ``nh3`` over the result as a second,
independent line of defence (issue #2).
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections import OrderedDict
from html import escape
from typing import Any
from urllib.parse import urlsplit

import nh3
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify as anchors_slugify
from mdit_py_plugins.anchors.index import unique_slug
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pydantic import ValidationError

from wiki.render_bounds import check_brackets, check_nesting

SAFE_LINK = re.compile(
    r"^(?:https?:|mailto:|tel:|#|/|\./|\.\./|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE
)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "strong",
    "sup",
    "sub",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "input": {"type", "checked", "disabled", "class"},
    "li": {"id", "class"},
    "ul": {"class"},
    "ol": {"start", "class"},
    "section": {"class"},
    "sup": {"class"},
    "td": {"style"},
    "th": {"style"},
    "hr": {"class"},
}


def is_safe_link(url: str) -> bool:
    scheme = _SCHEME.match(url)
    if scheme is None:
        return True  # relative: a path, a fragment or a query on this site
    return scheme.group(1).lower() in {"http", "https", "mailto", "tel"}


# A file of this site: no segment may start with a dot, so "../" cannot climb out.
_OWN_FILE = re.compile(
    r"^/s/(?P<site>[a-z0-9-]+)/-/files/[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$"
)


def _is_allowed_image(src: str, site: str) -> bool:
    """Only the plan's own files: a picture from another site would tell that site who read
    the page, and when — a tracking pixel anyone who may edit could plant (issue #25)."""
    own = _OWN_FILE.match(src)
    return own is not None and own.group("site") == site


def picture_from_elsewhere(src: str, alt: str) -> str:
    """A picture from another site, shown as a link to it: the reader chooses to go there.
    (An editor who wants it on the page uploads a copy, noting where it came from.)"""
    words = escape(alt.strip()) or "a picture"
    host = urlsplit(src).hostname if _SCHEME.match(src) else None
    if not host or not is_safe_link(src):
        return f"<em>[picture: {words}]</em>"
    return f'<a class="elsewhere" href="{escape(src)}">Picture on {escape(host)}: {words}</a>'


_ID_MARK = "~pw~"  # "~" never survives slugify, so the mark cannot come from a title
_marks = itertools.count()
_MARKED_ID = re.compile(r'(<h[1-4] id=")([^"~]*)~pw~\d+"')


def _marked_slug(title: str) -> str:
    return f"{anchors_slugify(title)}{_ID_MARK}{next(_marks)}"


def _unique_ids(html: str) -> str:
    """Number repeated heading ids in page order, as the anchors plugin does in one go."""
    if _ID_MARK not in html:
        return html
    taken: set[str] = set()

    def one(match: re.Match[str]) -> str:
        return f'{match.group(1)}{unique_slug(match.group(2), taken)}"'

    return _MARKED_ID.sub(one, html)


def _build() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(tasklists_plugin, enabled=False)
    # Each heading gets its plain slug and a one-off mark; ``_unique_ids`` then numbers
    # repeated slugs across the whole page, so a page can be rendered in parts (issue #8).
    md.use(anchors_plugin, max_level=4, permalink=False, slug_func=_marked_slug)
    md.enable("table")
    md.enable("strikethrough")

    renderer: Any = md.renderer  # RendererHTML; the protocol type lacks ``rules``
    default_image = renderer.rules["image"]

    def image(tokens: Any, idx: int, options: Any, env: dict[str, Any], *rest: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if not _is_allowed_image(src, env.get("site", "")):
            alt = renderer.renderInlineAsText(token.children or [], options, env)
            return picture_from_elsewhere(src, alt)
        return str(default_image(tokens, idx, options, env, *rest))

    renderer.rules["image"] = image
    default_fence = renderer.rules["fence"]

    def fence(tokens: Any, idx: int, options: Any, env: dict[str, Any], *rest: Any) -> str:
        token = tokens[idx]
        name = token.info.strip().split(" ")[0] if token.info.strip() else ""
        blocks = env.get("blocks") or {}
        if name not in blocks:
            return str(default_fence(tokens, idx, options, env, *rest))
        # A structured block (issue #5): its HTML comes from the block type's renderer,
        # which escapes what it shows; it goes in after nh3 through a one-time marker.
        marker = f"PLANWIKIBLOCK{len(env['_blocks'])}X{env['_nonce']}"
        env["_blocks"].append(render_block(blocks[name], token.content))
        return f"<p>{marker}</p>\n"

    renderer.rules["fence"] = fence
    return md


_MD = _build()


_TASK_BOX = re.compile(r'<input class="task-list-item-checkbox"( checked="checked")?[^>]*>')


def _task_box(match: re.Match[str]) -> str:
    # A disabled checkbox with no label confuses screen readers: say it in words.
    if match.group(1):
        return '<span aria-hidden="true">☑</span><span class="visually-hidden">Done:</span>'
    return '<span aria-hidden="true">☐</span><span class="visually-hidden">To do:</span>'


def parse_block(block: Any, text: str) -> Any:
    """The validated model of one block's YAML text; raises ValueError with plain words."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as bad:
        mark = getattr(bad, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ValueError(f"The text is not in the expected “name: value” form{where}.") from None
    if not isinstance(data, dict):
        raise ValueError("Each line should look like “name: value”.")
    try:
        return block.model.model_validate(data)
    except ValidationError as invalid:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'block'}: {e['msg']}" for e in invalid.errors()
        ]
        raise ValueError("; ".join(problems)) from None


def render_block(block: Any, text: str) -> str:
    try:
        model = parse_block(block, text)
    except ValueError as problem:
        return (
            f'<div class="block-error" role="note"><p><strong>This {escape(block.title.lower())} needs fixing'
            f" before it can be shown:</strong> {escape(str(problem))}</p><pre>{escape(text)}</pre></div>"
        )
    return str(block.render(model))


# ---- rendering in parts (issue #8) -------------------------------------------------
# A save renders the whole page, and markdown-it-py costs about a millisecond per 3 KB:
# most of a save. People change one part of a page at a time, so a page is cut into
# parts and each part's HTML is kept by its text. A cut is made only where it cannot
# change the result, outside a fenced block and after a blank line: before a top-level
# "#" heading, or before a plain paragraph (a line starting with a letter, so never a
# list item, quote, indent or code). Never in a page with footnotes, link definitions,
# setext headings or other "#" lines. Repeated headings are numbered over the whole
# page after the parts are joined (``_unique_ids``).
# tests/test_render_parts.py checks parts against whole-page rendering.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
_PLAIN_HEADING = re.compile(r"#{1,6}[\w \t.,:;?!'\"()/*-]*")
_SETEXT = re.compile(r"\n {0,3}(?:=+|-+)[ \t]*(?:\n|$)")  # starts with a literal: a fast scan
# Kept parts are bounded by their size, not their number: a part may be a heading's
# whole section or one short paragraph (the soak, issue #8).
PARTS_BUDGET = 4 * 1024 * 1024  # characters of text and HTML together: 6.3 MB measured
_PARTS: OrderedDict[tuple[str, tuple[str, ...], str], str] = OrderedDict()
_parts_size = 0
_PARTS_LOCK = threading.Lock()  # saves may run in worker threads


def split_parts(body: str) -> list[str]:
    """The page cut before top-level headings and plain paragraphs, where that cannot
    change its HTML."""
    if "\n\n" not in body or "[^" in body or "]:" in body or _SETEXT.search("\n" + body):
        return [body]
    lines = body.splitlines(keepends=True)
    parts: list[str] = []
    start, fence, blank_before = 0, "", True
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            marks = opened.group(1) if opened else ""
            if marks[:1] == fence[0] and len(marks) >= len(fence) and line.strip() == marks:
                fence = ""
            blank_before = False
            continue
        if opened:
            fence = opened.group(1)
        elif blank_before and number > start and line[:1].isalpha() and "#" not in line:
            parts.append("".join(lines[start:number]))  # a plain paragraph starts here
            start = number
        elif "#" in line:
            if not _ATX.match(line) or not _PLAIN_HEADING.fullmatch(line.rstrip("\n")):
                return [body]  # a "#" we do not understand well enough to cut around
            if blank_before and number > start:
                parts.append("".join(lines[start:number]))
                start = number
        blank_before = not line.strip()
    parts.append("".join(lines[start:]))
    return parts


def render(body: str, *, site: str, blocks: dict[str, Any] | None = None) -> str:
    """Render a page body for a site; the result is safe to insert into a page."""
    parts = split_parts(body)
    if len(parts) == 1:
        return render_whole(body, site=site, blocks=blocks)
    names = tuple(sorted(blocks or {}))
    out = []
    for part in parts:
        key = (site, names, part)
        with _PARTS_LOCK:
            html = _PARTS.get(key)
            if html is not None:
                _PARTS.move_to_end(key)
        if html is None:
            html = _render_part(part, site=site, blocks=blocks)
            _keep(key, html)
        out.append(html)
    return _unique_ids("".join(out))


def _keep(key: tuple[str, tuple[str, ...], str], html: str) -> None:
    global _parts_size
    with _PARTS_LOCK:
        if key in _PARTS:
            return
        _PARTS[key] = html
        _parts_size += len(key[2]) + len(html)
        while _parts_size > PARTS_BUDGET and _PARTS:
            (_site, _names, text), dropped = _PARTS.popitem(last=False)
            _parts_size -= len(text) + len(dropped)


def render_whole(body: str, *, site: str, blocks: dict[str, Any] | None = None) -> str:
    """Render a page body in one go."""
    return _unique_ids(_render_part(body, site=site, blocks=blocks))


def sanitise(html: str) -> str:
    """The second, independent line of defence: whatever markdown-it made, only these tags,
    attributes and link schemes reach a reader. Tested on raw HTML directly (issue #25), since
    markdown-it's own ``html: False`` would hide a loosened list here."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def _render_part(body: str, *, site: str, blocks: dict[str, Any] | None = None) -> str:
    """One part's HTML, its heading ids still marked for ``_unique_ids``."""
    env: dict[str, Any] = {
        "site": site,
        "blocks": blocks or {},
        "_blocks": [],
        "_nonce": secrets.token_hex(8),
    }
    check_brackets(body)
    tokens = _MD.parse(body, env)
    check_nesting(tokens, body)
    html = _MD.renderer.render(tokens, _MD.options, env)
    html = sanitise(html)
    html = _TASK_BOX.sub(_task_box, html)
    # Wide tables scroll on a phone; a scrolling region must be reachable by keyboard.
    html = html.replace(
        "<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="Table"><table>'
    ).replace("</table>", "</table></div>")
    # Blocks go in last: their HTML is their renderer's own (it wraps its own tables).
    for number, block_html in enumerate(env["_blocks"]):
        html = html.replace(f"<p>PLANWIKIBLOCK{number}X{env['_nonce']}</p>", block_html, 1)
    return html
