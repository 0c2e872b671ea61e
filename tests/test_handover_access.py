"""A handover pack never widens access (issue #14, PRODUCT.md core idea 3).

A pack made by the owner from About me and Health is read through its sources: the SENCO
(who may read Handover and About me, not Health) finds no Health word, title or slug in the
pack through any door — the page, the API, history and diffs, search (site and API), print,
the export zip, "see it as", or a guest link on Handover. Mum (a steward) reads every part;
a reader of Handover, About me and Health reads both parts. The pack's stored text holds no
source text, title, section or slug at all. The plan and marker words are those of
test_sharing_flows.py.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from urllib.parse import quote

import pytest
from conftest import csrf_of, post_form
from test_sharing_flows import SITE, Plan, build_plan, no_markers, user

from plugins._handover_pack import read_pack
from wiki import clock, store
from wiki.store import circle, links

ABOUT = "ava loves trampolines"  # words of About me / profile
HEALTH_SLUGS = ["/health/medicines", "health/medicines", "medicines"]


def no_health(text: str) -> None:
    """No Health word, title or slug (the grid's markers, plus the page's address)."""
    no_markers(text, "health")
    low = text.lower()
    for slug in HEALTH_SLUGS:
        assert slug not in low, f"{slug!r} from health leaked"


class Pack:
    def __init__(self, plan: Plan, slug: str, senco, both, only_health) -> None:
        self.plan, self.slug = plan, slug
        self.senco, self.both, self.only_health = senco, both, only_health
        self.url = f"/s/{SITE}/handover/{slug}"


def make_pack(plan: Plan, pages: list[str]) -> str:
    client = plan.client(plan.owner)
    token = csrf_of(client.get(f"/s/{SITE}/handover-pack/new").text)
    made = client.post(
        f"/s/{SITE}/handover-pack/new",
        data={"csrftoken": token, "title": "Meet Ava", "note": "Read this first, please.",
              "pages": pages, "action": "make"},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    return made.headers["location"].rsplit("/", 1)[1]


@pytest.fixture
def pack(app, db) -> Pack:
    plan = build_plan(app, db)
    senco, both, only_health = (user(db, n) for n in ("Sue", "Hana", "Hal"))
    for person, sections in (
        (senco, ["handover", "about-me"]),
        (both, ["handover", "about-me", "health"]),
        (only_health, ["handover", "health"]),
    ):
        circle.add_member(db, plan.owner, site=SITE, email=person.email, relationship="worker")
        for section in sections:
            circle.add_grant(db, plan.owner, site=SITE, section=section, capability="view",
                             person=person.email)  # fmt: skip
    slug = make_pack(plan, ["about-me/profile", "health/medicines"])
    # A second revision of the pack (Health changed, the pack brought up to date): a diff.
    store.save_page(db, plan.owner, site=SITE, section="health", page="medicines",
                    body="Ava takes kestrelmycin every morning and evening.", base_revision=1)  # fmt: skip
    owner = plan.client(plan.owner)
    status = f"/s/{SITE}/handover-pack/{slug}"
    assert post_form(owner, status, {}, page=status).status_code == 303
    return Pack(plan, slug, senco, both, only_health)


def test_the_stored_pack_holds_no_source_text_title_section_or_slug(pack: Pack) -> None:
    plan = pack.plan
    for number in (1, 2):
        rev = store.get_revision(plan.db, plan.owner, site=SITE, section="handover",
                                 page=pack.slug, number=number)[2]  # fmt: skip
        for text in (rev.body, rev.html):
            no_health(text)
            low = text.lower()
            for word in (ABOUT, "all about ava", "about-me", "profile", "health", "title:"):
                assert word not in low, word
        parsed = read_pack(rev.body)
        assert parsed is not None and len(parsed.sources) == 2
        assert all(s.page_id and not (s.section or s.page or s.title) for s in parsed.sources)


def test_the_senco_reads_the_about_me_part_and_no_health_through_any_door(pack: Pack) -> None:
    plan, url = pack.plan, pack.url
    web, api = plan.client(pack.senco), plan.api(pack.senco)
    page = web.get(url)
    assert page.status_code == 200
    assert ABOUT in page.text.lower() and "All about Ava" in page.text
    assert "Read this first, please." in page.text and "I have read this" in page.text
    doors = {
        "page": page.text,
        "history": web.get(url + "/history").text,
        "diff": web.get(url + "/diff?from=1&to=2").text,
        "revision 1": web.get(url + "/revisions/1").text,
        "search": web.get(f"/s/{SITE}/search?q=morning").text,
        "search pack": web.get(f"/s/{SITE}/search?q=Meet+Ava").text,
        "search history": web.get(f"/s/{SITE}/search?q=morning&history=1").text,
        "search everywhere": web.get("/search?q=morning").text,
        "print": web.get(f"/s/{SITE}/-/print").text,
        "print handover": web.get(f"/s/{SITE}/-/print/handover").text,
        "api page": api.get(f"/sites/{SITE}/pages/handover/{pack.slug}").text,
        "api revisions": api.get(f"/sites/{SITE}/pages/handover/{pack.slug}/revisions").text,
        "api revision 1": api.get(f"/sites/{SITE}/pages/handover/{pack.slug}/revisions/1").text,
        "api search": api.get(f"/sites/{SITE}/search?q=morning").text,
        "api search pack": api.get(f"/sites/{SITE}/search?q=Meet+Ava&history=1").text,
        "api search everywhere": api.get("/search?q=morning").text,
    }
    assert "all about ava" in doors["print handover"].lower()  # print reads through too
    assert "Meet Ava" in doors["search pack"] and "Meet Ava" in doors["api search pack"]
    # The same searches find the Health words for someone who may read them: the doors work.
    assert "kestrelmycin" in plan.client(plan.mum).get(f"/s/{SITE}/search?q=morning").text
    assert "kestrelmycin" in plan.api(plan.mum).get(f"/sites/{SITE}/search?q=morning").text
    zipped = web.get(f"/s/{SITE}/export.zip")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        for name in archive.namelist():
            doors[f"zip {name}"] = name + archive.read(name).decode("utf-8", "replace")
    leaks = []
    for door, text in doors.items():
        try:
            no_health(text)
        except AssertionError as error:
            leaks.append(f"through {door}: {str(error).splitlines()[0]}")
    assert not leaks, "\n".join(leaks)


def test_mum_a_steward_reads_every_part_and_so_does_a_reader_of_both(pack: Pack) -> None:
    for who in (pack.plan.mum, pack.both):
        text = pack.plan.client(who).get(pack.url).text
        assert ABOUT in text.lower() and "kestrelmycin every morning and evening" in text
        assert text.index("All about Ava") < text.index("Tablets and doses")


def test_a_reader_of_health_but_not_about_me_reads_only_the_health_part(pack: Pack) -> None:
    text = pack.plan.client(pack.only_health).get(pack.url).text
    assert "kestrelmycin" in text and ABOUT not in text.lower() and "All about Ava" not in text


def test_see_it_as_the_senco_shows_what_the_senco_reads(pack: Pack) -> None:
    mum = pack.plan.client(pack.plan.mum)
    text = mum.get(f"/s/{SITE}/view-as/{quote(pack.senco.email)}/handover/{pack.slug}").text
    assert ABOUT in text.lower()
    no_health(text)


def test_a_guest_link_on_handover_reads_the_note_only(pack: Pack) -> None:
    plan = pack.plan
    link = links.create_guest_link(
        plan.db, plan.owner, site=SITE, section="handover", label="New PA",
        expires_at=clock.iso(clock.now() + timedelta(days=2)),
    )  # fmt: skip
    guest = plan.client()
    root = f"/g/{link.token}"
    page = guest.get(f"{root}/handover/{pack.slug}")
    assert page.status_code == 200 and "Read this first, please." in page.text
    for text in (page.text, guest.get(f"{root}/handover").text, guest.get(root).text):
        no_health(text)
        assert ABOUT not in text.lower() and "All about Ava" not in text
        assert "In this handover" not in text  # not even a count of what is hidden


def test_the_form_shows_who_will_read_which_part_before_the_pack_is_made(pack: Pack) -> None:
    plan = pack.plan
    links.create_guest_link(
        plan.db, plan.owner, site=SITE, section="handover", label="Leisure centre",
        expires_at=clock.iso(clock.now() + timedelta(days=2)),
    )  # fmt: skip
    client = plan.client(plan.owner)
    form = client.get(f"/s/{SITE}/handover-pack/new").text
    token = csrf_of(form)
    shown = client.post(
        f"/s/{SITE}/handover-pack/new",
        data={"csrftoken": token, "title": "T", "action": "preview",
              "pages": ["about-me/profile", "health/medicines"]},
    )  # fmt: skip
    assert shown.status_code == 200  # a preview makes nothing
    text = " ".join(shown.text.split())
    card = lambda name: text[text.index(f"<h3>{name}</h3>") :].split("</li>")[0]  # noqa: E731
    assert "Will read:</strong> All about Ava." in card("Sue")
    assert (
        "Will not see</strong> (they cannot read it where it comes from): Tablets and doses"
        in card("Sue")
    )
    assert "Will read every part." in card("Hana") and "Will not see" not in card("Hana")
    assert "Will read every part." in card("Mo")  # a steward
    assert "Will read the note only" in card("Leisure centre")
    assert "A guest link reads its own section only" in text
    assert "<h3>Ben</h3>" not in text  # a friend who cannot open Handover is not listed
    assert "Will read:</strong> Tablets and doses." in card("Hal")
    assert "comes from): All about Ava." in card("Hal")


def test_an_old_pack_with_copied_text_is_shown_through_its_sources(pack: Pack) -> None:
    plan = pack.plan
    old = (
        "```handover-pack\nmade: 2026-11-01\nnote: Old pack.\nsources:\n"
        "- section: about-me\n  page: profile\n  revision: 1\n  title: All about Ava\n"
        "- section: health\n  page: medicines\n  revision: 1\n  title: Tablets and doses\n```\n\n"
        "## All about Ava\n\nAva loves trampolines and marmalade toast.\n\n"
        "## Tablets and doses\n\nAva takes kestrelmycin every morning.\n"
    )
    store.save_page(plan.db, plan.owner, site=SITE, section="handover", page="old-pack",
                    body=old, base_revision=None, title="Old pack")  # fmt: skip
    senco = plan.client(pack.senco).get(f"/s/{SITE}/handover/old-pack").text
    assert ABOUT in senco.lower() and "Old pack." in senco
    no_health(senco)
    mum = plan.client(plan.mum).get(f"/s/{SITE}/handover/old-pack").text
    assert "kestrelmycin every morning." in mum and ABOUT in mum.lower()
