"""Finding structured blocks in a page's text, and rewriting exactly one of them (issue #5).

A block is a fenced code block whose info word names a registered block type, with
YAML inside. Saving a block through its form rewrites only those lines of the page
text; everything else in the page is left exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from markdown_it import MarkdownIt
from pydantic import BaseModel

_MD = MarkdownIt("commonmark", {"html": False})


@dataclass
class FoundBlock:
    index: int  # among the page's blocks of known types, in page order
    name: str
    text: str  # the YAML inside the fence
    start: int  # line of the opening fence
    end: int  # line after the closing fence
    indent: str  # spaces before the fence (a block inside a list item)
    editable: bool  # False when it sits inside a quote, where a form cannot rewrite it safely


def find_blocks(body: str, names: Collection[str]) -> list[FoundBlock]:
    found: list[FoundBlock] = []
    lines = body.split("\n")
    for token in _MD.parse(body):
        if token.type != "fence" or token.map is None:
            continue
        name = token.info.strip().split(" ")[0] if token.info.strip() else ""
        if name not in names:
            continue
        start, end = token.map
        opening = lines[start] if start < len(lines) else ""
        indent = opening[: len(opening) - len(opening.lstrip(" "))]
        editable = opening.lstrip(" ").startswith(("```", "~~~"))
        found.append(FoundBlock(len(found), name, token.content, start, end, indent, editable))
    return found


def _fence_for(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,})", text, flags=re.M)), default=0)
    return "`" * max(3, longest + 1)


def fenced(name: str, text: str, indent: str = "") -> list[str]:
    fence = _fence_for(text)
    inner = text.rstrip("\n").split("\n") if text.strip() else []
    return [
        indent + fence + name,
        *[(indent + line) if line else line for line in inner],
        indent + fence,
    ]


def replace_block(body: str, block: FoundBlock, text: str) -> str:
    """The page text with this one block's YAML replaced; every other line unchanged."""
    if not block.editable:
        raise ValueError("This block is inside a quote, so it can only be changed as text.")
    lines = body.split("\n")
    return "\n".join(
        [*lines[: block.start], *fenced(block.name, text, block.indent), *lines[block.end :]]
    )


def append_block(body: str, name: str, text: str) -> str:
    head = body.rstrip("\n")
    joined = "\n".join(fenced(name, text))
    return f"{head}\n\n{joined}\n" if head else f"{joined}\n"


# ---- YAML that people can read and write ---------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    )


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    return dumper.represent_scalar(
        "tag:yaml.org,2002:float", format(value.quantize(Decimal("0.01")), "f")
    )


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(date, yaml.SafeDumper.represent_date)


def _inline(model: type[BaseModel], data: Any) -> Any:
    """Short lists written on one line (``outcomes: 1, 3, 4``) where the model says so."""
    if not isinstance(data, dict):
        return data
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        value = data.get(name)
        if extra.get("inline") and isinstance(value, list):
            data[name] = ", ".join(str(v) for v in value)
        elif isinstance(value, list):
            inner = _item_model(info.annotation)
            if inner is not None:
                data[name] = [_inline(inner, v) for v in value]
    return data


def _item_model(annotation: Any) -> type[BaseModel] | None:
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def dump_yaml(model: BaseModel) -> str:
    """The block's YAML, with only what differs from the defaults, in the model's order."""
    data: Any = _inline(type(model), model.model_dump(mode="python", exclude_defaults=True))
    if not data:
        return ""
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)
    return text
