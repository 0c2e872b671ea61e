"""Bounds on a page's text (issue #15): one save must not cost seconds of CPU, nor make HTML
that a browser or the PDF maker chokes on. Checked before rendering (``wiki.render``)."""

from __future__ import annotations

import re
from typing import Any

from wiki.errors import Invalid

# One save must not cost seconds of CPU, nor make HTML that a browser or the PDF maker
# chokes on. Two things in markdown-it cost more than the text's length:
# - every "[" looks ahead for its "]" to the end of its paragraph, so N unclosed or nested
#   "[" in one paragraph cost N x its length (120 KB of "[[[...]]]" took ~30 s);
# - nesting (quotes, lists, emphasis, links) past markdown-it's own limit of 100 levels is
#   silently dropped, and "*_*_*_..." nests emphasis tens of thousands deep.
# Honest pages stay far below both limits (the demo plan: brackets 2 deep, nesting 8), so
# they render exactly as before; a page beyond them is refused with the reason and the
# place, and nothing is saved (the author keeps the text). Checked before rendering
# (brackets, linear) and on markdown-it's tokens before HTML is made (nesting).
MAX_BRACKETS = 32  # "[" open at once in one paragraph
MAX_NESTING = 32  # levels of quotes, lists, emphasis and links inside one another
_BRACKET_OR_BREAK = re.compile(r"[\[\]]|\n[ \t]*(?=\n)")


class TooComplex(Invalid):
    """A page's text nests deeper than any honest page does (issue #15)."""


def _line_of(body: str, at: int) -> int:
    return body.count("\n", 0, at) + 1


def check_brackets(body: str) -> None:
    """Refuse a paragraph with more than MAX_BRACKETS "[" open at once (linear time)."""
    if body.count("[") <= MAX_BRACKETS:
        return
    depth = 0
    for found in _BRACKET_OR_BREAK.finditer(body):
        mark = found.group()
        if mark == "[":
            depth += 1
            if depth > MAX_BRACKETS:
                raise TooComplex(
                    f"Line {_line_of(body, found.start()):,} opens more than {MAX_BRACKETS}"
                    " square brackets “[” in one paragraph without closing them. Close them,"
                    " or write \\[ for a bracket that is just a character. Nothing was saved."
                )
        elif mark == "]":
            depth = max(0, depth - 1)
        else:
            depth = 0  # a blank line ends the paragraph


def check_nesting(tokens: list[Any], body: str) -> None:
    """Refuse text nested deeper than MAX_NESTING (quotes, lists, emphasis, links)."""
    for token in tokens:
        level = token.level
        if token.children:
            level += max(child.level for child in token.children)
        if level > MAX_NESTING:
            line = token.map[0] + 1 if token.map else 1
            raise TooComplex(
                f"From line {line:,} the text is nested more than {MAX_NESTING} levels deep"
                " (quotes, lists, bold or italic inside one another). Simplify it there."
                " Nothing was saved."
            )
