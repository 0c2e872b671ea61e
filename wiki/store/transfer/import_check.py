"""Checking an export before anything is written: every file read, every field checked,
within size limits (issue #7; split out of ``transfer.py`` in issue #13).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from wiki.errors import TooLarge
from wiki.models import CORE_RESERVED_SECTION_KEYS, MAX_INTRO
from wiki.store.transfer.archive import (
    FORMAT,
    FORMAT_VERSION,
    MAX_ATTACHMENT_BYTES,
    MAX_BODY_CHARS,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    read_front_matter,
)
from wiki.store.transfer.parsed import (
    Parsed,
    _bad,
    _date_of_birth,
    _email,
    _int,
    _Page,
    _Revision,
    _slug,
    _text,
    _when,
)


def parse_export(data: bytes | Path) -> Parsed:
    """Read and check a planwiki zip (its bytes, or a file), all of it, before anything is
    written. Attachment files are checked when they are written (``write_import``)."""
    try:
        archive = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _bad("That file is not a planwiki export (it is not a zip file).") from None
    try:
        return _parse_export(archive)
    except (AttributeError, TypeError, KeyError):  # a value of the wrong shape somewhere
        archive.close()
        raise _bad(
            "That export is damaged: some of its files are not in the expected form."
        ) from None
    except BaseException:
        archive.close()
        raise


def _parse_export(archive: zipfile.ZipFile) -> Parsed:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise TooLarge(f"That export has more than {MAX_ENTRIES:,} files.")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES or any(
        i.file_size
        > (MAX_ATTACHMENT_BYTES if i.filename.startswith("attachments/") else MAX_FILE_BYTES)
        for i in infos
    ):
        raise TooLarge("That export is too large to bring in here.")
    names = {i.filename for i in infos}

    def read(name: str) -> str:
        if name not in names:
            raise _bad(f"The export has no {name}.")
        try:
            with archive.open(name) as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise _bad(f"{name} in the export is damaged.") from None
        if len(raw) > MAX_FILE_BYTES:
            raise TooLarge(f"{name} is too large.")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad(f"{name} is not UTF-8 text.") from None

    def read_json(name: str) -> Any:
        try:
            return json.loads(read(name))
        except ValueError:
            raise _bad(f"{name} in the export is not readable JSON.") from None

    manifest = read_json("planwiki.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad("That file is not a planwiki export.")
    if manifest.get("version") != FORMAT_VERSION:
        raise _bad("That export was made by a newer planwiki; update this one first.")
    site = read_json("site.json")
    if isinstance(site, dict) and site.get("owner") is None and not site.get("person_name"):
        raise _bad("site.json names neither the plan's owner nor the young person it is for.")
    if not isinstance(site, dict):
        raise _bad("site.json is not readable.")
    site = {
        "slug": _slug(site.get("slug"), "The site's address"),
        "title": _text(site.get("title"), "The site's name"),
        # A plan made for someone may have no owner yet (issue #14).
        "owner": _email(site.get("owner"), "The owner's email"),
        "pending_owner": _email(site.get("pending_owner"), "The address the plan was offered to"),
        "person_name": _person_name(site.get("person_name")),
        "date_of_birth": _date_of_birth(site.get("date_of_birth")),
        "theme": _slug(site.get("theme") or "default", "The theme"),
        "created_at": _when(site.get("created_at"), "The site"),
        "control_review": site.get("control_review"),
        # Older exports have neither (issue #16).
        "intro": _text(site.get("intro") or "", "The introduction", limit=MAX_INTRO, empty=True),
        "photo": site.get("photo") if isinstance(site.get("photo"), str) else None,
    }
    structure = read_json("structure.json")
    raw_sections = structure.get("sections") if isinstance(structure, dict) else None
    if not isinstance(raw_sections, list):
        raise _bad("structure.json has no list of sections.")
    sections: list[dict[str, Any]] = []
    pages: list[_Page] = []
    seen_keys: set[str] = set()
    for s in raw_sections:
        if not isinstance(s, dict):
            raise _bad("structure.json: a section is not readable.")
        key = _slug(s.get("key"), "A section's address")
        if key in CORE_RESERVED_SECTION_KEYS or key in seen_keys:
            raise _bad(f"The section address “{key}” cannot be used (it is reserved or repeated).")
        seen_keys.add(key)
        template = s.get("template")
        if template is not None and (not isinstance(template, str) or len(template) > 60):
            raise _bad(f"Section “{key}” has an unreadable template.")
        sections.append(
            {
                "key": key,
                "title": _text(s.get("title"), f"Section “{key}”'s name"),
                "position": _int(s.get("position"), f"Section “{key}”'s position"),
                "template": template,
            }
        )
        seen_slugs: set[str] = set()
        for p in s.get("pages") or []:
            if not isinstance(p, dict):
                raise _bad(f"structure.json: a page in “{key}” is not readable.")
            slug = _slug(p.get("slug"), f"A page address in “{key}”")
            if slug in seen_slugs:
                raise _bad(f"Two pages in “{key}” have the address “{slug}”.")
            seen_slugs.add(slug)
            old = p.get("old_addresses") or []
            if not isinstance(old, list):
                raise _bad(f"{key}/{slug}: the old addresses are not a list.")
            pages.append(
                _read_page(
                    read,
                    names,
                    key,
                    slug,
                    position=_int(p.get("position"), f"{key}/{slug}'s position") or 0,
                    old=[_slug(o, f"An old address of {key}/{slug}") for o in old],
                    history=bool(manifest.get("history")),
                )
            )
    parsed = Parsed(manifest, site, sections, pages, archive=archive)
    if manifest.get("scope") == "full":
        _read_circle(parsed, read_json, seen_keys)
    if "attachments.json" in names:
        _read_attachments(parsed, read_json("attachments.json"), names)
    return parsed


_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _read_attachments(parsed: Parsed, listed: Any, names: set[str]) -> None:
    if not isinstance(listed, list):
        raise _bad("attachments.json is not a list.")
    pages = {(p.section, p.slug) for p in parsed.pages}
    for a in listed:
        where = (a.get("section"), a.get("page"))
        if where not in pages:
            raise _bad("attachments.json names a page that is not in the export.")
        file = a.get("file")
        if file is not None and (not isinstance(file, str) or file not in names):
            raise _bad("attachments.json names a file that is not in the export.")
        for optional in ("stored", "thumb"):
            value = a.get(optional)
            if value is not None and (not isinstance(value, str) or ".." in value.split("/")):
                raise _bad("attachments.json has a file place that cannot be used.")
        key = a.get("key")
        parsed.attachments.append(
            {
                "key": key if isinstance(key, str) and _KEY.match(key) else None,
                "section": where[0],
                "page": where[1],
                "name": _text(a.get("name"), "An attachment's name", limit=200),
                "media_type": a.get("media_type") if isinstance(a.get("media_type"), str) else "",
                "caption": _text(
                    a.get("caption") or "", "An attachment's words", limit=500, empty=True
                ),
                "transcript": _text(
                    a.get("transcript") or "", "A transcript", limit=20_000, empty=True
                ),
                "main": bool(a.get("main")),
                "created_at": _when(a.get("created_at"), "An attachment"),
                "uploaded_by": _email(a.get("uploaded_by"), "An attachment's author"),
                "file": file,
                "stored": a.get("stored"),
                "thumb": a.get("thumb"),
                "kind": a.get("kind"),
                "size": a.get("size"),
                "width": a.get("width"),
                "height": a.get("height"),
            }
        )


def _read_page(
    read: Any,
    names: set[str],
    section: str,
    slug: str,
    *,
    position: int,
    old: list[str],
    history: bool,
) -> _Page:
    where = f"pages/{section}/{slug}.md"
    meta, body = read_front_matter(read(where), where)
    if len(body) > MAX_BODY_CHARS:
        raise TooLarge(f"{where} is longer than a page can be ({MAX_BODY_CHARS:,} characters).")
    number = _int(meta.get("revision"), f"{where}: the revision")
    if not number:
        raise _bad(f"{where}: the revision must be 1 or more.")
    page = _Page(
        section=section,
        slug=slug,
        title=_text(meta.get("title"), f"{where}: the title"),
        position=position,
        revision=number,
        created_at=_when(meta.get("created_at"), where) or "",
        updated_at=_when(meta.get("updated_at"), where) or "",
        updated_by=_email(meta.get("updated_by"), f"{where}: updated_by"),
        old_addresses=old,
        revisions=[],
    )
    prefix = f"history/{section}/{slug}/"
    files = sorted(n for n in names if n.startswith(prefix) and n.endswith(".md"))
    if history and files:
        numbers: set[int] = set()
        for name in files:
            rmeta, rbody = read_front_matter(read(name), name)
            n = _int(rmeta.get("number"), f"{name}: the number")
            if not n or n in numbers:
                raise _bad(f"{name}: the revision number is missing or repeated.")
            numbers.add(n)
            if len(rbody) > MAX_BODY_CHARS:
                raise TooLarge(f"{name} is longer than a page can be.")
            page.revisions.append(
                _Revision(
                    number=n,
                    title=_text(rmeta.get("title"), f"{name}: the title"),
                    body=rbody,
                    summary=_text(
                        rmeta.get("summary") or "", f"{name}: the summary", limit=300, empty=True
                    ),
                    base=_int(rmeta.get("base"), f"{name}: the base", optional=True),
                    created_at=_when(rmeta.get("created_at"), name) or "",
                    author=_email(rmeta.get("author"), f"{name}: the author"),
                )
            )
        page.revisions.sort(key=lambda r: r.number)
        last = page.revisions[-1]
        if last.number != number or last.body != body or last.title != page.title:
            raise _bad(
                f"{where} does not match the last revision in {prefix} (was it edited by hand?)."
            )
    else:
        page.revisions.append(
            _Revision(number, page.title, body, "", None, page.updated_at, page.updated_by)
        )
    return page


def _read_circle(parsed: Parsed, read_json: Any, sections: set[str]) -> None:
    circle = read_json("circle.json")
    if not isinstance(circle, dict):
        raise _bad("circle.json is not readable.")
    for g in circle.get("groups") or []:
        parsed.groups.append(
            {
                "key": _slug(g.get("key"), "A group's key"),
                "title": _text(g.get("title"), "A group's name"),
            }
        )
    group_keys = {g["key"] for g in parsed.groups}
    for m in circle.get("members") or []:
        groups = m.get("groups") or []
        if not isinstance(groups, list) or any(g not in group_keys for g in groups):
            raise _bad("circle.json: a member is in a group that does not exist.")
        parsed.members.append(
            {
                "email": _email(m.get("email"), "A member's email", optional=False),
                "name": _text(m.get("name"), "A member's name"),
                "relationship": _text(
                    m.get("relationship") or "", "A relationship", limit=80, empty=True
                ),
                "groups": groups,
                "created_at": _when(m.get("created_at"), "A member"),
            }
        )
    grants = read_json("grants.json")
    if not isinstance(grants, list):
        raise _bad("grants.json is not a list.")
    for g in grants:
        person = _email(g.get("person"), "A grant's person")
        group = g.get("group")
        if (person is None) == (group is None) or (group is not None and group not in group_keys):
            raise _bad("grants.json: each rule needs a person or a group of this circle.")
        section = g.get("section")
        if section != "*" and section not in sections:
            raise _bad("grants.json: a rule names a section that is not in the export.")
        if g.get("capability") not in ("view", "edit", "manage"):
            raise _bad("grants.json: a rule has an unknown capability.")
        parsed.grants.append(
            {
                "person": person,
                "group": group,
                "section": section,
                "capability": g["capability"],
                "expires_at": _when(g.get("expires_at"), "A grant's end", optional=True),
                "created_by": _email(g.get("created_by"), "A grant's author"),
                "created_at": _when(g.get("created_at"), "A grant"),
            }
        )
    links = read_json("links.json")
    if not isinstance(links, list):
        raise _bad("links.json is not a list.")
    for link in links:
        if link.get("section") not in sections:
            raise _bad("links.json: a guest link names a section that is not in the export.")
        parsed.links.append(
            {
                "ref": _int(link.get("ref"), "A guest link's number"),
                "section": link["section"],
                "label": _text(link.get("label") or "", "A guest link's label", empty=True),
                "expires_at": _when(link.get("expires_at"), "A guest link's end"),
                "revoked_at": _when(link.get("revoked_at"), "A guest link", optional=True),
                "created_by": _email(link.get("created_by"), "A guest link's author"),
                "created_at": _when(link.get("created_at"), "A guest link"),
            }
        )
    audit = read_json("audit.json")
    if not isinstance(audit, list):
        raise _bad("audit.json is not a list.")
    for a in audit:
        parsed.audit.append(
            {
                "at": _when(a.get("at"), "A log entry"),
                "person": _email(a.get("person"), "A log entry's person"),
                "link": _int(a.get("link"), "A log entry's link", optional=True),
                "action": _text(a.get("action"), "A log entry's action", limit=60),
                "section": a.get("section") if isinstance(a.get("section"), str) else None,
                "page": a.get("page") if isinstance(a.get("page"), str) else None,
                "detail": _text(a.get("detail") or "", "A log entry", limit=2000, empty=True),
            }
        )


def _person_name(value: Any) -> str:
    """The young person's name (exports before issue #14 have none: the owner's is used)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > 120:
        raise _bad("The young person's name is not readable.")
    return value.strip()
