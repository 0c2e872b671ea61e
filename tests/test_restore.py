"""Backups and restores that cannot hurt (issue #24), with the real ``planwiki`` command on
real files: one backup holds the database and the photos; a restore puts both back, refuses
the database itself, works beside the target (not in $TMPDIR), and on a full disk leaves the
target as it was with nothing half-written; ``check`` and ``/healthz`` notice a missing
photo; ``purge`` removes the copies planwiki kept."""

from __future__ import annotations

import contextlib
import io
import os
import resource
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import png
from starlette.testclient import TestClient

from wiki import accounts, store
from wiki.app import create_app
from wiki.models import Actor
from wiki.settings import Settings
from wiki.store import files

ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    monkeypatch.setattr(
        accounts.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def planwiki(*args: str, env: dict[str, str] | None = None,
             limit: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
        preexec_fn=limit,
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def make_plan(folder: Path, *, big: int = 0) -> Path:
    """Sam's plan with two photos on a page (and their thumbnails), and ``big`` pages of
    150,000 characters each; closed."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(db=folder / "planwiki.db", synchronous="NORMAL")
    app = create_app(settings)
    db = app.state.db
    user = accounts.create_user(db, email="sam@example.org", name="Sam")
    sam = Actor(user_id=user.id, email=user.email, name="Sam")
    store.create_site(db, sam, slug="sam", title="Sam's plan")
    store.save_page(db, sam, site="sam", section="about-me", page="me", base_revision=None,
                    body="I like buses.")  # fmt: skip
    for n in range(big):
        store.save_page(db, sam, site="sam", section="about-me", page=f"long-{n}", base_revision=None,
                        body=" ".join(f"word{n}x{i}" for i in range(15_000)))  # fmt: skip
    for n in (1, 2):
        files.attach(db, sam, site="sam", section="about-me", page="me", filename=f"bus{n}.png",
                     upload=io.BytesIO(png(40 + n, 30)), files_dir=settings.files_path())  # fmt: skip
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return settings.db


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name or ".restore-" in p.name
                  or p.name.endswith("-journal"))  # fmt: skip


@contextlib.contextmanager
def small_disk(
    tmp_path: Path, kb: int, *, fallback_kb: int | None = None
) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    """A folder on a small disk: a tmpfs of ``kb`` KB (as root), else the same limit as the
    largest file a command may write (``ulimit -f``) in the subprocess."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(folder)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode == 0:
        try:
            yield folder, None
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return

    largest = (fallback_kb or kb) * 1024

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest, largest))

    yield folder, limit


def test_a_backup_holds_the_database_and_the_photos_and_a_restore_puts_both_back(
    tmp_path: Path,
) -> None:
    live = make_plan(tmp_path / "live")
    photos = tree(live.with_name("planwiki.db.files"))
    assert len(photos) == 4, "two photos and their thumbnails"
    copy = tmp_path / "backups" / "nightly.tar"
    copy.parent.mkdir()

    made = planwiki("backup", str(copy), "--db", str(live))

    assert made.returncode == 0, made.stderr
    assert "OK" in made.stdout and "4 files" in made.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600, "a backup is for the operator alone"
    with tarfile.open(copy) as tar:
        names = tar.getnames()
    assert "planwiki.db" in names and "manifest.json" in names
    assert {n.removeprefix("files/") for n in names if n.startswith("files/")} == set(photos)
    # On a new machine, with $TMPDIR somewhere that does not exist: it is not used.
    target = tmp_path / "new" / "planwiki.db"
    target.parent.mkdir()
    back = planwiki("restore", str(copy), "--db", str(target),
                    env={"TMPDIR": str(tmp_path / "no-such-tmp")})  # fmt: skip
    assert back.returncode == 0, back.stderr
    assert "Restored 4 files into" in back.stdout
    assert tree(target.with_name("planwiki.db.files")) == photos
    checked = planwiki("check", "--db", str(target))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Files: 4 checked" in checked.stdout and "all there" in checked.stdout
    # Over an existing database and files: both are kept as they were, beside them.
    (target.with_name("planwiki.db.files") / "stray.png").write_bytes(b"x")
    again = planwiki("restore", str(copy), "--db", str(target))
    assert again.returncode == 0, again.stderr
    assert "The files as they were are kept at" in again.stdout
    assert tree(target.with_name("planwiki.db.files")) == photos
    kept = list(target.parent.glob("planwiki.db.files.before-restore-*"))
    assert len(kept) == 1 and "stray.png" in tree(kept[0])
    assert leftovers(target.parent) == []


def test_restore_refuses_the_database_itself_and_changes_nothing(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live")
    before = live.read_bytes()
    done = planwiki("restore", str(live), "--db", str(live))
    one_line(done, 1, f"{live} is the database itself", "name a backup")
    assert live.read_bytes() == before
    assert not list(live.parent.glob("*.before-restore-*"))


def test_restore_refuses_a_database_a_server_is_using_unless_forced(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live")
    copy = tmp_path / "copy.tar"
    assert planwiki("backup", str(copy), "--db", str(live)).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from wiki.db import hold_serving_lock;"
         f" hold_serving_lock({str(live)!r}); print('held', flush=True); time.sleep(60)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "held"
        refused = planwiki("restore", str(copy), "--db", str(live))
        one_line(refused, 1, f"A planwiki server is using {live}", "--force")
        assert not list(live.parent.glob("*.before-restore-*"))
        forced = planwiki("restore", str(copy), "--force", "--db", str(live))
        assert forced.returncode == 0, forced.stderr
    finally:
        holder.kill()
        holder.wait(10)
        if holder.stdout:
            holder.stdout.close()
    # Once the server is gone (even killed), nothing is held.
    assert planwiki("restore", str(copy), "--db", str(live)).returncode == 0


def test_backup_to_a_full_disk_names_the_backup_and_leaves_nothing_behind(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live", big=3)
    assert live.stat().st_size > 300_000
    with small_disk(tmp_path, 256) as (disk, limit):
        before = sorted(p.name for p in disk.iterdir())
        done = planwiki("backup", str(disk / "nightly.tar"), "--db", str(live), limit=limit)
        line = one_line(
            done, 1, f"Could not write {disk / 'nightly.tar'}", "Nothing was left behind"
        )
        assert str(live) not in line and "not a usable" not in line
        assert sorted(p.name for p in disk.iterdir()) == before, "no partial or journal file"
    assert planwiki("check", "--db", str(live)).returncode == 0


@pytest.mark.parametrize("onto", ["an existing database", "a new machine"])
def test_restore_to_a_full_disk_leaves_the_target_as_it_was(tmp_path: Path, onto: str) -> None:
    big = make_plan(tmp_path / "big", big=3)
    copy = tmp_path / "big.tar"
    assert planwiki("backup", str(copy), "--db", str(big)).returncode == 0
    with small_disk(tmp_path, 4096, fallback_kb=800) as (disk, limit):
        target = disk / "planwiki.db"
        if onto == "an existing database":
            assert planwiki("migrate", "--db", str(target)).returncode == 0
            assert (
                planwiki(
                    "user", "add", "kim@example.org", "--name", "Kim", "--db", str(target)
                ).returncode
                == 0
            )
        (disk / "filler").write_bytes(b"\0" * (disk_free(disk) - 200_000) if limit is None else b"")
        before = {p.name: p.read_bytes() for p in disk.iterdir() if p.name != "filler"}
        done = planwiki("restore", str(copy), "--db", str(target), limit=limit)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Nothing was changed" in done.stderr and "Traceback" not in done.stderr
        assert {p.name: p.read_bytes() for p in disk.iterdir() if p.name != "filler"} == before
        assert leftovers(disk) == []
        if onto == "an existing database":
            listed = planwiki("user", "list", "--db", str(target))
            assert listed.returncode == 0 and "kim@example.org" in listed.stdout
        else:
            assert not target.exists(), "no stub a later command would take for a database"


def disk_free(folder: Path) -> int:
    return os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live")
    copy = tmp_path / "copy.tar"
    assert planwiki("backup", str(copy), "--db", str(live)).returncode == 0
    with tarfile.open(copy) as tar:
        photo = next(m for m in tar.getmembers() if m.name.startswith("files/"))
    data = bytearray(copy.read_bytes())
    data[photo.offset_data + 10] ^= 0xFF  # one byte of a photo, flipped
    copy.write_bytes(bytes(data))
    before = tree(live.parent)
    done = planwiki("restore", str(copy), "--db", str(live))
    one_line(done, 1, f"{copy} is damaged", photo.name, "Nothing was changed")
    assert tree(live.parent) == before


def test_check_and_healthz_find_a_missing_photo(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live")
    folder = live.with_name("planwiki.db.files")
    assert planwiki("check", "--db", str(live)).returncode == 0
    conn = sqlite3.connect(live)
    stored = conn.execute("SELECT path FROM attachments ORDER BY id").fetchone()[0]
    conn.close()
    (folder / stored).unlink()
    done = planwiki("check", "--db", str(live))
    assert done.returncode == 1
    assert f"1 missing (e.g. {folder / stored})" in done.stdout
    assert "missing or damaged" in done.stderr
    app = create_app(Settings(db=live, synchronous="NORMAL"), run_migrations=False)
    health = TestClient(app).get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["files"].startswith("1 photo, recording or document files")
    assert stored not in health.text


def test_purge_removes_the_copies_planwiki_kept_once_they_are_old(tmp_path: Path) -> None:
    live = make_plan(tmp_path / "live")
    old = live.with_name("planwiki.db.before-restore-20200101-020000")
    old.write_bytes(b"old words")
    old_files = live.with_name("planwiki.db.files.before-restore-20200101-020000")
    old_files.mkdir()
    (old_files / "photo.png").write_bytes(b"x")
    upgrade = planwiki("migrate", "--db", str(live))  # nothing to do: no copy
    assert upgrade.returncode == 0
    copy = tmp_path / "copy.tar"
    assert planwiki("backup", str(copy), "--db", str(live)).returncode == 0
    assert planwiki("restore", str(copy), "--db", str(live)).returncode == 0
    kept = list(live.parent.glob("planwiki.db*.before-restore-2*"))
    assert len(kept) == 4  # the old ones, and the database and files just kept
    done = planwiki("purge", "--db", str(live))
    assert done.returncode == 0, done.stderr
    assert not old.exists() and not old_files.exists()
    assert "Removed 2 safety copies" in done.stdout
    assert "Older copies also remain in the safety copies" in done.stdout
    now = planwiki("purge", "--safety-copies", "--db", str(live))
    assert now.returncode == 0 and not list(live.parent.glob("*.before-*"))


def test_check_finds_a_damaged_photo_by_its_hash_and_records_hashes_of_older_ones(
    tmp_path: Path,
) -> None:
    live = make_plan(tmp_path / "live")
    folder = live.with_name("planwiki.db.files")
    conn = sqlite3.connect(live)
    first, second = [r[0] for r in conn.execute("SELECT path FROM attachments ORDER BY id")]
    conn.execute("UPDATE attachments SET sha256 = NULL WHERE path = ?", (second,))  # from 0.1.0
    conn.commit()
    conn.close()
    data = bytearray((folder / first).read_bytes())
    data[-5] ^= 0xFF  # the same size, another byte
    (folder / first).write_bytes(bytes(data))
    done = planwiki("check", "--db", str(live))
    assert done.returncode == 1
    assert f"1 damaged (e.g. {folder / first})" in done.stdout
    assert "1 files from before 0.2.0 have no recorded SHA-256" in done.stdout
    planwiki("check", "--repair", "--db", str(live))
    conn = sqlite3.connect(live)
    assert conn.execute("SELECT COUNT(*) FROM attachments WHERE sha256 IS NULL").fetchone()[0] == 0
    conn.close()


def test_two_restores_in_one_second_keep_both_copies(tmp_path: Path) -> None:
    from wiki import restore

    live = make_plan(tmp_path / "live")
    files_dir = live.with_name("planwiki.db.files")
    copy = tmp_path / "copy.tar"
    assert planwiki("backup", str(copy), "--db", str(live)).returncode == 0
    first = restore.restore(copy, live, files_dir)
    second = restore.restore(copy, live, files_dir)  # well within the same second, usually
    assert first.kept_files and second.kept_files and first.kept_files != second.kept_files
    assert first.kept_db and second.kept_db and first.kept_db.exists() and second.kept_db.exists()
