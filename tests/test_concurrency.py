"""Many saves and searches at once (issue #8): saves and searches run in worker threads so
page views are not held up behind them; this checks that nothing is lost or garbled when
they overlap, and that a conflict is still a conflict."""

from __future__ import annotations

import asyncio

import httpx2
from conftest import run_async

from wiki import accounts, store


def _client(app, token: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url="http://planwiki.test",
        headers={"authorization": f"Bearer {token}"},
    )


async def _save_many(app, token: str, pages: int, rounds: int) -> list[int]:
    async with _client(app, token) as web:
        revisions = dict.fromkeys(range(pages))

        async def writer(n: int) -> list[int]:
            statuses = []
            for r in range(rounds):
                response = await web.put(
                    f"/api/v1/sites/kai/pages/about-me/page-{n}",
                    json={"body": f"Round {r} of page {n}.", "base_revision": revisions[n]},
                )
                statuses.append(response.status_code)
                revisions[n] = response.json()["revision"]
            return statuses

        results = await asyncio.gather(*(writer(n) for n in range(pages)))
        return [s for statuses in results for s in statuses]


def test_sixteen_editors_saving_at_once_lose_nothing(app, db, people) -> None:
    kai = people.add("Kai")
    store.create_site(db, kai, slug="kai", title="Kai's plan")
    token = accounts.create_token(db, accounts.find_user(db, kai.email))  # type: ignore[arg-type]
    statuses = run_async(_save_many(app, token, pages=16, rounds=5))
    assert statuses.count(201) == 16 and statuses.count(200) == 16 * 4, statuses
    for n in range(16):
        _ctx, found = store.get_page(db, kai, site="kai", section="about-me", page=f"page-{n}")
        assert found.revision == 5 and found.body == f"Round 4 of page {n}."


def test_two_editors_on_one_page_at_once_get_one_save_and_one_conflict(app, db, people) -> None:
    kai = people.add("Kai")
    store.create_site(db, kai, slug="kai", title="Kai's plan")
    store.save_page(db, kai, site="kai", section="about-me", page="shared", body="Start.", base_revision=None)  # fmt: skip
    token = accounts.create_token(db, accounts.find_user(db, kai.email))  # type: ignore[arg-type]

    async def both() -> list[int]:
        async with _client(app, token) as web:
            answers = await asyncio.gather(
                *(
                    web.put(
                        "/api/v1/sites/kai/pages/about-me/shared",
                        json={"body": f"Editor {n} was here.", "base_revision": 1},
                    )
                    for n in range(2)
                )
            )
            return sorted(a.status_code for a in answers)

    assert run_async(both()) == [200, 409]
    _ctx, found = store.get_page(db, kai, site="kai", section="about-me", page="shared")
    assert found.revision == 2


def test_searches_overlapping_saves_see_only_whole_saves(app, db, people) -> None:
    kai = people.add("Kai")
    store.create_site(db, kai, slug="kai", title="Kai's plan")
    token = accounts.create_token(db, accounts.find_user(db, kai.email))  # type: ignore[arg-type]

    async def mixed() -> list[int]:
        async with _client(app, token) as web:
            saves = [
                web.put(
                    f"/api/v1/sites/kai/pages/about-me/p-{n}",
                    json={"body": f"pelican number {n}", "base_revision": None},
                )
                for n in range(10)
            ]
            searches = [web.get("/api/v1/sites/kai/search?q=pelican") for _ in range(10)]
            answers = await asyncio.gather(*saves, *searches)
            for found in answers[10:]:
                hits = found.json()["results"]
                assert len(hits) == found.json()["total"] <= 10
            return [a.status_code for a in answers]

    assert set(run_async(mixed())) == {200, 201}


def test_page_views_are_filed_by_the_view_log_thread_not_by_the_request(db, people) -> None:
    """Issue #8: filing a second's views must not hold up the page view that fills the buffer."""
    import threading
    import time

    from wiki.store.audit import ViewLog

    kai = people.add("Kai")
    site = store.create_site(db, kai, slug="kai", title="Kai's plan")
    views = ViewLog(max_buffer=3)
    writers: list[str] = []
    real_flush = views.flush

    def flush(database):
        writers.append(threading.current_thread().name)
        real_flush(database)

    views.flush = flush  # type: ignore[method-assign]
    for _ in range(3):
        views.add(db, site_id=site.id, actor=kai, section="about-me", page_id=None)
    deadline = time.monotonic() + 5
    filed = 0
    while time.monotonic() < deadline and filed < 3:
        row = db.one(
            "SELECT COUNT(*) AS n FROM audit WHERE action = 'view' AND site_id = ?", (site.id,)
        )
        filed = row["n"] if row else 0
        time.sleep(0.02)
    assert filed == 3
    assert writers == ["planwiki-view-log"]
