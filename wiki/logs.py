"""What the server writes to its log (issue #15): a timestamp on every line, plain text or
one JSON object per line (``planwiki serve --log-json``), and the same fields either way.

Uvicorn applies ``log_config(...)`` in the parent and again in every worker it starts
(the config travels with the workers), so all processes write alike. The request lines
and the one line per unhandled error come from ``wiki.telemetry``.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

# The extra fields a request line carries, in the order the text form shows them.
REQUEST_FIELDS = ("request_id", "method", "route", "status", "ms", "client")


def _timestamp(record: logging.LogRecord) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"{seconds}.{int(record.msecs):03d}Z"


class TextFormatter(logging.Formatter):
    """``2026-12-03T10:00:00.123Z INFO planwiki.access GET /s/{site} 200 3.1ms request_id=…
    client=…`` (and the traceback, for an error)."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name} {record.getMessage()}"
        extras = [
            f"{key}={getattr(record, key)}"
            for key in ("request_id", "client")
            if getattr(record, key, None) not in (None, "")
        ]
        if extras:
            line += " " + " ".join(extras)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, ``pid``, the request
    fields when there are any, and ``error`` (the traceback) for an unhandled error."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker
        }
        for key in REQUEST_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def json_line(message: str, *, logger: str = "planwiki.serve") -> str:
    """One line of the JSON log for something ``serve`` says itself (where it listens,
    the schema steps it applied), so that ``--log-json`` writes nothing else (#24)."""
    record = logging.LogRecord(logger, logging.INFO, __file__, 0, message, None, None)
    return JsonFormatter().format(record)


def log_config(*, as_json: bool = False) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn's ``log_config``: planwiki's own loggers
    and uvicorn's messages about its processes at INFO, the rest of uvicorn at WARNING,
    uvicorn's access log off (ours has the route and the request id)."""
    formatter = "json" if as_json else "text"
    handler = {"handlers": ["default"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": "wiki.logs.TextFormatter"},
            "json": {"()": "wiki.logs.JsonFormatter"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "planwiki": {**handler, "level": "INFO"},
            "uvicorn": {**handler, "level": "WARNING"},
            "uvicorn.error": {"level": "INFO"},  # workers started, stopped, replaced
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }
