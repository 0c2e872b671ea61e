"""What a block's friendly form draws: its controls, repeating rows and groups, laid out
from the model's field specs (``plugins/_forms.py`` reads and checks what comes back)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from plugins._forms import Spec, _row_is_blank, group_rows, read_dates, specs_of
from wiki.plugin_api import with_article

# ---- what the template draws ------------------------------------------------------------------


@dataclass
class Control:
    spec: Spec
    name: str  # as posted
    id: str
    value: str
    error: str = ""


@dataclass
class Row:
    number: int
    legend: str
    controls: list[Control]
    removable: bool
    removed: bool = False


@dataclass
class Group:
    spec: Spec
    rows: list[Row]
    error: str = ""


def html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def layout(
    model: type[BaseModel],
    values: dict[str, str],
    errors: dict[str, str],
    *,
    extra_rows: dict[str, int] | None = None,
) -> list[Control | Group]:
    """Every control with its value and message, groups with their rows and one empty row."""
    values = dict(values)
    read_dates(model, values)  # dates typed in boxes ("Add another" keeps them too, #16)
    items: list[Control | Group] = []
    for spec in specs_of(model):
        if spec.widget != "group":
            items.append(Control(spec, spec.name, html_id(spec.name), values.get(spec.name, spec.default),
                                 errors.get(spec.name, "")))  # fmt: skip
            continue
        assert spec.model is not None
        numbers = [
            n
            for n in group_rows(values, spec.name)
            if values.get(f"{spec.name}.{n}._remove")
            or not _row_is_blank(spec.model, values, f"{spec.name}.{n}.")
        ]
        filled = len(numbers)
        blank = 1 + (extra_rows or {}).get(spec.name, 0)
        nxt = (max(numbers) + 1) if numbers else 0
        numbers += list(range(nxt, nxt + blank))
        rows = []
        for position, n in enumerate(numbers, start=1):
            prefix = f"{spec.name}.{n}."
            controls = [
                Control(
                    sub,
                    prefix + sub.name,
                    html_id(prefix + sub.name),
                    values.get(prefix + sub.name, sub.default if position > filled else ""),
                    errors.get(prefix + sub.name, ""),
                )
                for sub in specs_of(spec.model)
            ]
            is_new = position > filled
            legend = (
                f"Add {with_article(spec.item)}"
                if is_new
                else f"{spec.item.capitalize()} {position}"
            )
            rows.append(
                Row(
                    n,
                    legend,
                    controls,
                    removable=not is_new,
                    removed=bool(values.get(prefix + "_remove")),
                )
            )
        items.append(Group(spec, rows, errors.get(spec.name, "")))
    return items


def lenient_values(model: type[BaseModel], data: Any) -> dict[str, str]:
    """Form values from a block whose text has a mistake: whatever can be read is kept."""
    values: dict[str, str] = {}
    if not isinstance(data, dict):
        return values

    def text(spec: Spec, value: Any) -> str:
        if isinstance(value, list) and spec.widget in ("lines", "inline"):
            return ("\n" if spec.widget == "lines" else ", ").join(
                str(v) for v in value if v is not None
            )
        if isinstance(value, bool):
            return "on" if value else ""
        return "" if value is None or isinstance(value, dict | list) else str(value)

    for spec in specs_of(model):
        value = data.get(spec.name)
        if spec.widget == "group":
            assert spec.model is not None
            for i, row in enumerate(value if isinstance(value, list) else []):
                if isinstance(row, dict):
                    for sub in specs_of(spec.model):
                        values[f"{spec.name}.{i}.{sub.name}"] = text(sub, row.get(sub.name))
        else:
            values[spec.name] = text(spec, value)
    return values
