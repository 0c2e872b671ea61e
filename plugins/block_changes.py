"""The changes to a page made of blocks, in words (issue #16).

A diff of a one-page profile used to show its YAML ("- 'My dog Pickle, …'"). This plugin
answers the core's ``describe_changes`` hook: it finds the blocks in both revisions,
pairs them up, and compares them field by field with the titles their forms show:
"Important to me: added 'Going swimming on Saturdays'", "How to support me: changed 'X'
to 'Y'". The words outside the blocks are "Page text". It is handed only two revisions of
one page the reader may already read, and reads nothing else.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any

from pydantic import BaseModel

from plugins import _forms
from plugins._pagetext import FoundBlock, find_blocks
from plugins.blocks import BLOCKS
from wiki.plugin_api import BlockType, Change, PluginContext, hookimpl, parse_block, with_article

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
PAGE_TEXT = "Page text"


def _day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def shown(spec: _forms.Spec, value: Any) -> str:
    """A value as the reader would say it: "Yes", "31 August 2027", "£12.50"."""
    if spec.widget == "checkbox":
        return "Yes" if value else "No"
    if spec.widget == "date" and isinstance(value, date):
        return _day(value)
    if spec.widget == "money" and value is not None:
        return "£" + _forms.as_text(spec, value)
    if spec.widget == "select":
        return dict(spec.options).get(str(value), str(value))
    return _forms.as_text(spec, value)


def _list_changes(where: str, old: list[str], new: list[str]) -> list[Change]:
    """Items of a list: added, removed, or one changed into another in the same place."""
    found: list[Change] = []
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        paired = min(len(before), len(after)) if op == "replace" else 0
        found += [
            Change(where, "changed", a, b)
            for a, b in zip(before[:paired], after[:paired], strict=True)
        ]
        found += [Change(where, "removed", a) for a in before[paired:]]
        found += [Change(where, "added", "", b) for b in after[paired:]]
    return found


def _row_words(model: type[BaseModel], row: BaseModel) -> str:
    """One row of a group (a step, a person) in a few words: its filled-in text fields."""
    parts = []
    for spec in _forms.specs_of(model):
        value = getattr(row, spec.name)
        if spec.widget in ("text", "textarea", "date", "money") and value not in (None, ""):
            words = shown(spec, value).strip()
            if words:
                parts.append(words)
    return " — ".join(parts) or "(empty)"


def _row_key(model: type[BaseModel], row: BaseModel) -> str:
    for spec in _forms.specs_of(model):
        value = getattr(row, spec.name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _group_changes(where: str, spec: _forms.Spec, old: list[Any], new: list[Any]) -> list[Change]:
    assert spec.model is not None
    model = spec.model
    found: list[Change] = []
    keys_a = [_row_key(model, r) for r in old]
    keys_b = [_row_key(model, r) for r in new]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, keys_a, keys_b, autojunk=False
    ).get_opcodes():
        if op == "equal":  # the same row (by its first words): compare its fields
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                label = f"{where}, “{_row_key(model, b)}”"
                found += _field_changes(label, model, a, b)
            continue
        found += [Change(where, "removed", _row_words(model, r)) for r in old[i1:i2]]
        found += [Change(where, "added", "", _row_words(model, r)) for r in new[j1:j2]]
    return found


def _field_changes(
    where: str, model: type[BaseModel], old: BaseModel, new: BaseModel
) -> list[Change]:
    found: list[Change] = []
    for spec in _forms.specs_of(model):
        a, b = getattr(old, spec.name), getattr(new, spec.name)
        if a == b:
            continue
        label = f"{where}, {spec.label}" if where else spec.label
        if spec.widget == "group":
            found += _group_changes(label, spec, list(a or []), list(b or []))
        elif spec.widget in ("lines", "inline"):
            found += _list_changes(label, [str(x) for x in a or []], [str(x) for x in b or []])
        else:
            before, after = shown(spec, a), shown(spec, b)
            if before == after:
                continue
            if not before:
                found.append(Change(label, "added", "", after))
            elif not after:
                found.append(Change(label, "removed", before))
            else:
                found.append(Change(label, "changed", before, after))
    return found


def _label(block: BlockType, model: BaseModel | None) -> str:
    ref = getattr(model, "ref", "") if model is not None else ""
    return f"{block.title} {ref}" if isinstance(ref, str) and ref.strip() else block.title


def _parsed(block: BlockType, found: FoundBlock) -> BaseModel | None:
    try:
        model: BaseModel = parse_block(block, found.text)
    except ValueError:
        return None
    return model


def _outside(body: str, blocks: list[FoundBlock]) -> list[str]:
    """The page's own lines outside its blocks, without blank lines."""
    lines = body.split("\n")
    inside = {n for b in blocks for n in range(b.start, b.end)}
    return [line.strip() for n, line in enumerate(lines) if n not in inside and line.strip()]


def _summary(block: BlockType, model: BaseModel | None) -> str:
    if model is None:
        return "(its text has a mistake)"
    for spec in _forms.specs_of(type(model)):
        value = getattr(model, spec.name)
        if spec.name != "ref" and isinstance(value, str) and value.strip():
            return value.strip()
    return block.title


def changes(old: str, new: str, types: dict[str, BlockType]) -> list[Change] | None:
    """Every change from ``old`` to ``new`` in words; ``None`` when neither has blocks."""
    a, b = find_blocks(old, types), find_blocks(new, types)
    if not a and not b:
        return None
    found: list[Change] = _list_changes(PAGE_TEXT, _outside(old, a), _outside(new, b))
    many = max(len(a), len(b)) > 1
    names_a, names_b = [x.name for x in a], [x.name for x in b]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, names_a, names_b, autojunk=False
    ).get_opcodes():
        if op != "equal":
            found += [_whole(types, gone, "removed") for gone in a[i1:i2]]
            found += [_whole(types, came, "added") for came in b[j1:j2]]
            continue
        for before, after in zip(a[i1:i2], b[j1:j2], strict=True):
            if before.text == after.text:
                continue
            block = types[after.name]
            m_a, m_b = _parsed(block, before), _parsed(block, after)
            where = _label(block, m_b or m_a) if many else ""
            if m_a is None or m_b is None or type(m_a) is not type(m_b):
                # A block whose text has a mistake cannot be compared field by field.
                found += _list_changes(
                    where or block.title, _lines(before.text), _lines(after.text)
                )
                continue
            found += _field_changes(where, type(m_b), m_a, m_b)
    return found


def _whole(types: dict[str, BlockType], found: FoundBlock, kind: str) -> Change:
    """A whole block added or removed, named by its first words."""
    block = types[found.name]
    summary = _summary(block, _parsed(block, found))
    verb = "Added" if kind == "added" else "Removed"
    where = f"{verb} {with_article(block.title.lower())}"
    return Change(where, kind, new=summary) if kind == "added" else Change(where, kind, old=summary)


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.split("\n") if line.strip()]


@hookimpl
def describe_changes(context: PluginContext, old: str, new: str) -> list[Change] | None:
    return changes(old, new, context.block_types() or BLOCKS)
