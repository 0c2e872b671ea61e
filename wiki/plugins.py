"""The plugin manager, the shapes plugins exchange with the core, and ``PluginContext``.

Plugins come from the built-in ``plugins`` package and from installed packages that
declare an entry point in the group ``planwiki`` (issue #6). Everything a plugin reads
goes through ``PluginContext``, whose methods call the store with the request's actor.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pluggy
from pydantic import BaseModel
from starlette.requests import Request

import plugins as builtin_plugins
from wiki import access as policy
from wiki import hookspecs, store
from wiki.actions import core_actions
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import Actor, Capability, GrantRow, Page, Revision
from wiki.store import SiteContext, audience, circle, drafts, files, merging
from wiki.store.files import Attachment
from wiki.store.links import guest_site_slug, list_guest_links
from wiki.store.oversight import AuditEntry, preview_actor

ENTRY_POINT_GROUP = "planwiki"


@dataclass
class Link:
    label: str
    url: str
    # A page action that belongs after the page's words ("I have read this" on a handover
    # pack comes after the pack, issue #16); the others sit under the page's heading.
    after: bool = False


@dataclass
class HomeNote:
    """A line on the plan's home, on its first screen (issue #23: "Next review: 20 January
    2027"), with links beside it ("Who runs my review?")."""

    text: str
    links: list[Link] = field(default_factory=list)


@dataclass
class Change:
    """One change between two revisions of a page, in words (issue #16): ``where`` is the
    title the reader knows it by ("Important to me", "Outcome 2, By when"), ``kind`` is
    "added", "removed" or "changed", and ``old``/``new`` are the words before and after."""

    where: str
    kind: str
    old: str = ""
    new: str = ""


@dataclass
class StarterPage:
    slug: str
    title: str
    body: str


@dataclass
class SectionTemplate:
    key: str
    title: str
    pages: list[StarterPage] = field(default_factory=list)


@dataclass
class SiteTemplate:
    key: str
    title: str
    description: str
    sections: list[tuple[str, str, str]]  # (key, title, section template key)


@dataclass
class BlockType:
    """A structured block: fenced in the page text as ```name ... ```, YAML inside."""

    name: str
    title: str
    model: type[BaseModel]
    render: Callable[[Any], str]
    example: str = ""


@dataclass
class RevisionSaved:
    site: str
    section: str
    page: str
    revision: int
    author: str | None


@dataclass
class ExportFormat:
    name: str
    media_type: str
    build: Callable[[list[Page]], bytes]


@dataclass
class ReviewInfo:
    meeting: date
    kind: str  # "annual", "early-years", "budget"
    date_of_birth: date | None


@dataclass
class ChecklistItem:
    text: str
    due: date | None
    who: str


@dataclass
class Reader:
    """Someone who can open a section, for "who will read this?" (issue #14): a person or a
    group of the circle, or a live guest link. ``sections`` are the keys of every section
    they may view, decided by ``wiki.access``; ``until`` when their access to the asked
    section ends (None: no end date)."""

    kind: str  # "person", "group" or "guest link"
    name: str
    sections: list[str]
    until: str | None = None


def _grant_row(grant: circle.Grant) -> GrantRow:
    return GrantRow(
        grant.section, Capability.parse(grant.capability), grant.expires_at, None, grant.group
    )


class PluginContext:
    """What a plugin may ask for, on behalf of one person. Every call goes through the store,
    which asks the policy first: a plugin sees only what that person may view."""

    def __init__(self, db: Database, actor: Actor, *, loaded: SiteContext | None = None) -> None:
        self.__db = db
        self.actor = actor
        # The request's own site context, decided once and reused (issue #13).
        self.__sites: dict[str, SiteContext] = {}
        if loaded is not None:
            self.remember(loaded)

    def remember(self, loaded: SiteContext) -> None:
        """Reuse a site context the route already loaded for this person."""
        if loaded.actor == self.actor:
            self.__sites[loaded.site.slug] = loaded

    def block_types(self) -> dict[str, BlockType]:
        """Every block type the running app knows, built-in and from other plugins, by name
        (issue #16: a page of a plugin's blocks is still a page made of blocks)."""
        return dict(self.__db.extensions.blocks)

    def site(self, site: str) -> SiteContext:
        if site not in self.__sites:
            self.__sites[site] = store.site_for(self.__db, self.actor, site)
        return self.__sites[site]

    def pages(self, site: str, section: str) -> list[Page]:
        return store.list_pages(self.__db, self.actor, site=self.site(site), section=section)[1]

    def page(self, site: str, section: str, page: str) -> Page:
        return store.get_page(
            self.__db,
            self.actor,
            site=self.site(site),
            section=section,
            page=page,
            record_view=False,
        )[1]

    def page_by_id(self, site: str, page_id: int) -> Page:
        """The page with this id, now — NotFound unless this person may view its section.
        Only the sections they may view are looked in, through the store (issue #14)."""
        for section in self.site(site).sections:
            for listed in self.pages(site, section.key):
                if listed.id == page_id:
                    return self.page(site, section.key, listed.slug)
        raise NotFound()

    def revision_by_id(self, site: str, page_id: int, number: int) -> tuple[Page, Revision]:
        """One revision of the page with this id (NotFound exactly as ``page_by_id``)."""
        found = self.page_by_id(site, page_id)
        return found, self.revision(site, found.section.key, found.slug, number)

    def members(self, site: str) -> list[circle.Member]:
        """The circle of support (the young person and stewards only; Forbidden otherwise)."""
        return circle.list_members(self.__db, self.actor, site=self.site(site))

    def share(
        self, site: str, *, section: str, capability: str, person: str, expires_at: str | None
    ) -> None:
        """Give one person a capability on one section, through the sharing store: exactly
        as the sharing page would (manage on the section needed; issue #23). Asking twice
        for the very same thing adds nothing."""
        if circle.has_grant(self.__db, self.actor, site=self.site(site), section=section,
                            capability=capability, person=person, expires_at=expires_at):  # fmt: skip
            return
        circle.add_grant(self.__db, self.actor, site=self.site(site), section=section,
                         capability=capability, person=person, expires_at=expires_at)  # fmt: skip
        self.__sites.pop(site, None)

    def readers(self, site: str, section: str) -> list[Reader]:
        """Everyone who may open ``section`` now, and every section each of them may view
        (stewards only: it shows the circle). Grants are folded by ``wiki.access`` exactly
        as the sharing page folds them (issue #14)."""
        ctx = self.site(site)
        ctx.check("see-sharing")
        db, site_id, keys = self.__db, ctx.site.id, [s.key for s in ctx.sections]
        grants = circle.list_grants(db, self.actor, site=ctx)
        groups = circle.list_groups(db, self.actor, site=ctx)
        found = []
        people = [
            ("person", m.name, [g for g in grants if g.person == m.email or g.group in m.groups])
            for m in circle.list_members(db, self.actor, site=ctx)
        ]
        teams = [
            ("group", title, [g for g in grants if g.group == k]) for k, title in groups.items()
        ]
        for kind, name, theirs in people + teams:
            folded = policy.fold(site_id, [_grant_row(g) for g in theirs])
            if policy.allowed(folded, "view", section):
                found.append(
                    Reader(
                        kind,
                        name,
                        [k for k in keys if policy.allowed(folded, "view", k)],
                        policy.standing(folded, section).until,
                    )
                )
        for link in list_guest_links(db, self.actor, site=ctx):
            if link.live and link.section == section:
                # What the link's reader may open, decided as for the link itself.
                guest = preview_actor(db, self.actor, site=ctx, who=f"link:{link.id}")
                seen = [s.key for s in store.site_for(db, guest, site).sections]
                found.append(Reader("guest link", link.label, seen, link.expires_at))
        return found

    def readable_pages(self, site: str) -> list[Page]:
        """Every page, with its text, in every section this person may view."""
        ctx = self.site(site)
        found = []
        for section in ctx.sections:
            for listed in self.pages(site, section.key):
                found.append(self.page(site, section.key, listed.slug))
        return found

    def attachments(self, site: str, page: Page) -> list[Attachment]:
        """The photos, recordings and files on a page this person has loaded (issue #17)."""
        return files.for_page(self.__db, self.site(site), page)

    def history(self, site: str, section: str, page: str) -> list[Revision]:
        return store.history(
            self.__db, self.actor, site=self.site(site), section=section, page=page
        )[2]

    def revision(self, site: str, section: str, page: str, number: int) -> Revision:
        return store.get_revision(
            self.__db, self.actor, site=self.site(site), section=section, page=page, number=number
        )[2]

    def save(
        self, site: str, section: str, page: str, *, body: str, base_revision: int | None, summary: str = "",
        title: str | None = None,
    ) -> Page:  # fmt: skip
        return store.save_page(self.__db, self.actor, site=self.site(site), section=section, page=page, body=body,
                               base_revision=base_revision, summary=summary, title=title).page  # fmt: skip

    def save_merging(
        self, site: str, section: str, page: str, *, body: str, base_revision: int, summary: str = "",
        title: str | None = None,
    ) -> tuple[Page, bool]:  # fmt: skip
        """``save``, but a stale base is merged three ways (issue #26): the page saved, and
        whether someone else's change was merged in; ``Clashed`` when both changed one item."""
        done = merging.save_merging(self.__db, self.actor, site=self.site(site), section=section, page=page,
                                    body=body, base_revision=base_revision, summary=summary, title=title)  # fmt: skip
        return done.saved.page, done.merged

    def draft(self, site: str, section: str, page: str) -> drafts.Draft | None:
        """This person's own unsaved words for the page (issue #26); nobody else's."""
        return drafts.mine(self.__db, self.actor, site=self.site(site), section=section, page=page)

    def keep_draft(
        self, site: str, section: str, page: str, *, form: str, fields: dict[str, str], base: int | None
    ) -> None:  # fmt: skip
        """Keep a form's words as this person's draft of the page (issue #26)."""
        found = self.page(site, section, page)
        drafts.keep(self.__db, self.actor, site=self.site(site), section=section, page=page,
                    title=found.title, body=found.body, base=base, form=form, fields=fields)  # fmt: skip

    def add_section(self, site: str, *, key: str, title: str, template: str | None = None) -> None:
        """Add a section (stewards only); the store refuses a bad or reserved address and a
        bad title exactly as it does for the web form and the API (issue #13)."""
        store.add_section(self.__db, self.actor, site=self.site(site), key=key, title=title,
                          template=template)  # fmt: skip
        self.__sites.pop(site, None)  # its sections changed: load it afresh when next asked

    def safe_to_copy_into(self, site: str, section: str) -> list[str]:
        """Keys of the sections this person may view whose words may be copied into a page
        of ``section``: everyone who may read ``section`` (people, groups, invitations,
        guest links) may read each of them too, for as long (issue #17). Needs edit on
        ``section``. A plugin that saves a copy or summary leaves out everything else."""
        return audience.safe_to_copy_into(self.__db, self.actor, site=self.site(site), into=section)

    def allows(self, site: str, action: str, section: str | None = None) -> bool:
        """May this person do the named action (``wiki.access``) here? False, not an error,
        for a site or section they cannot see."""
        try:
            return self.site(site).allows(action, section)
        except NotFound:
            return False

    def audit(
        self, site: str, *, action: str | None = None, section: str | None = None
    ) -> list[AuditEntry]:
        """The site's audit entries (owner and stewards only; others get Forbidden)."""
        return store.list_audit(
            self.__db, self.actor, site=self.site(site), action=action, section=section, limit=500
        )

    def guest_site(self) -> str:
        """For a guest-link reader: the site their link belongs to (NotFound otherwise)."""
        if not self.actor.is_guest:
            raise NotFound()
        return guest_site_slug(self.__db, self.actor)

    def note(self, site: str, *, action: str, section: str | None = None, detail: str = "") -> None:
        """Record something this person did in the site's audit log (they must see the section)."""
        store.note_in_audit(
            self.__db,
            self.actor,
            site=self.site(site),
            action=action,
            section=section,
            detail=detail,
        )


def context_of(request: Request) -> PluginContext:
    """The plugin context for the person making this request."""
    # One per request, so the site and the decision are loaded once for the route and
    # every plugin it calls (issue #13).
    found: PluginContext | None = getattr(request.state, "plugin_context", None)
    if found is None:
        found = PluginContext(request.app.state.db, request.state.actor)
        request.state.plugin_context = found
    return found


def shown(
    request: Request, site: SiteContext, found: Page, root: str, *, reader: Actor | None = None
) -> Page:
    """The page as this reader is shown it: a plugin may put HTML of its own in place of the
    stored HTML (the ``page_content`` hook), drawn through the reader's own access —
    ``reader`` for "see it as", otherwise the person asking (issue #14)."""
    db = request.app.state.db
    context = context_of(request) if reader is None else PluginContext(db, reader)
    context.remember(site)
    html = request.app.state.plugins.hook.page_content(
        context=context, site=site, page=found, root=root
    )
    return found if html is None else dataclasses.replace(found, html=html)


def _builtin_modules() -> list[Any]:
    return [
        importlib.import_module(f"plugins.{m.name}")
        for m in pkgutil.iter_modules(builtin_plugins.__path__)
        if not m.name.startswith("_")
    ]


class _CoreActions:
    """The core declares its named actions through the same hook as every plugin (#25)."""

    @hookspecs.hookimpl
    def actions(self) -> list[policy.Action]:
        return core_actions()


def make_manager(
    *, extra: list[Any] | None = None, entry_points: bool = True
) -> pluggy.PluginManager:
    """Built-in plugins, then installed ones (entry points), then any given directly."""
    pm = pluggy.PluginManager("planwiki")
    pm.add_hookspecs(hookspecs)
    pm.register(_CoreActions(), name="planwiki.core")
    for module in _builtin_modules():
        pm.register(module, name=f"planwiki.{module.__name__.split('.')[-1]}")
    if entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra or []:
        pm.register(plugin)
    return pm


def rule_book(pm: pluggy.PluginManager) -> policy.RuleBook:
    """The app's rule book: every action the core and its plugins declare (issues #13, #25).
    A plugin declaring a core action differently stops the app from starting."""
    return policy.RuleBook(collect(pm.hook.actions()))


def describe(pm: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """Each plugin's name and the hooks it implements (for ``planwiki plugins``)."""
    rows = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        rows.append((name, hooks))
    return rows


def collect(hook_results: list[list[Any]]) -> list[Any]:
    return [item for result in hook_results for item in (result or [])]
