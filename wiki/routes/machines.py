"""What browsers and robots ask of every site (issue #25): ``/robots.txt``, the icon and the
web manifest for a phone's home screen.

Guest links are made to be passed around, and plan addresses are people's names: nothing
here should be indexed, so ``/robots.txt`` turns every well-behaved robot away (and every
answer carries ``X-Robots-Tag``, wiki/middleware.py). The icon and manifest are the plan
wiki's own, served from here, so a phone never asks another site for them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

PUBLIC = {"cache-control": "public, max-age=86400"}

ROBOTS = "User-agent: *\nDisallow: /\n"

MANIFEST = {
    "name": "planwiki",
    "short_name": "My plan",
    "description": "A plan that belongs to the young person it is about.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#ffffff",
    "theme_color": "#1d4f91",
    "icons": [
        {"src": "/static/default/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        {"src": "/static/default/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/default/icon-512.png", "sizes": "512x512", "type": "image/png"},
    ],
}


async def robots(request: Request) -> Response:
    return PlainTextResponse(ROBOTS, headers=PUBLIC)


async def manifest(request: Request) -> Response:
    return JSONResponse(MANIFEST, media_type="application/manifest+json", headers=PUBLIC)


async def favicon(request: Request) -> Response:
    # Browsers ask for /favicon.ico whatever the page says; the icon is an SVG.
    return RedirectResponse("/static/default/icon.svg", status_code=301, headers=PUBLIC)


routes = [
    Route("/robots.txt", robots, methods=["GET"]),
    Route("/manifest.webmanifest", manifest, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
]
