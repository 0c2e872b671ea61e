"""The one module a planwiki plugin imports (issue #13): everything a plugin may use, and
nothing that lets it reach round the store.

Plugins in ``plugins/`` and installed ones (``docs/example-plugin/``) import from here
only, never from ``wiki.routes.*``, ``wiki.store`` or ``wiki.db``, so the core can move
its internals without breaking them, and "what can a plugin touch?" has one answer. The
names are re-exported, not wrapped: each is the core's own object. See docs/plugins.md.
"""

from __future__ import annotations

from wiki.access import Action, Rule
from wiki.clock import now
from wiki.dates import DateValue, day_month_year
from wiki.dates import read as read_date
from wiki.diff import DiffLine, diff_lines
from wiki.errors import Clashed, Conflict, Forbidden, Invalid, NotFound, NotSignedIn, WikiError
from wiki.grammar import with_article
from wiki.hookspecs import hookimpl
from wiki.models import (
    MAX_TITLE,
    STANDARD_SECTIONS,
    Actor,
    Capability,
    Page,
    Revision,
    Section,
    Site,
    end_of_compulsory_school_age,
)
from wiki.plugins import (
    BlockType,
    Change,
    ChecklistItem,
    ExportFormat,
    HomeNote,
    Link,
    PluginContext,
    Reader,
    ReviewInfo,
    RevisionSaved,
    SectionTemplate,
    SiteTemplate,
    StarterPage,
    collect,
    context_of,
)
from wiki.render import parse_block
from wiki.render import render as render_markdown
from wiki.routes.clashes import saved_url
from wiki.routes.clashes import show as show_clashes
from wiki.routes.common import (
    csrf_token,
    form_of,
    login_url,
    page,
    redirect,
    require_signed_in,
)
from wiki.routes.drafts import kept_if_signed_out
from wiki.store import SiteContext
from wiki.store.oversight import AuditEntry
from wiki.words import say, say_later

# Grouped and explained in docs/plugins.md ("The plugin API").
__all__ = [
    "MAX_TITLE",
    "STANDARD_SECTIONS",
    "Action",
    "Actor",
    "AuditEntry",
    "BlockType",
    "Capability",
    "Change",
    "ChecklistItem",
    "Clashed",
    "Conflict",
    "DateValue",
    "DiffLine",
    "ExportFormat",
    "Forbidden",
    "HomeNote",
    "Invalid",
    "Link",
    "NotFound",
    "NotSignedIn",
    "Page",
    "PluginContext",
    "Reader",
    "ReviewInfo",
    "Revision",
    "RevisionSaved",
    "Rule",
    "Section",
    "SectionTemplate",
    "Site",
    "SiteContext",
    "SiteTemplate",
    "StarterPage",
    "WikiError",
    "collect",
    "context_of",
    "csrf_token",
    "day_month_year",
    "diff_lines",
    "end_of_compulsory_school_age",
    "form_of",
    "hookimpl",
    "kept_if_signed_out",
    "login_url",
    "now",
    "page",
    "parse_block",
    "read_date",
    "redirect",
    "render_markdown",
    "require_signed_in",
    "saved_url",
    "say",
    "say_later",
    "show_clashes",
    "with_article",
]
