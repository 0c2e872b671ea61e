"""The ceiling: a bare Starlette "hello" served the same way as planwiki (uvicorn, one process)."""

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route


async def hello(request):  # type: ignore[no-untyped-def]
    return HTMLResponse("<!doctype html><title>hello</title><p>hello</p>")


app = Starlette(routes=[Route("/{path:path}", hello)])
