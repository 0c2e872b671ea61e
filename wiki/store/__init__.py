"""The only code that reads or writes content rows. Every function takes the actor and
asks ``wiki.access`` before it does anything (load-and-check in one call)."""

from wiki.store.context import SiteContext, site_for
from wiki.store.oversight import list_audit, note_in_audit
from wiki.store.pages import (
    SaveResult,
    discard_draft,
    get_draft,
    get_page,
    get_revision,
    history,
    list_pages,
    note_view,
    recent_changes,
    redirect_for,
    rename_page,
    restore,
    save_page,
)
from wiki.store.sites import (
    StartingPage,
    add_section,
    create_site,
    list_sites,
    move_section,
    rename_section,
    section_counts,
)

__all__ = [
    "SaveResult",
    "SiteContext",
    "StartingPage",
    "add_section",
    "create_site",
    "discard_draft",
    "get_draft",
    "get_page",
    "get_revision",
    "history",
    "list_audit",
    "list_pages",
    "list_sites",
    "move_section",
    "note_in_audit",
    "note_view",
    "recent_changes",
    "redirect_for",
    "rename_page",
    "rename_section",
    "restore",
    "save_page",
    "section_counts",
    "site_for",
]
