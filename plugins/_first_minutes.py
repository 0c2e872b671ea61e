"""A handover pack's "First five minutes" (issue #23): what a new worker needs before
anything else, on one phone screen or two, drawn from the plan's own blocks.

In order: what to do in an emergency and who to call, with their numbers (the safety
plan's ``safeguards`` block, the circle's contacts); how the young person communicates
(the communication passport, else the one-page profile); what not to do; a good day and
a bad day. Each line links to the page it comes from.

It is made only from the parts of the pack THIS reader may read at the source (the
caller passes the parts ``resolve`` gave them), so it can never say more than the pack:
a reader without Health or Circle sees no seizure plan and no numbers from them.
The emergency part is never shortened; the others are cut to keep the whole under
``MAX_WORDS`` (read in under two minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from plugins._pagetext import find_blocks
from plugins.blocks import BLOCKS, Circle, CommunicationPassport, GoodDayBadDay, OnePageProfile
from plugins.support_plan import Safeguards
from wiki.plugin_api import BlockType, Page, Revision, parse_block

MAX_WORDS = 250
SAFETY_BLOCKS = ("safeguards", "circle", "communication-passport", "one-page-profile",
                 "good-day-bad-day")  # fmt: skip
_SAFEGUARDS = BlockType("safeguards", "Safety plan", Safeguards, lambda m: "")
_DONT = re.compile(r"(?:^|(?<=[.!?] ))((?:Please )?(?:Do not|Don't|Never)\b[^.!?]*[.!?]?)")
_PHONE = re.compile(r"(\+?\d[\d ]{6,}\d)")
_RINGS = {"closest": 0, "friends and family": 1, "paid support": 2, "community": 3}


@dataclass
class Line:
    text: str
    href: str
    phone: str = ""  # a number to call, shown as its own tel: link


@dataclass
class Part:
    key: str
    heading: str
    lines: list[Line] = field(default_factory=list)


def is_safety_page(body: str, title: str) -> bool:
    """A page the first five minutes is drawn from: ticked by default when making a pack."""
    words = title.lower()
    return bool(find_blocks(body, set(SAFETY_BLOCKS))) or any(
        w in words for w in ("seizure", "safety", "emergency")
    )


def _models(body: str, name: str) -> list[Any]:
    block = _SAFEGUARDS if name == "safeguards" else BLOCKS[name]
    out = []
    for found in find_blocks(body, {name}):
        try:
            out.append(parse_block(block, found.text))
        except ValueError:
            continue
    return out


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.rstrip(")")[-1:] in (".", "!", "?") else text + "."


def gather(parts: list[tuple[Page, Revision]], root: str) -> list[Part]:
    emergency = Part("emergency", "In an emergency")
    talk = Part("communicate", "How I communicate")
    dont = Part("do-not", "Please do not")
    days = Part("days", "A good day, a bad day")
    contacts: list[tuple[int, Line]] = []
    profile_lines: list[Line] = []
    for page, rev in parts:
        href = f"{root}/{page.section.key}/{page.slug}"
        body = rev.body
        for s in _models(body, "safeguards"):
            model: Safeguards = s
            if model.emergency:
                emergency.lines.insert(0, Line(_sentence(model.emergency), href))
            for risk in model.risks[:2]:
                if risk.if_it_happens:
                    emergency.lines.append(
                        Line(f"{_sentence(risk.risk)} {_sentence(risk.if_it_happens)}", href)
                    )
            for c in model.worried:
                when = f", {c.when[:1].lower()}{c.when[1:]}" if c.when else ""
                phone = _PHONE.search(c.how)
                contacts.append(
                    (-1, Line(f"Call {c.who}{when}", href, phone.group(1) if phone else ""))
                )
        for c in _models(body, "circle"):
            circle: Circle = c
            for m in circle.members:
                phone = _PHONE.search(m.contact)
                if phone:
                    who = f"{m.name} ({m.relationship})" if m.relationship else m.name
                    contacts.append(
                        (_RINGS.get(m.ring, 9), Line(f"Call {who}", href, phone.group(1)))
                    )
        for p in _models(body, "communication-passport"):
            passport: CommunicationPassport = p
            for e in passport.entries:
                please = f" {_sentence(e.please)}" if e.please else ""
                talk.lines.append(Line(f"When {e.when}: {_sentence(e.it_means)}{please}", href))
                dont.lines += [Line(_sentence(x), href) for x in _DONT.findall(e.please)]
        for p in _models(body, "one-page-profile"):
            profile: OnePageProfile = p
            for said in profile.how_to_support_me:
                profile_lines.append(Line(_sentence(said), href))
                dont.lines += [Line(_sentence(x), href) for x in _DONT.findall(said)]
        for d in _models(body, "good-day-bad-day"):
            day: GoodDayBadDay = d
            days.lines += [Line(f"Good: {_sentence(x)}", href) for x in day.good_day[:2]]
            days.lines += [Line(f"Bad: {_sentence(x)}", href) for x in day.bad_day[:2]]
            days.lines += [Line(f"Helps: {_sentence(x)}", href) for x in day.turn_it_round[:1]]
    seen: set[str] = set()
    for _, line in sorted(contacts, key=lambda c: c[0]):
        if line.text not in seen and len([x for x in emergency.lines if x.phone]) < 3:
            seen.add(line.text)
            emergency.lines.append(line)
    talk.lines = talk.lines[:3] + profile_lines[: max(0, 3 - len(talk.lines))]
    dont.lines = list({x.text: x for x in dont.lines}.values())[:3]
    found = [p for p in (emergency, talk, dont, days) if p.lines]
    return _fit(found)


def _words(line: Line) -> int:
    return len(line.text.split()) + (len(line.phone.split()) + 1 if line.phone else 0)  # ": "


def _fit(parts: list[Part]) -> list[Part]:
    """Under MAX_WORDS (headings counted): the last lines of the last parts go first; the
    emergency part is never cut."""

    def total() -> int:
        heading = 3  # "First five minutes"
        return heading + sum(
            len(p.heading.split()) + sum(_words(x) for x in p.lines) for p in parts
        )

    for part in reversed(parts):
        while part.key != "emergency" and total() > MAX_WORDS and part.lines:
            part.lines.pop()
    return [p for p in parts if p.lines]


def render(parts: list[Part]) -> str:
    """The "First five minutes" section's HTML (empty when nothing in it may be read)."""
    if not parts:
        return ""
    out = ['<section class="first-minutes" aria-labelledby="first-minutes">'
           '<h2 id="first-minutes">First five minutes</h2>']  # fmt: skip
    if not any(p.key == "emergency" for p in parts):
        out.append("<p>There is no emergency plan in this handover that you can read. "
                   "Ask the person who shared it with you what to do in an emergency.</p>")  # fmt: skip
    for part in parts:
        out.append(f'<h3 class="first-{part.key}">{escape(part.heading)}</h3><ul>')
        for line in part.lines:
            tel = ""
            if line.phone:
                digits = re.sub(r"[^\d+]", "", line.phone)
                tel = Markup(': <a class="tel" href="tel:{}">{}</a>').format(digits, line.phone)
            out.append(Markup('<li><a href="{}">{}</a>{}</li>').format(line.href, line.text, tel))
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)
