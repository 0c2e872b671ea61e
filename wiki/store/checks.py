"""The store's side of the rules about data (issue #13): every caller — a web form, the
API, a plugin, an import — gets the same refusal for a bad address or title, because the
store checks before it writes. The rules themselves live in ``wiki.models``."""

from __future__ import annotations

from collections.abc import Collection

from wiki.errors import Invalid
from wiki.models import (
    MAX_RELATIONSHIP,
    name_problem,
    one_line_problem,
    slug_problem,
    title_problem,
)


def address(
    value: str, field: str = "slug", *, section_key: bool = False, reserved: Collection[str] = ()
) -> str:
    """``value`` if it is a valid address (a section key must not be a reserved word: the
    core's, or ``reserved``, those of the app's plugins)."""
    problem = slug_problem(value, section_key=section_key, reserved=reserved)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value


def title(value: str, field: str = "title") -> str:
    """The title without surrounding spaces, if it is one."""
    problem = title_problem(value)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value.strip()


def name(value: str, field: str = "name") -> str:
    """A person's name without surrounding spaces, if it is one (one line, issue #25)."""
    problem = name_problem(value)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value.strip()


def one_line(value: str, field: str, *, max_length: int = MAX_RELATIONSHIP) -> str:
    """A short label on one line (a relationship), without surrounding spaces."""
    problem = one_line_problem(value)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value.strip()[:max_length]
