"""Friendly forms made from a block's pydantic model (issue #5).

``form_values(model)`` turns a valid block into the flat text values of its form;
``read_form(model_class, form)`` turns a posted form back into a block, or into plain
messages keyed by field name, keeping every value the person typed. Lists of things
(circle members, steps, payments) are repeated groups of fields named ``members.0.name``;
there is always one empty row at the end to add another, and "Add another" asks for more
rows without saving (no JavaScript needed).
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from wiki.plugin_api import read_date

# ---- what kind of control each field gets --------------------------------------------------


@dataclass
class Spec:
    name: str
    label: str
    hint: str
    widget: str  # text, textarea, lines, inline, select, date, money, checkbox, group
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 4
    item: str = ""  # for a group: what one row is called
    model: type[BaseModel] | None = None  # for a group: the row's model
    default: str = ""  # the text a new form starts with
    words: str = ""  # "<Model>.<field>": where its easy-read label is kept (issue #16)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None``, and whether None was allowed."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _inner(annotation: Any) -> Any:
    # Annotated[...] inside a list keeps its metadata; we only need the bare type.
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def spec_of(name: str, info: FieldInfo) -> Spec:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    label = info.title or name.replace("_", " ").capitalize()
    hint = info.description or ""
    annotation, _ = _unwrap(_inner(info.annotation))
    required = info.is_required()
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        item = _inner(item)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Spec(
                name, label, hint, "group", False, item=str(extra.get("item", "item")), model=item
            )
        if extra.get("inline"):
            return Spec(name, label, hint, "inline", required)
        return Spec(
            name,
            label,
            hint or "One thing on each line.",
            "lines",
            required,
            rows=int(str(extra.get("rows", 4))),
        )
    if origin is Literal:
        options = [
            (str(v), str(v)[:1].upper() + str(v)[1:] if v else "Not said")
            for v in get_args(annotation)
        ]
        return Spec(name, label, hint, "select", required, options=options)
    if annotation is bool:
        return Spec(name, label, hint, "checkbox", False)
    if annotation is date:
        return Spec(name, label, hint, "date", required)
    if annotation is Decimal:
        return Spec(name, label, hint, "money", required)
    if extra.get("long"):
        return Spec(name, label, hint, "textarea", required, rows=int(str(extra.get("rows", 3))))
    return Spec(name, label, hint, "text", required)


def specs_of(model: type[BaseModel]) -> list[Spec]:
    specs = []
    for name, info in model.model_fields.items():
        spec = spec_of(name, info)
        spec.words = f"{model.__name__}.{name}"
        if not info.is_required() and info.default_factory is None and spec.widget != "group":
            spec.default = as_text(spec, info.default)
        specs.append(spec)
    return specs


# ---- values: model -> text, text -> data ------------------------------------------------------


def as_text(spec: Spec, value: Any) -> str:
    if value is None:
        return ""
    if spec.widget == "lines":
        return "\n".join(str(v) for v in value)
    if spec.widget == "inline":
        return ", ".join(str(v) for v in value)
    if spec.widget == "checkbox":
        return "on" if value else ""
    if spec.widget == "money":
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    if spec.widget == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def form_values(model: BaseModel) -> dict[str, str]:
    """The flat form values of a valid block."""
    values: dict[str, str] = {}
    for spec in specs_of(type(model)):
        value = getattr(model, spec.name)
        if spec.widget == "group":
            assert spec.model is not None
            for i, row in enumerate(value):
                for sub in specs_of(spec.model):
                    values[f"{spec.name}.{i}.{sub.name}"] = as_text(sub, getattr(row, sub.name))
        else:
            values[spec.name] = as_text(spec, value)
    return values


def _from_text(spec: Spec, form: dict[str, str], key: str) -> tuple[bool, Any]:
    """(given, value): given is False when the person left it empty."""
    raw = form.get(key, "")
    if spec.widget == "checkbox":
        return True, key in form and raw not in ("", "off")
    if spec.widget == "lines":
        lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip()]
        return bool(lines), lines
    if spec.widget == "inline":
        parts = [p.strip() for p in re.split(r"[,;]|\band\b", raw) if p.strip()]
        return bool(parts), parts
    text = raw.replace("\r\n", "\n").strip()
    return bool(text), text


def group_rows(form: dict[str, str], name: str) -> list[int]:
    """The row numbers present in a posted form for one group, in order."""
    found = {
        int(m.group(1))
        for key in form
        for m in [re.match(rf"^{re.escape(name)}\.(\d+)\.", key)]
        if m
    }
    return sorted(n for n in found if n < 500)


def _row_is_blank(model: type[BaseModel], form: dict[str, str], prefix: str) -> bool:
    """A row with nothing typed in it (a choice, or a value left as it started, says nothing)."""
    for sub in specs_of(model):
        if sub.widget == "select":
            continue
        raw = form.get(prefix + sub.name, "").strip()
        if sub.widget == "checkbox":
            if prefix + sub.name in form and raw not in ("", "off"):
                return False
        elif raw and raw != sub.default:
            return False
    return True


def read_data(
    model: type[BaseModel], form: dict[str, str]
) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    """The data to validate, and for each group which posted row each kept item came from."""
    data: dict[str, Any] = {}
    origins: dict[str, dict[int, int]] = {}
    for spec in specs_of(model):
        if spec.widget == "group":
            assert spec.model is not None
            items: list[dict[str, Any]] = []
            origin: dict[int, int] = {}
            for n in group_rows(form, spec.name):
                prefix = f"{spec.name}.{n}."
                if form.get(prefix + "_remove") or _row_is_blank(spec.model, form, prefix):
                    continue
                row: dict[str, Any] = {}
                for sub in specs_of(spec.model):
                    given, value = _from_text(sub, form, prefix + sub.name)
                    if given or sub.widget == "checkbox":
                        row[sub.name] = value
                origin[len(items)] = n
                items.append(row)
            data[spec.name] = items
            origins[spec.name] = origin
            continue
        given, value = _from_text(spec, form, spec.name)
        if given or spec.widget in ("checkbox", "lines", "inline"):
            data[spec.name] = value
    return data, origins


# ---- messages in plain words ------------------------------------------------------------------

_MESSAGES = {
    "missing": "Please fill this in.",
    "string_too_short": "Please fill this in.",
    "literal_error": "Choose one of the options.",
    "date_parsing": "Write a date, like 30 September 2027 (2027-09-30).",
    "date_from_datetime_parsing": "Write a date, like 30 September 2027 (2027-09-30).",
    "date_from_datetime_inexact": "Write a date, like 30 September 2027 (2027-09-30).",
    "date_type": "Write a date, like 30 September 2027 (2027-09-30).",
    "decimal_parsing": "Write an amount in pounds, like 12.50.",
    "decimal_type": "Write an amount in pounds, like 12.50.",
    "decimal_max_places": "Use at most two numbers after the point, for pence, like 12.50.",
    "decimal_max_digits": "That amount is too big.",
    "decimal_whole_digits": "That amount is too big.",
    "greater_than_equal": "This cannot be less than 0.",
    "bool_parsing": "Write yes or no.",
    "bool_type": "Write yes or no.",
    "int_parsing": "Write a whole number.",
    "too_long": "There are too many here; split them into two blocks.",
    "list_type": "Write one thing on each line.",
    "extra_forbidden": "This is not part of this kind of block. Check the spelling of the name before the colon.",
}


def plain_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return (
            f"This is too long: keep it to {limit:,} characters." if limit else "This is too long."
        )
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return f"This does not look right: {error.get('msg', '')}."


def field_name(loc: tuple[Any, ...], origins: dict[str, dict[int, int]]) -> str:
    """``('members', 2, 'name')`` as the form field that was posted (``members.5.name``)."""
    parts = list(loc)
    if len(parts) >= 2 and isinstance(parts[1], int) and str(parts[0]) in origins:
        parts[1] = origins[str(parts[0])].get(parts[1], parts[1])
        if len(parts) > 3:  # a list inside a row: the message belongs on the row's field
            parts = parts[:3]
    elif len(parts) >= 2 and isinstance(parts[1], int):
        parts = parts[:1]  # a line in a "one on each line" box
    return ".".join(str(p) for p in parts) or "_form"


def _date_keys(model: type[BaseModel], form: dict[str, str]) -> list[str]:
    keys = []
    for spec in specs_of(model):
        if spec.widget == "date":
            keys.append(spec.name)
        elif spec.widget == "group" and spec.model is not None:
            for n in group_rows(form, spec.name):
                keys += [f"{spec.name}.{n}.{sub.name}" for sub in specs_of(spec.model)
                         if sub.widget == "date"]  # fmt: skip
    return keys


def read_dates(model: type[BaseModel], form: dict[str, str]) -> dict[str, str]:
    """Dates typed in three boxes (Day, Month, Year; issue #16) put back into the form as one
    value each: ISO text when right, or what was typed (so the form shows it again); the
    problems, in words, by field."""
    problems = {}
    for key in _date_keys(model, form):
        if not any(f"{key}-{part}" in form for part in ("day", "month", "year")):
            continue
        found = read_date(form, key)
        typed = f"{found.day}/{found.month}/{found.year}"  # each box in its place
        form[key] = found.iso or (typed if found else "")
        if found.error:
            problems[key] = found.error
    return problems


def read_form(
    model: type[BaseModel], form: dict[str, str]
) -> tuple[BaseModel | None, dict[str, str]]:
    """(the block, {}) when the form is right; (None, {field: message}) when it is not."""
    date_problems = read_dates(model, form)
    data, origins = read_data(model, form)
    try:
        block = model.model_validate(data)
    except ValidationError as invalid:
        errors: dict[str, str] = {}
        for e in invalid.errors():
            errors.setdefault(field_name(tuple(e["loc"]), origins), plain_message(dict(e)))
        return None, {**errors, **date_problems}
    if date_problems:
        return None, date_problems
    return block, {}
