"""The easy-read log and the weekly digest (issue #14).

The audit log speaks in sentences with names and section titles ("Amy (friend) looked at
My health"), grouped by person and by day, with the reader's own activity left out unless
asked for. Attachments are named by their page and caption, never by a file name, and
sharing rules by names, never by emails or keys.

The weekly digest says the same things by email to the young person (or a steward) who
asked for it, with two limits so a copy never widens access: it holds no page text at
all (no page titles, captions or words), and only the titles of sections the recipient
may read now, decided by ``site_for`` like every other read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from wiki import clock, mail
from wiki.db import Database
from wiki.errors import Forbidden, NotFound
from wiki.models import Actor
from wiki.store.audit import view_log
from wiki.store.context import SiteContext, load_site, site_for

WEEK = timedelta(days=7)

# What each recorded action means, in everyday words; {where} is a section title, {what}
# a page ("the page “Rhys says hello” in About me") or, without page words, the section.
_DOING = {
    "view": "looked at {what}",
    "edit": "changed {what}",
    "attach": "added {kind} to {what}",
    "detach": "took a photo or recording off {what}",
    "attachment-words": "changed the words with a photo or recording on {what}",
    "rename-page": "renamed a page in {where}",
    "rename-section": "renamed {where}",
    "add-section": "added a part to the plan",
    "share": "shared {where} with {whom}",
    "unshare": "stopped sharing {where} with {whom}",
    "guest-link": "made a guest link for {where}",
    "revoke-link": "switched off a guest link for {where}",
    "invite": "invited someone new to the circle",
    "cancel-invite": "cancelled an invitation",
    "resend-invite": "sent an invitation again",
    "join": "joined the circle",
    "add-member": "added {whom} to the circle",
    "remove-member": "took {whom} out of the circle",
    "set-groups": "changed which groups {whom} is in",
    "add-group": "added a group to the circle",
    "take-control": "made a choice about who manages the plan",
    "change-look": "changed how the plan looks",
    "change-introduction": "changed the words and photo on the plan's home",
    "handover-read": "read the handover pack",
    "handover-question": "asked a question about the handover pack",
    "export": "took a copy of the plan",
    "create-site": "started the plan",
}


@dataclass
class Line:
    sentence: str  # "Amy looked at My health"
    times: int = 1


@dataclass
class Day:
    label: str  # "Tuesday 1 December"
    lines: list[Line] = field(default_factory=list)


@dataclass
class PersonLog:
    who: str  # "Amy (friend)" or "Guest link: Leisure centre"
    name: str  # "Amy"
    email: str | None  # for the stop-sharing button only; never shown
    in_circle: bool
    key: str = ""  # the email, or "link:<id>" for a guest link: for the person filter
    days: list[Day] = field(default_factory=list)


def day_label(at: str) -> str:
    moment = datetime.fromisoformat(at)
    return f"{moment:%A} {moment.day} {moment:%B}"


def _whom(detail: str, people: dict[str, str], groups: dict[str, str]) -> str:
    """The person or group a sharing entry names, from its detail ("view to a@b until …")."""
    found = re.search(r"(?:to|from) (group )?(\S+)", detail) or re.match(r"(\S+@\S+)", detail)
    if found is None:
        return "someone"
    if found.lastindex == 2 and found.group(1):
        return f"the {groups.get(found.group(2), 'circle')} group"
    key = found.group(found.lastindex or 1).rstrip(":,")
    return people.get(key.lower(), "a former member") if "@" in key else "someone"


def _sentence(
    row: dict[str, Any],
    *,
    titles: dict[str, str],
    people: dict[str, str],
    groups: dict[str, str],
    page_words: bool,
) -> str | None:
    """One entry in words, or None when it names a section the reader may not read."""
    section = row["section"]
    where = "every part of the plan" if section == "*" else titles.get(section or "", "")
    if section and not where:
        return None  # the reader may not read that section: not a word about it
    what = where or "the plan"
    if page_words and row.get("page_title"):
        what = f"“{row['page_title']}” in {where}"
        if row.get("caption"):
            what = f"“{row['caption']}” on {what}"
    kind = re.search(r"\(([^)]*)\)\s*$", row.get("detail") or "")
    template = _DOING.get(row["action"], "did something in {what}")
    return template.format(
        what=what,
        where=where or "the plan",
        whom=_whom(row.get("detail") or "", people, groups),
        kind=("a " + kind.group(1).split(" or ")[0]) if kind else "a file",
    )


_ROWS_SQL = """
SELECT a.at, a.action, a.section, a.detail, a.user_id, a.guest_link_id, u.name, u.email,
       l.label, p.title AS page_title, m.relationship, m.id AS member_id,
       (SELECT t.caption FROM attachments t WHERE t.page_id = a.page_id AND a.action = 'attach'
          AND a.detail LIKE t.name || ' (%' ORDER BY t.id DESC LIMIT 1) AS caption
FROM audit a
LEFT JOIN users u ON u.id = a.user_id
LEFT JOIN guest_links l ON l.id = a.guest_link_id
LEFT JOIN pages p ON p.id = a.page_id
LEFT JOIN members m ON m.site_id = a.site_id AND m.user_id = a.user_id
WHERE a.site_id = ? AND a.at > ? AND a.at <= ?
ORDER BY a.id DESC LIMIT ?
"""


def _people(db: Database, site_id: int) -> tuple[dict[str, str], dict[str, str]]:
    people = {
        r["email"].lower(): r["name"]
        for r in db.all(
            "SELECT u.email, u.name FROM users u WHERE u.id IN (SELECT user_id FROM members"
            " WHERE site_id = ?) OR u.id = (SELECT owner_id FROM sites WHERE id = ?)",
            (site_id, site_id),
        )
    }
    groups = {
        r["key"]: r["title"]
        for r in db.all("SELECT key, title FROM circle_groups WHERE site_id = ?", (site_id,))
    }
    return people, groups


def _fold(
    db: Database,
    ctx: SiteContext,
    *,
    since: str,
    until: str,
    skip_user: int | None,
    page_words: bool,
    limit: int,
) -> list[PersonLog]:
    titles = {s.key: s.title for s in ctx.sections}
    people, groups = _people(db, ctx.site.id)
    logs: dict[tuple[Any, ...], PersonLog] = {}
    counts: dict[tuple[Any, ...], Counter[str]] = {}
    for r in db.all(_ROWS_SQL, (ctx.site.id, since, until, limit)):
        row = dict(r)
        if skip_user is not None and row["user_id"] == skip_user:
            continue
        sentence = _sentence(
            row, titles=titles, people=people, groups=groups, page_words=page_words
        )
        if sentence is None:
            continue
        if row["guest_link_id"]:
            name = f"Guest link: {row['label'] or 'no label'}"
            who, person = name, ("link", row["guest_link_id"])
        elif row["name"]:
            name = row["name"]
            who = f"{name} ({row['relationship']})" if row["relationship"] else name
            person = ("user", row["user_id"])
        else:
            name = who = "A former member"
            person = ("gone", 0)
        log = logs.get(person)
        if log is None:
            log = logs[person] = PersonLog(
                who,
                name,
                row["email"],
                bool(row["member_id"]),
                f"link:{row['guest_link_id']}" if row["guest_link_id"] else row["email"] or "",
            )
        label = day_label(row["at"])
        if not log.days or log.days[-1].label != label:
            log.days.append(Day(label))
        counts.setdefault((person, label), Counter())[f"{name} {sentence}"] += 1
    for person, log in logs.items():
        for day in log.days:
            tally = counts[(person, day.label)]
            day.lines = [Line(s, n) for s, n in tally.items()]
    return list(logs.values())


def easy_log(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    mine: bool = False,
    person: str | None = None,
    days: int = 31,
    limit: int = 5000,
) -> list[PersonLog]:
    """The log as sentences, by person (most recent first) and by day; the reader's own
    activity only when ``mine`` is asked for (issue #14)."""
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    view_log(db).flush(db)  # views up to this moment
    now = clock.now()
    logs = _fold(
        db,
        ctx,
        since=clock.iso(now - timedelta(days=days)),
        until=clock.iso(now),
        skip_user=None if mine else actor.user_id,
        page_words=True,
        limit=limit,
    )
    if person:
        logs = [g for g in logs if g.key.lower() == person.lower()]
    return logs


# ---- the weekly digest -------------------------------------------------------------------


def digest_wanted(db: Database, actor: Actor, *, site: str | SiteContext) -> bool:
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    return (
        db.one(
            "SELECT 1 FROM log_digests WHERE site_id = ? AND user_id = ?",
            (ctx.site.id, actor.user_id),
        )
        is not None
    )


def want_digest(db: Database, actor: Actor, *, site: str | SiteContext, weekly: bool) -> None:
    """Turn the weekly email on or off for this person on this plan."""
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    with db.write():
        if weekly:
            db.execute(
                "INSERT OR IGNORE INTO log_digests (site_id, user_id, last_sent_at, created_at)"
                " VALUES (?, ?, ?, ?)",
                (ctx.site.id, actor.user_id, clock.iso(), clock.iso()),
            )
        else:
            db.execute(
                "DELETE FROM log_digests WHERE site_id = ? AND user_id = ?",
                (ctx.site.id, actor.user_id),
            )


def digest_text(
    db: Database, actor: Actor, *, site: str | SiteContext, since: str, until: str
) -> str | None:
    """The digest for one person: other people's activity in the week, in the log's words,
    with no page text and only the section titles this person may read; None if quiet."""
    ctx = site_for(db, actor, site)
    ctx.check("see-audit")
    logs = _fold(
        db, ctx, since=since, until=until, skip_user=actor.user_id, page_words=False, limit=5000
    )
    if not logs:
        return None
    out = [f"Hello {actor.name},", "", f"This is who looked at {ctx.site.title} this week.", ""]
    for log in logs:
        out.append(log.who)
        for day in log.days:
            for line in day.lines:
                times = f" ({line.times} times)" if line.times > 1 else ""
                out.append(f"- {line.sentence} on {day.label}{times}.")
        out.append("")
    return "\n".join(out)


def send_due_digests(db: Database, *, base_url: str = "") -> int:
    """Send every weekly digest that is due, once: a second run in the same week sends
    nothing (the week is claimed before sending). Returns how many were sent."""
    view_log(db).flush(db)
    now = clock.now()
    due_before = clock.iso(now - WEEK)
    sent = 0
    rows = db.all(
        "SELECT d.site_id, d.user_id, d.last_sent_at, s.slug, u.email, u.name FROM log_digests d"
        " JOIN sites s ON s.id = d.site_id JOIN users u ON u.id = d.user_id"
        " WHERE d.last_sent_at <= ? AND u.deleted_at IS NULL",
        (due_before,),
    )
    for r in rows:
        with db.write():
            claimed = db.execute(
                "UPDATE log_digests SET last_sent_at = ? WHERE site_id = ? AND user_id = ?"
                " AND last_sent_at = ?",
                (clock.iso(now), r["site_id"], r["user_id"], r["last_sent_at"]),
            ).rowcount
        if not claimed:
            continue
        reader = Actor(user_id=r["user_id"], email=r["email"], name=r["name"])
        site = load_site(db, r["slug"])
        try:
            text = digest_text(
                db, reader, site=r["slug"], since=r["last_sent_at"], until=clock.iso(now)
            )
        except (NotFound, Forbidden):
            # They no longer see this plan, or no longer its log (a steward made a reader):
            # nothing to send them, and the others after them still get theirs (issue #25).
            continue
        if text is None or site is None:
            continue
        link = f"{base_url}/s/{site.slug}/audit" if base_url else f"/s/{site.slug}/audit"
        mail.send(
            db,
            to=r["email"],
            subject=f"Who looked at {site.title} this week",
            body=text + f"See everything, or stop sharing with someone: {link}\n",
        )
        sent += 1
    return sent


def readable_titles(db: Database, site: SiteContext, email: str) -> dict[str, str]:
    """The sections a circle member may read right now, by the same decision as their own
    requests (``site_for`` as them): the first-share email names only these."""
    row = db.one("SELECT id, name FROM users WHERE email = ? AND deleted_at IS NULL", (email,))
    if row is None:
        return {}
    them = Actor(user_id=row["id"], email=email, name=row["name"])
    try:
        theirs = site_for(db, them, site.site.slug)
    except NotFound:
        return {}
    return {s.key: s.title for s in theirs.sections}
