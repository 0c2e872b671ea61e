"""Every hook a planwiki plugin can implement, in one place (issue #6).

A plugin is a module or object with functions marked ``@hookimpl`` and named like the
specifications below. Plugins never touch the database: what they show comes from the
``PluginContext`` they are handed, whose every method goes through the store with the
actor of the request, so a plugin cannot show anyone what they may not view.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("planwiki")
hookimpl = pluggy.HookimplMarker("planwiki")


@hookspec
def section_templates() -> list[Any]:
    """Offer section templates: a list of ``wiki.plugins.SectionTemplate`` (a key, a title,
    and starter pages) that owners can pick when they add a section."""


@hookspec
def site_templates() -> list[Any]:
    """Offer site templates: a list of ``wiki.plugins.SiteTemplate`` (a key, a title, a
    description and the sections a new site starts with)."""


@hookspec
def block_types() -> list[Any]:
    """Add structured block types: a list of ``wiki.plugins.BlockType`` (a name, a pydantic
    model that validates the block, and a function that renders a valid block to HTML)."""


@hookspec
def page_actions(context: Any, site: Any, page: Any, root: str) -> list[Any]:
    """Buttons under a page: a list of ``wiki.plugins.Link``. ``context`` is the request's
    ``PluginContext``, ``site`` the ``SiteContext``, ``page`` a page the person may view and
    ``root`` the address the page's links start from (``/s/<site>``, or ``/g/<token>`` for a
    guest link, whose reader has no account)."""


@hookspec
def site_nav_entries(context: Any, site: Any) -> list[Any]:
    """Entries in a site's navigation: a list of ``wiki.plugins.Link`` for this person;
    ``site`` is the ``SiteContext`` (the sections they may view, their access)."""


@hookspec
def routes() -> list[Any]:
    """Add web routes: a list of starlette ``Route`` objects. Handlers get the request's
    ``PluginContext`` with ``wiki.plugins.context_of(request)``."""


@hookspec
def template_dirs() -> list[Any]:
    """Folders of Jinja2 templates this plugin provides (looked up after the theme's own)."""


@hookspec
def revision_saved(event: Any) -> None:
    """React to a saved revision, after it is committed. ``event`` is a
    ``wiki.plugins.RevisionSaved`` (site, section, page, revision number, author email);
    it carries no page text."""


@hookspec
def export_formats() -> list[Any]:
    """Add export formats: a list of ``wiki.plugins.ExportFormat`` (a name, a media type and
    a function that turns the pages a person may view into bytes)."""


@hookspec
def checklist_items(review: Any) -> list[Any]:
    """Add items to a review's checklist: a list of ``wiki.plugins.ChecklistItem`` for the
    given ``wiki.plugins.ReviewInfo`` (meeting date, kind, the young person's age)."""


@hookspec
def actions() -> list[Any]:
    """Named actions this plugin adds to the rule book (``wiki.access.Action``): each says
    who may do it (a capability on a section, stewards, or the owner alone). ``wiki.access``
    still makes every decision; a plugin asks ``site.allows(name)`` (issue #13)."""
