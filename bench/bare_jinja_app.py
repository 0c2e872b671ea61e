"""A second ceiling (issue #21): bare Starlette serving HTML that Jinja rendered once.

The page is drawn once at start from a template shaped like ours (a head, a menu, a
15 KB body); each request only fills in its own token, as planwiki's kept pages do.
"""

import secrets

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

_TEMPLATE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{{ title }}</title><link rel="stylesheet" href="/static/default/style.css"></head>
<body><nav><ul>{% for s in sections %}<li><a href="/s/bench/{{ s }}">{{ s|title }}</a></li>{% endfor %}</ul>
<form method="post" action="/logout"><input type="hidden" name="csrftoken" value="{{ token }}">
<button>Sign out</button></form></nav><main><h1>{{ title }}</h1>
{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}</main></body></html>"""

_MARK = "TOKENMARK"
_PARTS = (
    Environment(autoescape=True)
    .from_string(_TEMPLATE)
    .render(
        title="One-page profile",
        sections=[f"section-{n}" for n in range(12)],
        token=_MARK,
        paragraphs=["What people like and admire about me: kind, funny, loves buses. " * 3] * 60,
    )
    .encode()
    .split(_MARK.encode())
)


async def page(request):  # type: ignore[no-untyped-def]
    return HTMLResponse(secrets.token_hex(16).encode().join(_PARTS))


app = Starlette(routes=[Route("/{path:path}", page)])
