"""A keep-alive connection carries at most ``MAX_REQUESTS`` requests, then closes (issue #15).

With several workers on one listening socket, the worker that wakes first accepts every
connection that is waiting (asyncio and uvloop both accept in a loop), and a keep-alive
connection then stays with that worker for as long as the client keeps it open. Sixteen
connections opened at once (a load generator, or nginx filling its ``keepalive 16`` pool
in docs/deploy) all went to one worker in half of the runs measured, and two workers
served no more than one (``bench/workers.py``: 0.96x and 1.03x).

So the answer to a connection's ``MAX_REQUESTS``-th request says ``Connection: close``, and
the client opens a new connection, which the worker that is free at that moment accepts
first: the busy one is still answering. Other servers do the same by default (Apache's
``MaxKeepAliveRequests 100``, nginx's ``keepalive_requests``, hypercorn's
``keep_alive_max_requests``); uvicorn has no such setting, so it is done here, outermost.

A connection is known by its two ends (``scope["client"]`` and ``scope["server"]``). A
count left behind by a connection that closed early is forgotten with the rest when more
than ``MAX_TRACKED`` are held; at worst some connection closes sooner than it had to.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_REQUESTS = 100
MAX_TRACKED = 10_000


class KeepAliveLimit:
    def __init__(self, app: ASGIApp, *, max_requests: int = MAX_REQUESTS) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple[object, ...], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client:
            await self.app(scope, receive, send)
            return
        key = (*client, *(scope.get("server") or ()))
        served = self._served.pop(key, 0) + 1
        if served < self.max_requests:
            if len(self._served) >= MAX_TRACKED:
                self._served.clear()
            self._served[key] = served
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)
