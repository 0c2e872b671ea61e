"""The product's nouns, and the pydantic models that guard every edge (forms, API bodies)."""

from __future__ import annotations

import base64
import calendar
import enum
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from wiki import colour

# ---- rules about data: written once here, enforced by the store for every caller --------
# (routes, the API, plugins, import) — issue #13.

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 60
SLUG_HELP = (
    "Use lower-case letters, numbers and single hyphens, up to 60 characters (like my-profile)."
)
MAX_TITLE = 120
MAX_INTRO = 200  # the young person's own one line on the plan home (issue #16)

# Words that are pages of their own under /s/{site}/ (the core's and the built-in
# plugins'), so they can never be section keys. One list: the web forms, the API, plugins
# and import all refuse them, and a test checks every /s/{site}/WORD route is here.
# The core's own pages under /s/{site}/WORD: no section may take these addresses. Plugins
# declare theirs through the ``reserved_section_keys`` hook (issue #25), and the store
# refuses both (``db.extensions.reserved``).
CORE_RESERVED_SECTION_KEYS = frozenset({
    "-", "api", "audit", "export", "growing-up", "owner", "search", "sections", "settings",
    "sharing", "view-as",
})  # fmt: skip


def is_slug(value: object) -> bool:
    """A page, section, site or group address: lower-case letters, digits, single hyphens."""
    return isinstance(value, str) and len(value) <= MAX_SLUG and bool(SLUG_RE.match(value))


# One address: something before the @, a domain after it, and no spaces, quotes or angle
# brackets anywhere ("a b@example.org" was accepted at the command line: issue #24).
EMAIL_RE = re.compile(r"^[^\s@<>()\[\],;:\"']+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
MAX_EMAIL = 320


def is_email(value: object) -> bool:
    """An email address as people type them (lower or upper case, surrounding spaces
    already taken off)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_EMAIL
        and ".." not in value.split("@")[-1]
        and value.isprintable()  # one address, one line (#25)
        and bool(EMAIL_RE.match(value))
    )


def slug_problem(
    value: object, *, section_key: bool = False, reserved: Collection[str] = ()
) -> str | None:
    """Why this cannot be an address (None when it can). ``reserved``: the words the app's
    plugins use for their own pages, besides the core's."""
    if not is_slug(value):
        return SLUG_HELP
    if section_key and (value in CORE_RESERVED_SECTION_KEYS or value in reserved):
        return f"“{value}” is a word the plan uses for its own pages. Choose another address."
    return None


MAX_NAME = 120  # a person's name
MAX_RELATIONSHIP = 80  # "mum", "SENCO at Hill School"
# Control characters (CR and LF above all) in a one-line field would end an email header
# early ("Eve\r\nBcc: ...", issue #25) or break a log line: no name, title or label has them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
ONE_LINE_HELP = "Write it on one line, without special characters."


def one_line_problem(value: object) -> str | None:
    """Why this cannot be a one-line field (a name, title, label); None when it can."""
    if isinstance(value, str) and _CONTROL.search(value):
        return ONE_LINE_HELP
    return None


def squeeze_to_one_line(value: str) -> str:
    """Someone else's words made one line (a name a sign-in provider sends us): control
    characters become spaces, runs of spaces one."""
    return " ".join(_CONTROL.sub(" ", value).split())


def title_problem(value: object) -> str | None:
    """Why this cannot be a title (None when it can)."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_TITLE:
        return f"Give it a name of up to {MAX_TITLE} characters."
    return one_line_problem(value)


def name_problem(value: object) -> str | None:
    """Why this cannot be a person's name (None when it can)."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME:
        return f"Enter a name of up to {MAX_NAME} characters."
    return one_line_problem(value)


def _one_line(value: str) -> str:
    problem = one_line_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _section_key(value: str) -> str:
    problem = slug_problem(value, section_key=True)
    if problem:
        raise ValueError(problem)
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern, min_length=1, max_length=MAX_SLUG)]
SectionKey = Annotated[Slug, AfterValidator(_section_key)]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE),
    AfterValidator(_one_line),
]
Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_one_line)
]
# A person's name or a relationship: one line (issue #25).
PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
    AfterValidator(_one_line),
]
Relationship = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_RELATIONSHIP),
    AfterValidator(_one_line),
]


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


TextSize = Literal["normal", "large", "larger"]
PLAN_LOOK = "plan"  # the theme value that means "whatever the plan's look is"
OWN_COLOURS = "own-colours"  # the theme drawn in the person's own text and background colours
# WCAG 2.2 AA for body text: a person's own pair of colours must reach it (issue #16).
OWN_COLOURS_CONTRAST = 4.5


def _hex_colour(value: object) -> object:
    """A colour like "#1B1F24", "#abc" or "1b1f24" becomes "#1b1f24"; anything else is refused."""
    if value is None:
        return None
    if not isinstance(value, str) or colour.parse_hex(value) is None:
        raise PydanticCustomError(
            "colour", "Write a colour as # and six letters or numbers, like #1b1f24."
        )
    return colour.parse_hex(value)


class Preferences(BaseModel):
    """How one person likes to read (issue #16). They follow the person, not the plan: the
    plan's look is only the default. Signed-in people keep them on their account; readers
    through a guest link keep them in a cookie. Unknown or broken stored values fall back
    to the defaults (``Preferences.parse``), never to an error page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z][a-z0-9-]*$")] = (
        PLAN_LOOK
    )
    text_size: TextSize = "normal"
    easy_read: bool = False
    read_aloud: bool = False
    # The person's own colours (theme "own-colours"): kept when another look is chosen, so
    # they are there again next time; only drawn with that theme.
    text_colour: str | None = Field(
        default=None,
        description='My own colour for words, like "#1b1f24" (with background_colour)',
        examples=["#1b1f24"],
    )
    background_colour: str | None = Field(
        default=None,
        description="My own background colour; the pair must have a contrast of at least 4.5:1",
        examples=["#fdf6e3"],
    )

    _colours = field_validator("text_colour", "background_colour", mode="before")(
        staticmethod(_hex_colour)
    )

    @model_validator(mode="after")
    def _readable(self) -> Preferences:
        """Own colours come as a pair that is easy to read (AA), or not at all."""
        text, background = self.text_colour, self.background_colour
        if (text is None) != (background is None):
            raise PydanticCustomError(
                "colours", "Choose both colours: one for the words and one for the background."
            )
        if text is not None and background is not None:
            ratio = colour.contrast(text, background)
            if ratio < OWN_COLOURS_CONTRAST:
                raise PydanticCustomError(
                    "contrast",
                    "Words in {text} on {background} would be hard to read: the contrast is"
                    " {ratio} to 1 and it needs to be at least {need} to 1. Choose a darker or"
                    " lighter colour for the words or the background.",
                    {
                        "text": text,
                        "background": background,
                        "ratio": f"{ratio:.1f}",
                        "need": OWN_COLOURS_CONTRAST,
                    },
                )
        elif self.theme == OWN_COLOURS:
            raise PydanticCustomError(
                "colours",
                "To read in your own colours, choose a colour for the words and the background.",
            )
        return self

    @property
    def own_colours(self) -> tuple[str, str] | None:
        """The (text, background) pair to draw with, when this person reads in their own colours."""
        if self.theme == OWN_COLOURS and self.text_colour and self.background_colour:
            return self.text_colour, self.background_colour
        return None

    @property
    def body_classes(self) -> str:
        """The classes on ``<body>`` that carry text size, easy read and read aloud to the
        stylesheet and scripts (issue #16), each after a space: "" when nothing is chosen."""
        classes = [f"text-{self.text_size}"] if self.text_size != "normal" else []
        classes += ["easy-read"] if self.easy_read else []
        classes += ["read-aloud"] if self.read_aloud else []
        return "".join(" " + c for c in classes)

    @classmethod
    def parse(cls, raw: str | None) -> Preferences:
        if not raw:
            return DEFAULT_PREFERENCES
        try:
            return cls.model_validate_json(raw)
        except ValueError:
            return DEFAULT_PREFERENCES

    def as_cookie(self) -> str:
        """The cookie form for readers without an account: base64url JSON, because a raw
        JSON object's quotes and commas are not allowed in a cookie value."""
        return base64.urlsafe_b64encode(self.model_dump_json().encode()).decode().rstrip("=")

    @classmethod
    def from_cookie(cls, value: str | None) -> Preferences:
        if not value or len(value) > 400:
            return DEFAULT_PREFERENCES
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        except ValueError:
            return DEFAULT_PREFERENCES
        return cls.parse(raw)

    def theme_or(self, plan_theme: str) -> str:
        """The theme to draw with: the person's own choice, else the plan's."""
        return plan_theme if self.theme == PLAN_LOOK else self.theme


DEFAULT_PREFERENCES = Preferences()


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
    # "See it as" a circle group (``group:<key>``) or a pending invitation
    # (``invite:<id>``): read-only, with exactly what the group's grants, or the
    # invitation's, would give (issue #23). Only ``store.oversight.preview_actor`` makes
    # one, for someone who may ``view-as``; never from a request.
    preview_of: str | None = None
    # How this person likes to read, loaded with the session in the same query (issue #16).
    preferences: Preferences = DEFAULT_PREFERENCES

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
    changes: int = 0  # goes up with every change to the plan (issue #21, migration 0019)

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


class Role(enum.StrEnum):
    """Who a person is to one plan (issue #25): asked by name, never spelled as a bare string.
    Decided by ``wiki.access.decide``; words on a page may say it, decisions ask the rule book."""

    OWNER = "owner"  # the young person whose plan it is
    STEWARD = "steward"  # manages every section (a parent, while the young person is young)
    MEMBER = "member"  # in the circle, with what their grants give
    GUEST = "guest"  # a guest link: one section, read only
    OPERATOR = "operator"  # the operator at the command line (export, import)
    NOBODY = "nobody"


@dataclass
class Access:
    """A person's standing on one site, made by ``wiki.access.decide`` and read only by
    ``wiki.access`` (issue #13): everything else asks it by action name."""

    site_id: int
    role: Role = field(default_factory=lambda: Role.NOBODY)
    by_section: dict[str, Capability] = field(default_factory=dict)
    everywhere: Capability = Capability.NONE
    grants: list[GrantRow] = field(default_factory=list)  # the live grants behind it
    owned: bool = True  # False while a plan made for someone has no owner yet (issue #14)
    # The app's rule book it was decided with (``wiki.access.RuleBook``, issue #25).
    rules: Any = field(default=None, repr=False, compare=False)


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
    for_name: PersonName | None = None

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
    merge: bool = Field(
        default=False,
        description="When base_revision is stale, merge three ways instead of answering 409:"
        ' a clean merge saves (200, with "merged": true); a clash answers 409 with'
        ' "clashes": [{"field" or "line", "base", "mine", "theirs"}] (issue #26).',
    )


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
    # The plan home about the person (issue #16): their own line, and the address of their
    # photo when the caller may see the page it is on.
    intro: str = ""
    photo_url: str | None = None


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
    label: Annotated[str, StringConstraints(max_length=120), AfterValidator(_one_line)] = ""


class LinkOut(BaseModel):
    id: int
    section: str
    url: str
    expires_at: str
    label: str = ""
    revoked: bool = False


class InvitationCreate(StrictBody):
    email: str = Field(max_length=320)
    relationship: Relationship = ""
    groups: list[Slug] = []
    grants: list[dict[str, str]] = []


class InvitationOut(BaseModel):
    id: int
    email: str
    expires_at: str


class MemberCreate(StrictBody):
    person: str = Field(max_length=320)
    relationship: Relationship = ""
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
