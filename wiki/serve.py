"""``planwiki serve``: the web app under uvicorn, in one process or several (issue #15).

The parent does the start-up work once, under the migration lock, before any worker
exists: the schema steps, then the purge of deleted plans past their grace period. Each
worker then only opens the database (``create_app(run_migrations=False)``). Before, every
worker migrated at start, and four started at once on a fresh database crashed.

The parent binds the socket, says where it listens, and hands the socket to uvicorn's
supervisor, which starts the workers (fresh interpreters: ``spawn``), restarts one that
dies, and stops them all on SIGINT or SIGTERM. Workers learn the settings from the
environment (``PLANWIKI_*``), which the parent fills in from the command line. With more
than one worker the metrics are counted in files in a temporary folder the parent makes
and removes (``PROMETHEUS_MULTIPROC_DIR``), so any worker can answer for all of them.
A worker ends when its parent does, even if the parent was killed outright.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiki.db import Database, hold_serving_lock, migration_lock
from wiki.logs import log_config
from wiki.settings import Settings
from wiki.store import erasure, growing_up
from wiki.upgrade import upgrade

METRICS_PREFIX = "planwiki-metrics-"
WORKER_PARENT = "PLANWIKI_SERVE_PARENT"  # set for workers: the pid they must not outlive
_PR_SET_PDEATHSIG = 1


def default_workers() -> int:
    """The CPUs this process may run on (what ``nproc`` says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    access_log: bool = False
    log_json: bool = False


@dataclass(frozen=True)
class Prepared:
    applied: list[str]
    purged: int


def prepare(settings: Settings, *, say: Callable[[str], None] = lambda _m: None) -> Prepared:
    """The start-up work, once: refuse a database made by a newer planwiki, migrate (a
    checked backup first, issue #24), then the purge (under the migration lock, so a
    second server started by hand at the same moment waits rather than races)."""
    db = Database(
        settings.db, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms
    )
    try:
        with migration_lock(settings.db):
            applied = upgrade(settings, say=say).applied
            purged = erasure.purge_due(db, files_dir=settings.files_path())
            growing_up.send_reminders(db, base_url=settings.base_url)  # each once (issue #14)
    finally:
        db.close()
    return Prepared(applied, purged)


def worker_app() -> Any:
    """The app, in a worker (uvicorn's ``factory``): the parent has migrated already."""
    from wiki.app import create_app

    _end_with_parent()
    settings = Settings()
    hold_serving_lock(settings.db)  # `planwiki restore` asks before replacing it (#24)
    app = create_app(settings, run_migrations=False)
    _settle()
    return app


def _settle() -> None:
    """Leave what start-up made out of every later garbage collection.

    A full collection walks every object the process holds, holding every request and
    every search thread while it does. With the app loaded (modules, routes, templates,
    catalogues of words) that was 50-70 ms here, a few times a minute under load: the
    worst of the search and page-view times under the mixed load (issue #15,
    docs/performance.md). Those objects live as long as the worker, so they are compiled
    now rather than on their first view and frozen (``gc.freeze``): 7 ms a collection after."""
    from wiki import templates

    templates.compile_all()
    gc.collect()
    gc.freeze()


def _end_with_parent() -> None:
    """Ask Linux to stop this worker when the parent dies, even by SIGKILL: orphaned workers
    would go on answering on the inherited socket with nobody supervising them."""
    parent = os.environ.get(WORKER_PARENT)
    if not parent or not hasattr(os, "sched_getaffinity"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _remove_abandoned_metrics() -> None:
    """The folders of servers that were killed outright (SIGKILL) and could not tidy up."""
    if not Path("/proc/self").exists():
        return  # no way to tell a live server from a dead one
    for folder in Path(tempfile.gettempdir()).glob(f"{METRICS_PREFIX}*-*"):
        pid = folder.name[len(METRICS_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _worker_environment(settings: Settings, options: ServeOptions) -> Iterator[None]:
    """What workers read at start: the settings, and a folder for multi-process metrics."""
    made: str | None = None
    saved = dict(os.environ)
    os.environ["PLANWIKI_DB"] = str(settings.db.resolve())
    os.environ["PLANWIKI_ACCESS_LOG"] = "true" if options.access_log else "false"
    if options.workers > 1:
        os.environ[WORKER_PARENT] = str(os.getpid())
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            _remove_abandoned_metrics()
            made = tempfile.mkdtemp(prefix=f"{METRICS_PREFIX}{os.getpid()}-")
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if made:
            shutil.rmtree(made, ignore_errors=True)


def uvicorn_config(options: ServeOptions) -> Any:
    import uvicorn

    return uvicorn.Config(
        "wiki.serve:worker_app",
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        # Off unless asked: trusting X-Forwarded-For from a peer that is not a proxy would
        # let anyone choose the address the sign-in rate limit counts against.
        proxy_headers=options.proxy_headers,
        forwarded_allow_ips=options.forwarded_allow_ips,
        access_log=False,  # ours (wiki/telemetry.py) has the route template and request id
        log_config=log_config(as_json=options.log_json),
        log_level="info",  # a worker started, stopped, or replaced: worth a line each
        server_header=False,
        # A worker that does not answer the parent's ping in time is killed as hung. Spawned
        # on a busy machine, a worker can take longer than uvicorn's 5 s just to import.
        timeout_worker_healthcheck=60,
    )


def listening_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _say(message: str) -> None:
    print(message, flush=True)


def run(settings: Settings, options: ServeOptions, *, say: Callable[[str], None] = _say) -> None:
    """Prepare once, bind, say where, serve until stopped."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    hold_serving_lock(settings.db)  # from before the migrations until this process ends
    done = prepare(settings, say=say)
    for name in done.applied:
        say(f"applied {name}")
    if done.purged:
        say(f"{done.purged} deleted plan(s) past their grace period destroyed.")
    with _worker_environment(settings, options):
        config = uvicorn_config(options)
        sock = config.bind_socket()  # (uvicorn.Config set up the logging already)
        host, port = sock.getsockname()[:2]
        workers = f"{options.workers} worker{'s' if options.workers != 1 else ''}"
        say(f"planwiki is listening on {listening_url(host, port)} ({workers}, pid {os.getpid()})")
        try:
            if options.workers > 1:
                Multiprocess(config, sockets=[sock]).run()
            else:
                uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
