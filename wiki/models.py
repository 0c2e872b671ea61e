"""The product's nouns, and the pydantic models that guard every edge (forms, API bodies)."""

from __future__ import annotations

import calendar
import enum
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

# ---- rules about data: written once here, enforced by the store for every caller --------
# (routes, the API, plugins, import) — issue #13.

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 60
SLUG_HELP = (
    "Use lower-case letters, numbers and single hyphens, up to 60 characters (like my-profile)."
)
MAX_TITLE = 120

# Words that are pages of their own under /s/{site}/ (the core's and the built-in
# plugins'), so they can never be section keys. One list: the web forms, the API, plugins
# and import all refuse them, and a test checks every /s/{site}/WORD route is here.
RESERVED_SECTION_KEYS = frozenset({
    "-", "api", "audit", "ehc-plan", "export", "growing-up", "handover-pack", "owner", "review",
    "search", "sections", "settings", "sharing", "view-as",
})  # fmt: skip


def is_slug(value: object) -> bool:
    """A page, section, site or group address: lower-case letters, digits, single hyphens."""
    return isinstance(value, str) and len(value) <= MAX_SLUG and bool(SLUG_RE.match(value))


def slug_problem(value: object, *, section_key: bool = False) -> str | None:
    """Why this cannot be an address (None when it can)."""
    if not is_slug(value):
        return SLUG_HELP
    if section_key and value in RESERVED_SECTION_KEYS:
        return f"“{value}” is a word the plan uses for its own pages. Choose another address."
    return None


def title_problem(value: object) -> str | None:
    """Why this cannot be a title (None when it can)."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_TITLE:
        return f"Give it a name of up to {MAX_TITLE} characters."
    return None


def _section_key(value: str) -> str:
    problem = slug_problem(value, section_key=True)
    if problem:
        raise ValueError(problem)
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern, min_length=1, max_length=MAX_SLUG)]
SectionKey = Annotated[Slug, AfterValidator(_section_key)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class Capability(enum.IntEnum):
    """What a person may do to a section. Each includes the ones below it."""

    NONE = 0
    VIEW = 1
    EDIT = 2
    MANAGE = 3

    @classmethod
    def parse(cls, name: str) -> Capability:
        return {"view": cls.VIEW, "edit": cls.EDIT, "manage": cls.MANAGE}[name]

    @property
    def label(self) -> str:
        return self.name.lower()


# The standard sections every new site starts with (issue #2).
STANDARD_SECTIONS: list[tuple[str, str, str]] = [
    ("about-me", "About me", "one-page-profile"),
    ("circle", "Circle of support", "circle"),
    ("outcomes", "Outcomes", "outcomes"),
    ("budget", "Personal budget", "budget"),
    ("health", "Health", "health"),
    ("education", "Education", "education"),
    ("reviews", "Reviews", "reviews"),
    ("handover", "Handover", "handover"),
]

STANDARD_GROUPS: list[tuple[str, str]] = [
    ("family", "Family"),
    ("friends", "Friends"),
    ("school", "School or college"),
    ("health", "Health"),
    ("social-care", "Social care"),
    ("paid-support", "Paid support"),
]


@dataclass(frozen=True)
class Actor:
    """Who is asking. Worked out once per request by the middleware and passed explicitly."""

    user_id: int | None = None
    email: str = ""
    name: str = ""
    session_id: str | None = None
    # A guest link lets an anonymous reader view exactly one section of one site.
    guest_link_id: int | None = None
    guest_site_id: int | None = None
    guest_section: str | None = None
    # The operator at the command line (``wiki.access.OPERATOR``); never from a request.
    operator: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def is_guest(self) -> bool:
        return self.guest_link_id is not None


ANONYMOUS = Actor()


@dataclass(frozen=True)
class GrantRow:
    """One grant as the policy sees it."""

    section: str
    capability: Capability
    expires_at: str | None
    user_id: int | None = None
    group_key: str | None = None


@dataclass
class Site:
    id: int
    slug: str
    title: str
    # The young person, once they own it. A plan made for someone has no owner until they
    # accept the offer (``pending_owner``); its stewards run it meanwhile (issue #14).
    owner_id: int | None
    owner_email: str | None
    date_of_birth: str | None  # personal: shown only with "see-personal-details"
    theme: str
    created_at: str
    accent: str | None = None  # the owner's chosen colour, if any (issue #5)
    person_name: str = ""  # the young person's name, even before they have an account
    pending_owner: str | None = None  # the address an offer to own the plan went to
    intro: str = ""  # the young person's own one line: "I'm Rhys. I love buses." (issue #16)
    photo_id: int | None = None  # their photo: one of the plan's attachments (issue #16)

    @property
    def person(self) -> str:
        """The young person as the plan names them: "Ellis", or "the young person"."""
        return self.person_name or "the young person"


@dataclass
class Section:
    id: int
    key: str
    title: str
    position: int
    template: str | None
    capability: Capability = Capability.NONE


@dataclass
class Page:
    id: int
    section: Section
    slug: str
    title: str
    revision: int
    body: str
    html: str
    updated_at: str
    updated_by: str | None
    updated_by_name: str | None = None


@dataclass
class Revision:
    number: int
    title: str
    body: str
    html: str
    summary: str
    author_email: str | None
    author_name: str | None
    base: int | None
    created_at: str


@dataclass
class Access:
    """A person's standing on one site, made by ``wiki.access.decide`` and read only by
    ``wiki.access`` (issue #13): everything else asks it by action name."""

    site_id: int
    role: str = "nobody"  # owner, steward, member, guest, operator, nobody
    by_section: dict[str, Capability] = field(default_factory=dict)
    everywhere: Capability = Capability.NONE
    grants: list[GrantRow] = field(default_factory=list)  # the live grants behind it
    owned: bool = True  # False while a plan made for someone has no owner yet (issue #14)


# ---- edges: API bodies and forms -------------------------------------------------------


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class SiteCreate(StrictBody):
    slug: Slug
    title: Title
    date_of_birth: date | None = None
    template: str | None = Field(default=None, max_length=60)
    # A plan made for someone else (issue #14): the young person's email (they are offered
    # the plan) and/or their name (named as theirs even if they never have an account).
    for_email: str | None = Field(default=None, max_length=320)
    for_name: str | None = Field(default=None, max_length=MAX_TITLE)

    @field_validator("date_of_birth")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and (value > date.today() or value.year < 1990):
            raise ValueError("Enter a real date of birth, in the past.")
        return value


class SectionCreate(StrictBody):
    key: SectionKey
    title: Title
    template: str | None = Field(default=None, max_length=60)


class PageSave(StrictBody):
    body: str
    base_revision: int | None
    summary: Summary = ""
    title: Title | None = None


class GrantCreate(StrictBody):
    person: str | None = Field(default=None, max_length=320)
    group: Slug | None = None
    section: str = Field(pattern=r"^(\*|[a-z0-9]+(?:-[a-z0-9]+)*)$", max_length=60)
    capability: Literal["view", "edit", "manage"]
    expires_at: str | None = None


class SiteOut(BaseModel):
    slug: str
    title: str
    owner: str | None  # null while a plan made for someone waits for them (issue #14)
    pending_owner: str | None = None  # only for the owner and stewards
    person_name: str = ""
    date_of_birth: str | None = None  # only for the owner and stewards


class SectionOut(BaseModel):
    key: str
    title: str
    capability: Literal["view", "edit", "manage"]


class SiteDetailOut(SiteOut):
    sections: list[SectionOut]


class PageOut(BaseModel):
    site: str
    section: str
    slug: str
    title: str
    body: str
    revision: int
    updated_at: str
    updated_by: str | None


class PageListItem(BaseModel):
    slug: str
    title: str
    revision: int
    updated_at: str


class RevisionOut(BaseModel):
    number: int
    title: str
    summary: str
    author: str | None
    base: int | None
    created_at: str
    body: str | None = None


class MeOut(BaseModel):
    email: str
    name: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


# ---- sharing (issue #3) ----------------------------------------------------------------


class GrantOut(BaseModel):
    id: int
    person: str | None
    group: str | None
    section: str
    capability: Literal["view", "edit", "manage"]
    expires_at: str | None


class LinkCreate(StrictBody):
    section: Slug
    expires_at: str | None = None
    label: str = Field(default="", max_length=120)


class LinkOut(BaseModel):
    id: int
    section: str
    url: str
    expires_at: str
    label: str = ""
    revoked: bool = False


class InvitationCreate(StrictBody):
    email: str = Field(max_length=320)
    relationship: str = Field(default="", max_length=80)
    groups: list[Slug] = []
    grants: list[dict[str, str]] = []


class InvitationOut(BaseModel):
    id: int
    email: str
    expires_at: str


class MemberCreate(StrictBody):
    person: str = Field(max_length=320)
    relationship: str = Field(default="", max_length=80)
    groups: list[Slug] = []


class MemberOut(BaseModel):
    person: str
    name: str
    relationship: str
    groups: list[str]


class AuditOut(BaseModel):
    at: str
    who: str
    person: str | None
    action: str
    section: str | None
    page: str | None
    detail: str


# ---- growing up (a data rule: the store and the review plugin both use it, issue #17) ----


def end_of_compulsory_school_age(born: date) -> date:
    """The last Friday of June in the school year (1 Sept–31 Aug) in which they turn 16.

    From this day SEND decisions pass from parents to the young person (England).
    """
    sixteenth = (
        born.replace(year=born.year + 16)
        if not (born.month == 2 and born.day == 29)
        else date(born.year + 16, 3, 1)
    )
    june_year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    last_day = date(june_year, 6, calendar.monthrange(june_year, 6)[1])
    return last_day - timedelta(days=(last_day.weekday() - calendar.FRIDAY) % 7)
