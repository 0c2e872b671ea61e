"""Picture symbols beside the words (issue #16), in one place.

Every part of a plan and every main action has a picture from OpenMoji (CC BY-SA 4.0,
installed from the npm registry as the ``openmoji`` package; docs/symbols.md says why
this set and what its licence asks). Only the SVGs named here are vendored, into
``themes/default/static/symbols/`` with the licence; ``python -m wiki.data.fetch_symbols``
fetches them again from the registry.

A symbol is decoration: ``<img alt="">`` next to words that say it all. It is drawn when
the reader has easy read on, and always in a theme whose ``icons.html`` asks for it
(the large-text theme), so nobody who does not want pictures gets them.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from wiki.words import easy_now

OPENMOJI_VERSION = "17.0.0"
OPENMOJI_INTEGRITY = "sha512-EBnYrNGdcdw+OSXmENeNE1yBNRu6tOraTmoOyUbJkTmvT/+XETp8RZLSJFzD3lrPc5N9CzsyPnRTk0Vp4UaI9w=="

# name -> OpenMoji hexcode (the SVG's file name in the package's color/svg/ folder).
SYMBOLS: dict[str, str] = {
    # parts of the plan
    "about-me": "1F60A",  # smiling face with smiling eyes
    "circle": "1F46A",  # family
    "outcomes": "1F3AF",  # direct hit (a target)
    "budget": "1F4B7",  # pound banknote
    "health": "1F3E5",  # hospital: clearer than a stethoscope at text size
    "education": "1F4DA",  # books
    "school": "1F3EB",  # school
    "social-care": "1F3E1",  # house with garden
    "provision": "1F9F0",  # toolbox: the help that is arranged
    "advice": "1F4A1",  # light bulb
    "needs": "1F9E9",  # puzzle piece
    "dreams": "2B50",  # star
    "reviews": "1F4CB",  # clipboard
    "handover": "1F91D",  # handshake
    "page": "1F4C4",  # page facing up: any other part
    # main actions
    "home": "1F3E0",  # house
    "edit": "270F",  # pencil
    "share": "1F465",  # busts in silhouette
    "who-can-see": "1F441",  # eye
    "who-has-looked": "1F440",  # eyes
    "search": "1F50D",  # magnifying glass
    "print": "1F5A8",  # printer
    "history": "231B",  # hourglass
    "add": "2795",  # plus
    "save": "2705",  # check mark button
    "back": "2B05",  # left arrow
    "sign-in": "1F511",  # key
    "sign-out": "1F6AA",  # door
    "account": "1F464",  # bust in silhouette
    "read-aloud": "1F50A",  # speaker high volume
    "help": "2753",  # question mark
    "about": "2139",  # information
    "photo": "1F4F7",  # camera
    "question": "1F4AC",  # speech balloon
}

# A section's picture: by the template it was made from, else by its key.
SECTION_SYMBOLS: dict[str, str] = {
    "one-page-profile": "about-me",
    "about-me": "about-me",
    "circle": "circle",
    "outcomes": "outcomes",
    "budget": "budget",
    "health": "health",
    "education": "education",
    "school-or-college": "school",
    "placement": "school",
    "social-care": "social-care",
    "provision": "provision",
    "advice": "advice",
    "needs": "needs",
    "dreams": "dreams",
    "reviews": "reviews",
    "handover": "handover",
}

STATIC_FOLDER = "symbols"  # under themes/default/static/


def file_of(name: str) -> str:
    return f"{SYMBOLS[name]}.svg"


def symbol(name: str, *, always: bool = False) -> Markup:
    """The picture for ``name`` as a decorative image, or nothing when pictures are off.
    An unknown name is a mistake in the code: it raises ``KeyError``."""
    hexcode = SYMBOLS[name]
    if not (always or easy_now()):
        return Markup("")
    return Markup(
        '<img class="symbol" src="/static/default/{folder}/{file}.svg" alt="" width="32" height="32">'
    ).format(folder=STATIC_FOLDER, file=hexcode)


def section_symbol_name(section: Any) -> str:
    template = getattr(section, "template", None) or ""
    return SECTION_SYMBOLS.get(template) or SECTION_SYMBOLS.get(section.key, "page")


def section_symbol(section: Any, *, always: bool = False) -> Markup:
    return symbol(section_symbol_name(section), always=always)


JINJA_GLOBALS = {"symbol": symbol, "section_symbol": section_symbol}
