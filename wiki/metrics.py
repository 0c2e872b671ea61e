"""Prometheus metrics (issue #15), with prometheus-client.

What is counted: requests by route *template* and status (``/s/{site}/{section}/{page}``,
never the address itself: site slugs, page names and emails are personal data), request
latency, saves, searches; and read when scraped: signed-in sessions still alive, and
the size of the database and its write-ahead log. No label ever holds anything a person
typed or chose.

Several workers (``planwiki serve --workers N``) each count in files under
``PROMETHEUS_MULTIPROC_DIR`` (a temporary folder ``serve`` makes before the workers start
and removes after); a scrape, answered by any one worker, adds them all up. Who may read
``/metrics`` is decided in ``wiki/routes/operations.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from wiki import clock, versions
from wiki.db import Database

__all__ = ["CONTENT_TYPE_LATEST", "exposition", "note_request", "note_save"]

UNMATCHED = "unmatched"  # no route answered (a 404, or a write refused before routing)

REQUESTS = Counter(
    "planwiki_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "planwiki_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SAVES = Counter("planwiki_saves", "Page revisions saved (a save that changed nothing is not one).")
SEARCHES = Counter("planwiki_searches", "Searches answered (pages and API, one site or all).")

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def note_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request (``route`` is its template, or ``UNMATCHED``)."""
    method = method if method in _METHODS else "OTHER"  # the method is sent by anyone
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if route.endswith("/search") and status < 400:
        SEARCHES.inc()


def note_save(**_event: object) -> None:
    """A ``Database.extensions.on_saved`` listener: one more save."""
    SAVES.inc()


class DatabaseFigures(Collector):
    """Read when scraped, from the database itself, so every worker gives the same answer."""

    def __init__(self, db: Database, *, idle_minutes: int) -> None:
        self.db, self.idle_minutes = db, idle_minutes

    def collect(self) -> Iterator[GaugeMetricFamily]:
        info = GaugeMetricFamily(
            "planwiki_build_info",
            "The running planwiki: its version and the schema it needs (always 1).",
            labels=["version", "schema"],
        )
        info.add_metric([versions.VERSION, str(versions.schema())], 1)
        yield info
        now = clock.now()
        row = self.db.one(
            "SELECT count(*) AS n FROM sessions WHERE expires_at > ? AND last_seen_at > ?",
            (clock.iso(now), clock.iso(now - timedelta(minutes=self.idle_minutes))),
        )
        yield GaugeMetricFamily(
            "planwiki_active_sessions",
            "Signed-in browser sessions neither expired nor idle (last seen within the idle"
            " limit, as of the last minute-granular touch).",
            value=int(row["n"]) if row else 0,
        )
        for name, suffix, what in (
            ("planwiki_database_bytes", "", "The SQLite database file"),
            ("planwiki_wal_bytes", "-wal", "Its write-ahead log"),
        ):
            yield GaugeMetricFamily(name, f"{what}, in bytes.", value=_size(self.db.path, suffix))


def _size(path: Path, suffix: str) -> int:
    try:
        return os.stat(str(path) + suffix).st_size
    except OSError:
        return 0


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(figures: DatabaseFigures) -> bytes:
    """The text a scrape gets: this process's counts (or every worker's, added up)."""
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder:
        # prometheus_client leaves this constructor unannotated.
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        registry.register(figures)
        return generate_latest(registry)
    registry.register(figures)
    return generate_latest(REGISTRY) + generate_latest(registry)
