"""For the operator's tools (issue #15): ``GET /healthz`` and ``GET /metrics``.

``/healthz`` is for a load balancer or a service manager and is open to anyone: 200 when
the database can be read, its schema is current and the disk it is on has room; otherwise
503 with the reason. It names no path, size or person.

``/metrics`` (Prometheus text format) holds no personal data either (routes by template,
counts and sizes: wiki/metrics.py), but it does tell how busy the service is, so it is
for the operator's scraper only:

- with ``PLANWIKI_METRICS_TOKEN`` set, a request must carry ``Authorization: Bearer
  <token>``, from wherever it comes;
- without it, only a request from this machine (127.0.0.1 or ::1) that came straight to
  planwiki: one carrying ``X-Forwarded-For`` or ``Forwarded`` came through a proxy and so
  may be from anyone, even when the proxy itself is on this machine.

Anyone else gets the 404 of an address that does not exist.
"""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wiki import metrics, versions
from wiki.errors import NotFound
from wiki.health import health_problems
from wiki.routes.common import db_of, settings_of
from wiki.settings import Settings

LOOPBACK = frozenset({"127.0.0.1", "::1"})
NO_STORE = {"cache-control": "no-store"}


async def healthz(request: Request) -> Response:
    checks = await run_in_threadpool(health_problems, db_of(request), settings_of(request))
    healthy = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "version": versions.VERSION,
        "schema": versions.schema(),
        "checks": checks,
    }
    if not healthy:
        body["reason"] = "; ".join(v for v in checks.values() if v not in ("ok", "unknown"))
    return JSONResponse(body, status_code=200 if healthy else 503, headers=NO_STORE)


def may_read_metrics(request: Request, settings: Settings) -> bool:
    if settings.metrics_token:
        offered = request.headers.get("authorization", "")
        expected = f"Bearer {settings.metrics_token}"
        return hmac.compare_digest(offered.encode(), expected.encode())
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    return request.client is not None and request.client.host in LOOPBACK


async def metrics_page(request: Request) -> Response:
    settings = settings_of(request)
    if not may_read_metrics(request, settings):
        raise NotFound()
    figures = metrics.DatabaseFigures(db_of(request), idle_minutes=settings.session_idle_minutes)
    text = await run_in_threadpool(metrics.exposition, figures)
    return Response(text, media_type=metrics.CONTENT_TYPE_LATEST, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/metrics", metrics_page, methods=["GET"]),
]
