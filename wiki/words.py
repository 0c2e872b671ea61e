"""The words of the pages, in two registers: standard and easy read (issue #16).

Every button, heading, label, hint and message that a young person meets has a key
("nav.sections") and two strings written by hand: the standard one in
``wiki/data/words/standard.toml`` and the easy-read one in ``easy.toml`` (short sentences,
one idea each, everyday words). Nothing is generated: the easy words are a second set of
strings, so a person who reads with difficulty gets words chosen for them, not a
shortened copy of ours.

Templates call the Jinja global ``say("nav.sections")`` (named ``{placeholders}`` for
names and titles: ``say("page.history_of", title=page.title)``); Python code that makes a
message calls ``say(key, easy=prefs.easy_read, ...)``. Which register a page is drawn in
is set once per render from the reader's preferences (``reading``), so macros imported
without context and plugin templates, which share the environment, speak the same way.

Form labels come from the blocks' pydantic models (their ``title`` is the standard
label); the easy label of a field lives under ``field.<Model>.<name>`` in ``easy.toml``
and is picked by ``label_of`` / ``hint_of``. ``tests/test_words.py`` holds both
catalogues to each other and to every key the code uses.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup, escape

Register = Literal["standard", "easy"]
WORDS_DIR = Path(__file__).parent / "data" / "words"

# Whether the page being drawn is in easy read; set by ``reading`` around one render.
_easy: ContextVar[bool] = ContextVar("planwiki_easy_read", default=False)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, name + ".")
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(register: Register) -> dict[str, str]:
    """Every string of one register, by dotted key. Read once: they do not change under a
    running server."""
    with (WORDS_DIR / f"{register}.toml").open("rb") as source:
        return _flatten(tomllib.load(source))


@contextlib.contextmanager
def reading(*, easy: bool) -> Iterator[None]:
    """Draw what happens inside in easy read (or not)."""
    token = _easy.set(easy)
    try:
        yield
    finally:
        _easy.reset(token)


def easy_now() -> bool:
    return _easy.get()


def say(key: str, *, easy: bool | None = None, **names: Any) -> str:
    """The words for ``key`` in the reader's register. An unknown key is a mistake in the
    code, not something to hide: it raises ``KeyError`` (the tests find every key)."""
    if easy is None:
        easy = _easy.get()
    text = catalogue("standard")[key]
    if easy:  # a missing easy string falls back to the standard one; the tests forbid it
        text = catalogue("easy").get(key, text)
    return text.format_map(names) if names else text


def _field_text(spec: Any, part: str, standard: str) -> str:
    key: str = getattr(spec, "words", "") or ""
    if not (_easy.get() and key and standard):
        return str(standard)
    return catalogue("easy").get(f"field.{key}.{part}", str(standard))


class Later(str):
    """Words for a label made before the page is drawn (a plugin's link or button): the
    standard words as a string, and the reader's own words when a template shows it,
    because Jinja asks ``__html__`` at render time, inside ``reading``."""

    key: str
    names: dict[str, Any]

    def __new__(cls, key: str, **names: Any) -> Later:
        made = super().__new__(cls, say(key, easy=False, **names))
        made.key, made.names = key, names
        return made

    def __html__(self) -> Markup:
        return escape(say(self.key, **self.names))


def say_later(key: str, **names: Any) -> Later:
    """``say`` for labels made before rendering: see ``Later``."""
    return Later(key, **names)


def label_of(spec: Any) -> str:
    """A form field's label: the model's title, or its easy-read label when reading easy."""
    return _field_text(spec, "label", spec.label)


def hint_of(spec: Any) -> str:
    """A form field's hint, in the same way as ``label_of``."""
    return _field_text(spec, "hint", spec.hint)


def item_of(spec: Any) -> str:
    """What one row of a repeated group is called ("member"), for "Add another …"."""
    return _field_text(spec, "item", spec.item)


JINJA_GLOBALS = {
    "say": say,
    "easy_read": easy_now,
    "label_of": label_of,
    "hint_of": hint_of,
    "item_of": item_of,
}
