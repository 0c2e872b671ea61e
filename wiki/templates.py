"""Jinja2 templates looked up theme → plugins → default.

A theme is a folder ``themes/<name>/`` with ``templates/`` and ``static/`` only. Any
theme template can extend the default one it replaces with ``{% extends "default:page.html" %}``.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

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
        environment.cache_clear()


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


@cache
def environment(theme: str = "default") -> Environment:
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
    )
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
        env, folder = environment(theme), THEMES_DIR / theme / "templates"
        for path in sorted(folder.rglob("*.html")):
            env.get_template(path.relative_to(folder).as_posix())
            compiled += 1
    return compiled


def render_template(name: str, context: dict[str, Any], *, theme: str = "default") -> str:
    prefs = context.get("prefs")
    with words.reading(easy=bool(prefs is not None and prefs.easy_read)):
        return environment(theme).get_template(name).render(context)
