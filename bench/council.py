#!/usr/bin/env python3
"""A realistic council-sized planwiki database, reproducible from a seed (issue #8).

    python bench/council.py OUT.db [--sites 5000] [--pages 40] [--revisions 10] [--seed 1]
                                   [--jobs N] [--force]
    python bench/council.py OUT.db --refresh-sessions

Builds a fresh SQLite file with the app's own migrations, then bulk-inserts rows as the
app itself writes them (``wiki.store.sites.create_site``, ``circle``, ``links``,
``pages.save_page``, ``accounts``): SITES plan sites with the standard sections and
circle groups; circles of 5 to 30 people drawn from one pool (professionals are in many
circles, family and friends in one or two), group and person grants (a few ending, a
few already ended), stewards, guest links on about 10% of sites; about PAGES pages per
site over its sections, each with about REVISIONS revisions, every one a small edit of
the one before, by the people who may edit that section, over two years, with an audit
row for each change. Page HTML is the real renderer's (``wiki.render``): the current
revision is rendered whole, older ones are worked back from it paragraph by paragraph
(one page in a hundred is re-rendered whole at every revision to prove it is the same).
The search index is filled with the migration's own statements (see ``_write_pages``).

The same seed gives the same content, whatever ``--jobs``: every random choice comes
from ``random.Random(seed)``, timestamps from a fixed calendar (2024-11-01 to
2026-11-20); only ``sessions.last_seen_at`` is the real time of the build (a session
idle for 8 hours ends: ``--refresh-sessions`` brings the sessions back to life).

Prints one table, and writes ``OUT.db.manifest.json`` for other bench scripts::

    {"seed", "sites", "pages", "revisions",
     "password": the password every generated person has,
     "people": [{"email", "name", "kind": owner|family|professional|friend,
                 "session": value for the planwiki_session cookie, "token": API bearer token,
                 "sites": [slug, ...],          # owner or circle member
                 "views": [[site, section, page], ...],   # <= 50 they may view
                 "edits": [[site, section, page], ...],   # <= 20 they may edit
                 "hidden": [[site, section, page], ...]}, # <= 20 on their sites they may not view
                ...],   # 200 people; views/edits/hidden decided by the real store (site_for)
     "guest_links": [token, ...],       # <= 50 live ones, for /g/{token}/...
     "search_words": {"common", "rare", "hidden_only"}}

``hidden_only`` is only in budget pages of sites whose budget nobody but the young
person may see (no grant on it, no "*" grant), so it is hidden from everyone else.
"""

from __future__ import annotations

import argparse
import base64
import collections
import importlib
import json
import multiprocessing
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from page_views import _sentence, make_body  # noqa: E402

from wiki import accounts  # noqa: E402
from wiki.db import Database, connect, migrate  # noqa: E402
from wiki.errors import NotFound  # noqa: E402
from wiki.models import STANDARD_GROUPS, STANDARD_SECTIONS, Actor, Capability  # noqa: E402
from wiki.render import render  # noqa: E402

PASSWORD = "council-heron-teapot-1729"  # every generated person's password
SAMPLE = {"owner": 40, "family": 60, "professional": 70, "friend": 30}  # 200 people
LIMITS = {"views": 50, "edits": 20, "hidden": 20}
GUEST_LINKS_IN_MANIFEST = 50
SEARCH_WORDS = {"common": "support", "rare": "kayaking", "hidden_only": "ledgerwell"}
RARE_SHARE = 0.001  # of pages that mention the rare word
PRIVATE_BUDGET_SHARE = 0.05  # of sites whose budget only the young person sees
GUEST_SITE_SHARE = 0.10
BODY_BYTES = (1024, 4096)
VERIFY_ONE_IN = 100  # pages whose every revision is also rendered whole, as a check

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T_START = datetime(2024, 11, 1, 8, tzinfo=UTC)
T_END = datetime(2026, 11, 20, 18, tzinfo=UTC)
BUILT = datetime(2026, 11, 23, 9, tzinfo=UTC)  # created_at of sessions and tokens
FAR_FUTURE = "2036-11-23T09:00:00.000000+00:00"
DAY = 86_400_000_000  # microseconds

SECTION_KEYS = [key for key, _, _ in STANDARD_SECTIONS]
SECTION_WEIGHTS = {"about-me": 6, "circle": 3, "outcomes": 7, "budget": 5, "health": 6,
                   "education": 6, "reviews": 5, "handover": 2}  # fmt: skip
GROUP_KEYS = [key for key, _ in STANDARD_GROUPS]

# What each group is usually given (after the demo plan's grants), varied per site.
GROUP_GRANTS: dict[str, list[tuple[str, str]]] = {
    "family": [("about-me", "edit"), ("circle", "edit"), ("outcomes", "edit"),
               ("handover", "edit"), ("reviews", "view"), ("education", "view"),
               ("health", "view"), ("budget", "view")],
    "friends": [("about-me", "view"), ("circle", "view")],
    "school": [("about-me", "view"), ("outcomes", "view"), ("education", "edit"),
               ("reviews", "view"), ("handover", "view")],
    "health": [("about-me", "view"), ("health", "edit"), ("handover", "view")],
    "social-care": [("*", "view"), ("outcomes", "edit"), ("reviews", "edit"), ("budget", "edit")],
    "paid-support": [("about-me", "view"), ("health", "view"), ("handover", "view"),
                     ("outcomes", "edit")],
}  # fmt: skip

# (relationship, group, weight, circles each person of this role is in)
PRO_ROLES = [
    ("teacher", "school", 3, (20, 60)),
    ("SENCO", "school", 2, (20, 60)),
    ("teaching assistant", "school", 2, (20, 60)),
    ("college tutor", "school", 1, (20, 60)),
    ("social worker", "social-care", 3, (20, 60)),
    ("short breaks worker", "social-care", 1, (20, 60)),
    ("epilepsy nurse", "health", 1, (20, 60)),
    ("speech and language therapist", "health", 2, (20, 60)),
    ("occupational therapist", "health", 1, (20, 60)),
    ("paediatrician", "health", 1, (20, 60)),
    ("CAMHS worker", "health", 1, (20, 60)),
    ("personal assistant", "paid-support", 3, (2, 8)),  # a PA works for a handful of people
    ("support worker", "paid-support", 2, (2, 8)),
]
PRO_DOMAINS = {"school": "school.example.org", "social-care": "council.example.org",
               "health": "nhs.example.org", "paid-support": "care.example.org"}  # fmt: skip
ACTIVE_PER_ROLE = 3  # professionals of a role taking new people at any moment


def _names(text: str) -> list[str]:
    return text.split()


FIRST = _names("Amira Aaron Aisha Alfie Amelia Archie Ava Ben Bethany Caleb Callum Charlie Chloe "
         "Daisy Daniel Dylan Eden Ella Ellie Elliot Emily Erin Ethan Evie Faith Finley Freya "
         "George Grace Hannah Harry Harvey Isaac Isla Jack Jacob Jade James Jasmine Jess Josh "
         "Kai Katie Kian Layla Leah Leo Lewis Lily Logan Lucy Luke Maya Megan Mia Millie "
         "Mohammed Molly Nathan Niamh Noah Oliver Olivia Omar Oscar Owen Phoebe Poppy Priya "
         "Reuben Rhys Riley Rosie Ruby Ryan Sam Sami Sara Scarlett Sophie Tayo Theo Tom Tyler "
         "Will Yusuf Zac Zara Zoe")  # fmt: skip
LAST = _names("Ahmed Akhtar Allen Anderson Bailey Baker Begum Bell Bennett Brown Campbell Carter "
        "Clarke Collins Cooper Cox Davies Edwards Evans Fisher Foster Graham Green Griffiths "
        "Hall Harris Hill Hughes Hussain Jackson James Jenkins Johnson Jones Kaur Kelly Khan "
        "King Lewis Lloyd Marsden Marshall Martin Mason Mills Mitchell Moore Morgan Morris "
        "Murphy Nowak Okafor Owen Parker Patel Phillips Powell Price Roberts Robinson Rogers "
        "Russell Scott Shaw Singh Smith Stewart Taylor Thomas Thompson Turner Walker Ward "
        "Watson White Williams Wilson Wood Wright Young")  # fmt: skip
OWN_DOMAINS = ["example.org", "example.com", "example.net"]

TITLES: dict[str, list[str]] = {
    "about-me": ["One-page profile", "What people like and admire about me",
                 "What is important to me", "How to support me well", "My communication passport",
                 "Good day and bad day", "My interests", "My dreams", "Important to me"],
    "circle": ["My circle of support", "Who is who", "Our real wealth", "Relationship map",
               "Contacts", "Friends and clubs"],
    "outcomes": ["My outcomes", "My PATH", "Working and not working", "Preparing for adulthood",
                 "Travel training", "Independent living skills", "Getting a job",
                 "Cooking at home", "Money skills", "Friends and community"],
    "budget": ["Personal budget", "Payments this year", "Direct payments",
               "Support plan costs", "PA timesheets", "Short breaks budget", "Money and budget"],
    "health": ["My health", "Seizure plan", "Medicines", "Sleep", "Eating and drinking",
               "Appointments", "Hospital passport", "Health and wellbeing"],
    "education": ["School", "College application", "Exam arrangements",
                  "Speech and language targets", "SENCO notes", "Moving to college",
                  "Getting to college"],
    "reviews": ["Annual review", "Review notes", "Actions from the review", "Interim review",
                "Review checklist", "Views for the review"],
    "handover": ["Handover for new workers", "How to help me stay calm", "My day",
                 "In an emergency", "Morning routine"],
}  # fmt: skip
SUMMARIES = ["Updated after the meeting", "Added what we agreed", "Fixed a mistake",
             "New times", "Small changes", "Added a note from school", "After the review",
             "Tidied up", "Added more detail", "Changed the wording"]  # fmt: skip
MEDICINES = ["lamotrigine", "levetiracetam", "melatonin", "methylphenidate",
             "buccal midazolam", "sodium valproate"]  # fmt: skip
PAYROLLS = ["Paywise", "Moneycare", "Careroll", "Fairpay"]
GUEST_SECTIONS = [("handover", 5), ("about-me", 3), ("health", 1), ("education", 1)]
GUEST_LABELS = ["New PA", "Respite centre", "College open day", "Holiday club", "Dentist",
                "Swimming club", "Supply teacher", ""]  # fmt: skip
THEMES = [("default", 90), ("high-contrast", 5), ("large-text", 5)]

# The table that is printed, in order (issue #8).
ROW_NAMES = ["sites", "people", "circle members", "grants to people", "grants to groups",
             "guest links", "pages", "revisions", "audit entries"]  # fmt: skip


# ---------------------------------------------------------------- time


def iso(us: int) -> str:
    """As ``wiki.clock.iso`` writes it, from microseconds since 1970."""
    return (EPOCH + timedelta(microseconds=us)).isoformat(timespec="microseconds")


def us_of(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


START, END = us_of(T_START), us_of(T_END)


def secret(rng: random.Random, nbytes: int) -> str:
    """Like ``secrets.token_urlsafe(nbytes)``, from the seeded generator."""
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).rstrip(b"=").decode()


def password_hash(rng: random.Random) -> str:
    """One argon2 hash of PASSWORD with the app's parameters and a seeded salt."""
    from argon2.low_level import hash_secret

    h = accounts.passwords._hasher
    encoded = hash_secret(PASSWORD.encode(), rng.randbytes(h.salt_len), time_cost=h.time_cost,
                          memory_cost=h.memory_cost, parallelism=h.parallelism,
                          hash_len=h.hash_len, type=h.type).decode()  # fmt: skip
    assert h.verify(encoded, PASSWORD) and not h.check_needs_rehash(encoded)
    return encoded


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


# ---------------------------------------------------------------- people, sites, circles


@dataclass
class Person:
    id: int
    email: str
    name: str
    kind: str  # owner | family | professional | friend
    created: int
    sites: list[str] = field(default_factory=list)


@dataclass
class SitePlan:
    id: int
    slug: str
    owner: int
    created: int
    private_budget: bool
    editors: dict[str, list[int]]  # section key -> user ids who may edit it (besides the owner)
    n_pages: int


@dataclass
class World:
    people: list[Person] = field(default_factory=list)
    sites: list[SitePlan] = field(default_factory=list)
    rows: dict[str, list[tuple]] = field(default_factory=lambda: collections.defaultdict(list))
    guest_tokens: list[tuple[str, str]] = field(default_factory=list)  # (token, expires_at)
    emails: set[str] = field(default_factory=set)
    slugs: set[str] = field(default_factory=set)


class Generator:
    """The structure of the council: people, sites, circles, grants, guest links."""

    def __init__(self, rng: random.Random, *, pages: int) -> None:
        self.rng = rng
        self.pages = pages
        self.world = World()
        self.pw_hash = password_hash(rng)
        self.active: dict[str, list[list[int]]] = {r[0]: [] for r in PRO_ROLES}  # [id, left]
        self.recent_friends: collections.deque[int] = collections.deque(maxlen=60)
        self.circles: collections.Counter[int] = collections.Counter()
        self.member_id = 0
        self.previous: dict[str, Any] | None = None  # the last site's family, for siblings

    # -- people

    def _email(self, first: str, last: str, domain: str) -> str:
        base = re.sub(r"[^a-z0-9.]", "", f"{first}.{last}".lower())
        email, n = f"{base}@{domain}", 1
        while email in self.world.emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.world.emails.add(email)
        return email

    def person(self, kind: str, first: str, last: str, domain: str, created: int) -> Person:
        rng = self.rng
        p = Person(len(self.world.people) + 1, self._email(first, last, domain),
                   f"{first} {last}", kind, created)  # fmt: skip
        self.world.people.append(p)
        verified = iso(created) if rng.random() < 0.3 else None
        self.world.rows["users"].append(
            (p.id, p.email, p.name, self.pw_hash, iso(created), None, verified, iso(created))
        )
        return p

    def professional(self, role: str, created: int, taken: set[int]) -> int:
        """One of the few people of this role taking new young people just now (and not
        already in this circle)."""
        _, group, _, (lo, hi) = next(r for r in PRO_ROLES if r[0] == role)
        pool = self.active[role]
        free = [entry for entry in pool if entry[0] not in taken]
        if not free or (
            len(pool) < ACTIVE_PER_ROLE and self.rng.random() >= len(pool) / ACTIVE_PER_ROLE
        ):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            p = self.person("professional", first, last, PRO_DOMAINS[group], created)
            pool.append([p.id, self.rng.randint(lo, hi)])
            return p.id
        return free[self.rng.randrange(len(free))][0]

    def _took(self, role: str, person_id: int) -> None:
        pool = self.active[role]
        for entry in pool:
            if entry[0] == person_id:
                entry[1] -= 1
                if entry[1] <= 0:
                    pool.remove(entry)
                return

    # -- one site

    def site(self, index: int, force_private: bool) -> None:
        rng, w = self.rng, self.world
        site_id = index + 1
        created = START + rng.randrange(120 * DAY)
        sibling = self.previous is not None and rng.random() < 0.05
        first = rng.choice(FIRST)
        last = self.previous["last"] if sibling and self.previous else rng.choice(LAST)
        owner = self.person("owner", first, last, rng.choice(OWN_DOMAINS), created)
        slug, n = f"{first}-{last}".lower(), 1
        while slug in w.slugs:
            n += 1
            slug = f"{first}-{last}-{n}".lower()
        w.slugs.add(slug)
        born = datetime(2002, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(20 * 365))
        adult = (BUILT - born).days >= 18 * 365
        private = force_private or rng.random() < PRIVATE_BUDGET_SHARE
        w.rows["sites"].append((site_id, slug, f"{first}'s plan", owner.id, born.date().isoformat(),
                                weighted(rng, THEMES), iso(created), None))  # fmt: skip
        for n_sec, (key, title, template) in enumerate(STANDARD_SECTIONS):
            w.rows["sections"].append((index * 8 + n_sec + 1, site_id, key, title, n_sec, template))
        for key, title in STANDARD_GROUPS:
            w.rows["circle_groups"].append((site_id, key, title))
        audit = w.rows["audit"]
        audit.append((site_id, iso(created), owner.id, None, "create-site", None, None,
                      f"{first}'s plan"))  # fmt: skip
        owner.sites.append(slug)

        # The circle: 5 to 30 people, most circles small.
        size = 5 + int(26 * rng.random() ** 1.6)
        size = min(size, 30)
        n_pro = min(size - 2, max(2, round(size * rng.uniform(0.3, 0.5))))
        n_friends = round((size - n_pro) * rng.uniform(0.15, 0.45))
        n_family = size - n_pro - n_friends
        when = created
        members: list[tuple[int, str, list[str], str]] = []  # (person, relationship, groups, kind)
        family: list[tuple[int, str]] = []
        if sibling and self.previous:
            family = list(self.previous["family"])[:n_family]
        while len(family) < n_family:
            k = len(family)
            if k == 0:
                rel = weighted(rng, [("mum", 60), ("dad", 30), ("foster carer", 5), ("parent", 5)])
            elif k == 1:
                rel = weighted(rng, [("dad", 55), ("mum", 20), ("step-dad", 10), ("nan", 15)])
            else:
                rel = weighted(rng, [("sister", 4), ("brother", 4), ("nan", 3), ("grandad", 2),
                                     ("aunt", 2), ("uncle", 2), ("cousin", 1)])  # fmt: skip
            same_name = rel in ("sister", "brother", "mum", "dad") or rng.random() < 0.5
            fam_last = last if same_name else rng.choice(LAST)
            p = self.person("family", rng.choice(FIRST), fam_last, rng.choice(OWN_DOMAINS), when)
            family.append((p.id, rel))
        members += [(pid, rel, ["family"], "family") for pid, rel in family]
        for _ in range(n_friends):
            here = {m[0] for m in members}
            reuse = [f for f in self.recent_friends if self.circles[f] < 2 and f not in here]
            if reuse and rng.random() < 0.3:
                pid = rng.choice(reuse)
            else:
                pid = self.person("friend", rng.choice(FIRST), rng.choice(LAST),
                                  rng.choice(OWN_DOMAINS), when).id  # fmt: skip
                self.recent_friends.append(pid)
            members.append((pid, weighted(rng, [("friend", 6), ("best friend", 2),
                                                ("neighbour", 1)]), ["friends"], "friend"))  # fmt: skip
        roles = [
            weighted(rng, [("SENCO", 1), ("teacher", 1), ("college tutor", 1 if adult else 0)])
        ]
        if rng.random() < 0.8:
            roles.append("social worker")
        while len(roles) < n_pro:
            roles.append(weighted(rng, [(r[0], r[2]) for r in PRO_ROLES]))
        taken: set[int] = set()
        for role in roles:
            pid = self.professional(role, when, taken)
            taken.add(pid)
            self._took(role, pid)
            group = next(r[1] for r in PRO_ROLES if r[0] == role)
            members.append((pid, role, [group], "professional"))
        self.previous = {"last": last, "family": [f for f in family if f[1] in ("mum", "dad",
                                                                                "parent", "step-dad")]}  # fmt: skip

        user_groups: dict[int, list[str]] = {}
        for pid, rel, groups, _kind in members:
            if rng.random() < 0.06:
                groups = []  # in the circle, with only personal grants (or none yet)
            self.member_id += 1
            at = created + rng.randrange(60 * DAY)
            w.rows["members"].append((self.member_id, site_id, pid, rel, iso(at)))
            for g in groups:
                w.rows["member_groups"].append((self.member_id, site_id, g))
            user_groups[pid] = groups
            self.circles[pid] += 1
            w.people[pid - 1].sites.append(slug)
            email = w.people[pid - 1].email
            audit.append((site_id, iso(at), owner.id, None, "add-member", None, None,
                          f"{email} ({rel}) in {', '.join(groups) or 'no group'}"))  # fmt: skip

        # Grants: the groups' usual ones, varied; a steward; personal ones.
        grants: list[tuple[int | None, str | None, str, str, str | None]] = []
        in_use = {g for gs in user_groups.values() for g in gs}
        for group in GROUP_KEYS:
            if group not in in_use and rng.random() > 0.3:
                continue
            for section, cap in GROUP_GRANTS[group]:
                if section == "*" and rng.random() < 0.5:
                    section = "about-me"
                if private and section in ("*", "budget"):
                    continue
                if rng.random() > 0.85:
                    continue
                if rng.random() < 0.12:
                    cap = "view" if cap == "edit" else "edit"
                grants.append((None, group, section, cap, self._expiry(0.02)))
        parents = [pid for pid, rel in family if rel in ("mum", "dad", "parent", "foster carer")]
        steward = None
        if parents and not private and rng.random() < (0.25 if adult else 0.8):
            steward = parents[0]
            grants.append((steward, None, "*", "manage", None))
        for pid, _rel, _groups, _kind in members:
            if pid == steward or rng.random() > 0.2:
                continue
            if not private and rng.random() < 0.05:
                grants.append((pid, None, "*", "view", self._expiry(0.1)))
                continue
            for _ in range(rng.randint(1, 2)):
                section = weighted(rng, list(SECTION_WEIGHTS.items()))
                if private and section == "budget":
                    continue
                cap = "edit" if rng.random() < 0.4 else "view"
                grants.append((pid, None, section, cap, self._expiry(0.1)))
        granted_at = created + 60 * DAY
        for user_id, group, section, cap, expires in grants:
            at = granted_at + rng.randrange(30 * DAY)
            by = steward if steward and rng.random() < 0.3 else owner.id
            w.rows["grants"].append((site_id, user_id, group, section, cap, expires, by, iso(at)))
            who = w.people[user_id - 1].email if user_id else f"group {group}"
            until = f" until {expires}" if expires else ""
            audit.append((site_id, iso(at), by, None, "share", section, None,
                          f"{cap} to {who}{until}"))  # fmt: skip

        # Who may edit each section (for the authors of revisions).
        editors: dict[str, list[int]] = {key: [] for key in SECTION_KEYS}
        for user_id, group, section, cap, _ in grants:
            if cap == "view":
                continue
            people = [user_id] if user_id else [u for u, gs in user_groups.items() if group in gs]
            for key in SECTION_KEYS if section == "*" else [section]:
                editors[key] += [u for u in people if u not in editors[key]]

        if rng.random() < GUEST_SITE_SHARE or index == 0:  # the first site always has one
            for n in range(rng.randint(1, 3)):
                self.guest_link(site_id, owner.id, live=index == 0 and n == 0)
        lo, hi = round(self.pages * 0.75), round(self.pages * 1.25)
        n_pages = rng.randint(lo, hi) if self.pages >= 4 else self.pages
        w.sites.append(SitePlan(site_id, slug, owner.id, created, private, editors, n_pages))

    def _expiry(self, share: float) -> str | None:
        rng = self.rng
        if rng.random() >= share:
            return None
        if rng.random() < 0.5:  # ended already (someone who moved on)
            return iso(us_of(datetime(2025, 6, 1, tzinfo=UTC)) + rng.randrange(400 * DAY))
        return iso(us_of(datetime(2027, 6, 1, tzinfo=UTC)) + rng.randrange(500 * DAY))

    def guest_link(self, site_id: int, owner_id: int, *, live: bool = False) -> None:
        rng, w = self.rng, self.world
        token = secret(rng, 24)
        section = weighted(rng, GUEST_SECTIONS)
        label = rng.choice(GUEST_LABELS)
        created = us_of(datetime(2026, 5, 1, tzinfo=UTC)) + rng.randrange(200 * DAY)
        expires = created + (365 if live else rng.choice([30, 90, 180, 365])) * DAY
        revoked = iso(created + rng.randrange(20 * DAY)) if rng.random() < 0.1 else None
        revoked = None if live else revoked
        link_id = len(w.rows["guest_links"]) + 1
        w.rows["guest_links"].append((link_id, site_id, section, accounts.digest(token), label,
                                      iso(expires), revoked, owner_id, iso(created)))  # fmt: skip
        w.rows["audit"].append((site_id, iso(created), owner_id, None, "guest-link", section, None,
                                f"link {link_id} ({label or 'no label'}) until {iso(expires)[:10]}"))  # fmt: skip
        if revoked:
            w.rows["audit"].append((site_id, revoked, owner_id, None, "revoke-link", section, None,
                                    f"link {link_id} ({label or 'no label'})"))  # fmt: skip
        elif expires > us_of(BUILT) + 60 * DAY:  # live for a while yet
            w.guest_tokens.append((token, iso(expires)))


# ---------------------------------------------------------------- pages (in worker processes)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")


def _is_paragraph(block: str) -> bool:
    return not block.startswith(("#", "|", "- ", "* ", "1. ", ">"))


def _extra(rng: random.Random, section: str, hidden: bool, rare: bool) -> list[str]:
    """Words that belong to one section (medicines, money), the rare and the hidden word."""
    out = []
    if section == "health":
        out.append(f"I take {rng.choice(MEDICINES)} every {rng.choice(['morning', 'evening'])}. "
                   f"{_sentence(rng)}")  # fmt: skip
    if section == "budget":
        payroll = "Ledgerwell" if hidden else rng.choice(PAYROLLS)
        out.append(f"The payroll for my personal assistants is run by {payroll}. This year the "
                   f"budget is £{rng.randint(1500, 40000):,}.{rng.randint(0, 99):02d}.")  # fmt: skip
    if rare:
        out.append(f"On Saturdays I go kayaking with {rng.choice(['my dad', 'the club', 'Sam'])}.")
    return out


_PLAIN = re.compile(r"[A-Za-z0-9 .,£]+")
_plain_checked = [0]


def _paragraph_html(text: str, site: str) -> str:
    """What the renderer makes of one paragraph. Plain words and stops come out as they
    went in, inside <p>: that is checked against the renderer for the first paragraphs
    of each process and one in fifty after (and whole pages one in a hundred)."""
    if not _PLAIN.fullmatch(text):
        return render(text, site=site)
    plain = f"<p>{text}</p>\n"
    _plain_checked[0] += 1
    if _plain_checked[0] <= 20 or _plain_checked[0] % 50 == 0:
        rendered = render(text, site=site)
        if rendered != plain:
            raise RuntimeError(f"the renderer made {rendered!r} of {text!r}")
    return plain


def page_history(spec: tuple) -> tuple[int, list[str], list[str], int]:
    """Bodies and HTML of every revision of one page: (page id, bodies, htmls, fallbacks).

    Revision 1 is a 1-4 KB markdown page; each later one changes one paragraph (a
    sentence added, changed or taken out, or a new paragraph). The last revision is
    rendered whole with the real renderer; each earlier one is worked back from it by
    putting back the one paragraph that changed (a paragraph renders the same alone or
    in a page); where that is not certain, the revision is rendered whole.
    """
    page_id, site, title, section, n_rev, seed, hidden, rare = spec
    rng = random.Random(seed)
    blocks = make_body(rng, title, *BODY_BYTES).rstrip("\n").split("\n\n")
    extras = _extra(rng, section, hidden, rare)  # kept as they are in every revision
    for n, extra in enumerate(extras):
        blocks.insert(min(len(blocks), 2 + n), extra)
    bodies = ["\n\n".join(blocks) + "\n"]
    edits: list[tuple[str, str]] = []  # (paragraph html before, after) as text
    for _ in range(n_rev - 1):
        paragraphs = [
            i for i, b in enumerate(blocks) if i > 0 and _is_paragraph(b) and b not in extras
        ]
        op = rng.random()
        if op < 0.7 and paragraphs:
            i = rng.choice(paragraphs)
            sentences = re.split(r"(?<=\.) ", blocks[i])
            if op < 0.35 or len(sentences) < 2:
                sentences.insert(rng.randint(0, len(sentences)), _sentence(rng))
            elif op < 0.6:
                sentences[rng.randrange(len(sentences))] = _sentence(rng)
            else:
                del sentences[rng.randrange(len(sentences))]
            edits.append((blocks[i], " ".join(sentences)))
            blocks[i] = edits[-1][1]
        else:
            new = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
            at = len(blocks) if op < 0.9 or not paragraphs else rng.choice(paragraphs) + 1
            blocks.insert(at, new)
            edits.append(("", new))
        bodies.append("\n\n".join(blocks) + "\n")
    cache: dict[str, str] = {"": ""}

    def para(text: str) -> str:
        if text not in cache:
            cache[text] = _paragraph_html(text, site)
        return cache[text]

    htmls = [render(bodies[-1], site=site)]
    fallbacks = 0
    for k in range(n_rev - 1, 0, -1):  # from revision k+1 back to revision k
        before, after = edits[k - 1]
        html, new = htmls[0], para(after)
        if new and html.count(new) == 1 and new.startswith("<p>"):
            htmls.insert(0, html.replace(new, para(before), 1))
        else:
            fallbacks += 1
            htmls.insert(0, render(bodies[k - 1], site=site))
    if seed % VERIFY_ONE_IN == 0:
        for body, html in zip(bodies, htmls, strict=True):
            if render(body, site=site) != html:
                raise RuntimeError(f"page {page_id}: worked-back HTML differs from a whole render")
    return page_id, bodies, htmls, fallbacks


def render_batch(specs: list[tuple]) -> list[tuple[int, list[str], list[str], int]]:
    return [page_history(spec) for spec in specs]


# ---------------------------------------------------------------- writing


INSERTS = {
    "users": "INSERT INTO users (id, email, name, password_hash, created_at, deleted_at,"
    " email_verified_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "sites": "INSERT INTO sites (id, slug, title, owner_id, date_of_birth, theme, created_at,"
    " accent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "sections": "INSERT INTO sections (id, site_id, key, title, position, template)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "circle_groups": "INSERT INTO circle_groups (site_id, key, title) VALUES (?, ?, ?)",
    "members": "INSERT INTO members (id, site_id, user_id, relationship, created_at)"
    " VALUES (?, ?, ?, ?, ?)",
    "member_groups": "INSERT INTO member_groups (member_id, site_id, group_key) VALUES (?, ?, ?)",
    "grants": "INSERT INTO grants (site_id, user_id, group_key, section, capability, expires_at,"
    " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "guest_links": "INSERT INTO guest_links (id, site_id, section, token_hash, label, expires_at,"
    " revoked_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "audit": "INSERT INTO audit (site_id, at, user_id, guest_link_id, action, section, page_id,"
    " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "pages": "INSERT INTO pages (id, site_id, section_id, slug, title, position, revision,"
    " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
    "revisions": "INSERT INTO revisions (id, page_id, number, title, body, html, summary,"
    " author_id, base, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}

_search = importlib.import_module("migrations.0005_search")
# The migration's own backfill (also ``planwiki check --repair``), one range of pages at a time.
INDEX_CURRENT = _search.INDEX_CURRENT + " WHERE p.id BETWEEN ? AND ?"
INDEX_OLD = _search.INDEX_OLD + " WHERE r.page_id BETWEEN ? AND ? AND r.number < p.revision"


@dataclass
class PageMeta:
    id: int
    site_id: int
    section_id: int
    section: str
    slug: str
    title: str
    times: list[int]
    authors: list[int]
    summaries: list[str]


def plan_pages(rng: random.Random, site: SitePlan, revisions: int, first_page_id: int,
               rare_forced: bool) -> tuple[list[PageMeta], list[tuple]]:  # fmt: skip
    """Which pages a site has, who wrote each revision and when (the main generator's rng)."""
    keys = []
    if site.n_pages >= 2:
        keys = ["budget", "health"]  # the most private words live here: always present
    keys += rng.choices(list(SECTION_WEIGHTS), weights=list(SECTION_WEIGHTS.values()),
                        k=site.n_pages - len(keys))  # fmt: skip
    used: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    metas, specs = [], []
    for n, key in enumerate(keys):
        base = rng.choice(TITLES[key])
        used[key][base] += 1
        title = base if used[key][base] == 1 else f"{base} {used[key][base]}"
        n_rev = 1 if revisions <= 1 else max(1, round(rng.gauss(revisions, revisions / 3)))
        first = site.created + DAY + rng.randrange(300 * DAY)
        times = sorted([first] + [first + rng.randrange(END - first) for _ in range(n_rev - 1)])
        times = [t + i for i, t in enumerate(times)]  # strictly increasing
        editors = site.editors[key]
        authors = [site.owner if not editors or rng.random() < 0.35 else rng.choice(editors)
                   for _ in range(n_rev)]  # fmt: skip
        summaries = [rng.choice(SUMMARIES) if rng.random() < 0.45 else "" for _ in range(n_rev)]
        summaries[0] = "" if rng.random() < 0.5 else "First version"
        page_id = first_page_id + n
        meta = PageMeta(page_id, site.id, (site.id - 1) * 8 + SECTION_KEYS.index(key) + 1, key,
                        _slug(title), title, times, authors, summaries)  # fmt: skip
        rare = rng.random() < RARE_SHARE or (rare_forced and n == 0)
        hidden = site.private_budget and key == "budget"
        metas.append(meta)
        specs.append((page_id, site.slug, title, key, n_rev, rng.getrandbits(62), hidden, rare))
    return metas, specs


def _write_pages(raw: Any, metas: list[PageMeta], results: list, counters: dict) -> None:
    """One transaction per batch. Revisions go in before their page on purpose: the
    search triggers (migration 0005) then find no page and stay quiet, and the batch is
    indexed in one go with the migration's own backfill statements, which is what the
    triggers would have written, at a good part of the cost. Foreign keys are off for the
    build (every row written is complete by the end of the transaction)."""
    by_id = {m.id: m for m in metas}
    pages, revisions, audit = [], [], []
    for page_id, bodies, htmls, fallbacks in results:
        m = by_id[page_id]
        counters["fallbacks"] += fallbacks
        for k, (body, html) in enumerate(zip(bodies, htmls, strict=True)):
            counters["revision_id"] += 1
            at = iso(m.times[k])
            revisions.append((counters["revision_id"], page_id, k + 1, m.title, body, html,
                              m.summaries[k], m.authors[k], k or None, at))  # fmt: skip
            detail = f"revision {k + 1}" + (f": {m.summaries[k]}" if m.summaries[k] else "")
            audit.append((m.site_id, at, m.authors[k], None, "edit", m.section, page_id, detail))
        pages.append((page_id, m.site_id, m.section_id, m.slug, m.title, len(bodies),
                      iso(m.times[0]), iso(m.times[len(bodies) - 1]), m.authors[len(bodies) - 1]))  # fmt: skip
    lo, hi = metas[0].id, metas[-1].id
    raw.execute("BEGIN")
    raw.executemany(INSERTS["revisions"], revisions)
    raw.executemany(INSERTS["pages"], pages)
    raw.executemany(INSERTS["audit"], audit)
    raw.execute(INDEX_CURRENT, (lo, hi))
    raw.execute(INDEX_OLD, (lo, hi))
    raw.execute("COMMIT")
    counters["pages"] += len(pages)
    counters["revisions"] += len(revisions)
    counters["audit"] += len(audit)


# ---------------------------------------------------------------- the sample, with the real policy


def sample_people(rng: random.Random, world: World) -> list[Person]:
    by_kind: dict[str, list[Person]] = collections.defaultdict(list)
    for p in world.people:
        if p.sites:
            by_kind[p.kind].append(p)
    chosen: list[Person] = []
    for kind, want in SAMPLE.items():
        chosen += rng.sample(by_kind[kind], min(want, len(by_kind[kind])))
    chosen_ids = {p.id for p in chosen}
    left = [p for p in world.people if p.sites and p.id not in chosen_ids]
    chosen += rng.sample(left, min(sum(SAMPLE.values()) - len(chosen), len(left)))
    return sorted(chosen, key=lambda p: p.id)


def access_lists(db: Database, rng: random.Random, person: Person) -> dict[str, list]:
    """views / edits / hidden for one person, decided by ``wiki.store.context.site_for``."""
    from wiki.store.context import site_for

    actor = Actor(user_id=person.id, email=person.email, name=person.name)
    found: dict[str, list] = {"views": [], "edits": [], "hidden": []}
    for slug in person.sites:
        rows = db.all(
            "SELECT s.key, p.slug FROM pages p JOIN sections s ON s.id = p.section_id"
            " JOIN sites t ON t.id = p.site_id WHERE t.slug = ? ORDER BY p.id",
            (slug,),
        )
        try:
            caps = {s.key: s.capability for s in site_for(db, actor, slug).sections}
        except NotFound:
            caps = {}
        for r in rows:
            cap = caps.get(r["key"], Capability.NONE)
            where = [slug, r["key"], r["slug"]]
            if cap >= Capability.VIEW:
                found["views"].append(where)
            else:
                found["hidden"].append(where)
            if cap >= Capability.EDIT:
                found["edits"].append(where)
    return {k: sorted(rng.sample(v, min(LIMITS[k], len(v)))) for k, v in found.items()}


def refresh_sessions(path: Path | str) -> int:
    """Mark every session as just used (a session idle for 8 hours has ended)."""
    from wiki import clock

    db = Database(path)
    with db.write():
        n = db.execute("UPDATE sessions SET last_seen_at = ?", (clock.iso(),)).rowcount
    db.close()
    return n


# ---------------------------------------------------------------- main


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def build(out: Path, *, sites: int, pages: int, revisions: int, seed: int, jobs: int,
          quiet: bool = False) -> dict[str, Any]:  # fmt: skip
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    tmp = out.with_name(out.name + ".building")
    _remove(tmp)
    pool = None
    if jobs > 0:  # before the database and the progress bar's thread exist
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        pool = multiprocessing.get_context(method).Pool(jobs)
    progress = Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), disable=quiet)  # fmt: skip
    counters: dict[str, int] = collections.Counter()
    timings: dict[str, float] = collections.defaultdict(float)
    try:
        conn = connect(tmp, synchronous="NORMAL")
        migrate(conn)
        raw = conn.conn
        raw.execute("PRAGMA synchronous = OFF")
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("PRAGMA cache_size = -400000")
        raw.execute("PRAGMA secure_delete = OFF")  # nothing is deleted while building
        with progress:
            circles = progress.add_task("people and circles", total=sites)
            gen = Generator(rng, pages=pages)
            force_at = sites - 1  # at least one site whose budget only its owner sees
            for i in range(sites):
                private_yet = any(s.private_budget for s in gen.world.sites)
                gen.site(i, force_private=(i == force_at and not private_yet))
                progress.advance(circles)
            world = gen.world
            timings["people and circles"] = time.perf_counter() - started
            raw.execute("BEGIN")
            for table in ("users", "sites", "sections", "circle_groups", "members",
                          "member_groups", "grants", "guest_links", "audit"):  # fmt: skip
                raw.executemany(INSERTS[table], world.rows[table])
            raw.execute("COMMIT")
            counters["audit"] = len(world.rows["audit"])

            total_pages = sum(s.n_pages for s in world.sites)
            task = progress.add_task("pages and revisions", total=total_pages)
            pending: collections.deque = collections.deque()

            def drain(limit: int) -> None:
                while len(pending) > limit:
                    metas, result = pending.popleft()
                    t0 = time.perf_counter()
                    got = result.get() if pool else result
                    t1 = time.perf_counter()
                    _write_pages(raw, metas, got, counters)
                    timings["waiting for pages"] += t1 - t0
                    timings["writing and indexing"] += time.perf_counter() - t1
                    progress.update(task, completed=counters["pages"])

            page_id, batch_metas, batch_specs = 0, [], []
            per_batch = 400
            for n, site in enumerate(world.sites):
                metas, specs = plan_pages(rng, site, revisions, page_id + 1, n == 0)
                page_id += len(metas)
                batch_metas += metas
                batch_specs += specs
                if len(batch_specs) >= per_batch or n == len(world.sites) - 1:
                    if batch_specs:
                        work = (pool.apply_async(render_batch, (batch_specs,)) if pool
                                else render_batch(batch_specs))  # fmt: skip
                        pending.append((batch_metas, work))
                    batch_metas, batch_specs = [], []
                    drain(2 * max(1, jobs))
            drain(0)
            t0 = time.perf_counter()
            raw.execute("PRAGMA foreign_keys = ON")
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            assert not broken, broken[:5]
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.conn.close()

            # The sample: sessions, tokens, and what each may see, by the real policy.
            from wiki.store import search

            db = Database(tmp, synchronous="NORMAL")
            health = search.index_health(db)
            assert search.index_in_step(health), health
            chosen = sample_people(rng, world)
            sampled = progress.add_task("sampled people", total=len(chosen))
            from wiki import clock

            now = clock.iso()
            people_out, sessions, tokens = [], [], []
            for p in chosen:
                session, token = secret(rng, 32), accounts.TOKEN_PREFIX + secret(rng, 32)
                sessions.append((accounts.digest(session), p.id, iso(us_of(BUILT)), now,
                                 FAR_FUTURE, "planwiki-bench", "password"))  # fmt: skip
                tokens.append((p.id, "bench", accounts.digest(token), iso(us_of(BUILT))))
                people_out.append({"email": p.email, "name": p.name, "kind": p.kind,
                                   "session": session, "token": token, "sites": p.sites,
                                   **access_lists(db, rng, p)})  # fmt: skip
                progress.advance(sampled)
            with db.write():
                db.db.conn.executemany(
                    "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at,"
                    " user_agent, method) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    sessions,
                )
                db.db.conn.executemany(
                    "INSERT INTO tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                    tokens,
                )
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            timings["checks and sample"] = time.perf_counter() - t0
    except BaseException:
        if pool:
            pool.terminate()
        _remove(tmp)
        raise
    if pool:
        pool.close()
        pool.join()
    _remove(out)
    os.replace(tmp, out)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)

    manifest = {
        "seed": seed,
        "sites": sites,
        "pages": counters["pages"],
        "revisions": counters["revisions"],
        "password": PASSWORD,
        "people": people_out,
        "guest_links": [t for t, _ in world.guest_tokens[:GUEST_LINKS_IN_MANIFEST]],
        "search_words": dict(SEARCH_WORDS),
    }
    Path(f"{out}.manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    pro_circles = sorted(len(p.sites) for p in world.people if p.kind == "professional")
    kinds = collections.Counter(p.kind for p in world.people)
    return {
        "counts": {
            "sites": len(world.sites),
            "people": len(world.people),
            "circle members": len(world.rows["members"]),
            "grants to people": sum(1 for g in world.rows["grants"] if g[1] is not None),
            "grants to groups": sum(1 for g in world.rows["grants"] if g[2] is not None),
            "guest links": len(world.rows["guest_links"]),
            "pages": counters["pages"],
            "revisions": counters["revisions"],
            "audit entries": counters["audit"],
        },
        "kinds": dict(kinds),
        "pro_circles": pro_circles,
        "fallbacks": counters["fallbacks"],
        "size_mb": out.stat().st_size / 1024 / 1024,
        "seconds": time.perf_counter() - started,
        "search": health,
        "timings": dict(timings),
    }


def print_table(out: Path, info: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    pro = info["pro_circles"]
    kinds = info["kinds"]
    caption = (
        f"people: {kinds.get('owner', 0):,} young people, {kinds.get('family', 0):,} family, "
        f"{kinds.get('friend', 0):,} friends, {kinds.get('professional', 0):,} professionals"
        + (f" (in {pro[0]}–{pro[-1]} circles, median {pro[len(pro) // 2]})" if pro else "")
        + f"; older revisions' HTML worked back, {info['fallbacks']:,} rendered whole"
        + f"; search index: {info['search']['indexed pages']:,} pages,"
        f" {info['search']['indexed old revisions']:,} old revisions; seconds: "
        + ", ".join(f"{k} {v:,.1f}" for k, v in info["timings"].items())
    )
    table = Table()
    table.add_column("what")
    table.add_column("count", justify="right")
    for name in ROW_NAMES:
        table.add_row(name, f"{info['counts'][name]:,}")
    table.add_row("file size MB", f"{info['size_mb']:,.0f}")
    table.add_row("seconds to build", f"{info['seconds']:,.1f}")
    console = Console(width=120)
    console.print(
        f"{out}: seed {args.seed}, --sites {args.sites:,} --pages {args.pages}"
        f" --revisions {args.revisions}, {args.jobs} render job(s)",
        highlight=False,
    )
    console.print(table)
    console.print(caption, highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the database file to make")
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=40, help="about this many per site")
    parser.add_argument("--revisions", type=int, default=10, help="about this many per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="processes that render pages (0: none, in this process)")  # fmt: skip
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--refresh-sessions", action="store_true",
                        help="only mark OUT's sessions as just used, and stop")  # fmt: skip
    args = parser.parse_args(argv)
    if args.refresh_sessions:
        print(f"{refresh_sessions(args.out)} sessions refreshed", file=sys.stderr)
        return 0
    if args.sites < 1 or args.pages < 1 or args.revisions < 1 or args.jobs < 0:
        parser.error("--sites, --pages and --revisions must be at least 1, --jobs at least 0")
    if args.out.exists() and not args.force:
        parser.error(f"{args.out} exists; add --force to replace it")
    info = build(args.out, sites=args.sites, pages=args.pages, revisions=args.revisions,
                 seed=args.seed, jobs=args.jobs, quiet=args.quiet)  # fmt: skip
    print_table(args.out, info, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
