"""Printing a benchmark's one table: shared by the bench scripts.

``rich`` (a project dependency) draws the table for people; ``render_table`` gives the
same rows as aligned plain text, which the scripts' tests read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

__all__ = ["fmt", "print_table", "render_table"]


def fmt(v: float | None, digits: int = 1) -> str:
    """A number for a table cell; "-" for none or NaN."""
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]


def render_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], footer: str = "", *, left: int = 1
) -> str:
    """Aligned plain text: the first ``left`` columns to the left, numbers to the right."""
    widths = _widths(columns, rows)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    if footer:
        out.append(footer)
    return "\n".join(out)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    footer: str = "",
    *,
    left: int = 1,
    group: Sequence[int] = (),
) -> None:
    """Print with rich; a rule between rows whose cells at ``group`` differ."""
    table = Table(title=title)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i < left else "right", no_wrap=True)
    last: tuple[str, ...] | None = None
    for r in rows:
        key = tuple(r[i] for i in group)
        if group and last is not None and key != last:
            table.add_section()
        last = key
        table.add_row(*r)
    # wide enough that no column is cut, whatever the terminal (or a pipe) says
    needed = sum(w + 3 for w in _widths(columns, rows)) + 1
    console = Console(width=max(100, needed, Console().width))
    console.print(table)
    if footer:
        console.print(footer, soft_wrap=True, highlight=False)
