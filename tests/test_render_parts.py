"""Rendering a page in parts gives exactly the HTML of rendering it whole (issue #8).

A save re-renders only the parts of a page whose text changed; these tests hold that
the cut never shows: on the demo plan, on generated pages, and on random mixtures of
every kind of markdown that could reach across a cut (fences, lists, quotes, footnotes,
link definitions, setext headings, repeated headings, tables, blocks, stray "#").
"""

from __future__ import annotations

import random
import re
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
    # plain paragraphs are cut points too: what comes before them must end where it ends
    "Just a paragraph.", "Two lines\nof one paragraph.", "2024 was a good year.", "1) first\n2) second",
    "- a\n- b\n\n  indented continuation", "* star item", "+ plus item", "- [ ] task\n\n  more",
    "> quote\nlazy line", "Words then\n- a list right after", "Table | head\n--- | ---\nx | y",
    "Émile likes café.", "Text with trailing spaces  \nhard break", "<!-- a comment -->",
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


def _parsed_again(monkeypatch, body: str, edited: str) -> list[str]:
    """Render ``body``, then ``edited``: the parts parsed again, checked against one go."""
    rendering.render(body, site="parts-test", blocks=BLOCKS)
    expected = rendering.render_whole(edited, site="parts-test", blocks=BLOCKS)
    seen: list[str] = []
    real = rendering._render_part
    monkeypatch.setattr(
        rendering,
        "_render_part",
        lambda part, **kw: seen.append(part) or real(part, **kw),  # type: ignore[func-returns-value]
    )
    assert rendering.render(edited, site="parts-test", blocks=BLOCKS) == expected
    return seen


def test_only_changed_parts_are_rendered_again(monkeypatch) -> None:
    body = "Intro words.\n\n# One\n\nFirst part.\n\n# Two\n\nSecond part.\n"
    assert len(rendering.split_parts(body)) == 5
    edited = body.replace("Second part.", "Second part, changed.")
    assert _parsed_again(monkeypatch, body, edited) == ["Second part, changed.\n"]


def test_a_page_is_cut_before_plain_paragraphs_but_never_inside_a_list() -> None:
    body = "Intro.\n\n- one\n\n- two\n\nAfter the list.\n\n```\n\nInside\n```\n"
    assert rendering.split_parts(body) == [
        "Intro.\n\n- one\n\n- two\n\n",  # a loose list stays whole
        "After the list.\n\n```\n\nInside\n```\n",  # no cut inside a fence
    ]


def test_editing_one_paragraph_renders_only_that_paragraph(monkeypatch) -> None:
    body = "# Title\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"
    edited = body.replace("Second paragraph.", "Second paragraph, changed.")
    assert _parsed_again(monkeypatch, body, edited) == ["Second paragraph, changed.\n\n"]


def test_kept_parts_stay_within_their_budget(monkeypatch) -> None:
    monkeypatch.setattr(rendering, "PARTS_BUDGET", 20_000)
    for n in range(300):
        rendering.render(
            f"# Part {n}\n\nWords {n}.\n\nMore words {n}.\n", site="budget", blocks=BLOCKS
        )
    kept = sum(len(text) + len(html) for (_s, _n, text), html in rendering._PARTS.items())
    assert kept == rendering._parts_size
    assert 0 < kept <= 20_000


def test_repeated_headings_are_numbered_across_parts_as_in_one_go() -> None:
    body = "# Money\n\nA.\n\n# Money 1\n\nB.\n\n# Money\n\n## Money\n\nC.\n"
    assert len(rendering.split_parts(body)) > 3
    html = rendering.render(body, site="x", blocks=BLOCKS)
    assert html == rendering.render_whole(body, site="x", blocks=BLOCKS)
    assert [m for m in re.findall(r'id="([^"]+)"', html)] == [
        "money", "money-1", "money-2", "money-3"
    ]  # fmt: skip
    assert "~pw~" not in html


def test_a_page_that_cannot_be_cut_safely_is_rendered_whole() -> None:
    for body in (
        "Note[^1]\n\n# B\n\n[^1]: n\n",
        "T\n===\n\n# B\n",
        "a # b\n\n# C\n",
    ):
        assert rendering.split_parts(body) == [body]
