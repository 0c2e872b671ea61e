#!/usr/bin/env python3
"""Does deciding access grow with the size of the circle? (issue #3)

    python bench/access_scale.py [--members 200] [--grants 2000] [--pages 200] [--iterations 3000]

Seeds two sites in one fresh SQLite file through the real store: a small one (a
circle of 5, about 20 grants) and a large one (a circle of N members in groups, with
M grants to people and groups, some expired). The same viewer is a member of both
with the same rights. Measures

1. in process, the work of one permission-checked page read (load the site, decide
   the viewer's access, load the page): p50/p99 in microseconds;
2. against the real server (``planwiki serve`` on 127.0.0.1), signed-in HTML page
   views at 1 and 8 clients with the load generator in bench/loadgen.py.

Prints one table. Traffic stays on 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from page_views import (  # noqa: E402
    HOST,
    BenchError,
    Session,
    _HiddenInputs,
    free_port,
    measure,
    stop_server,
    vm_hwm_kb,
    wait_ready,
)

from wiki import accounts, clock, store  # noqa: E402
from wiki.db import Database, migrate  # noqa: E402
from wiki.models import Actor  # noqa: E402
from wiki.store import circle  # noqa: E402

VIEWER = "viewer@example.org"
PASSWORD = "viewer-password-correct-horse"
SECTIONS = [
    "about-me",
    "circle",
    "outcomes",
    "budget",
    "health",
    "education",
    "reviews",
    "handover",
]
GROUPS = ["family", "friends", "school", "health", "social-care", "paid-support"]


def seed_site(db: Database, owner: Actor, viewer: Actor, slug: str, *, members: int, grants: int,
              pages: int, rng: random.Random) -> list[str]:  # fmt: skip
    store.create_site(db, owner, slug=slug, title=f"Plan {slug}")
    circle.add_member(
        db, owner, site=slug, email=viewer.email, relationship="teacher", groups=["school"]
    )
    for section in ("about-me", "education", "outcomes"):
        circle.add_grant(db, owner, site=slug, section=section, capability="view", group="school")
    people = []
    for i in range(members - 1):
        email = f"{slug}-member-{i}@example.org"
        user = accounts.create_user(
            db, email=email, name=f"Member {i}"
        )  # no password: fast to make
        circle.add_member(db, owner, site=slug, email=user.email, relationship="circle",
                          groups=rng.sample(GROUPS, rng.randint(1, 2)))  # fmt: skip
        people.append(email)
    soon = clock.iso(clock.now() + timedelta(days=30))
    made = 3
    while made < grants:
        section = rng.choice([*SECTIONS, "*"])
        cap = rng.choice(["view", "view", "edit", "manage"])
        # Not the viewer's own group: the viewer holds the same grants on both sites, so
        # any difference measured is the size of the site, not the size of their rights.
        other_groups = [g for g in GROUPS if g != "school"]
        who = (
            {"group": rng.choice(other_groups)}
            if rng.random() < 0.1
            else {"person": rng.choice(people)}
        )
        circle.add_grant(db, owner, site=slug, section=section, capability=cap,
                         expires_at=soon if rng.random() < 0.2 else None, **who)  # fmt: skip
        made += 1
    paths = []
    for i in range(pages):
        section = rng.choice(["about-me", "education", "outcomes"])
        page = f"page-{i}"
        store.save_page(db, owner, site=slug, section=section, page=page, base_revision=None,
                        body=f"## Page {i}\n\n" + "Words about what matters. " * 60, title=f"Page {i}")  # fmt: skip
        paths.append(f"/s/{slug}/{section}/{page}")
    return paths


def in_process(db: Database, viewer: Actor, paths: list[str], iterations: int) -> dict:
    samples = []
    for i in range(iterations):
        _, _, slug, section, page = paths[i % len(paths)].split("/")
        start = time.perf_counter_ns()
        store.get_page(db, viewer, site=slug, section=section, page=page, record_view=False)
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return {
        "p50_us": samples[len(samples) // 2] / 1000,
        "p99_us": samples[int(len(samples) * 0.99)] / 1000,
    }


def sign_in(port: int) -> Session:
    web = Session(port)
    status, _h, page = web.request("GET", "/login")
    parser = _HiddenInputs()
    parser.feed(page.decode())
    status, _h, body = web.request("POST", "/login", form={
        "email": VIEWER, "password": PASSWORD, "csrftoken": parser.values.get("csrftoken", "")})  # fmt: skip
    if status != 303:
        raise BenchError(f"sign-in answered {status}: {body[:200]!r}")
    return web


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--grants", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="planwiki-access-"))
    db_path = tmp / "planwiki.db"
    db = Database(db_path, synchronous="NORMAL")
    migrate(db.db)
    rng = random.Random(7)
    started = time.monotonic()
    o = accounts.create_user(db, email="owner@example.org", name="Owner")
    v = accounts.create_user(db, email=VIEWER, name="Viewer", password=PASSWORD)
    owner = Actor(user_id=o.id, email=o.email, name=o.name)
    viewer = Actor(user_id=v.id, email=v.email, name=v.name)
    print("seeding…", file=sys.stderr)
    small = seed_site(db, owner, viewer, "small", members=5, grants=20, pages=args.pages, rng=rng)
    large = seed_site(
        db,
        owner,
        viewer,
        "large",
        members=args.members,
        grants=args.grants,
        pages=args.pages,
        rng=rng,
    )
    n_grants = db.one(
        "SELECT COUNT(*) AS n FROM grants WHERE site_id = (SELECT id FROM sites WHERE slug='large')"
    )
    n_members = db.one(
        "SELECT COUNT(*) AS n FROM members WHERE site_id = (SELECT id FROM sites WHERE slug='large')"
    )
    print(f"seeded in {time.monotonic() - started:.1f} s", file=sys.stderr)
    rows = []
    for name, paths in (("small site", small), ("large site", large)):
        r = in_process(db, viewer, paths, args.iterations)
        rows.append((f"{name}: in-process check+read", "1", str(args.iterations), "0", "",
                     f"{r['p50_us'] / 1000:.3f}", f"{r['p99_us'] / 1000:.3f}", ""))  # fmt: skip
    db.close()

    port = free_port()
    log_path = tmp / "server.log"
    env = dict(os.environ, PLANWIKI_DB=str(db_path), PLANWIKI_SYNCHRONOUS="NORMAL")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "main", "serve", "--host", HOST, "--port", str(port), "--workers", "1"],
                                cwd=HERE.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    try:
        wait_ready(port, proc, str(log_path))
        web = sign_in(port)
        headers = {"Cookie": web.cookie_header()}
        for name, paths in (("small site", small), ("large site", large)):
            for clients in (1, 8):
                r = measure(port, paths, headers, clients, args.requests, args.seconds, seed=1)
                rows.append((f"{name}: HTML page view", str(clients), str(r["requests"]), str(r["errors"]),
                             f"{r['rps']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['max_ms']:.2f}"))  # fmt: skip
        peak = vm_hwm_kb(proc.pid)
    finally:
        stop_server(proc)
    header = ("measure", "clients", "requests", "errors", "rps", "p50 ms", "p99 ms", "max ms")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for r in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    print(f"large site: {n_members['n']} circle members, {n_grants['n']} grants; small site: 5 members, 20 grants; "
          f"{args.pages} pages each · server peak RSS {peak / 1024 if peak else 0:.0f} MB · nproc {os.cpu_count()}")  # fmt: skip
    return 1 if any(r[3] not in ("0", "") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
