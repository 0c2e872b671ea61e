"""Drawing blocks as HTML: the Jinja2 environment (autoescape on, so every value a person
wrote is escaped), the words for money and days, and the circle of support's rings."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from plugins import _circle_layout as circle_layout
from plugins._circle_layout import Spot
from plugins.blocks.fields import RING_TITLES, RINGS
from plugins.blocks.models import Circle, Outcome, evidence_parts

TEMPLATES = Path(__file__).parent.parent / "templates"

# ---- rendering -------------------------------------------------------------------------------


def money(value: Decimal | int | float) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def sentence(text: str) -> str:
    """First letter a capital, the rest as written ("NHS managed" stays so)."""
    return text[:1].upper() + text[1:]


def refs_label(refs: list[str]) -> str:
    if not refs:
        return ""
    if len(refs) == 1:
        return refs[0]
    return ", ".join(refs[:-1]) + " and " + refs[-1]


_env = Environment(
    loader=FileSystemLoader(TEMPLATES / "blocks"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["money"] = money
_env.filters["day"] = day
_env.filters["refs"] = refs_label
_env.filters["sentence"] = sentence
_env.filters["evidence"] = evidence_parts


def render_template(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)


# Circle of support: four rings around the person, drawn as concentric circles.
RING_RADII = {
    "closest": (52, 132),
    "friends and family": (132, 196),
    "community": (196, 252),
    "paid support": (252, 305),
}
MAX_ON_RING = 10


RING_NAMES = {"closest": "Closest", "friends and family": "Family and friends",
              "community": "Community", "paid support": "Paid support"}  # fmt: skip
Placed = Spot  # the old name, for callers that imported it


def place_members(model: Circle) -> dict[str, list[Spot]]:
    """Where each name goes: inside its own ring, never over a line, a ring's name or another
    name (issue #16); whoever does not fit is counted in "+N more" (the list names everyone)."""
    rings = {ring: [m.name for m in model.members if m.ring == ring] for ring in RINGS}
    return circle_layout.place(rings, RING_RADII, RING_NAMES, most=MAX_ON_RING)


def render_circle(model: Circle) -> str:
    by_ring = {ring: [m for m in model.members if m.ring == ring] for ring in RINGS}
    # The arcs' ids in the picture: the same circle draws the same ids (issue #16).
    uid = hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:6]
    return render_template("circle.html", m=model, rings=RINGS, titles=RING_TITLES, radii=RING_RADII,
                   ring_names=RING_NAMES, placed=place_members(model), by_ring=by_ring,
                   uid=uid)  # fmt: skip


def render_outcome(model: Outcome) -> str:
    return render_template("outcome.html", m=model)


def simple(template: str) -> Any:
    def render(model: Any) -> str:
        return render_template(template, m=model)

    return render
