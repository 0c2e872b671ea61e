"""A page merged three ways: its structured blocks field by field and item by item, the
text around them line by line.

A page is cut into text and blocks (fenced ```name … ``` of a known type, YAML inside).
When all three versions hold the same kinds of blocks in the same order, block n is
merged with block n and the text between them stretch by stretch. When someone added or
took out a block, the whole page is merged as lines instead, which still keeps every
change the two made to different lines.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt

from wiki.merge.items import Clash, merge_value
from wiki.merge.text import merge_lines, merge_text

_MD = MarkdownIt("commonmark", {"html": False})


@dataclass
class _Block:
    name: str
    lines: list[str]  # from the opening fence to the closing one
    data: Any  # the YAML read, or None when it cannot be read as a mapping
    content: str  # the YAML text


@dataclass
class _Cut:
    texts: list[list[str]] = field(default_factory=list)  # len(blocks) + 1 stretches of lines
    blocks: list[_Block] = field(default_factory=list)


@dataclass
class Merged:
    body: str
    clashes: list[Clash]


def cut_page(body: str, names: Collection[str]) -> _Cut:
    lines = body.split("\n")
    cut, at = _Cut(), 0
    for token in _MD.parse(body):
        if token.type != "fence" or token.map is None or token.level != 0:
            continue
        name = token.info.strip().split(" ")[0] if token.info.strip() else ""
        start, end = token.map
        if name not in names or start < at:
            continue
        try:
            data = yaml.safe_load(token.content) if token.content.strip() else {}
        except yaml.YAMLError:
            data = None
        cut.texts.append(lines[at:start])
        cut.blocks.append(_Block(name, lines[start:end], data if isinstance(data, dict) else None,
                                 token.content))  # fmt: skip
        at = end
    cut.texts.append(lines[at:])
    return cut


def _dump(block: _Block, data: dict[str, Any]) -> list[str]:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=1_000_000)  # fmt: skip
    opening, closing = block.lines[0], block.lines[-1] if len(block.lines) > 1 else "```"
    return [opening, *text.rstrip("\n").split("\n"), closing]


def merge_page(
    base: str, mine: str, theirs: str, *, blocks: Collection[str],
    choices: dict[str, str] | None = None,
) -> Merged:  # fmt: skip
    """The three versions merged; ``choices`` settles clashes by their keys. Unsettled
    clashes are listed, and the body then holds my side of each."""
    cb, cm, ct = (cut_page(text, blocks) for text in (base, mine, theirs))
    if not (
        [b.name for b in cb.blocks] == [b.name for b in cm.blocks] == [b.name for b in ct.blocks]
    ):
        return Merged(*merge_text(base, mine, theirs, key="p", choices=choices))
    out: list[str] = []
    clashes: list[Clash] = []
    for n, texts in enumerate(zip(cb.texts, cm.texts, ct.texts, strict=True)):
        text, found = merge_lines(*texts, key=f"t{n}", choices=choices)
        clashes += found
        out += text
        if n < len(cb.blocks):
            out += _merge_block(cb.blocks[n], cm.blocks[n], ct.blocks[n], n, choices, clashes)
    return Merged("\n".join(out), clashes)


def _merge_block(
    base: _Block, mine: _Block, theirs: _Block, n: int,
    choices: dict[str, str] | None, clashes: list[Clash],
) -> list[str]:  # fmt: skip
    if mine.lines == theirs.lines or theirs.lines == base.lines:
        return mine.lines
    if mine.lines == base.lines:
        return theirs.lines
    if base.data is None or mine.data is None or theirs.data is None:
        # YAML that cannot be read: line by line, like any text.
        text, found = merge_text("\n".join(base.lines), "\n".join(mine.lines),
                                 "\n".join(theirs.lines), key=f"b{n}", choices=choices)  # fmt: skip
        clashes += found
        return text.split("\n")
    data, found = merge_value(base.data, mine.data, theirs.data, key=f"b{n}", block=mine.name,
                              choices=choices)  # fmt: skip
    clashes += found
    if data == mine.data:
        return mine.lines
    if data == theirs.data:
        return theirs.lines
    return _dump(mine, data)
