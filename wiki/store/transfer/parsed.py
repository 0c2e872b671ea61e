"""What a checked export holds, and the readers that check each of its fields (issue #7;
split out of ``transfer.py`` in issue #13). Every reader raises ``Invalid`` naming the
file and field, so a person bringing a plan learns what is wrong with it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wiki import accounts
from wiki.errors import Invalid
from wiki.models import MAX_TITLE, is_slug


@dataclass
class _Revision:
    number: int
    title: str
    body: str
    summary: str
    base: int | None
    created_at: str
    author: str | None
    html: str = ""


@dataclass
class _Page:
    section: str
    slug: str
    title: str
    position: int
    revision: int
    created_at: str
    updated_at: str
    updated_by: str | None
    old_addresses: list[str]
    revisions: list[_Revision]


@dataclass
class Parsed:
    manifest: dict[str, Any]
    site: dict[str, Any]
    sections: list[dict[str, Any]]
    pages: list[_Page]
    groups: list[dict[str, str]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    archive: zipfile.ZipFile | None = None  # attachment bytes are read from it when written


def _bad(message: str) -> Invalid:
    return Invalid(message, fields={"file": message})


def _text(value: Any, what: str, *, limit: int = MAX_TITLE, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()) or len(value) > limit:
        raise _bad(f"{what} is missing or too long.")
    return value


def _slug(value: Any, what: str) -> str:
    if not is_slug(value):
        raise _bad(f"{what} is not a valid address (lower-case letters, numbers and hyphens).")
    slug: str = value
    return slug


def _when(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{what} is missing its date.")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"{what} has a date that cannot be read: {value[:40]}") from None
    return value


def _email(value: Any, what: str, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{what} is not an email address.")
    try:
        return accounts.normalise_email(value)
    except Invalid:
        raise _bad(f"{what} is not an email address.") from None


def _int(value: Any, what: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _bad(f"{what} is not a number.")
    return value


def _date_of_birth(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad("The date of birth cannot be read.")
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise _bad("The date of birth cannot be read.") from None
