"""Rendering a page in parts gives exactly the HTML of rendering it whole (issue #8).

A save re-renders only the parts of a page whose text changed; these tests hold that
the cut never shows: on the demo plan, on generated pages, and on random mixtures of
every kind of markdown that could reach across a cut (fences, lists, quotes, footnotes,
link definitions, setext headings, repeated headings, tables, blocks, stray "#").
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiki import render as rendering
from wiki.demo_content import PAGES
from wiki.plugins import collect, make_manager

BLOCKS = {block.name: block for block in collect(make_manager().hook.block_types())}

PIECES = [
    "# About me", "## What matters to me", "### Money", "# About me", "## Money!", "#Not a heading",
    "#### Deep heading", "## Heading with *emphasis* and `code`", "## [A link](https://example.org)",
    "I like swimming and *music*.", "Words with a # in the middle.", "Title\n=====", "Title\n-----",
    "---", "- one\n- two", "- one\n\n- two", "1. first\n2. second", "- item\n\n  # inside item",
    "> a quote\n> more", "> # quoted heading", "```\ncode\n\n# not a heading\n```", "```\nunclosed",
    "~~~\n# in tilde fence\n~~~", "````\n```\n# still code\n````", "    indented code\n\n    # more",
    "| A | B |\n| --- | --- |\n| 1 | 2 |", "- [ ] to do\n- [x] done", "A footnote[^1].", "[^1]: The note.",
    "[ref]: https://example.org", "A [reference][ref] link.", "![a photo](https://example.org/p.jpg)",
    "![mine](/s/x/-/files/abc/p.jpg)", "<b>raw html</b>", "&amp; &copy; entities",
    "```contacts\npeople:\n  - name: Alex\n    role: Mum\n```", "```outcome\noutcome: Travel alone\n```",
    "", "   ", "\t# tabbed", "# Trailing hashes ##", "Para\n# Heading right after",
]  # fmt: skip


def check(body: str) -> None:
    parts = rendering.split_parts(body)
    assert "".join(parts) == body
    whole = rendering.render_whole(body, site="x", blocks=BLOCKS)
    assert rendering.render(body, site="x", blocks=BLOCKS) == whole
    assert rendering.render(body, site="x", blocks=BLOCKS) == whole  # from the kept parts


def test_the_demo_plan_renders_the_same_in_parts() -> None:
    cut = 0
    for page in PAGES:
        body = page["body"] if isinstance(page, dict) else page[-1]
        check(body)
        cut += len(rendering.split_parts(body)) > 1
    assert cut, "no demo page was cut at all: the test would prove nothing"


def test_generated_pages_render_the_same_in_parts() -> None:
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from page_views import make_body

    rng = random.Random(8)
    bodies = [make_body(rng, f"Page {n}") for n in range(150)]
    for body in bodies:
        check(body)
    assert sum(len(rendering.split_parts(b)) > 1 for b in bodies) > 50


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12), st.lists(st.booleans()))
def test_any_mixture_renders_the_same_in_parts(pieces: list[str], tight: list[bool]) -> None:
    joints = [
        ("\n" if tight[n % len(tight)] else "\n\n") if tight else "\n\n" for n in range(len(pieces))
    ]
    check("".join(p + j for p, j in zip(pieces, joints, strict=True)))


def test_only_changed_parts_are_rendered_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = "Intro words.\n\n# One\n\nFirst part.\n\n# Two\n\nSecond part.\n"
    assert len(rendering.split_parts(body)) == 3
    rendering.render(body, site="parts-test", blocks=BLOCKS)
    seen: list[str] = []
    real = rendering.render_whole
    monkeypatch.setattr(
        rendering, "render_whole", lambda part, **kw: seen.append(part) or real(part, **kw)
    )
    edited = body.replace("Second part.", "Second part, changed.")
    assert rendering.render(edited, site="parts-test", blocks=BLOCKS) == real(
        edited, site="parts-test", blocks=BLOCKS
    )
    assert seen == ["# Two\n\nSecond part, changed.\n"]  # only the changed part


def test_a_page_that_cannot_be_cut_safely_is_rendered_whole() -> None:
    for body in (
        "# A\n\nx\n\n# A\n",
        "Note[^1]\n\n# B\n\n[^1]: n\n",
        "T\n===\n\n# B\n",
        "a # b\n\n# C\n",
    ):
        assert rendering.split_parts(body) == [body]
