"""Every request, once (issue #15): a request id (sent back as ``x-request-id``), the
metrics, a log line when the access log is on, and an unhandled error logged exactly once,
with a timestamp and the request id.

The outermost middleware, so it sees every answer, including a write refused before
routing. The route is its template (``/s/{site}/{section}/{page}``), read from the
router's match after the answer, never the address: addresses hold slugs and tokens.

Starlette answers an unhandled error with the 500 page and then raises it again, so that
the server can log it; uvicorn would, a second time and without a timestamp. Here it is
logged with the request id and not raised further.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiki import metrics

log = logging.getLogger("planwiki.error")
access = logging.getLogger("planwiki.access")

REQUEST_ID_HEADER = b"x-request-id"
# An id a trusted proxy made (nginx's $request_id) is kept, so its log and ours match up;
# anything else a client sends is replaced.
_GOOD_ID = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
_FALLBACK = (
    b"Sorry, something went wrong on our side. Nothing you saved has been lost; please try again."
)


def request_id_of(scope: Scope) -> str:
    """The id of the request being answered (made by ``Telemetry``)."""
    return str(scope.get("state", {}).get("request_id", ""))


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else metrics.UNMATCHED


class Telemetry:
    def __init__(self, app: ASGIApp, *, access_log: bool = False) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _incoming_id(scope) or secrets.token_hex(8)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.error(
                "unhandled error in %s %s",
                scope["method"],
                route_of(scope),
                exc_info=True,
                extra={"request_id": request_id},
            )
            if status == 0:  # nothing sent yet: the error came from outside Starlette
                status = 500
                await _plain_500(sending)
        finally:
            route = route_of(scope)
            seconds = time.perf_counter() - started
            metrics.note_request(scope["method"], route, status, seconds)
            if self.access_log:
                client = scope.get("client")
                access.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    route,
                    status,
                    seconds * 1000,
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "route": route,
                        "status": status,
                        "ms": round(seconds * 1000, 2),
                        "client": client[0] if client else None,
                    },
                )


def _incoming_id(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == REQUEST_ID_HEADER:
            return value.decode("ascii") if _GOOD_ID.match(value) else None
    return None


async def _plain_500(send: Send) -> None:
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": _FALLBACK})
    except Exception:  # the client has gone: nothing more to say to it
        return
