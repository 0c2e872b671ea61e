"""Search within one site, or across every site a person can see (issue #7).

The index (``search_index``, migration 0005) is kept in step with every save by
triggers. A search is narrowed to the sections the person may view at this moment
*inside* the full-text match — through the scope tokens each row carries — and again
in plain SQL (``section_id IN (...)``), so rows from other sections are never read
out, ranked, counted or snippeted. What you may not see does not exist for you: no
hit, no snippet, no count, no title.

What people type is never passed to FTS5 as syntax: every word or quoted phrase
becomes a quoted FTS phrase, so stray quotes, ``AND``/``OR``, ``*`` or ``NEAR(`` can only
ever find words, never cause an error.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from wiki.db import Database
from wiki.errors import NotFound, NotSignedIn
from wiki.models import Actor, Section
from wiki.store.context import SiteContext, site_for
from wiki.store.search_index import index_health, index_in_step, rebuild_index
from wiki.store.sites import list_sites

OPEN, CLOSE = "\x02", "\x03"  # snippet markers; the index never holds them (see 0005)
# The operator's tools for the index live in their own module (issue #25); named here too.
__all__ = [
    "Hit",
    "Results",
    "index_health",
    "index_in_step",
    "rebuild_index",
    "search_all",
    "search_site",
]

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
PAGE_SIZE = 20
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_WORD = re.compile(r"\w+", re.UNICODE)

NO_WORDS = "Type one or more words to search for."
TRY_AGAIN = "We could not search for that. Try different words."


@dataclass
class Hit:
    site: str
    site_title: str
    section: str
    section_title: str
    page: str
    title: Markup  # escaped, with <mark> around matched words
    snippet: Markup  # escaped, with <mark> around matched words
    revision: int
    current: bool  # False: an older revision of the page
    updated_at: str
    url: str
    kind: str = "page"  # page, revision, or attachment (a file on the page)
    page_title: str = ""

    @property
    def plain_snippet(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", str(self.snippet)))

    @property
    def plain_title(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", str(self.title)))


@dataclass
class Results:
    query: str
    history: bool = False
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: int = PAGE_SIZE
    message: str | None = None  # a plain-words reason there are no results

    @property
    def more(self) -> bool:
        return self.offset + len(self.hits) < self.total


def fts_phrases(text: str) -> list[str]:
    """What the person typed, as quoted FTS5 phrases (implicitly ANDed).

    ``"a phrase"`` in balanced quotes stays a phrase; every other whitespace-separated
    term becomes a phrase of its words (``o'neil`` → ``"o neil"``); bare AND/OR/NOT/NEAR
    are dropped as operators; ``*`` is ignored (a prefix search merges every matching
    word of the whole index: seconds on a big server, whoever's pages they are). Nothing the
    person types can reach FTS5 as syntax: only word characters go inside the quotes.
    """
    text = text[:MAX_QUERY_CHARS]
    phrases: list[str] = []
    for part in re.split(r'("[^"]*")', text):
        if len(part) >= 2 and part.startswith('"') and part.endswith('"'):
            words = _WORD.findall(part[1:-1])
            if words:
                phrases.append('"' + " ".join(words) + '"')
            continue
        for raw in part.replace('"', " ").split():
            if raw in _OPERATORS:
                continue
            words = _WORD.findall(raw)
            if not words:
                continue
            phrases.append('"' + " ".join(words) + '"')
    return phrases[:MAX_TERMS]


def _scope_tokens(ctx: SiteContext, history: bool) -> list[str]:
    """The index tokens for the sections this person may view in one site."""
    whole_site = ctx.allows("view", "*")
    kinds = ["c", "r"] if history else ["c"]
    if whole_site:
        return [f"{k}s{ctx.site.id}" for k in kinds]
    return [f"{k}c{s.id}" for k in kinds for s in ctx.sections]


# Ranking uses only the row itself: how often the words are in its title, section name
# and text (each hit adds one marker in ``highlight``), the text's length for balance.
# bm25 would also weigh each word by how common it is in the *whole* index, which costs
# a scan of every row holding it (slow on a big server) and lets other people's pages,
# and sections you may not see, change the order and the time of your results.
_HITS = "(length(highlight(search_index, {n}, char(2), '')) - length({column}))"
_SCORE = (
    f"(8.0 * {_HITS.format(n=0, column='title')} + 3.0 * {_HITS.format(n=2, column='section')}"
    f" + {_HITS.format(n=1, column='body')} / (1.0 + length(body) / 2000.0))"
)


def _match(phrases: list[str], scope: list[str]) -> str:
    return f"{{title body section}} : ({' '.join(phrases)}) AND scope : ({' OR '.join(scope)})"


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*`|~]+|\b__|__\b|^\s*(?:#+|>|[-+])\s", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def marked(text: str | None, *, markdown: bool = False) -> Markup:
    """Escape everything; only our own markers become <mark> … </mark>."""
    text = text or ""
    if markdown:
        text = _MARKDOWN_MARKS.sub(" ", _MARKDOWN_LINK.sub(r"\1", text))
    text = _SPACE.sub(" ", text).strip()
    escaped = html.escape(text, quote=True)
    if escaped.count(OPEN) != escaped.count(CLOSE):
        escaped = escaped.replace(OPEN, "").replace(CLOSE, "")
    return Markup(escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))  # noqa: S704 - escaped above


# Scoring reads each row's text again (highlight), so it is kept to a bounded set: every
# row with the words in its title, and the SCORED_ROWS newest other rows (~0.04 ms a row of
# 3 KB; 300 made a common word cost 20+ ms). A search that matches more (a common word
# across fifty plans, or a plan's history) lists the rest after them, newest first.
# Issue #8: search p99 under 50 ms on a council's data. Issue #15: 50 rather than 100, the
# search p99 under the mixed load: 100 rows' scoring was half of a search's own cost
# (4.2 of 8.3 ms for a word in every page), and one plan rarely has 50 pages with a word.
SCORED_ROWS = 50


def _rows_at_once(db: Database, sql: str, params: list[Any]) -> list[list[Any]]:
    """A query's (id, n) rows as one JSON value: SQLite makes the whole list while Python's lock is
    let go, instead of the search thread taking the lock back for every row, which under
    load means waiting each time for the event loop's thread (issue #8)."""
    # MATERIALIZED: FTS5's highlight() cannot run inside an aggregate's flattened subquery.
    found = db.one(
        f"WITH q AS MATERIALIZED ({sql}) SELECT json_group_array(json_array(id, n)) FROM q",  # noqa: S608 - callers pass only "?" marks and fixed words
        params,
    )
    return json.loads(found[0]) if found and found[0] else []


def _ranked_rowids(db: Database, match: str, *, where: str, params: list[int]) -> list[int]:
    """Every matching row this person may see, best first."""
    title_hits = _HITS.format(n=0, column="title")  # titles are short: cheap to mark
    every = sorted(
        _rows_at_once(
            db,
            f"SELECT rowid AS id, {title_hits} AS n FROM search_index WHERE {where}",  # noqa: S608 - only "?" marks and fixed words
            [match, *params],
        ),
        reverse=True,  # newest first
    )
    if not every:
        return []
    # (A list of rowids to score in "rowid IN (…)" would make FTS5 run the query once for
    # each of them; a range and a CASE keep it to one pass.)
    cutoff = every[min(SCORED_ROWS, len(every)) - 1][0]
    titled = [rowid for rowid, hits in every[SCORED_ROWS:] if hits]
    # Only the scored rows come back: MATERIALIZED, because a flattened subquery would work
    # out the score twice, once to filter and once to return.
    #
    # The sections and kinds this person may see were checked by the listing above; this
    # pass matches on the words only and keeps rows that the listing gave. Reading a row's
    # section_id or kind means reading its whole stored text (the columns come after the
    # body): 4–5 ms for a common word across fifty plans (issue #8).
    visible = {rowid for rowid, _hits in every}
    scored = _rows_at_once(
        db,
        f"WITH s AS MATERIALIZED (SELECT rowid AS id, CASE WHEN rowid >= ? OR rowid IN ({','.join('?' * len(titled))})"  # noqa: S608 - as above
        f" THEN {_SCORE} END AS n FROM search_index WHERE search_index MATCH ? AND rowid >= ?)"
        " SELECT id, n FROM s WHERE n IS NOT NULL",
        [cutoff, *titled, match, min([cutoff, *titled])],
    )
    ranked = sorted(
        ((rowid, score) for rowid, score in scored if rowid in visible),
        key=lambda r: (-r[1], -r[0]),
    )
    placed = {rowid for rowid, _score in ranked}
    return [rowid for rowid, _score in ranked] + [r for r, _h in every if r not in placed]


def _run(
    db: Database,
    contexts: list[SiteContext],
    *,
    query: str,
    history: bool,
    limit: int,
    offset: int,
) -> Results:
    limit = max(1, min(limit, 100))
    offset = max(0, min(offset, 10_000))
    results = Results(query=query, history=history, offset=offset, limit=limit)
    phrases = fts_phrases(query)
    if not phrases:
        results.message = NO_WORDS
        return results
    scope = [token for ctx in contexts for token in _scope_tokens(ctx, history)]
    sections: dict[int, tuple[SiteContext, Section]] = {
        s.id: (ctx, s) for ctx in contexts for s in ctx.sections
    }
    if not scope or not sections:
        return results
    match = _match(phrases, scope)
    ids = list(sections)
    marks = ",".join("?" * len(ids))
    kinds = "('page', 'attachment', 'revision')" if history else "('page', 'attachment')"
    where = f"search_index MATCH ? AND section_id IN ({marks}) AND kind IN {kinds}"
    try:
        ordered = _ranked_rowids(db, match, where=where, params=ids)
        results.total = len(ordered)
        chosen = ordered[offset : offset + limit]
        # One pass over the range that holds this page of results, marking only the
        # chosen rows ("rowid IN (…)" would run the full-text query once per row).
        in_chosen = f"rowid IN ({','.join('?' * len(chosen))})"
        rows = (
            db.all(
                f"WITH s AS MATERIALIZED (SELECT rowid, kind, section_id, page_id, number, {in_chosen} AS chosen,"  # noqa: S608 - only "?" marks and fixed words are interpolated
                f" CASE WHEN {in_chosen} THEN highlight(search_index, 0, '{OPEN}', '{CLOSE}') END AS title_marked,"
                f" CASE WHEN {in_chosen} THEN snippet(search_index, 1, '{OPEN}', '{CLOSE}', '…', 24) END AS snippet_marked"
                # only the words: every chosen row passed the listing's checks (see above)
                " FROM search_index WHERE search_index MATCH ? AND rowid BETWEEN ? AND ?)"
                " SELECT * FROM s WHERE chosen",
                [*chosen, *chosen, *chosen, match, min(chosen), max(chosen)],
            )
            if chosen
            else []
        )
    except sqlite3.OperationalError:
        results.message = TRY_AGAIN
        return results
    order = {rowid: n for n, rowid in enumerate(chosen)}
    rows.sort(key=lambda r: order[r["rowid"]])
    if not rows:
        return results
    page_ids = sorted({r["page_id"] for r in rows})
    pages = {
        p["id"]: p
        for p in db.all(
            f"SELECT id, slug, title, revision, updated_at FROM pages WHERE id IN ({','.join('?' * len(page_ids))})"  # noqa: S608
            f" AND section_id IN ({marks})",
            [*page_ids, *ids],
        )
    }
    for r in rows:
        found = pages.get(r["page_id"])
        if found is None:  # removed between the two reads
            continue
        ctx, section = sections[r["section_id"]]
        current = r["kind"] != "revision"
        url = f"/s/{ctx.site.slug}/{section.key}/{found['slug']}"
        if not current:
            url += f"/revisions/{r['number']}"
        results.hits.append(
            Hit(
                site=ctx.site.slug,
                site_title=ctx.site.title,
                section=section.key,
                section_title=section.title,
                page=found["slug"],
                title=marked(r["title_marked"]),
                snippet=marked(r["snippet_marked"], markdown=True),
                revision=int(r["number"] if r["number"] is not None else found["revision"]),
                current=current,
                updated_at=found["updated_at"],
                url=url,
                kind=r["kind"],
                page_title=found["title"],
            )
        )
    return results


def _signed_in(actor: Actor) -> None:
    if actor.user_id is None and not actor.is_guest:
        raise NotSignedIn("Sign in to search.")


def _may_search(ctx: SiteContext) -> bool:
    """The rule book's ``search`` (issue #25): a signed-in reader of this plan. A guest link
    is a window on one section, not a search box: for it the search is not there at all."""
    return ctx.allows("search")


def search_site(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    query: str,
    history: bool = False,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> tuple[SiteContext, Results]:
    """Search one site, in the sections this person may view now."""
    _signed_in(actor)
    ctx = site_for(db, actor, site)
    if not _may_search(ctx):
        raise NotFound()
    return ctx, _run(db, [ctx], query=query, history=history, limit=limit, offset=offset)


def search_all(
    db: Database,
    actor: Actor,
    *,
    query: str,
    history: bool = False,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Results:
    """Search every site this person can see, in the sections they may view now."""
    _signed_in(actor)
    if actor.is_guest:
        raise NotFound()
    contexts = [ctx for ctx in list_sites(db, actor) if _may_search(ctx)]
    return _run(db, contexts, query=query, history=history, limit=limit, offset=offset)
