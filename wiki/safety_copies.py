"""The copies planwiki itself keeps beside the database (issue #24): the database as it
was before a restore (``<db>.before-restore-<time>``) or an upgrade
(``<db>.before-migrate-<time>``), and the files folder as it was before a restore
(``<files>.before-restore-<time>``). They hold text as it was when they were made —
deleted and erased text too — so ``planwiki purge`` removes them once they are older than
the grace period of a deleted plan, says which remain and until when, and removes them all
at once with ``--safety-copies``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from wiki import clock
from wiki.dates import day_month_year

KINDS = (".before-restore-", ".before-migrate-")
KEEP_DAYS = 30


@dataclass
class Tidied:
    removed: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, datetime]] = field(default_factory=list)  # and when they go


def made_at(path: Path) -> datetime | None:
    """From the name: ``…-20261207-231650``, or ``…-20261207-231650.2`` (the second copy
    kept in that second)."""
    stamp = path.name.rsplit("-", 2)
    try:
        when = "-".join(stamp[-2:]).split(".")[0]
        return datetime.strptime(when, "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def find(db_path: Path, files_dir: Path) -> list[Path]:
    found = []
    for folder, name in ((db_path.parent, db_path.name), (files_dir.parent, files_dir.name)):
        for kind in KINDS:
            found += [p for p in folder.glob(f"{name}{kind}*") if made_at(p) is not None]
    return sorted(set(found))


def tidy(db_path: Path, files_dir: Path, *, all_now: bool = False) -> Tidied:
    done = Tidied()
    cutoff = clock.now() - timedelta(days=KEEP_DAYS)
    for path in find(db_path, files_dir):
        made = made_at(path)
        assert made is not None
        if all_now or made <= cutoff:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            done.removed.append(path)
        else:
            done.kept.append((path, made + timedelta(days=KEEP_DAYS)))
    return done


def describe(done: Tidied) -> list[str]:
    lines = []
    if done.removed:
        n = len(done.removed)
        lines.append(
            f"Removed {n} safety cop{'ies' if n != 1 else 'y'} made before a restore or an"
            f" upgrade: {', '.join(map(str, done.removed))}."
        )
    if done.kept:
        each = ", ".join(f"{p} (until {day_month_year(until)})" for p, until in done.kept)
        lines.append(
            f"Older copies also remain in the safety copies made before a restore or an upgrade,"
            f" which hold text as it was, deleted text too: {each}. `planwiki purge"
            " --safety-copies` removes them now."
        )
    return lines
