"""Load the demo plan site (``planwiki serve --demo``) through the same store as everyone.

The people and words are in ``wiki/demo_content.py``; who sees what is decided here,
so that each circle member shows a different slice of the plan.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path
from typing import Any

from wiki import accounts, demo_content, store
from wiki.db import Database
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import circle

# The content module is plain data; give it types once, here.
SITE: dict[str, str] = demo_content.SITE
OWNER: dict[str, str] = demo_content.OWNER
CIRCLE: list[dict[str, Any]] = demo_content.CIRCLE
PAGES: list[dict[str, str]] = demo_content.PAGES

# (who, section or "*", capability): groups first, then named people.
DEMO_GRANTS: list[tuple[str, str, str]] = [
    ("group:family", "about-me", "view"),
    ("group:family", "circle", "view"),
    ("group:family", "outcomes", "view"),
    ("group:family", "reviews", "view"),
    ("group:friends", "about-me", "view"),
    ("group:friends", "circle", "view"),
    ("group:school", "about-me", "view"),
    ("group:school", "outcomes", "view"),
    ("group:school", "education", "edit"),
    ("group:school", "reviews", "view"),
    ("group:school", "handover", "view"),
    ("group:social-care", "*", "view"),
    ("group:social-care", "outcomes", "edit"),
    ("group:social-care", "reviews", "edit"),
    ("group:social-care", "budget", "edit"),
    ("group:paid-support", "about-me", "view"),
    ("group:paid-support", "health", "view"),
    ("group:paid-support", "handover", "view"),
    ("group:paid-support", "outcomes", "edit"),
    ("group:health", "about-me", "view"),
    ("group:health", "health", "edit"),
]


def _steward_email() -> str:
    return str(next(p["email"] for p in CIRCLE if p["relationship"] in ("mum", "dad", "parent")))


def load(db: Database, *, files_dir: Path | None = None) -> list[tuple[str, str, str, str]]:
    """Create the people, the site, its circle, grants and pages. Returns sign-in details."""
    if not db.extensions.blocks:  # loaded by the command line, before the app exists
        from wiki.plugins import collect, make_manager

        db.extensions.blocks = {b.name: b for b in collect(make_manager().hook.block_types())}
    users = {}
    for person in [OWNER, *CIRCLE]:
        users[person["email"]] = accounts.create_user(
            db, email=person["email"], name=person["name"], password=person["password"]
        )
    actors = {email: Actor(user_id=u.id, email=u.email, name=u.name) for email, u in users.items()}
    owner = actors[OWNER["email"]]
    slug = SITE["slug"]
    store.create_site(
        db, owner, slug=slug, title=SITE["title"], date_of_birth=SITE.get("date_of_birth")
    )
    for person in CIRCLE:
        circle.add_member(
            db,
            owner,
            site=slug,
            email=person["email"],
            relationship=person["relationship"],
            groups=list(person["groups"]),
        )
    steward = _steward_email()
    circle.add_grant(db, owner, site=slug, section="*", capability="manage", person=steward)
    # The sister may help write the one-page profile; the nurse and PA are named for theirs.
    circle.add_grant(
        db, owner, site=slug, section="about-me", capability="edit", person=CIRCLE[1]["email"]
    )
    for who, section, capability in DEMO_GRANTS:
        kind, _, name = who.partition(":")
        circle.add_grant(
            db,
            owner,
            site=slug,
            section=section,
            capability=capability,
            **({"group": name} if kind == "group" else {"person": name}),
        )
    bases: dict[tuple[str, str], int | None] = {}
    for entry in PAGES:
        key = (entry["section"], entry["slug"])
        author = actors[entry["author"]]
        if author.email != OWNER["email"] and author.email != steward:
            author = owner if not _may_edit(db, author, slug, entry["section"]) else author
        result = store.save_page(
            db,
            author,
            site=slug,
            section=entry["section"],
            page=entry["slug"],
            body=entry["body"],
            base_revision=bases.get(key),
            summary=entry["summary"],
            title=entry["title"],
        )
        bases[key] = result.page.revision
    _attach_media(db, owner, slug, files_dir or Settings(db=db.path).files_path())
    load_younger(db, actors)
    people = [(OWNER["email"], OWNER["password"], OWNER["name"], "the young person (owner)")]
    people += [(p["email"], p["password"], p["name"], p["relationship"]) for p in CIRCLE]
    return people


def load_younger(db: Database, actors: dict[str, Actor]) -> None:
    """Mali's plan: made by her mum for her, with no account yet (issue #14)."""
    younger: dict[str, str] = demo_content.YOUNGER
    maker = actors[younger["maker"]]
    slug = younger["slug"]
    store.create_site(
        db, maker, slug=slug, title=younger["title"], date_of_birth=younger["date_of_birth"],
        for_name=younger["for_name"],
    )  # fmt: skip
    for person in CIRCLE:
        if "family" in person["groups"] and person["email"] != maker.email:
            circle.add_member(db, maker, site=slug, email=person["email"],
                              relationship="sister", groups=["family"])  # fmt: skip
    circle.add_member(db, maker, site=slug, email=OWNER["email"], relationship="brother",
                      groups=["family"])  # fmt: skip
    for group, section, capability in demo_content.YOUNGER_GRANTS:
        circle.add_grant(db, maker, site=slug, section=section, capability=capability, group=group)
    for entry in demo_content.YOUNGER_PAGES:
        store.save_page(
            db, maker, site=slug, section=entry["section"], page=entry["slug"], body=entry["body"],
            base_revision=None, summary=entry["summary"], title=entry["title"],
        )  # fmt: skip


def _may_edit(db: Database, actor: Actor, site: str, section: str) -> bool:
    try:
        return store.site_for(db, actor, site).allows("edit", section)
    except NotFound:
        return False


# ---- a drawn picture and a short recording (issue #5) -----------------------------------------


def bus_picture() -> bytes:
    """Rhys's drawing of the 42 bus at the end of his road, drawn with Pillow (no files needed)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (960, 640), "#bfe3f5")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 470, 960, 640), fill="#6b7b5e")  # grass
    draw.rectangle((0, 500, 960, 590), fill="#4a4f57")  # road
    for x in range(40, 960, 120):
        draw.rectangle((x, 540, x + 60, 548), fill="#f2f2f2")
    draw.ellipse((760, 40, 880, 160), fill="#ffd34d")  # sun
    draw.rounded_rectangle(
        (120, 250, 780, 500), radius=40, fill="#c8102e", outline="#5a0712", width=6
    )
    for x in range(170, 620, 110):
        draw.rounded_rectangle(
            (x, 285, x + 85, 370), radius=10, fill="#e8f4fb", outline="#5a0712", width=4
        )
    draw.rounded_rectangle(
        (650, 285, 750, 470), radius=10, fill="#e8f4fb", outline="#5a0712", width=4
    )  # door
    draw.rectangle((170, 395, 600, 440), fill="#ffd34d")
    draw.text((190, 405), "42  HOLLINSFORD BUS STATION", fill="#1b1f24")
    for x in (250, 620):
        draw.ellipse((x - 48, 452, x + 48, 548), fill="#1b1f24")
        draw.ellipse((x - 20, 480, x + 20, 520), fill="#9aa3ad")
    draw.rectangle((860, 300, 872, 500), fill="#4a4f57")  # the stop
    draw.rectangle((830, 260, 902, 310), fill="#1d4f91")
    draw.text((850, 278), "42 X7", fill="#ffffff")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def hello_recording(seconds: float = 2.4, rate: int = 16_000) -> bytes:
    """A short tune as a WAV file (no speech engine is needed): the demo's "recording"."""
    notes = [392.0, 440.0, 523.25, 440.0, 587.33, 523.25]  # a little bus-horn tune
    frames = bytearray()
    per_note = int(rate * seconds / len(notes))
    for n, freq in enumerate(notes):
        for i in range(per_note):
            fade = min(1.0, i / 400, (per_note - i) / 400)
            value = 0.35 * fade * math.sin(2 * math.pi * freq * (n * per_note + i) / rate)
            frames += struct.pack("<h", int(value * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def _attach_media(db: Database, owner: Actor, slug: str, files_dir: Path) -> None:
    from wiki.store import files, introduction

    bus = files.attach(
        db, owner, site=slug, section="about-me", page="one-page-profile", upload=io.BytesIO(bus_picture()),
        filename="my-42-bus.jpg", declared_type="image/jpeg", main=True, files_dir=files_dir,
        caption="My drawing of the 42 bus at the stop at the end of our road. Dave is driving.",
    )  # fmt: skip
    # The front of his plan: his own line and his drawing (issue #16).
    introduction.set_introduction(db, owner, site=slug, intro=demo_content.INTRO, photo=bus.key)
    files.attach(
        db, owner, site=slug, section="about-me", page="one-page-profile", upload=io.BytesIO(hello_recording()),
        filename="rhys-says-hello.wav", declared_type="audio/wav", files_dir=files_dir,
        caption="Rhys says hello and reads the start of his profile",
        transcript=(
            "Hello, I'm Rhys. I know every bus route in Hollinsford, so if you are lost, ask me. "
            "Please tell me about changes early, and write them down. Give me time to answer: "
            "if I say I don't know, it usually means wait."
        ),
    )  # fmt: skip
