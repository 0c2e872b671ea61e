"""The few ways a request can fail, shared by the store, the pages and the API.

Each carries a stable ``code`` (the API's ``error.code``) and a plain-words message
that is safe to show: it never names anything the person may not see.
"""

from __future__ import annotations

from typing import Any


class WikiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotSignedIn(WikiError):
    status = 401
    code = "not_signed_in"


class Forbidden(WikiError):
    """You may see this, but you may not do that to it."""

    status = 403
    code = "forbidden"


class NotFound(WikiError):
    """Not there, or not yours to see: the two are never told apart."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "We could not find that page.") -> None:
        super().__init__(message)


class Conflict(WikiError):
    status = 409
    code = "conflict"

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class Clashed(Conflict):
    """Someone else saved meanwhile and both changed the same item differently (issue
    #26): ``clashes`` are the merge's clashes, each to be chosen by the person."""

    def __init__(self, message: str, *, current: Any, clashes: list[Any], base: int) -> None:
        super().__init__(message, current=current)
        self.clashes = clashes
        self.base = base


class TooLarge(WikiError):
    status = 413
    code = "too_large"


class Invalid(WikiError):
    status = 422
    code = "invalid"


class SlowDown(WikiError):
    status = 429
    code = "slow_down"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
