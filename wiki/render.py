"""Markdown to inert HTML, once per revision (the HTML is stored with the revision).

markdown-it-py's default preset passes raw HTML through, so we start from
``js-default`` with ``html`` off, allow only safe link schemes, allow images only
from the site's own files or https, and run ``nh3`` over the result as a second,
independent line of defence (issue #2).
"""

from __future__ import annotations

import re
from typing import Any

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

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
_OWN_FILE = re.compile(r"^/s/(?P<site>[a-z0-9-]+)/-/files/[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$")


def _is_allowed_image(src: str, site: str) -> bool:
    if src.startswith("https://"):
        return True
    own = _OWN_FILE.match(src)
    return own is not None and own.group("site") == site


def _build() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(tasklists_plugin, enabled=False)
    md.use(anchors_plugin, max_level=4, permalink=False)
    md.enable("table")
    md.enable("strikethrough")

    renderer: Any = md.renderer  # RendererHTML; the protocol type lacks ``rules``
    default_image = renderer.rules["image"]

    def image(tokens: Any, idx: int, options: Any, env: dict, *rest: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if not _is_allowed_image(src, env.get("site", "")):
            # Pictures from elsewhere could track readers: show the words instead.
            alt = renderer.renderInlineAsText(token.children or [], options, env)
            return f"<em>[picture: {nh3.clean_text(alt) or 'not shown'}]</em>"
        return str(default_image(tokens, idx, options, env, *rest))

    renderer.rules["image"] = image
    return md


_MD = _build()


_TASK_BOX = re.compile(r'<input class="task-list-item-checkbox"( checked="checked")?[^>]*>')


def _task_box(match: re.Match[str]) -> str:
    # A disabled checkbox with no label confuses screen readers: say it in words.
    if match.group(1):
        return '<span aria-hidden="true">☑</span><span class="visually-hidden">Done:</span>'
    return '<span aria-hidden="true">☐</span><span class="visually-hidden">To do:</span>'


def render(body: str, *, site: str) -> str:
    """Render a page body for a site; the result is safe to insert into a page."""
    html = _MD.render(body, {"site": site})
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    html = _TASK_BOX.sub(_task_box, html)
    # Wide tables scroll on a phone; a scrolling region must be reachable by keyboard.
    return html.replace(
        "<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="Table"><table>'
    ).replace("</table>", "</table></div>")
