"""A block's data merged three ways, field by field and list item by list item.

A block is YAML: a mapping of fields, whose values are words, numbers, dates, lists of
lines, or lists of records (circle members, steps, payments). Each field and each list
item is one *item*. A change only one side made is kept; the same change on both sides
is kept once; two people who each add something to a list both keep it (theirs first: it
was saved first).
Only when both changed the same item differently — or one changed it and the other took
it out — is it a clash, named by a key that stays the same while the three versions do,
so a person's choice ("mine", "theirs", "both") can be applied to it later.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

MINE, THEIRS, BOTH = "mine", "theirs", "both"
# How alike a changed list item must be to the one it was (0 to 1) to count as the same
# item changed rather than one taken out and another put in.
ALIKE = 0.6


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a field or item that is not there in one version


@dataclass(frozen=True)
class Clash:
    """Both sides changed one item differently. ``key`` names it across requests;
    ``path`` is where it sits in the block (field names and list positions in the base);
    ``kind`` is "field" (a block's field or list item) or "line" (free text)."""

    key: str
    kind: str
    block: str | None  # the block's type name, for the words around it
    path: tuple[str | int, ...]
    base: Any
    mine: Any
    theirs: Any

    def as_json(self) -> dict[str, Any]:
        """The API's shape: ``{"field" or "line", "base", "mine", "theirs"}``; a field is
        named ``block.field.item`` (list items counted from 0), a line from 1; an item
        that one side took out (or never had) is null."""
        where: dict[str, Any] = (
            {"line": int(self.path[0]) + 1}
            if self.kind == "line"
            else {"field": ".".join([self.block or "block", *(str(p) for p in self.path)])}
        )
        return {**where, **{k: _plain(getattr(self, k)) for k in ("base", "mine", "theirs")}}


def _plain(value: Any) -> Any:
    if value is MISSING:
        return None
    return json.loads(json.dumps(value, default=str))


def _resolve(clash: Clash, choices: dict[str, str], clashes: list[Clash]) -> tuple[str, Any]:
    """The choice for this clash, or record it and keep mine for now."""
    choice = choices.get(clash.key, "")
    if choice not in (MINE, THEIRS, BOTH):
        clashes.append(clash)
        choice = MINE
    return choice, (clash.theirs if choice == THEIRS else clash.mine)


def both_values(mine: Any, theirs: Any) -> Any:
    """ "Keep both" for one field: the two texts one after the other."""
    if mine is MISSING or mine is None or mine == "":
        return theirs
    if theirs is MISSING or theirs is None or theirs == "":
        return mine
    if isinstance(mine, list) and isinstance(theirs, list):
        return mine + [t for t in theirs if t not in mine]
    if isinstance(mine, str) and isinstance(theirs, str):
        glue = "\n\n" if "\n" in mine or "\n" in theirs else " / "
        return f"{mine}{glue}{theirs}"
    return mine


@dataclass
class _Merge:
    key: str  # the prefix of every clash key in this block
    block: str | None
    choices: dict[str, str]
    clashes: list[Clash]

    def clash_key(self, path: tuple[str | int, ...]) -> str:
        return "/".join([self.key, *(str(p) for p in path)])

    def value(self, base: Any, mine: Any, theirs: Any, path: tuple[str | int, ...]) -> Any:
        if _same(mine, theirs):
            return mine
        if _same(mine, base):
            return theirs
        if _same(theirs, base):
            return mine
        if isinstance(mine, dict) and isinstance(theirs, dict):
            return self.mapping(base if isinstance(base, dict) else {}, mine, theirs, path)
        if isinstance(mine, list) and isinstance(theirs, list):
            return self.sequence(base if isinstance(base, list) else [], mine, theirs, path)
        clash = Clash(self.clash_key(path), "field", self.block, path, base, mine, theirs)
        choice, kept = _resolve(clash, self.choices, self.clashes)
        return both_values(mine, theirs) if choice == BOTH else kept

    def mapping(
        self,
        base: dict[str, Any],
        mine: dict[str, Any],
        theirs: dict[str, Any],
        path: tuple[str | int, ...],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in [*mine, *(k for k in theirs if k not in mine)]:
            got = self.value(
                base.get(name, MISSING), mine.get(name, MISSING), theirs.get(name, MISSING),
                (*path, name),
            )  # fmt: skip
            if got is not MISSING:
                out[name] = got
        return out

    def sequence(
        self, base: list[Any], mine: list[Any], theirs: list[Any], path: tuple[str | int, ...]
    ) -> list[Any]:
        mine_ops, mine_new = align(base, mine)
        theirs_ops, theirs_new = align(base, theirs)
        out: list[Any] = []
        for gap in range(len(base) + 1):
            added = theirs_new.get(gap, [])  # theirs were saved first, so come first
            out += added + [m for m in mine_new.get(gap, []) if m not in added]
            if gap < len(base):
                out += self.item(base[gap], mine_ops[gap], theirs_ops[gap], (*path, gap))
        return out

    def item(self, base: Any, mine: Any, theirs: Any, path: tuple[str | int, ...]) -> list[Any]:
        """One list item as each side left it (``MISSING``: taken out)."""
        if _same(mine, theirs):
            return [] if mine is MISSING else [mine]
        if _same(mine, base):
            return [] if theirs is MISSING else [theirs]
        if _same(theirs, base):
            return [] if mine is MISSING else [mine]
        if isinstance(mine, dict) and isinstance(theirs, dict) and isinstance(base, dict):
            return [self.mapping(base, mine, theirs, path)]  # a record: field by field
        clash = Clash(self.clash_key(path), "field", self.block, path, base, mine, theirs)
        choice, kept = _resolve(clash, self.choices, self.clashes)
        if choice == BOTH:
            return [v for v in (mine, theirs) if v is not MISSING]
        return [] if kept is MISSING else [kept]


def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return bool(a == b) and type(a) is type(b)


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def align(base: list[Any], side: list[Any]) -> tuple[list[Any], dict[int, list[Any]]]:
    """What one side did to each base item (the item as it is now, or ``MISSING`` if taken
    out), and what it added in each gap (gap ``g`` is just before base item ``g``)."""
    keys, side_keys = [_text_of(v) for v in base], [_text_of(v) for v in side]
    now: list[Any] = [MISSING] * len(base)
    added: dict[int, list[Any]] = defaultdict(list)
    matcher = difflib.SequenceMatcher(None, keys, side_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            now[i1:i2] = side[j1:j2]
        else:
            _pair(keys, side_keys, side, (i1, i2, j1, j2), now, added)
    return now, added


def _pair(
    keys: list[str], side_keys: list[str], side: list[Any],
    span: tuple[int, int, int, int], now: list[Any], added: dict[int, list[Any]],
) -> None:  # fmt: skip
    """Within a changed stretch, the most alike pair of items is one item changed; the
    stretches either side of it are paired the same way; the rest was taken out or added."""
    i1, i2, j1, j2 = span
    best, where = ALIKE, None
    for i in range(i1, i2):
        for j in range(j1, j2):
            matcher = difflib.SequenceMatcher(None, keys[i], side_keys[j], autojunk=False)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                ratio = matcher.ratio()
                if ratio > best:
                    best, where = ratio, (i, j)
    if where is None:
        if i2 - i1 == j2 - j1:  # as many lines as there were, in their places: each changed
            now[i1:i2] = side[j1:j2]
        else:
            added[i1].extend(side[j1:j2])  # the base items here stay MISSING: taken out
        return
    i, j = where
    _pair(keys, side_keys, side, (i1, i, j1, j), now, added)
    now[i] = side[j]
    _pair(keys, side_keys, side, (i + 1, i2, j + 1, j2), now, added)


def merge_value(
    base: Any, mine: Any, theirs: Any, *, key: str = "", block: str | None = None,
    choices: dict[str, str] | None = None,
) -> tuple[Any, list[Clash]]:  # fmt: skip
    """The three versions of one block's data merged, and the clashes left unchosen."""
    clashes: list[Clash] = []
    merged = _Merge(key, block, choices or {}, clashes).value(base, mine, theirs, ())
    return merged, clashes
