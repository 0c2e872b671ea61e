"""An example planwiki plugin, installed as its own package (see docs/plugins.md).

It adds a ``favourites`` block (a list of things the young person loves) and a page
action that links to the page's history. It never touches the database.
"""

from __future__ import annotations

from markupsafe import escape
from pydantic import BaseModel, Field

from wiki.plugin_api import BlockType, Link, Page, PluginContext, SiteContext, hookimpl


class Favourites(BaseModel):
    things: list[str] = Field(min_length=1, max_length=30)


def render(block: Favourites) -> str:
    items = "".join(f"<li>{escape(thing)}</li>" for thing in block.things)
    return f'<section class="favourites" aria-label="Favourite things"><ul>{items}</ul></section>'


@hookimpl
def block_types() -> list[BlockType]:
    return [
        BlockType(
            "favourites", "Favourite things", Favourites, render, example="things:\n  - buses\n"
        )
    ]


@hookimpl
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    if "```favourites" in page.body and root.startswith("/s/"):
        return [Link("Who changed my favourites", f"{root}/{page.section.key}/{page.slug}/history")]
    return []
