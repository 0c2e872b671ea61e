"""Time, in one place, so tests can move it (expiry, rate limits, sessions)."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen or datetime.now(UTC)


def iso(moment: datetime | None = None) -> str:
    """Timestamps are stored as ISO-8601 UTC text, which sorts correctly."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="microseconds")


def freeze(moment: datetime | None) -> None:
    """Tests only: pin the clock (``None`` lets it run again)."""
    global _frozen
    _frozen = moment
