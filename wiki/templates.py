"""Jinja2 templates looked up theme → plugins → default.

A theme is a folder ``themes/<name>/`` with ``templates/`` and ``static/`` only. Any
theme template can extend the default one it replaces with ``{% extends "default:page.html" %}``.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from jinja2.ext import Extension
from markupsafe import escape

import themes as themes_package
from wiki import clock, dates, grammar, symbols, words

THEMES_DIR = Path(themes_package.__file__).parent
_plugin_template_dirs: list[Path] = []


def available_themes() -> list[str]:
    return list(_installed_themes())


@cache
def _installed_themes() -> tuple[str, ...]:
    # Read once: themes do not change under a running server, and every page asks (issue #16).
    return tuple(sorted(p.name for p in THEMES_DIR.iterdir() if (p / "templates").is_dir()))


def add_plugin_templates(path: Path) -> None:
    """Plugins call this (through the app) to offer templates after the theme's own."""
    if path not in _plugin_template_dirs:
        _plugin_template_dirs.append(path)
        _environment.cache_clear()


def static_path(theme: str, name: str) -> Path | None:
    """A theme's static file, else the default theme's; never outside those folders."""
    for folder in (theme, "default"):
        root = (THEMES_DIR / folder / "static").resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=4096)
def when(value: str | None) -> str:
    """A timestamp in plain words: '23 November 2026 at 14:05'."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


@lru_cache(maxsize=4096)
def day(value: str | None) -> str:
    """A date in plain words: '3 March 2027'."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return f"{moment.day} {moment:%B %Y}"


def ago(value: str | None) -> str:
    if not value:
        return ""
    seconds = (clock.now() - clock.now().fromisoformat(value)).total_seconds()
    for size, unit in ((86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


_KEEP_AS_WRITTEN = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]+")


class NoIndent(Extension):
    """Templates are indented for people reading them; pages need none of it (issue #21:
    ~1 KB of every page). Each line's leading spaces become one when the template is
    compiled, once, except inside ``<pre>`` and ``<textarea>``, where they are the text.
    One, not none: after a block tag (``trim_blocks`` eats its newline) a line's leading
    space may be the only space between two words ("Dad (dad) can read")."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if not (name or "").endswith(".html"):
            return source
        chunks = _KEEP_AS_WRITTEN.split(source)
        # split() gives: text, whole kept element, its tag name, text, ...
        out = []
        for n, chunk in enumerate(chunks):
            if n % 3 == 0:
                out.append(_INDENT.sub("\n ", chunk))
            elif n % 3 == 1:
                out.append(chunk)
        return "".join(out)


# ``say`` of a literal key with no names: the words for that key in one register, written
# into the template when it is compiled (issue #21: ~110 calls a page, each through Jinja's
# call machinery). Each register has its own compiled templates (``environment``).
_SAY = re.compile(r"""\{\{\s*say\(\s*(["'])([a-z0-9_.]+)\1\s*\)\s*\}\}""")


class WordsWritten(Extension):
    """Writes the reader's words into the template once per register (see ``_SAY``);
    ``say`` with names (a title, a number) is still called as the page is drawn."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        easy = bool(getattr(self.environment, "easy_read", False))

        def written(match: re.Match[str]) -> str:
            text = str(escape(words.say(match.group(2), easy=easy)))
            if "{" in text or "%" in text or "#" in text:
                return "{% raw %}" + text + "{% endraw %}"
            return text

        return _SAY.sub(written, source)


def environment(theme: str = "default", easy: bool = False) -> Environment:
    return _environment(theme, easy)


@cache
def _environment(theme: str, easy: bool) -> Environment:
    default = FileSystemLoader(THEMES_DIR / "default" / "templates")
    chain = []
    if theme != "default" and (THEMES_DIR / theme / "templates").is_dir():
        chain.append(FileSystemLoader(THEMES_DIR / theme / "templates"))
    chain += [FileSystemLoader(p) for p in _plugin_template_dirs]
    chain.append(default)
    env = Environment(
        loader=ChoiceLoader([PrefixLoader({"default": default}, delimiter=":"), *chain]),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates do not change under a running server; not checking the files on every
        # render saves a stat() per template per view (issue #8).
        auto_reload=False,
        extensions=[NoIndent, WordsWritten],
    )
    env.easy_read = easy  # type: ignore[attr-defined]  # read by WordsWritten
    env.filters["when"] = when
    env.filters["ago"] = ago
    env.filters["day"] = day
    # Easy-read words and picture symbols (issue #16); plugin templates share this
    # environment, so they have them too.
    env.globals.update(words.JINJA_GLOBALS)
    env.globals.update(symbols.JINJA_GLOBALS)
    env.globals["date_value"] = dates.DateValue.of  # the date boxes' parts (issue #16)
    env.filters["a_an"] = grammar.with_article
    env.filters["and_list"] = grammar.and_list
    return env


def compile_all() -> int:
    """Compile every theme's templates now (a server's start-up), rather than
    on each one's first view: see ``wiki.serve.worker_app`` on why. Returns how many."""
    compiled = 0
    for theme in _installed_themes():
        folder = THEMES_DIR / theme / "templates"
        for easy in (False, True):
            env = environment(theme, easy)
            for path in sorted(folder.rglob("*.html")):
                env.get_template(path.relative_to(folder).as_posix())
                compiled += 1
    return compiled


def render_template(name: str, context: dict[str, Any], *, theme: str = "default") -> str:
    prefs = context.get("prefs")
    easy = bool(prefs is not None and prefs.easy_read)
    with words.reading(easy=easy):
        return environment(theme, easy).get_template(name).render(context)
