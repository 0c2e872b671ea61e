"""The field types of the blocks, forgiving the way people write YAML, and the words
the blocks choose from (issue #5; split from one module, issue #25)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

# ---- field types that forgive the way people write YAML -------------------------------------


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal | date):
        return str(value)
    return value


def _lines(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [
            line.strip().removeprefix("- ").strip() for line in value.splitlines() if line.strip()
        ]
    if isinstance(value, list):
        return [v for v in value if v is not None and not (isinstance(v, str) and not v.strip())]
    return value


def _refs(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, str):
        return [
            p.strip() for p in value.replace(" and ", ",").replace(";", ",").split(",") if p.strip()
        ]
    return value


def _money(value: Any) -> Any:
    if isinstance(value, str):
        cleaned = value.replace("£", "").replace(",", "").strip()
        return cleaned if cleaned else "0"
    if isinstance(value, float):
        return repr(value)  # the shortest text that is this number: no binary noise
    return value


def _day(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Line = Annotated[
    str, BeforeValidator(_text), StringConstraints(strip_whitespace=True, max_length=300)
]
NeededLine = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
]
Para = Annotated[
    str, BeforeValidator(_text), StringConstraints(strip_whitespace=True, max_length=4000)
]
NeededPara = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
]
Lines = Annotated[list[Line], BeforeValidator(_lines), Field(max_length=100)]
Ref = Annotated[
    str,
    BeforeValidator(_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
]
Refs = Annotated[list[Ref], BeforeValidator(_refs), Field(max_length=20)]
Money = Annotated[Decimal, BeforeValidator(_money), Field(ge=0, max_digits=10, decimal_places=2)]
Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(_day)]

STREAMS = ("education", "health", "social care")
Stream = Literal["education", "health", "social care"]
AREAS = (
    "education",
    "employment",
    "independent living",
    "friends, relationships and community",
    "good health",
)
Area = Literal[
    "education",
    "employment",
    "independent living",
    "friends, relationships and community",
    "good health",
]
STATUSES = ("not started", "started", "going well", "stuck", "achieved")
Status = Literal["not started", "started", "going well", "stuck", "achieved"]
RINGS = ("closest", "friends and family", "community", "paid support")
Ring = Literal["closest", "friends and family", "community", "paid support"]
RING_TITLES = {
    "closest": "The people closest to me",
    "friends and family": "Friends and family",
    "community": "People in my community",
    "paid support": "People paid to support me",
}
MANAGED = ("direct payment", "council managed", "NHS managed", "third party or ISF", "a mix")
Managed = Literal["direct payment", "council managed", "NHS managed", "third party or ISF", "a mix"]
KINDS = ("", "education", "health", "social care", "other")
Kind = Literal["", "education", "health", "social care", "other"]


def long(**extra: Any) -> dict[str, Any]:
    return {"long": True, **extra}


class BlockModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
