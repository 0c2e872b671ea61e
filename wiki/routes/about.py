"""The about page (issue #16): what planwiki is, in plain words, and credit for the openly
licensed parts it is made of — the picture symbols first, because their licence asks
for it (docs/symbols.md), then the libraries it runs on, read from the installed
packages so the list cannot drift from what is really there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wiki.routes.common import page
from wiki.symbols import OPENMOJI_VERSION


@dataclass(frozen=True)
class Credit:
    name: str
    version: str
    licence: str


def _licence(info: Any) -> str:
    """The licence a package declares: its SPDX expression, its classifiers, or a short
    licence field (some packages put the whole text there)."""
    expression = info.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.split("::")[-1].strip()
        for c in info.get_all("Classifier") or []
        if c.startswith("License ::") and "OSI Approved" in c
    ]
    if classifiers:
        return " or ".join(classifiers)
    short = (info.get("License") or "").strip()
    return short if short and len(short) <= 40 and "\n" not in short else "see the package"


@cache
def libraries() -> tuple[Credit, ...]:
    """planwiki's own run-time dependencies, as installed (not the test tools)."""
    try:
        wanted = metadata.requires("planwiki") or []
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return ()
    credits = []
    for requirement in wanted:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]
        try:
            info = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue  # an optional platform dependency that is not installed here
        credits.append(Credit(info["Name"], info["Version"], _licence(info)))
    return tuple(sorted(credits, key=lambda c: c.name.lower()))


async def about(request: Request) -> Response:
    return page(
        request,
        "about.html",
        {"libraries": libraries(), "openmoji_version": OPENMOJI_VERSION},
    )


routes = [Route("/about", about, methods=["GET"])]
