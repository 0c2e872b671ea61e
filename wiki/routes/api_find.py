"""Search, export and import through the JSON API (issue #7).

Registered on the same ``api`` as the core endpoints, so they appear in openapi.json.
"""

from __future__ import annotations

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from wiki.errors import Invalid, TooLarge, WikiError
from wiki.models import is_slug
from wiki.routes.api import _actor, _p, api, ok
from wiki.routes.common import db_of, off_loop_search, settings_of
from wiki.routes.export import send_export
from wiki.store import search, transfer

MAX_IMPORT_BYTES = 100 * 1024 * 1024


class SearchHitOut(BaseModel):
    site: str
    site_title: str
    section: str
    section_title: str
    page: str
    title: str  # plain text
    title_html: str  # escaped, matched words in <mark>
    snippet: str  # plain text
    snippet_html: str  # escaped, matched words in <mark>
    revision: int
    current: bool  # false: an earlier revision of the page
    kind: str  # page, revision, or attachment (a file on the page; title is its name)
    page_title: str
    url: str


class SearchOut(BaseModel):
    query: str
    history: bool
    total: int  # results in the sections you may view (and only those)
    offset: int
    limit: int
    message: str | None = None  # why there are no results, in plain words
    results: list[SearchHitOut]


class ImportOut(BaseModel):
    slug: str
    title: str
    pages: int
    revisions: int
    left_out: list[str]  # circle members with no account here: invite them
    skipped_files: list[str]  # attachments that were not brought in, and why


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    # digits 0-9 only ("²".isdigit() is true) and within SQLite's 64 bits (issue #15)
    if not (raw.isascii() and raw.isdigit()) or int(raw) >= 2**63:
        raise Invalid(f"“{name}” must be a whole number.", fields={name: "Not a number."})
    return int(raw)


def _flag(request: Request, name: str, default: bool) -> bool:
    raw = request.query_params.get(name)
    return default if raw is None else raw.lower() in ("1", "true", "yes", "on")


def _query(request: Request) -> str:
    query = request.query_params.get("q", "")
    if not query.strip():
        raise WikiError("Give the words to search for as q, like ?q=swimming.")
    return query


def _search_out(results: search.Results) -> SearchOut:
    return SearchOut(
        query=results.query,
        history=results.history,
        total=results.total,
        offset=results.offset,
        limit=results.limit,
        message=results.message,
        results=[
            SearchHitOut(
                site=h.site,
                site_title=h.site_title,
                section=h.section,
                section_title=h.section_title,
                page=h.page,
                title=h.plain_title,
                title_html=str(h.title),
                snippet=h.plain_snippet,
                snippet_html=str(h.snippet),
                revision=h.revision,
                current=h.current,
                kind=h.kind,
                page_title=h.page_title,
                url=h.url,
            )
            for h in results.hits
        ],
    )


@api.route(
    "GET",
    "/sites/{site}/search",
    summary="Search a site, in the sections I may view (q, history, limit, offset)",
    response=SearchOut,
)
async def site_search(request: Request) -> Response:
    actor = _actor(request)
    _, results = await off_loop_search(
        search.search_site, db_of(request), actor, site=_p(request, "site"), query=_query(request),
        history=_flag(request, "history", False), limit=_int(request, "limit", search.PAGE_SIZE),
        offset=_int(request, "offset", 0),
    )  # fmt: skip
    return ok(_search_out(results))


@api.route(
    "GET",
    "/search",
    summary="Search every site I can see, in the sections I may view",
    response=SearchOut,
)
async def all_search(request: Request) -> Response:
    actor = _actor(request)
    results = await off_loop_search(
        search.search_all, db_of(request), actor, query=_query(request), history=_flag(request, "history", False),
        limit=_int(request, "limit", search.PAGE_SIZE), offset=_int(request, "offset", 0),
    )  # fmt: skip
    return ok(_search_out(results))


@api.route(
    "GET",
    "/sites/{site}/export",
    summary="The site as a zip (everything for owner and stewards; what I may view otherwise)",
)
async def site_export(request: Request) -> Response:
    actor = _actor(request)
    made = await run_in_threadpool(
        transfer.export_site, db_of(request), actor, site=_p(request, "site"),
        history=_flag(request, "history", True), files_dir=settings_of(request).files_path(),
    )  # fmt: skip
    return send_export(made)


@api.route(
    "POST",
    "/import",
    summary="Bring a plan exported from a planwiki (body: the zip; ?slug= for a new address)",
    response=ImportOut,
    status=201,
)
async def site_import(request: Request) -> Response:
    actor = _actor(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/zip", "application/octet-stream"):
        raise WikiError("Send the zip file as the body, with 'Content-Type: application/zip'.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise TooLarge(
            f"The file is too large: the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB."
        )
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_IMPORT_BYTES:
            raise TooLarge(
                f"The file is too large: the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB."
            )
    slug = request.query_params.get("slug") or None
    if slug is not None and (not is_slug(slug)):
        raise Invalid(
            "slug must use lower-case letters, numbers and hyphens.", fields={"slug": "Invalid."}
        )
    result = await run_in_threadpool(
        transfer.import_site, db_of(request), actor, bytes(data), slug=slug,
        files_dir=settings_of(request).files_path(),
    )  # fmt: skip
    return ok(
        ImportOut(
            slug=result.slug,
            title=result.title,
            pages=result.pages,
            revisions=result.revisions,
            left_out=result.left_out,
            skipped_files=result.skipped_files,
        ),
        201,
    )
