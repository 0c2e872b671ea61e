"""Every hook a planwiki plugin can implement, in one place (issue #6).

A plugin is a module or object with functions marked ``@hookimpl`` and named like the
specifications below. Plugins never touch the database: what they show comes from the
``PluginContext`` they are handed, whose every method goes through the store with the
actor of the request, so a plugin cannot show anyone what they may not view.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # real types for every hook (issue #13); wiki.plugins imports this module
    from starlette.routing import BaseRoute

    from wiki.access import Action
    from wiki.models import Page
    from wiki.plugins import (
        BlockType,
        Change,
        ChecklistItem,
        ExportFormat,
        HomeNote,
        Link,
        PluginContext,
        ReviewInfo,
        RevisionSaved,
        SectionTemplate,
        SiteTemplate,
    )
    from wiki.store import SiteContext

hookspec = pluggy.HookspecMarker("planwiki")
hookimpl = pluggy.HookimplMarker("planwiki")


@hookspec
def section_templates() -> list[SectionTemplate]:
    """Offer section templates: a list of ``wiki.plugin_api.SectionTemplate`` (a key, a title,
    and starter pages) that owners can pick when they add a section."""


@hookspec
def site_templates() -> list[SiteTemplate]:
    """Offer site templates: a list of ``wiki.plugin_api.SiteTemplate`` (a key, a title, a
    description and the sections a new site starts with)."""


@hookspec
def block_types() -> list[BlockType]:
    """Add structured block types: a list of ``wiki.plugin_api.BlockType`` (a name, a pydantic
    model that validates the block, and a function that renders a valid block to HTML)."""


@hookspec
def page_actions(context: PluginContext, site: SiteContext, page: Page, root: str) -> list[Link]:
    """Buttons under a page: a list of ``wiki.plugin_api.Link``. ``context`` is the request's
    ``PluginContext``, ``site`` the ``SiteContext``, ``page`` a page the person may view and
    ``root`` the address the page's links start from (``/s/<site>``, or ``/g/<token>`` for a
    guest link, whose reader has no account)."""


@hookspec(firstresult=True)
def edit_link(context: PluginContext, site: SiteContext, page: Page, root: str) -> Link | None:
    """Where the page's main "Edit" button goes, for a person who may edit it, or ``None``
    for the text editor. A page made of blocks opens its friendly form first and the text
    editor becomes the second, smaller choice (issue #16). The first plugin to answer wins;
    the ``Link``'s label is the main button's words."""


@hookspec(firstresult=True)
def describe_changes(context: PluginContext, old: str, new: str) -> list[Change] | None:
    """The changes from the page text ``old`` to ``new`` in words, for the diff of a page
    made of blocks (``wiki.plugin_api.Change``: "Important to me: added …"), or ``None``
    when the plugin has nothing to say (the diff then shows the text). The core passes only
    two revisions of the one page the reader may already read (issue #16)."""


@hookspec(firstresult=True)
def page_content(context: PluginContext, site: SiteContext, page: Page, root: str) -> str | None:
    """The HTML to show for ``page`` to this reader in place of its stored HTML, or ``None``
    to show the stored HTML. Called by the page view, a guest link's page, "see it as" and
    the print view. ``context`` is the READER's ``PluginContext`` (for "see it as", the
    person being previewed), so anything a plugin draws in from other pages goes through
    that reader's own access: a page that reads through to others (a handover pack) shows
    each reader only what they may read at the source (issue #14). The first plugin to
    return a string wins."""


@hookspec
def site_nav_entries(context: PluginContext, site: SiteContext) -> list[Link]:
    """Entries in a site's navigation: a list of ``wiki.plugin_api.Link`` for this person;
    ``site`` is the ``SiteContext`` (the sections they may view, their access)."""


@hookspec
def plan_home_notes(context: PluginContext, site: SiteContext) -> list[HomeNote]:
    """Lines on the plan's home, on its first screen, for this person (issue #23): a list
    of ``wiki.plugin_api.HomeNote`` (words, and links beside them)."""


@hookspec
def routes() -> list[BaseRoute]:
    """Add web routes: a list of starlette ``Route`` objects. Handlers get the request's
    ``PluginContext`` with ``wiki.plugin_api.context_of(request)``."""


@hookspec
def template_dirs() -> list[str | Path]:
    """Folders of Jinja2 templates this plugin provides (looked up after the theme's own)."""


@hookspec
def revision_saved(event: RevisionSaved) -> None:
    """React to a saved revision, after it is committed. ``event`` is a
    ``wiki.plugin_api.RevisionSaved`` (site, section, page, revision number, author email);
    it carries no page text."""


@hookspec
def export_formats() -> list[ExportFormat]:
    """Add export formats: a list of ``wiki.plugin_api.ExportFormat`` (a name, a media type and
    a function that turns the pages a person may view into bytes)."""


@hookspec
def checklist_items(review: ReviewInfo) -> list[ChecklistItem]:
    """Add items to a review's checklist: a list of ``wiki.plugin_api.ChecklistItem`` for the
    given ``wiki.plugin_api.ReviewInfo`` (meeting date, kind, the young person's age)."""


@hookspec
def reserved_section_keys() -> list[str]:
    """The words this plugin's own pages use under ``/s/{site}/WORD`` (``review``): no
    section may take them as its address. The core declares its own in
    ``wiki.models.CORE_RESERVED_SECTION_KEYS`` (issue #25)."""


@hookspec
def actions() -> list[Action]:
    """Named actions this plugin adds to the rule book (``wiki.plugin_api.Action``): each says
    who may do it (a capability on a section, the stewards, or the young person alone).
    ``wiki/access.py`` still makes every decision; a plugin asks ``site.allows(name)``
    (issue #13)."""
