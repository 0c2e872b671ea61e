"""The store's side of the rules about data (issue #13): every caller — a web form, the
API, a plugin, an import — gets the same refusal for a bad address or title, because the
store checks before it writes. The rules themselves live in ``wiki.models``."""

from __future__ import annotations

from wiki.errors import Invalid
from wiki.models import slug_problem, title_problem


def address(value: str, field: str = "slug", *, section_key: bool = False) -> str:
    """``value`` if it is a valid address (a section key must not be a reserved word)."""
    problem = slug_problem(value, section_key=section_key)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value


def title(value: str, field: str = "title") -> str:
    """The title without surrounding spaces, if it is one."""
    problem = title_problem(value)
    if problem:
        raise Invalid(problem, fields={field: problem})
    return value.strip()
