"""The JSON API under /api/v1: the same store, the same policy, the same 404s as the pages."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from wiki import __version__, accounts, store
from wiki.db import Database
from wiki.errors import Invalid, NotSignedIn, TooLarge, WikiError
from wiki.models import (
    Actor,
    MeOut,
    Page,
    PageListItem,
    PageOut,
    PageSave,
    Preferences,
    RevisionOut,
    SectionCreate,
    SectionOut,
    SiteCreate,
    SiteDetailOut,
    SiteOut,
    is_slug,
)
from wiki.openapi import Api
from wiki.routes import site_setup
from wiki.routes.common import actor_of, db_of, prepared_text, revision_number, settings_of
from wiki.store import introduction, merging
from wiki.templates import available_themes

api = Api("/api/v1", title="planwiki", version=__version__)
M = TypeVar("M", bound=BaseModel)


def _actor(request: Request) -> Actor:
    actor = actor_of(request)
    if request.state.bad_token:
        raise NotSignedIn("That token is not valid (it may have been revoked). Create a new one.")
    if not actor.signed_in:
        raise NotSignedIn(
            "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."
        )
    return actor


async def _body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise WikiError("Send the body as JSON, with 'Content-Type: application/json'.")
    limit = settings_of(request).max_json_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"The request is too large: the limit is {limit // 1000:,} KB.")
    raw = await request.body()
    if len(raw) > limit:
        raise TooLarge(f"The request is too large: the limit is {limit // 1000:,} KB.")
    data = parse_json(raw)
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in invalid.errors()}
        raise Invalid(
            "Some fields are not valid: " + "; ".join(f"{k}: {v}" for k, v in fields.items()),
            fields=fields,
        ) from None


# What JSON may hold here (issue #15): every value must fit SQLite and UTF-8, so a body
# is refused (400) before validation when it nests absurdly deep, holds a number beyond
# 64 bits, NaN or Infinity, or a lone surrogate ("\ud800") that no UTF-8 text can carry.
MAX_JSON_DEPTH = 32
_INT_RANGE = range(-(2**63), 2**63)


def _no_constants(name: str) -> Any:
    raise WikiError(f"The body is not valid JSON: {name} is not a number here.")


def parse_json(raw: bytes) -> Any:
    """The body's JSON, or WikiError (400) with a plain reason."""
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError) as bad:
        raise WikiError(f"The body is not valid JSON: {bad}.") from None
    except RecursionError:
        raise WikiError(f"The body nests more than {MAX_JSON_DEPTH} levels deep.") from None
    _check_json(data, 0)
    return data


def _check_json(value: Any, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise WikiError(f"The body nests more than {MAX_JSON_DEPTH} levels deep.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise WikiError(
                "The body holds text that is not valid Unicode (a lone surrogate such as \\ud800)."
            ) from None
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if value not in _INT_RANGE:
            raise WikiError("The body holds a number too large to store (beyond 64 bits).")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise WikiError("The body holds a number too large to store.")
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, depth + 1)
            _check_json(item, depth + 1)


def ok(model: BaseModel | list[BaseModel] | dict[str, Any], status: int = 200) -> JSONResponse:
    if isinstance(model, list):
        content: Any = [m.model_dump(mode="json") for m in model]
    elif isinstance(model, BaseModel):
        content = model.model_dump(mode="json")
    else:
        content = model
    return JSONResponse(content, status_code=status)


def page_out(site: str, found: Page) -> PageOut:
    return PageOut(
        site=site,
        section=found.section.key,
        slug=found.slug,
        title=found.title,
        body=found.body,
        revision=found.revision,
        updated_at=found.updated_at,
        updated_by=found.updated_by,
    )


def _p(request: Request, name: str) -> str:
    return str(request.path_params[name])


@api.route("GET", "/me", summary="The caller", response=MeOut)
async def me(request: Request) -> Response:
    actor = _actor(request)
    return ok(MeOut(email=actor.email, name=actor.name))


@api.route(
    "GET",
    "/me/preferences",
    summary="How I read: my own look, text size, easy read and read aloud (issue #16)",
    response=Preferences,
)
async def my_preferences(request: Request) -> Response:
    return ok(_actor(request).preferences)


@api.route(
    "PUT",
    "/me/preferences",
    summary="Change how I read (fields left out go back to their defaults); only my own",
    body=Preferences,
    response=Preferences,
)
async def my_preferences_put(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, Preferences)
    return ok(accounts.set_preferences(db_of(request), actor, body, themes=available_themes()))


@api.route("GET", "/sites", summary="Sites I can see", response=[SiteOut])
async def sites_list(request: Request) -> Response:
    actor = _actor(request)
    found = store.list_sites(db_of(request), actor)
    return ok([site_out(c) for c in found])


def site_out(ctx: store.SiteContext) -> SiteOut:
    """A site as this caller may see it: the date of birth and the pending owner's address
    only for the owner and stewards (``see-personal-details``, issue #14)."""
    return SiteOut(
        slug=ctx.site.slug,
        title=ctx.site.title,
        owner=ctx.site.owner_email,
        pending_owner=ctx.pending_owner,
        person_name=ctx.site.person_name,
        date_of_birth=ctx.date_of_birth,
    )


@api.route(
    "POST",
    "/sites",
    summary="Create a site (I become its owner; with for_email, a steward of a plan made for them)",
    body=SiteCreate,
    response=SiteOut,
    status=201,
)
async def sites_create(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, SiteCreate)
    site = site_setup.create_site(request, actor, body)  # with the template's sections and pages
    return ok(site_out(store.site_for(db_of(request), actor, site.slug)), 201)


def _site_detail(db: Database, ctx: store.SiteContext) -> SiteDetailOut:
    photo = introduction.photo_of(db, ctx)
    return SiteDetailOut(
        **site_out(ctx).model_dump(),
        sections=[
            SectionOut(key=s.key, title=s.title, capability=ctx.level(s.key))  # type: ignore[arg-type]
            for s in ctx.sections
        ],
        intro=ctx.site.intro,
        photo_url=photo.url() if photo else None,
    )


@api.route(
    "GET", "/sites/{site}", summary="A site, with the sections I may view", response=SiteDetailOut
)
async def site_get(request: Request) -> Response:
    db = db_of(request)
    ctx = store.site_for(db, _actor(request), _p(request, "site"))
    return ok(_site_detail(db, ctx))


@api.route(
    "POST",
    "/sites/{site}/sections",
    summary="Add a section",
    body=SectionCreate,
    response=SiteDetailOut,
    status=201,
)
async def section_create(request: Request) -> Response:
    actor, db = _actor(request), db_of(request)
    body = await _body(request, SectionCreate)
    ctx = store.add_section(
        db,
        actor,
        site=_p(request, "site"),
        key=body.key,
        title=body.title,
        template=body.template,
    )
    return ok(_site_detail(db, ctx), 201)


@api.route(
    "GET",
    "/sites/{site}/sections/{section}/pages",
    summary="Pages in a section",
    response=[PageListItem],
)
async def pages_list(request: Request) -> Response:
    _, pages = store.list_pages(
        db_of(request), _actor(request), site=_p(request, "site"), section=_p(request, "section")
    )
    return ok(
        [
            PageListItem(slug=p.slug, title=p.title, revision=p.revision, updated_at=p.updated_at)
            for p in pages
        ]
    )


@api.route("GET", "/sites/{site}/pages/{section}/{page}", summary="Read a page", response=PageOut)
async def page_get(request: Request) -> Response:
    site = _p(request, "site")
    _, found = store.get_page(
        db_of(request),
        _actor(request),
        site=site,
        section=_p(request, "section"),
        page=_p(request, "page"),
    )
    return ok(page_out(site, found))


@api.route(
    "PUT",
    "/sites/{site}/pages/{section}/{page}",
    summary="Save a page (201 when it makes a new page; 409 on a stale base_revision, unless"
    ' "merge": true merges it three ways: 200 with "merged": true, or 409 with "clashes")',
    body=PageSave,
    response=PageOut,
    also={201: "Saved as a new page"},
)
async def page_put(request: Request) -> Response:
    actor = _actor(request)
    body = await _body(request, PageSave)
    site, section, slug = _p(request, "site"), _p(request, "section"), _p(request, "page")
    if not store_slug_ok(slug):
        raise Invalid(
            "The page address must use lower-case letters, numbers and hyphens (up to 60)."
        )
    db, max_chars = db_of(request), settings_of(request).max_page_chars
    ctx = store.site_for(db, actor, site)
    ctx.require("edit", section)  # before the text costs any rendering
    # Rendered off the event loop when long, and refused (422) when nested beyond reason.
    prepared = await prepared_text(db, site=ctx.site.slug, body=body.body, max_chars=max_chars)
    if body.merge:  # a stale base is merged three ways (issue #26)
        merged = merging.save_merging(db, actor, site=ctx, section=section, page=slug, body=body.body,
                                      base_revision=body.base_revision, summary=body.summary,
                                      title=body.title, max_chars=max_chars, prepared=prepared)  # fmt: skip
        out = {**page_out(site, merged.saved.page).model_dump(), "merged": merged.merged}
        return ok(out, 201 if merged.saved.created else 200)
    result = store.save_page(
        db,
        actor,
        site=ctx,
        section=section,
        page=slug,
        body=body.body,
        base_revision=body.base_revision,
        summary=body.summary,
        title=body.title,
        max_chars=max_chars,
        prepared=prepared,
    )
    return ok(page_out(site, result.page), 201 if result.created else 200)


def store_slug_ok(slug: str) -> bool:
    return is_slug(slug)


@api.route(
    "GET",
    "/sites/{site}/pages/{section}/{page}/revisions",
    summary="A page's history",
    response=[RevisionOut],
)
async def revisions_list(request: Request) -> Response:
    _, _, revisions = store.history(
        db_of(request),
        _actor(request),
        site=_p(request, "site"),
        section=_p(request, "section"),
        page=_p(request, "page"),
    )
    return ok(
        [
            RevisionOut(
                number=r.number,
                title=r.title,
                summary=r.summary,
                author=r.author_email,
                base=r.base,
                created_at=r.created_at,
            )
            for r in revisions
        ]
    )


@api.route(
    "GET",
    "/sites/{site}/pages/{section}/{page}/revisions/{n:int}",
    summary="One revision",
    response=RevisionOut,
)
async def revision_get(request: Request) -> Response:
    _, _, r = store.get_revision(
        db_of(request),
        _actor(request),
        site=_p(request, "site"),
        section=_p(request, "section"),
        page=_p(request, "page"),
        number=revision_number(request),
    )
    return ok(
        RevisionOut(
            number=r.number,
            title=r.title,
            summary=r.summary,
            author=r.author_email,
            base=r.base,
            created_at=r.created_at,
            body=r.body,
        )
    )


async def openapi_json(request: Request) -> Response:
    return JSONResponse(api.document())
