"""Export, import and print (issue #7): the owner and stewards take everything, anyone
else only what they may view; a plan moves to another planwiki and back unchanged
(export → import → export); bad files change nothing; sections and whole plans print
cleanly, and as PDF when WeasyPrint is installed."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import csrf_of, png

from wiki import accounts, store
from wiki.cli import cli
from wiki.db import Database, migrate
from wiki.errors import Conflict, Invalid, NotFound
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import circle, files, introduction, links, search, transfer

SECRET = "zanzibarquokka"  # only in health
BUDGET_WORD = "pomegranate"  # only in budget
SHARED = "trampoline"  # about-me: shared with Bob


@pytest.fixture(autouse=True)
def exports_in_tmp_path(monkeypatch, tmp_path):
    """Exports are temporary files; the ones these tests keep go with the test's folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def plan(db, people, settings):
    """Sam owns it; Mum is a steward; Bob (a friend) may view about-me; Ann edits budget."""
    sam, mum, bob, ann = (people.add(n) for n in ("Sam", "Mum", "Bob", "Ann"))
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    save = store.save_page
    save(db, sam, site="sam", section="about-me", page="profile", title="My profile",
         body=f"I love the {SHARED}.\n\n---\n\nA rule above, and *more*.", base_revision=None)  # fmt: skip
    save(db, sam, site="sam", section="about-me", page="profile", title="My profile",
         body=f"I love the {SHARED} and music.\n\n---\n\nA rule above.", base_revision=1, summary="music")  # fmt: skip
    save(db, sam, site="sam", section="health", page="medicines", title="Medicines",
         body=f"The {SECRET} tablets.", base_revision=None)  # fmt: skip
    circle.add_member(db, sam, site="sam", email=mum.email, relationship="mum", groups=["family"])
    circle.add_member(
        db, sam, site="sam", email=bob.email, relationship="friend", groups=["friends"]
    )
    circle.add_member(
        db, sam, site="sam", email=ann.email, relationship="PA", groups=["paid-support"]
    )
    circle.add_grant(db, sam, site="sam", section="*", capability="manage", person=mum.email)
    circle.add_grant(db, sam, site="sam", section="about-me", capability="view", group="friends")
    circle.add_grant(db, sam, site="sam", section="budget", capability="edit", person=ann.email)
    save(db, ann, site="sam", section="budget", page="spending", title="Spending",
         body=f"Bought a {BUDGET_WORD} for the class.", base_revision=None)  # fmt: skip
    store.rename_page(db, sam, site="sam", section="health", page="medicines", new_slug="tablets")
    links.create_guest_link(db, sam, site="sam", section="about-me", label="Leisure centre")
    files.attach(db, sam, site="sam", section="about-me", page="profile", upload=io.BytesIO(png()),
                 filename="me.png", caption="Me at the pool", transcript="", files_dir=settings.files_path())  # fmt: skip
    files.attach(db, sam, site="sam", section="health", page="tablets", upload=io.BytesIO(b"Take two a day.\n"),
                 filename="dose.txt", caption=f"{SECRET} dose", files_dir=settings.files_path())  # fmt: skip
    return {"sam": sam, "mum": mum, "bob": bob, "ann": ann}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _text(contents: dict[str, bytes]) -> str:
    return "\n".join(
        name + "\n" + body.decode("utf-8", "replace") for name, body in contents.items()
    ).lower()


def test_the_owner_and_a_steward_take_everything(db, plan, settings) -> None:
    for who in ("sam", "mum"):
        made = transfer.export_site(db, plan[who], site="sam", files_dir=settings.files_path())
        contents = unzip(made.data)
        made.discard()
        assert made.full
        for name in ("planwiki.json", "README.txt", "site.json", "structure.json", "circle.json",
                     "grants.json", "links.json", "audit.json", "attachments.json",
                     "pages/about-me/profile.md", "pages/health/tablets.md", "pages/budget/spending.md",
                     "history/about-me/profile/0001.md", "history/about-me/profile/0002.md"):  # fmt: skip
            assert name in contents, (who, name)
        text = _text(contents)
        assert SECRET in text and BUDGET_WORD in text
        members = {m["email"] for m in json.loads(contents["circle.json"])["members"]}
        assert members == {"mum@example.org", "bob@example.org", "ann@example.org"}
        structure = json.loads(contents["structure.json"])
        health = next(s for s in structure["sections"] if s["key"] == "health")
        assert health["pages"][0]["old_addresses"] == ["medicines"]
        listed = json.loads(contents["attachments.json"])
        assert {a["name"] for a in listed} == {"me.png", "dose.txt"}
        assert all(a["file"] in contents for a in listed)
        profile = contents["pages/about-me/profile.md"].decode()
        assert profile.startswith('---\ntitle: "My profile"\n') and profile.endswith(
            f"I love the {SHARED} and music.\n\n---\n\nA rule above."
        )


def test_a_circle_member_takes_only_what_they_may_view(db, plan, settings) -> None:
    made = transfer.export_site(db, plan["bob"], site="sam", files_dir=settings.files_path())
    contents = unzip(made.data)
    assert not made.full
    assert sorted(n for n in contents if n.startswith(("pages/", "history/"))) == [
        "history/about-me/profile/0001.md", "history/about-me/profile/0002.md", "pages/about-me/profile.md",
    ]  # fmt: skip
    for private in ("circle.json", "grants.json", "links.json", "audit.json"):
        assert private not in contents
    text = _text(contents)
    for word in (SECRET, BUDGET_WORD, "medicines", "tablets", "spending", "dose.txt", "ann@example.org",
                 "leisure centre", "personal budget", "health"):  # fmt: skip
        assert word not in text, word
    assert [a["name"] for a in json.loads(contents["attachments.json"])] == ["me.png"]
    assert json.loads(contents["planwiki.json"])["scope"] == "shared"
    ann = unzip(
        transfer.export_site(db, plan["ann"], site="sam", files_dir=settings.files_path()).data
    )
    assert (
        "pages/budget/spending.md" in ann and SHARED not in _text(ann) and SECRET not in _text(ann)
    )


def test_guests_and_strangers_cannot_export(db, plan, people) -> None:
    link = links.create_guest_link(db, plan["sam"], site="sam", section="about-me")
    with pytest.raises(NotFound):
        transfer.export_site(
            db, Actor(guest_link_id=link.id, guest_site_id=1, guest_section="about-me"), site="sam"
        )
    with pytest.raises(NotFound):
        transfer.export_site(db, people.add("Stranger"), site="sam")
    assert people.client().get(f"/g/{link.token}/export.zip").status_code == 404


def test_without_history_only_the_current_pages_travel(db, plan) -> None:
    contents = unzip(transfer.export_site(db, plan["sam"], site="sam", history=False).data)
    assert not [n for n in contents if n.startswith("history/")]
    assert json.loads(contents["planwiki.json"])["history"] is False


def _comparable(contents: dict[str, bytes]) -> dict[str, object]:
    """What must come back unchanged: everything but when and by whom it was exported,
    the log (which gains the import) and guest links (which come back switched off)."""
    out: dict[str, object] = {}
    for name, body in contents.items():
        if name == "planwiki.json":
            manifest = json.loads(body)
            out[name] = {
                k: v for k, v in manifest.items() if k not in ("exported_at", "exported_by")
            }
        elif name == "links.json":
            out[name] = [
                {k: v for k, v in link.items() if k != "revoked_at"} for link in json.loads(body)
            ]
        elif name != "audit.json":
            out[name] = body
    return out


def test_export_import_export_gives_the_same_plan(db, plan, settings, tmp_path) -> None:
    first = transfer.export_site_as_operator(db, site="sam", files_dir=settings.files_path())
    other = Database(tmp_path / "elsewhere.db")
    migrate(other.db)
    elsewhere_files = tmp_path / "elsewhere-files"
    result = transfer.import_site_as_operator(other, first.path, files_dir=elsewhere_files)
    assert (result.slug, result.pages, result.revisions, result.skipped_files) == ("sam", 3, 4, [])
    second = transfer.export_site_as_operator(other, site="sam", files_dir=elsewhere_files)
    a, b = unzip(first.data), unzip(second.data)
    assert sorted(a) == sorted(b)
    assert _comparable(a) == _comparable(b)
    audit_a, audit_b = json.loads(a["audit.json"]), json.loads(b["audit.json"])
    assert audit_b[: len(audit_a)] == audit_a and [
        e["action"] for e in audit_b[len(audit_a) :]
    ] == ["import-site"]
    # ... and it works there: pages, history, search, sharing, the files.
    sam = Actor(
        user_id=accounts.find_user(other, "sam@example.org").id,  # type: ignore[union-attr]
        email="sam@example.org",
        name="Sam",
    )
    bob = Actor(
        user_id=accounts.find_user(other, "bob@example.org").id,  # type: ignore[union-attr]
        email="bob@example.org",
        name="Bob",
    )
    _, page = store.get_page(
        other, sam, site="sam", section="about-me", page="profile", record_view=False
    )
    assert page.revision == 2 and "<hr" in page.html
    _, _, revisions = store.history(other, sam, site="sam", section="about-me", page="profile")
    assert [r.summary for r in revisions] == ["music", ""]
    assert (
        store.redirect_for(other, sam, site="sam", section="health", page="medicines") == "tablets"
    )
    _, found = search.search_site(other, sam, site="sam", query=SECRET)
    assert sorted((h.kind, h.url) for h in found.hits) == [
        ("attachment", "/s/sam/health/tablets"),
        ("page", "/s/sam/health/tablets"),
    ]  # the page, and the file on it whose caption has the word
    assert search.search_all(other, bob, query=SECRET).total == 0
    assert [s.key for s in store.site_for(other, bob, "sam").sections] == ["about-me"]
    [picture] = files.list_for_page(other, sam, site="sam", section="about-me", page="profile")
    _, path = files.open_file(other, sam, site="sam", key=picture.key, files_dir=elsewhere_files)
    assert path.read_bytes() == a[f"attachments/{picture.key}/me.png"]
    first.discard()
    second.discard()


def test_a_person_brings_a_plan_and_becomes_its_owner(db, plan, people, settings, tmp_path) -> None:
    made = transfer.export_site(db, plan["mum"], site="sam", files_dir=settings.files_path())
    other = Database(tmp_path / "new-area.db")
    migrate(other.db)
    newcomer = accounts.create_user(other, email="sam@new.example.org", name="Sam")
    accounts.create_user(other, email="bob@example.org", name="Bob")
    me = Actor(user_id=newcomer.id, email=newcomer.email, name="Sam")
    result = transfer.import_site(other, me, made.path, slug="sam-plan", files_dir=tmp_path / "f")
    assert result.slug == "sam-plan" and sorted(result.left_out) == [
        "ann@example.org",
        "mum@example.org",
    ]
    ctx = store.site_for(other, me, "sam-plan")
    assert ctx.role == "owner"
    bob = Actor(user_id=accounts.find_user(other, "bob@example.org").id, email="bob@example.org")  # type: ignore[union-attr]
    assert [s.key for s in store.site_for(other, bob, "sam-plan").sections] == ["about-me"]
    _, spending = store.get_page(
        other, me, site="sam-plan", section="budget", page="spending", record_view=False
    )
    assert spending.updated_by is None  # Ann has no account here: "a former member"
    with pytest.raises(Conflict):
        transfer.import_site(other, me, made.path, slug="sam-plan")


def _snapshot(db: Database) -> dict[str, int]:
    tables = (
        "users",
        "sites",
        "sections",
        "pages",
        "revisions",
        "attachments",
        "grants",
        "members",
        "audit",
    )
    return {t: db.one(f"SELECT COUNT(*) AS n FROM {t}")["n"] for t in tables}  # type: ignore[index]


def _rezip(contents: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in contents.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_bad_files_are_refused_plainly_and_change_nothing(db, plan, settings) -> None:
    good = unzip(
        transfer.export_site(db, plan["sam"], site="sam", files_dir=settings.files_path()).data
    )
    before = _snapshot(db)
    page_md = good["pages/about-me/profile.md"]
    bad = {
        "not a zip": b"hello",
        "no manifest": _rezip({k: v for k, v in good.items() if k != "planwiki.json"}),
        "newer": _rezip(
            {
                **good,
                "planwiki.json": json.dumps({"format": "planwiki-export", "version": 99}).encode(),
            }
        ),
        "bad json": _rezip({**good, "structure.json": b"{nope"}),
        "reserved key": _rezip(
            {
                **good,
                "structure.json": good["structure.json"].replace(
                    b'"key": "budget"', b'"key": "search"'
                ),
            }
        ),
        "bad slug": _rezip(
            {
                **good,
                "site.json": good["site.json"].replace(b'"slug": "sam"', b'"slug": "../../etc"'),
            }
        ),
        "edited page": _rezip(
            {**good, "pages/about-me/profile.md": page_md.replace(b"music", b"jazz")}
        ),
        "no front matter": _rezip({**good, "pages/about-me/profile.md": b"just text"}),
        "wrong shapes": _rezip({**good, "circle.json": b'{"groups": 5, "members": "x"}'}),
        "bad capability": _rezip(
            {**good, "grants.json": good["grants.json"].replace(b'"edit"', b'"own"')}
        ),
        "bad email": _rezip(
            {**good, "site.json": good["site.json"].replace(b"sam@example.org", b"not-an-email")}
        ),
        "missing file": _rezip({k: v for k, v in good.items() if not k.startswith("attachments/")}),
    }
    for case, data in bad.items():
        with pytest.raises((Invalid, Conflict)) as refused:
            transfer.import_site(
                db, plan["bob"], data, slug="copy", files_dir=settings.files_path()
            )
        assert refused.value.message and "Traceback" not in refused.value.message, case
        assert _snapshot(db) == before, case


def test_a_file_that_is_not_what_it_says_is_left_out(db, plan, settings, tmp_path) -> None:
    good = unzip(
        transfer.export_site(db, plan["sam"], site="sam", files_dir=settings.files_path()).data
    )
    listed = json.loads(good["attachments.json"])
    picture = next(a for a in listed if a["name"] == "me.png")
    sneaky = {**good, picture["file"]: b"<html><script>alert(1)</script></html>"}
    other = Database(tmp_path / "o.db")
    migrate(other.db)
    result = transfer.import_site_as_operator(other, _rezip(sneaky), files_dir=tmp_path / "f")
    assert len(result.skipped_files) == 1 and result.skipped_files[0].startswith("me.png")
    assert other.one("SELECT COUNT(*) AS n FROM attachments")["n"] == 1  # type: ignore[index]


def test_the_web_download_and_upload(db, plan, people, app) -> None:
    bob = people.client(plan["bob"])
    page = bob.get("/s/sam/export")
    assert (
        page.status_code == 200
        and "shared with you" in page.text
        and "Delete this plan" not in page.text
    )
    download = bob.get("/s/sam/export.zip?history=0")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert "attachment" in download.headers["content-disposition"]
    assert SECRET not in _text(unzip(download.content))
    owner = people.client(plan["sam"])
    assert "Delete this plan" in owner.get("/s/sam/export").text
    full = owner.get("/s/sam/export.zip")
    assert "circle.json" in unzip(full.content)
    token = accounts.create_token(db, accounts.find_user(db, plan["bob"].email))  # type: ignore[arg-type]
    api = people.client().get(
        "/api/v1/sites/sam/export", headers={"authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200 and SECRET not in _text(unzip(api.content))
    # Bob brings what he was given as a plan of his own (he becomes its owner).
    form = bob.get("/import")
    uploaded = bob.post("/import", data={"csrftoken": csrf_of(form.text), "slug": "bobs-copy"},
                        files={"file": ("sam.zip", download.content, "application/zip")})  # fmt: skip
    assert uploaded.status_code == 200, uploaded.text
    assert "/s/bobs-copy" in uploaded.text
    assert store.site_for(db, plan["bob"], "bobs-copy").role == "owner"
    again = bob.post("/import", data={"csrftoken": csrf_of(form.text), "slug": "bobs-copy"},
                     files={"file": ("sam.zip", download.content, "application/zip")})  # fmt: skip
    assert again.status_code == 422 and "already a plan" in again.text
    junk = bob.post(
        "/import",
        data={"csrftoken": csrf_of(form.text)},
        files={"file": ("x.zip", b"junk", "application/zip")},
    )
    assert junk.status_code == 422 and "not a planwiki export" in junk.text
    via_api = people.client().post("/api/v1/import?slug=bob-api", content=download.content,
                                   headers={"authorization": f"Bearer {token}", "content-type": "application/zip"})  # fmt: skip
    assert via_api.status_code == 201 and via_api.json()["slug"] == "bob-api"
    assert (
        "/api/v1/sites/{site}/search" in people.client().get("/api/v1/openapi.json").json()["paths"]
    )


def test_the_operator_exports_and_imports_from_the_command_line(
    db, plan, settings, tmp_path
) -> None:
    runner = CliRunner()
    target = tmp_path / "sam.zip"
    done = runner.invoke(cli, ["export", "sam", str(target), "--db", str(settings.db)])
    assert done.exit_code == 0, done.output
    assert "circle.json" in unzip(target.read_bytes())
    refused = runner.invoke(cli, ["export", "sam", str(target), "--db", str(settings.db)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    missing = runner.invoke(
        cli, ["export", "nobody", str(tmp_path / "x.zip"), "--db", str(settings.db)]
    )
    assert missing.exit_code != 0 and "no site" in missing.output
    fresh = tmp_path / "fresh.db"
    nowhere = runner.invoke(cli, ["import", str(target), "--db", str(fresh)])
    assert nowhere.exit_code == 1 and "There is no database at" in nowhere.output  # issue #15
    assert not fresh.exists()
    assert runner.invoke(cli, ["migrate", "--db", str(fresh)]).exit_code == 0
    brought = runner.invoke(cli, ["import", str(target), "--db", str(fresh)])
    assert brought.exit_code == 0, brought.output
    assert "3 pages, 4 revisions" in brought.output
    twice = runner.invoke(cli, ["import", str(target), "--db", str(fresh)])
    assert twice.exit_code != 0 and "already a plan" in twice.output
    other = Database(fresh)
    assert (
        accounts.find_user(other, "mum@example.org") is not None
    )  # the operator's import makes accounts


# ---- print ---------------------------------------------------------------------------------


def test_sections_and_whole_plans_print_for_what_each_person_may_view(db, plan, people) -> None:
    bob = people.client(plan["bob"])
    whole = bob.get("/s/sam/-/print")
    assert whole.status_code == 200 and SHARED in whole.text and SECRET not in whole.text
    assert 'href="/static/default/print.css" media="print"' in whole.text
    assert bob.get("/s/sam/-/print/about-me").status_code == 200
    assert bob.get("/s/sam/-/print/health").status_code == 404
    owner = people.client(plan["sam"])
    section = owner.get("/s/sam/-/print/health")
    assert SECRET in section.text and SHARED not in section.text
    assert owner.get("/static/default/print.css").status_code == 200
    assert owner.get("/static/default/print.js").status_code == 200


def test_a_pdf_when_weasyprint_is_installed(db, plan, people) -> None:
    pytest.importorskip("weasyprint")
    bob = people.client(plan["bob"])
    pdf = bob.get("/s/sam/-/print.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert bob.get("/s/sam/-/print.pdf?section=health").status_code == 404
    owner = people.client(plan["sam"]).get("/s/sam/-/print.pdf?section=health")
    assert owner.status_code == 200 and owner.content.startswith(b"%PDF-")


def test_settings_fixture_keeps_files_beside_the_database(settings: Settings) -> None:
    assert isinstance(settings.files_path(), Path)


def test_sams_own_line_and_photo_move_with_his_plan_to_another_planwiki(
    db, plan, settings, tmp_path
) -> None:
    """Issue #16: the plan home's introduction and photo were lost on a move."""
    sam = plan["sam"]
    [photo] = files.list_for_page(db, sam, site="sam", section="about-me", page="profile")
    introduction.set_introduction(db, sam, site="sam", intro="I'm Sam. I love the pool.",
                                  photo=photo.key)  # fmt: skip
    made = transfer.export_site_as_operator(db, site="sam", files_dir=settings.files_path())
    site_json = json.loads(unzip(made.data)["site.json"])
    assert (site_json["intro"], site_json["photo"]) == ("I'm Sam. I love the pool.", photo.key)
    other = Database(tmp_path / "elsewhere.db")
    migrate(other.db)
    transfer.import_site_as_operator(other, made.path, files_dir=tmp_path / "elsewhere-files")
    made.discard()
    moved = other.one(
        "SELECT s.intro, a.name FROM sites s JOIN attachments a ON a.id = s.photo_id"
        " WHERE s.slug = 'sam'"
    )
    assert moved is not None
    assert (moved["intro"], moved["name"]) == ("I'm Sam. I love the pool.", "me.png")


def test_a_photo_on_a_page_bob_may_not_read_is_not_named_in_his_export(db, plan, settings) -> None:
    sam = plan["sam"]
    clinic = files.attach(db, sam, site="sam", section="health", page="tablets",
                          upload=io.BytesIO(png()), filename="clinic.png", caption="",
                          files_dir=settings.files_path())  # fmt: skip
    introduction.set_introduction(db, sam, site="sam", intro="I'm Sam.", photo=clinic.key)
    for who, named in (("mum", True), ("bob", False), ("ann", False)):
        made = transfer.export_site(db, plan[who], site="sam", files_dir=settings.files_path())
        site_json = json.loads(unzip(made.data)["site.json"])
        made.discard()
        assert site_json["intro"] == "I'm Sam.", who
        assert site_json["photo"] == (clinic.key if named else None), who
