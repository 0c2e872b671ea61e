"""A preview you can trust (issue #23): "See it as" is the page the person gets.

A grid: for each kind of person — a reader of one part, an editor, a steward, someone who
reads only through a circle group (and the group itself), a guest link, and an invitation
not yet accepted (as it would give) — every page of the plan they can reach is fetched as a
preview by the young person and as the person themselves (signed in, through the guest
link, or after accepting the invitation). The main content — its words, its pictures'
sources, its links and its forms — must be the same, with only where links point (the
preview's own address) taken out.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from conftest import People, csrf_of
from starlette.testclient import TestClient

from wiki import accounts, store
from wiki.demo import bus_picture
from wiki.models import Actor
from wiki.store import circle, files, introduction, invitations, links

SITE = "ava"
PASSWORD = "correct-horse-battery"


class Main(HTMLParser):
    """What a reader gets in <main>: words, picture sources, links and forms."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.skip = 0, 0
        self.words: list[str] = []
        self.things: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "main":
            self.depth += 1
        if not self.depth:
            return
        if tag in ("script", "style"):
            self.skip += 1
        for name in ("src", "href", "action", "type", "name", "disabled"):
            if name in found and not (tag == "input" and found.get("name") == "csrftoken"):
                self.things.append(f"{tag}[{name}={found[name]}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip and data.strip():
            self.words.append(" ".join(data.split()))


def main_of(html: str, *roots: str) -> tuple[str, list[str]]:
    html = re.sub(r'<div class="notice preview".*?</div>', "", html, flags=re.S)
    for root in roots:  # where links point is all that may differ
        html = html.replace(root, "ROOT")
    reader = Main()
    reader.feed(html)
    return " ".join(reader.words), reader.things


class Grid:
    def __init__(self, people: People, db, settings) -> None:
        self.people, self.db = people, db
        self.owner = people.add("Ava")
        store.create_site(db, self.owner, slug=SITE, title="Ava's plan")
        self.sami, self.gran = people.add("Sami"), people.add("Gran")
        self.ed, self.mum = people.add("Ed"), people.add("Mum")
        for who, rel, groups in ((self.sami, "friend", []), (self.gran, "gran", ["family"]),
                                 (self.ed, "teacher", []), (self.mum, "mum", [])):  # fmt: skip
            circle.add_member(db, self.owner, site=SITE, email=who.email, relationship=rel,
                              groups=groups)  # fmt: skip
        grant = circle.add_grant
        grant(
            db, self.owner, site=SITE, section="about-me", capability="view", person=self.sami.email
        )
        grant(db, self.owner, site=SITE, section="about-me", capability="view", group="family")
        grant(db, self.owner, site=SITE, section="health", capability="edit", group="family")
        grant(
            db, self.owner, site=SITE, section="about-me", capability="edit", person=self.ed.email
        )
        grant(db, self.owner, site=SITE, section="*", capability="manage", person=self.mum.email)
        for section, slug, body in (("about-me", "profile", "I love **buses**."),
                                    ("health", "meds", "Tablets at 8."),
                                    ("budget", "money", "Nine hundred pounds.")):  # fmt: skip
            store.save_page(db, self.owner, site=SITE, section=section, page=slug, body=body,
                            base_revision=None, summary="", title=slug.title())  # fmt: skip
        photo = files.attach(
            db, self.owner, site=SITE, section="about-me", page="profile",
            upload=io.BytesIO(bus_picture()), filename="bus.jpg", declared_type="image/jpeg",
            files_dir=settings.files_path(),
        )  # fmt: skip
        # Ava's photo on her plan's home: Sami may see its page, so Sami sees the photo.
        introduction.set_introduction(db, self.owner, site=SITE, intro="I'm Ava.", photo=photo.key)
        self.link = links.create_guest_link(db, self.owner, site=SITE, section="about-me",
                                            label="swimming club")  # fmt: skip
        self.invite = invitations.create_invitation(
            db, self.owner, site=SITE, email="nia@example.org", name="Nia",
            groups=["family"], grants=[{"section": "budget", "capability": "view"}],
        )  # fmt: skip

    def client(self, who: Actor | None = None) -> TestClient:
        return self.people.client(who)

    def paths(self, keys: list[str]) -> list[str]:
        """The home, each part and each page in those parts."""
        pages = {"about-me": "profile", "health": "meds", "budget": "money"}
        out = [""]
        for key in keys:
            out += [f"/{key}"] + ([f"/{key}/{pages[key]}"] if key in pages else [])
        return out


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    monkeypatch.setattr(
        accounts.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def grid(people: People, db, settings) -> Grid:
    return Grid(people, db, settings)


def compare(grid: Grid, who: str, real: TestClient, real_root: str, paths: list[str]) -> int:
    preview_root = f"/s/{SITE}/view-as/{quote(who, safe='@:')}"
    ava = grid.client(grid.owner)
    previews = {p: ava.get(preview_root + p) for p in paths}  # before the person's own visits
    compared = 0
    for path in paths:
        preview = previews[path]
        served = real.get(real_root + path, follow_redirects=path == "")
        assert preview.status_code == served.status_code == 200, (who, path, served.status_code)
        assert "Preview:" in preview.text
        assert main_of(preview.text, preview_root, f"/s/{SITE}") == main_of(
            served.text, real_root
        ), (who, path)
        compared += 1
    return compared


PEOPLE = {  # who, and the parts they reach
    "sami": ["about-me"],  # reads one part, through a rule for them
    "ed": ["about-me"],  # changes one part
    "gran": ["about-me", "health"],  # reads and changes through the family group
    "mum": ["about-me", "health", "budget"],  # manages every part
}


@pytest.mark.parametrize("name", sorted(PEOPLE))
def test_see_it_as_a_member_is_the_page_they_get(grid: Grid, name: str) -> None:
    person = getattr(grid, name)
    keys = [k for k in PEOPLE[name]]
    real = grid.client(person)
    assert compare(grid, person.email, real, f"/s/{SITE}", grid.paths(keys)) == len(
        grid.paths(keys)
    )


def test_see_it_as_sami_shows_avas_photo_as_sami_gets_it(grid: Grid) -> None:
    preview = grid.client(grid.owner).get(f"/s/{SITE}/view-as/{grid.sami.email}").text
    assert 'class="person-photo"' in preview and "person-initial" not in preview
    assert "I&#39;m Ava." in preview or "I'm Ava." in preview


def test_see_it_as_a_group_is_what_a_member_through_the_group_alone_gets(grid: Grid) -> None:
    real = grid.client(grid.gran)  # Gran's only rules come through the family group
    paths = grid.paths(["about-me", "health"])
    assert compare(grid, "group:family", real, f"/s/{SITE}", paths) == len(paths)


def test_see_it_as_a_guest_link_is_the_page_its_visitor_gets(grid: Grid) -> None:
    assert grid.link.token is not None
    paths = ["/about-me", "/about-me/profile"]
    real = grid.client()
    assert compare(grid, f"link:{grid.link.id}", real, f"/g/{grid.link.token}", paths) == 2


def test_see_it_as_an_invitation_is_what_it_gives_once_accepted(grid: Grid) -> None:
    who = f"invite:{grid.invite.id}"
    paths = grid.paths(["about-me", "health", "budget"])
    preview_root = f"/s/{SITE}/view-as/{who}"
    ava = grid.client(grid.owner)
    previews = {p: ava.get(preview_root + p) for p in paths}
    assert all(r.status_code == 200 for r in previews.values())
    assert "Nia" in previews[""].text
    nia = grid.client()
    door = nia.get(f"/invite/{grid.invite.token}")
    joined = nia.post(f"/invite/{grid.invite.token}",
                      data={"name": "Nia", "password": PASSWORD, "csrftoken": csrf_of(door.text)})  # fmt: skip
    assert joined.status_code == 303
    for path in paths:
        served = nia.get(f"/s/{SITE}{path}")
        assert served.status_code == 200, path
        assert main_of(previews[path].text, preview_root, f"/s/{SITE}") == main_of(
            served.text, f"/s/{SITE}"
        ), path
    # Once accepted, it is no longer there to preview.
    assert ava.get(preview_root).status_code == 404


def test_nobody_but_the_young_person_and_stewards_may_preview_a_group_or_an_invitation(
    grid: Grid,
) -> None:
    for who in ("group:family", f"invite:{grid.invite.id}", f"link:{grid.link.id}"):
        assert grid.client(grid.ed).get(f"/s/{SITE}/view-as/{who}").status_code == 403, who
        assert grid.client(grid.mum).get(f"/s/{SITE}/view-as/{who}").status_code in (200, 303)


def test_a_preview_shows_the_persons_buttons_but_changes_nothing(grid: Grid) -> None:
    ava = grid.client(grid.owner)
    root = f"/s/{SITE}/view-as/{grid.ed.email}"
    page = ava.get(f"{root}/about-me/profile").text
    assert f'href="{root}/about-me/profile/edit"' in page  # Ed gets an Edit button
    assert ava.get(f"{root}/about-me/profile/edit").status_code == 200
    assert "This is only a preview" in ava.get(f"{root}/about-me/profile/edit").text
    tried = ava.post(f"{root}/about-me", data={"title": "New", "csrftoken": csrf_of(page)})
    assert tried.status_code == 403 and "This is only a preview" in tried.text
    assert [p.slug for p in store.list_pages(grid.db, grid.owner, site=SITE,
                                             section="about-me")[1]] == ["profile"]  # fmt: skip


def test_the_sharing_page_offers_see_it_as_for_people_groups_links_and_invitations(
    grid: Grid,
) -> None:
    page = grid.client(grid.owner).get(f"/s/{SITE}/sharing").text
    for who in (
        grid.sami.email,
        "group:family",
        f"link:{grid.link.id}",
        f"invite:{grid.invite.id}",
    ):
        assert f'href="/s/{SITE}/view-as/{who}"' in page, who
    for link in re.findall(rf'href="(/s/{SITE}/view-as/[^"]+)"', page):
        assert grid.client(grid.owner).get(link).status_code in (200, 303), link


@pytest.mark.parametrize("easy_reader", ["owner", "sami"])
def test_the_preview_speaks_the_words_the_person_gets_whoever_reads_easy(
    grid: Grid, db, easy_reader: str
):
    """Issue #23: Ava with easy read on previewing Sami (standard words) saw easy words; and
    Sami with easy read on was previewed in Ava's standard words. The banner above the
    preview stays in the words of the person previewing."""
    from wiki.models import Preferences
    from wiki.templates import available_themes

    who = grid.owner if easy_reader == "owner" else grid.sami
    accounts.set_preferences(db, who, Preferences(easy_read=True), themes=available_themes())
    preview_root = f"/s/{SITE}/view-as/{quote(grid.sami.email, safe='@:')}"
    ava, sami = grid.client(grid.owner), grid.client(grid.sami)
    for path in grid.paths(["about-me"]):
        preview = ava.get(preview_root + path)
        served = sami.get(f"/s/{SITE}" + path, follow_redirects=path == "")
        assert main_of(preview.text, preview_root, f"/s/{SITE}") == main_of(
            served.text, f"/s/{SITE}"
        )
        banner = "Look:" if easy_reader == "owner" else "Preview:"
        assert f"<strong>{banner}</strong>" in preview.text, path
