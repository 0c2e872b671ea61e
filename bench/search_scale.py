#!/usr/bin/env python3
"""How fast is permission-aware search on a big server? (issue #7)

    python bench/search_scale.py [--sites 5000] [--pages 200000] [--queries 100] [--keep]

Seeds one fresh SQLite file (in a temp dir) with SITES plan sites of 8 sections each
and PAGES pages spread evenly over them (one revision each, ~80 words from a Zipf-like
vocabulary), by inserting rows directly with ``executemany`` in a few big transactions:
no markdown is rendered and no store function is called, so seeding is fast. The
search index is filled by the migration's own triggers, as it is for every save.

Two people search:

* "1 site": the owner of one site (sees all 8 sections);
* "50 sites": a circle member of 50 sites: 25 shared whole ("*" view) and 25 with only
  3 sections each.

Each query goes through the real store (``wiki.store.search``): deciding access
(``site_for``/``list_sites``), the FTS5 match narrowed to the visible sections,
bm25 ranking, a count, and highlighted snippets for the first 20. Queries: a common
word, a middling word, a rare word, two words, a phrase, a word with ``*`` (ignored: no prefix search), a word found
nowhere, and a word that exists only in sections the 50-site person may not see
(its time should match the word found nowhere: no timing tells). Prints one table of
p50/p99 per person and scope.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from wiki.db import Database, connect, migrate  # noqa: E402
from wiki.models import STANDARD_GROUPS, STANDARD_SECTIONS, Actor  # noqa: E402
from wiki.store import search  # noqa: E402

NOW = "2026-11-23T09:00:00.000000+00:00"
RESTRICTED_WORD = (
    "zqhiddenword"  # only in the health sections of the 50-site person's partial sites
)
NOWHERE_WORD = "zqnowhereword"
SECTION_KEYS = [key for key, _, _ in STANDARD_SECTIONS]
PARTIAL_SECTIONS = ["about-me", "outcomes", "education"]  # what the member sees on 25 sites


def vocabulary(size: int, rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "pel", "an", "ish", "bo",
                 "quen", "tar", "fi", "gu", "zel", "mo", "ne", "wy"]  # fmt: skip
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def seed(path: Path, *, sites: int, pages: int, seed_value: int = 7) -> dict[str, object]:
    rng = random.Random(seed_value)
    words = vocabulary(4000, rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    common, middling, rare = words[0], words[40], words[3000]
    conn = connect(path, synchronous="NORMAL")
    migrate(conn)
    raw = conn.conn
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA cache_size = -200000")
    started = time.perf_counter()

    def progress(label: str, done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(
            f"\r  seeding {label}: {done:,}/{total:,} ({rate:,.0f}/s)   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    raw.execute("BEGIN")
    users = [(i + 1, f"owner{i}@example.org", f"Owner {i}", NOW) for i in range(sites)]
    users += [(sites + 1, "member@example.org", "Member of fifty", NOW)]
    raw.executemany("INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)", users)
    raw.executemany(
        "INSERT INTO sites (id, slug, title, owner_id, theme, created_at) VALUES (?, ?, ?, ?, 'default', ?)",
        [(i + 1, f"site-{i}", f"Plan {i}", i + 1, NOW) for i in range(sites)],
    )
    raw.executemany(
        "INSERT INTO sections (id, site_id, key, title, position, template) VALUES (?, ?, ?, ?, ?, ?)",
        [(i * 8 + n + 1, i + 1, key, title, n, template)
         for i in range(sites) for n, (key, title, template) in enumerate(STANDARD_SECTIONS)],
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO circle_groups (site_id, key, title) VALUES (?, ?, ?)",
        [(i + 1, key, title) for i in range(sites) for key, title in STANDARD_GROUPS],
    )
    member = sites + 1
    shared = list(range(2, 52))  # site ids 2..51: 25 whole, 25 partial
    raw.executemany(
        "INSERT INTO members (id, site_id, user_id, relationship, created_at) VALUES (?, ?, ?, 'friend', ?)",
        [(n + 1, site_id, member, NOW) for n, site_id in enumerate(shared)],
    )
    grants = []
    for n, site_id in enumerate(shared):
        if n < 25:
            grants.append((site_id, member, "*", "view", NOW))
        else:
            grants += [(site_id, member, key, "view", NOW) for key in PARTIAL_SECTIONS]
    raw.executemany(
        "INSERT INTO grants (site_id, user_id, section, capability, created_at) VALUES (?, ?, ?, ?, ?)",
        grants,
    )
    raw.execute("COMMIT")
    partial_sites = set(shared[25:])
    batch = 10_000
    per_site = max(1, pages // sites)
    total = per_site * sites
    page_id = 0
    for start in range(0, total, batch):
        page_rows, revision_rows = [], []
        for _ in range(min(batch, total - start)):
            site_index, k = divmod(page_id, per_site)
            site_id = site_index + 1
            section_n = k % 8
            section_id = site_index * 8 + section_n + 1
            page_id += 1
            text = rng.choices(words, weights=weights, k=rng.randint(60, 100))
            if site_id in partial_sites and SECTION_KEYS[section_n] == "health" and k < 8:
                text.append(RESTRICTED_WORD)
            body = " ".join(text)
            title = " ".join(rng.choices(words, weights=weights, k=3)).capitalize()
            page_rows.append(
                (page_id, site_id, section_id, f"page-{k}", title, k, 1, NOW, NOW, site_id)
            )
            revision_rows.append((page_id, page_id, 1, title, body, "", "", site_id, None, NOW))
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO pages (id, site_id, section_id, slug, title, position, revision, created_at,"
            " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            page_rows,
        )
        raw.executemany(  # the index triggers file each one as a current page
            "INSERT INTO revisions (id, page_id, number, title, body, html, summary, author_id, base,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            revision_rows,
        )
        raw.execute("COMMIT")
        progress("pages", page_id, total)
    seconds = time.perf_counter() - started
    print(
        f"\r  seeded {sites:,} sites, {total:,} pages in {seconds:.1f} s{' ' * 30}", file=sys.stderr
    )
    indexed = raw.execute("SELECT COUNT(*) FROM search_index").fetchone()[0]
    assert indexed == total, (indexed, total)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.conn.close()
    return {
        "common": common,
        "middling": middling,
        "rare": rare,
        "pair": f"{words[5]} {words[60]}",
        "phrase": f'"{words[1]} {words[2]}"',
        "star": words[10] + "*",
        "nowhere": NOWHERE_WORD,
        "restricted-only": RESTRICTED_WORD,
        "pages": total,
        "seed_seconds": seconds,
        "member": member,
        "owner_site": "site-0",
        "partial_site": f"site-{shared[30] - 1}",
    }


def measure(fn, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=100, help="repeats of each query")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--db", type=Path, default=None,
                        help="seed this file (kept), or reuse it if it was seeded before")  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="print each case as it is measured")
    args = parser.parse_args()
    if args.sites < 60:
        parser.error("--sites must be at least 60 (the member sees 50 of them)")
    folder = Path(tempfile.mkdtemp(prefix="planwiki-search-bench-"))
    path = args.db or folder / "bench.db"
    saved = path.with_name(path.name + ".json")
    try:
        if args.db and path.exists() and saved.exists():
            info = json.loads(saved.read_text())
            print(f"Reusing {path} ({info['pages']:,} pages)", file=sys.stderr)
        else:
            print(f"Seeding {path} …", file=sys.stderr)
            info = seed(path, sites=args.sites, pages=args.pages)
            saved.write_text(json.dumps(info))
        db = Database(path, synchronous="NORMAL")
        owner = Actor(user_id=1, email="owner0@example.org", name="Owner 0")
        member = Actor(user_id=int(info["member"]), email="member@example.org", name="Member")  # type: ignore[call-overload]
        queries = [
            "common",
            "middling",
            "rare",
            "pair",
            "phrase",
            "star",
            "nowhere",
            "restricted-only",
        ]
        rows = []
        cases = [
            ("1 site", "that site", lambda q: search.search_site(db, owner, site=str(info["owner_site"]), query=q)),
            ("1 site", "all my plans", lambda q: search.search_all(db, owner, query=q)),
            ("50 sites", "all my plans", lambda q: search.search_all(db, member, query=q)),
            ("50 sites", "one partial site", lambda q: search.search_site(db, member, site=str(info["partial_site"]), query=q)),
        ]  # fmt: skip
        for who, scope, run in cases:
            for name in queries:
                query = str(info[name])
                result = run(query)
                results = result[1] if isinstance(result, tuple) else result
                assert results.message is None, (who, scope, name, results.message)
                if name == "restricted-only":
                    assert results.total == 0, "a hidden section's word was found"
                if name == "common":
                    assert results.total > 0, "the common word must be found"
                times = measure(lambda q=query, r=run: r(q), args.queries)
                if args.verbose:
                    print(f"  {who} / {scope} / {name}: {results.total} hits, p50 {percentile(times, 50):.2f} ms",
                          file=sys.stderr)  # fmt: skip
                rows.append(
                    (
                        who,
                        scope,
                        name,
                        query,
                        results.total,
                        percentile(times, 50),
                        percentile(times, 99),
                    )
                )
        db.close()
        size_mb = path.stat().st_size / 1024 / 1024
        title = (f"search over {info['pages']:,} pages in {args.sites:,} sites "
                 f"(seeded in {info['seed_seconds']:.0f} s, file {size_mb:,.0f} MB, {args.queries} runs each)")  # fmt: skip
        headers = ["person", "searching", "query", "words", "hits (visible)", "p50 ms", "p99 ms"]
        body = [[who, scope, name, q, f"{hits:,}", f"{p50:.2f}", f"{p99:.2f}"]
                for who, scope, name, q, hits, p50, p99 in rows]  # fmt: skip
        try:
            from rich.console import Console
            from rich.table import Table

            table = Table(title=title)
            for h in headers:
                table.add_column(h, justify="right" if h.endswith(("ms", "(visible)")) else "left")
            for r in body:
                table.add_row(*r)
            Console(width=140).print(table)
        except ImportError:
            print(title)
            widths = [max(len(str(x)) for x in col) for col in zip(headers, *body, strict=False)]
            for r in [headers, *body]:
                print("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=False)))
        return 0
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
