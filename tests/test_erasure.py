"""Erasure (issue #7): the owner deletes their plan (confirmation, 30 days to bring it
back, then gone for good: rows, search index, files, and the words out of the database
file itself); a person deletes their account (their edits stay, by "a former member").
Both are recorded."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import csrf_of, png, post_form

from wiki import accounts, clock, store
from wiki.app import create_app
from wiki.cli import cli
from wiki.errors import Conflict, Forbidden, Invalid, NotFound
from wiki.store import account_erasure, circle, erasure, files, introduction, links, search

WORD = "xylophonequasar"  # a word that exists only in Sam's plan
EMAIL_WORD = "quokkazebra"  # only in Bob's email address and name


@pytest.fixture
def plan(db, people, settings):
    sam, mum = people.add("Sam"), people.add("Mum")
    bob = people.add(f"Bob {EMAIL_WORD.capitalize()}")
    bob_user = accounts.find_user(db, bob.email)
    assert bob_user is not None
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    for n in range(3):
        store.save_page(db, sam, site="sam", section="about-me", page="profile", title="My profile",
                        body=f"Version {n}: I play the {WORD} every day.", base_revision=n or None,
                        summary=f"{WORD} {n}")  # fmt: skip
    store.save_page(db, sam, site="sam", section="health", page="notes", title=f"{WORD} notes",
                    body="Quiet.", base_revision=None)  # fmt: skip
    circle.add_member(db, sam, site="sam", email=mum.email, relationship="mum", groups=["family"])
    circle.add_member(
        db, sam, site="sam", email=bob.email, relationship="friend", groups=["friends"]
    )
    circle.add_grant(db, sam, site="sam", section="*", capability="manage", person=mum.email)
    circle.add_grant(db, sam, site="sam", section="about-me", capability="edit", person=bob.email)
    store.save_page(db, bob, site="sam", section="about-me", page="from-bob", title="From Bob",
                    body="Bob wrote this.", base_revision=None)  # fmt: skip
    links.create_guest_link(db, sam, site="sam", section="about-me", label="Club")
    picture = files.attach(db, sam, site="sam", section="about-me", page="profile", upload=io.BytesIO(png()),
                           filename="me.png", caption=f"{WORD} photo", files_dir=settings.files_path())  # fmt: skip
    return {"sam": sam, "mum": mum, "bob": bob, "picture": picture}


def raw_bytes(path: Path) -> bytes:
    """Every byte SQLite keeps for this database: the file, its WAL and shared memory."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


def _count(db, sql: str, *args) -> int:
    row = db.one(sql, args)
    return int(row[0]) if row else 0


def test_only_the_owner_can_delete_and_only_by_typing_the_address(db, plan) -> None:
    with pytest.raises(Forbidden):
        erasure.delete_site(db, plan["mum"], site="sam", confirm="sam")  # a steward
    with pytest.raises(Forbidden):
        erasure.delete_site(db, plan["bob"], site="sam", confirm="sam")
    with pytest.raises(Invalid):
        erasure.delete_site(db, plan["sam"], site="sam", confirm="yes")
    assert store.site_for(db, plan["sam"], "sam").site.slug == "sam"


def test_a_deleted_plan_is_gone_for_everyone_at_once_and_comes_back_as_it_was(
    db, plan, settings
) -> None:
    sam, bob = plan["sam"], plan["bob"]
    site_id = store.site_for(db, sam, "sam").site.id
    introduction.set_introduction(db, sam, site="sam", intro="I'm Sam.", photo=plan["picture"].key)
    deletion = erasure.delete_site(
        db, sam, site="sam", confirm="sam", files_dir=settings.files_path()
    )
    for who in (sam, plan["mum"], bob):
        with pytest.raises(NotFound):
            store.site_for(db, who, "sam")
        assert store.list_sites(db, who) == []
        assert search.search_all(db, who, query=WORD, history=True).total == 0
    for table in ("sections", "pages", "grants", "members", "audit", "guest_links", "attachments"):
        assert _count(db, f"SELECT COUNT(*) FROM {table} WHERE site_id = ?", site_id) == 0, table
    assert _count(db, "SELECT COUNT(*) FROM revisions") == 0
    assert _count(db, "SELECT COUNT(*) FROM search_index") == 0
    assert not (settings.files_path() / str(site_id)).exists()
    assert [d.title for d in erasure.deleted_sites(db, sam)] == ["Sam's plan"]
    assert erasure.deleted_sites(db, plan["mum"]) == []  # only the owner brings it back
    with pytest.raises(NotFound):
        erasure.restore_site(
            db, plan["mum"], deletion_id=deletion.id, files_dir=settings.files_path()
        )
    assert deletion.purge_after[:10] == (clock.now() + timedelta(days=30)).date().isoformat()

    result = erasure.restore_site(db, sam, deletion_id=deletion.id, files_dir=settings.files_path())
    assert result.slug == "sam" and result.left_out == [] and result.skipped_files == []
    _, page = store.get_page(
        db, sam, site="sam", section="about-me", page="profile", record_view=False
    )
    assert page.revision == 3
    _, _, revisions = store.history(db, sam, site="sam", section="about-me", page="profile")
    assert len(revisions) == 3
    assert [s.key for s in store.site_for(db, bob, "sam").sections] == ["about-me"]
    assert store.site_for(db, plan["mum"], "sam").allows("see-sharing")
    _, found = search.search_site(db, bob, site="sam", query=WORD)
    assert sorted(h.kind for h in found.hits) == ["attachment", "page"]
    assert {h.url for h in found.hits} == {"/s/sam/about-me/profile"}
    [picture] = files.list_for_page(db, sam, site="sam", section="about-me", page="profile")
    assert picture.key == plan["picture"].key  # links to it in the page keep working
    home = store.site_for(db, sam, "sam").site
    assert (home.intro, home.photo_id) == ("I'm Sam.", picture.id), "his own line and photo"
    _, path = files.open_file(db, sam, site="sam", key=picture.key, files_dir=settings.files_path())
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(not link.live for link in links.list_guest_links(db, sam, site="sam"))
    actions = [e.action for e in store.list_audit(db, sam, site="sam", limit=500)]
    assert actions[:2] == ["restore-site", "delete-site"]
    assert erasure.deleted_sites(db, sam) == []
    assert not erasure.holding(settings.files_path(), deletion.id).exists()


def test_bringing_back_under_a_new_address_when_the_old_one_is_taken(db, plan, people) -> None:
    sam = plan["sam"]
    deletion = erasure.delete_site(db, sam, site="sam", confirm="sam")
    store.create_site(db, people.add("Other"), slug="sam", title="Someone else")
    with pytest.raises(Conflict):
        erasure.restore_site(db, sam, deletion_id=deletion.id)
    assert (
        erasure.restore_site(db, sam, deletion_id=deletion.id, slug="sam-again").slug == "sam-again"
    )


def test_after_thirty_days_the_words_are_gone_from_the_database_file(db, plan, settings) -> None:
    sam = plan["sam"]
    site_id = store.site_for(db, sam, "sam").site.id
    deletion = erasure.delete_site(
        db, sam, site="sam", confirm="sam", files_dir=settings.files_path()
    )
    erasure.finish_erasure(db)
    assert WORD.encode() in raw_bytes(db.path), "kept (sealed) during the grace period"
    assert erasure.purge_due(db, files_dir=settings.files_path()) == 0  # not yet
    clock.freeze(clock.now() + timedelta(days=30, minutes=1))
    assert erasure.purge_due(db, files_dir=settings.files_path()) == 1
    assert WORD.encode() not in raw_bytes(db.path)
    assert b"Sam's plan" not in raw_bytes(db.path)
    assert not erasure.holding(settings.files_path(), deletion.id).exists()
    assert not (settings.files_path() / str(site_id)).exists()
    with pytest.raises(NotFound):
        erasure.restore_site(db, sam, deletion_id=deletion.id)
    row = db.one("SELECT * FROM deletions WHERE id = ?", (deletion.id,))
    assert (
        row["purged_at"] and row["archive"] is None and row["site_slug"] is None
    )  # recorded, nothing kept
    assert _count(db, "SELECT COUNT(*) FROM search_index") == 0
    conn_check = db.one("PRAGMA integrity_check")
    assert conn_check[0] == "ok"


def test_plans_past_their_grace_period_go_at_start_and_with_planwiki_purge(
    db, plan, settings
) -> None:
    erasure.delete_site(db, plan["sam"], site="sam", confirm="sam", files_dir=settings.files_path())
    store.create_site(db, plan["mum"], slug="mum", title="Mum's plan")
    second = erasure.delete_site(db, plan["mum"], site="mum", confirm="mum")
    clock.freeze(clock.now() + timedelta(days=31))
    create_app(settings)  # a start
    assert _count(db, "SELECT COUNT(*) FROM deletions WHERE purged_at IS NULL") == 0
    assert WORD.encode() not in raw_bytes(db.path)
    result = CliRunner().invoke(cli, ["purge", "--db", str(settings.db)])
    assert result.exit_code == 0 and "0 deleted plans destroyed" in result.output
    assert db.one("SELECT purged_at FROM deletions WHERE id = ?", (second.id,))[0]


def test_deleting_through_the_web_with_confirmation_then_bringing_back(db, plan, people) -> None:
    mum = people.client(plan["mum"])
    assert mum.get("/s/sam/-/delete").status_code == 403
    owner = people.client(plan["sam"])
    form = owner.get("/s/sam/-/delete")
    assert form.status_code == 200 and "30 days" in form.text
    wrong = owner.post("/s/sam/-/delete", data={"csrftoken": csrf_of(form.text), "confirm": "nope"})
    assert wrong.status_code == 422 and "type its address" in wrong.text
    no_token = owner.post("/s/sam/-/delete", data={"confirm": "sam"})
    assert no_token.status_code == 403 and store.site_for(db, plan["sam"], "sam")
    done = owner.post("/s/sam/-/delete", data={"csrftoken": csrf_of(form.text), "confirm": "sam"})
    assert done.status_code == 303 and done.headers["location"] == "/deleted?done=deleted"
    assert owner.get("/s/sam").status_code == 404 and mum.get("/s/sam").status_code == 404
    listing = owner.get("/deleted?done=deleted")
    assert "Sam&#39;s plan" in listing.text and "Bring back" in listing.text
    assert "Sam&#39;s plan" not in mum.get("/deleted").text
    deletion = erasure.deleted_sites(db, plan["sam"])[0]
    back = post_form(owner, f"/deleted/{deletion.id}/restore", {}, page="/deleted")
    assert back.status_code == 303 and back.headers["location"] == "/s/sam"
    assert owner.get("/s/sam").status_code == 200


def test_a_person_deletes_their_account_and_their_edits_stay_by_a_former_member(
    db, plan, people, settings
) -> None:
    sam, bob = plan["sam"], plan["bob"]
    with pytest.raises(Conflict):  # Sam still owns a plan
        account_erasure.delete_account(db, sam, confirm_email=sam.email)
    client = people.client(bob)
    token = accounts.create_token(db, accounts.find_user(db, bob.email))  # type: ignore[arg-type]
    form = client.get("/account/delete")
    assert form.status_code == 200
    wrong = client.post(
        "/account/delete", data={"csrftoken": csrf_of(form.text), "confirm": "someone@else.org"}
    )
    assert wrong.status_code == 422
    assert EMAIL_WORD.encode() in raw_bytes(db.path)
    gone = client.post(
        "/account/delete", data={"csrftoken": csrf_of(form.text), "confirm": bob.email}
    )
    assert gone.status_code == 200 and "Your account is deleted" in gone.text
    assert client.get("/account").status_code == 303  # signed out
    assert (
        people.client().get("/api/v1/me", headers={"authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert accounts.find_user(db, bob.email) is None
    _, page = store.get_page(
        db, sam, site="sam", section="about-me", page="from-bob", record_view=False
    )
    assert (
        page.body == "Bob wrote this." and page.updated_by is None and page.updated_by_name is None
    )
    _, _, revisions = store.history(db, sam, site="sam", section="about-me", page="from-bob")
    assert revisions[0].author_name is None  # shown as "a former member"
    history_page = people.client(sam).get("/s/sam/about-me/from-bob/history")
    assert "a former member" in history_page.text
    entries = store.list_audit(db, sam, site="sam", limit=500)
    assert entries[0].action == "account-deleted" and entries[0].who == "a former member"
    assert not any(EMAIL_WORD in (e.detail + (e.email or "")).lower() for e in entries)
    assert [m.email for m in circle.list_members(db, sam, site="sam")] == [plan["mum"].email]
    assert _count(db, "SELECT COUNT(*) FROM deletions WHERE kind = 'account'") == 1
    assert EMAIL_WORD.encode() not in raw_bytes(db.path).lower()


def test_an_owner_whose_plans_are_deleted_can_delete_their_account(db, plan, settings) -> None:
    sam = plan["sam"]
    deletion = erasure.delete_site(
        db, sam, site="sam", confirm="sam", files_dir=settings.files_path()
    )
    account_erasure.delete_account(
        db, sam, confirm_email=sam.email, files_dir=settings.files_path()
    )
    row = db.one("SELECT * FROM deletions WHERE id = ?", (deletion.id,))
    assert row["archive"] is None and row["purged_at"]  # no 30 days: the owner is gone
    assert WORD.encode() not in raw_bytes(db.path)
    assert not erasure.holding(settings.files_path(), deletion.id).exists()
