"""Growing up, addressed to the right person (issue #14).

From the end of compulsory school age (``oversight.end_of_compulsory_school_age``) the
young person makes the decisions about their plan. Only they are told that the decisions
become theirs: a link on their plan home from ``NOTICE_DAYS`` before the day, and an
email ``REMINDER_DAYS`` (30 and 7) days before. Stewards are told in their own words
("from 25 June 2027 Ellis decides…"); everyone else is told nothing (the page is not
found for them), because the day says how old the young person is.

Reminders are sent by ``send_reminders``: run when the app starts (with the purge of
deleted plans) and by ``planwiki reminders`` (for a daily timer). Each reminder goes
once: ``reminders_sent`` records it before the email is sent, so running it twice, or
from two workers at once, sends nothing twice. A reminder whose day was missed (the
server was off) is sent late, once; a 30-day one that would now come after the 7-day
one is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from wiki import clock, mail
from wiki.db import Database
from wiki.models import end_of_compulsory_school_age

NOTICE_DAYS = 60
REMINDER_DAYS = (30, 7)


def day_words(day: date) -> str:
    """25 June 2027."""
    return f"{day.day} {day.strftime('%B %Y')}"


@dataclass
class Reminder:
    site_slug: str
    to: str
    days: int
    due_on: date


def _due(born: str | None) -> date | None:
    try:
        return end_of_compulsory_school_age(date.fromisoformat(born)) if born else None
    except ValueError:
        return None


def send_reminders(
    db: Database, *, base_url: str = "", today: date | None = None
) -> list[Reminder]:
    """Email each young person who owns a plan the growing-up reminders that are due, each
    once. Returns what was sent. Plans with no owner yet have nobody to remind."""
    today = today or clock.now().date()
    sent: list[Reminder] = []
    rows = db.all(
        "SELECT s.id, s.slug, s.title, s.date_of_birth, u.email, u.name FROM sites s"
        " JOIN users u ON u.id = s.owner_id WHERE s.date_of_birth IS NOT NULL"
    )
    for row in rows:
        due_on = _due(row["date_of_birth"])
        if due_on is None or today >= due_on or today < due_on - timedelta(days=max(REMINDER_DAYS)):
            continue
        left = (due_on - today).days
        # The most urgent reminder now due; earlier ones not yet sent are passed over.
        days = min(d for d in REMINDER_DAYS if left <= d)
        with db.write():
            claimed = db.execute(
                "INSERT OR IGNORE INTO reminders_sent (site_id, kind, due_on, sent_at)"
                " VALUES (?, ?, ?, ?)",
                (row["id"], f"growing-up-{days}", due_on.isoformat(), clock.iso()),
            ).rowcount
            for earlier in (d for d in REMINDER_DAYS if d > days):
                db.execute(
                    "INSERT OR IGNORE INTO reminders_sent (site_id, kind, due_on, sent_at)"
                    " VALUES (?, ?, ?, ?)",
                    (row["id"], f"growing-up-{earlier}", due_on.isoformat(), clock.iso()),
                )
        if not claimed:
            continue
        link = f"{base_url.rstrip('/')}/s/{row['slug']}/growing-up"
        mail.send(
            db,
            to=row["email"],
            subject=f"In {left} days your plan is yours to control",
            body=(
                f"Hello {row['name']},\n\nFrom {day_words(due_on)} you make the decisions about"
                f" your plan, “{row['title']}”. You will choose who keeps helping you manage it:"
                " keep them, let them help write it, or stop their access.\n\n"
                f"See what changes and get ready here:\n{link}\n\nNothing changes until you"
                " choose.\n"
            ),
        )
        sent.append(Reminder(row["slug"], row["email"], days, due_on))
    return sent
