"""Versions, upgrades and refusals as an operator meets them (issue #24), through the real
``planwiki`` command on real files: a database from the first release upgrades with every
row intact and a checked backup first; a database behind is refused by every command but
``migrate`` and ``serve``; one made by a newer planwiki is refused by every command, in one
line naming both versions, and ``/healthz`` says 503."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import start_server, stop_server
from starlette.testclient import TestClient

import wiki
from wiki import versions
from wiki.app import create_app
from wiki.settings import Settings

ROOT = Path(__file__).parent.parent
# Built by the first commit with migrations (daede93, schema 1): `git archive daede93`,
# then its own `migrate` and `demo.load` (Rhys's plan and circle), VACUUMed.
FIRST_RELEASE = Path(__file__).parent / "fixtures" / "schema-0001-first-release.sqlite"


def planwiki(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "planwiki.db"
    shutil.copy(FIRST_RELEASE, path)
    return path


def applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def table_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'search_index%' AND name != '_sqlite_migrations'")]  # fmt: skip
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables
        }
    finally:
        conn.close()


def newer_database(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    assert planwiki("migrate", "--db", str(path)).returncode == 0
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                 " VALUES ('planwiki', '0099_from_the_future', 'x')")  # fmt: skip
    conn.execute("INSERT INTO releases (version, schema, first_run_at) VALUES ('9.1.0', 99, 'x')")
    conn.commit()
    conn.close()
    return path


def every_command(tmp_path: Path) -> list[list[str]]:
    """Every command that opens an existing database, with plausible arguments."""
    archive = tmp_path / "plan.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return [
        ["user", "list"], ["user", "add", "kim@example.org", "--name", "Kim"],
        ["user", "passwd", "rhys.marsden@example.org", "--password-stdin"],
        ["user", "delete", "kim@example.org", "--yes"],
        ["token", "create", "rhys.marsden@example.org"], ["token", "list", "rhys.marsden@example.org"],
        ["token", "revoke", "rhys.marsden@example.org", "1"],
        ["export", "rhys-marsden", str(tmp_path / "out.zip")], ["import", str(archive)],
        ["backup", str(tmp_path / "copy.tar")], ["check"], ["purge"], ["outbox"],
        ["reminders"], ["send-digests"], ["site", "list"], ["site", "restore", "rhys-marsden"],
        ["site", "erase", "rhys-marsden", "--yes"], ["outbox", "--resend"],
    ]  # fmt: skip


def test_the_version_is_written_once_and_every_place_says_it(tmp_path: Path) -> None:
    done = planwiki("--version")
    assert done.returncode == 0
    assert (
        done.stdout.strip().split(" ", 1)[1] == f"{wiki.__version__} (schema {versions.schema()})"
    )
    assert wiki.__version__ == "0.2.0" and versions.schema() == int(versions.known_steps()[-1][:4])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    changes = (ROOT / "CHANGELOG.md").read_text()
    assert f"## {wiki.__version__} — schema {versions.schema()}" in changes
    app = create_app(Settings(db=tmp_path / "v.db", synchronous="NORMAL"))
    body = TestClient(app).get("/healthz").json()
    assert (body["version"], body["schema"]) == (wiki.__version__, versions.schema())
    metrics = TestClient(app, client=("127.0.0.1", 5000)).get("/metrics").text
    assert (
        f'planwiki_build_info{{schema="{versions.schema()}",version="{wiki.__version__}"}} 1.0'
        in metrics
    )


def test_a_database_from_the_first_release_upgrades_with_every_row_intact_and_a_backup_first(
    tmp_path: Path,
) -> None:
    path = old_database(tmp_path)
    before = table_rows(path)
    assert applied(path) == ["0001_initial"] and sum(map(len, before.values())) > 100

    done = planwiki("migrate", "--db", str(path))

    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"Backed up {path} to {path}.before-migrate-"), first
    kept = Path(first.split(" to ", 1)[1].split(" before migrating")[0])
    assert f"(schema 1 to {versions.schema()})" in first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600, "a backup is for the operator alone"
    assert applied(kept) == ["0001_initial"] and table_rows(kept) == before
    assert applied(path) == list(versions.known_steps())
    after = table_rows(path)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {k: new[k] for k in old} == old, (table, old, new)
    # The release is noted, and nothing is left to do: no second backup.
    assert table_rows(path)["releases"][0]["version"] == wiki.__version__
    again = planwiki("migrate", "--db", str(path))
    assert again.stdout.strip() == "The database is up to date."
    assert len(list(tmp_path.glob("*.before-migrate-*"))) == 1
    # The upgraded plan still works for the young person who owns it.
    app = create_app(Settings(db=path, synchronous="NORMAL"), run_migrations=False)
    client = TestClient(app)
    login = client.get("/login")
    token = login.cookies.get("csrftoken") or client.cookies.get("csrftoken")
    client.post("/login", data={"email": "rhys.marsden@example.org", "password": "pickle-timetable-42",
                                "csrftoken": token or ""})  # fmt: skip
    home = client.get("/s/rhys-marsden")
    assert home.status_code == 200 and "Rhys" in home.text


def test_commands_refuse_a_database_that_is_behind_and_change_nothing(tmp_path: Path) -> None:
    path = old_database(tmp_path)
    original = path.read_bytes()
    for args in every_command(tmp_path):
        done = planwiki(*args, "--db", str(path))
        one_line(done, 2, str(path), f"schema 1 to {versions.schema()}", "run planwiki migrate")
        assert path.read_bytes() == original, args
        assert applied(path) == ["0001_initial"], args
    assert not (tmp_path / "copy.tar").exists() and not (tmp_path / "out.zip").exists()


def test_every_command_refuses_a_database_made_by_a_newer_planwiki(tmp_path: Path) -> None:
    path = newer_database(tmp_path)
    original = table_rows(path)
    for args in [*every_command(tmp_path), ["migrate"],
                 ["serve", "--port", "0", "--workers", "1"]]:  # fmt: skip
        done = planwiki(*args, "--db", str(path))
        line = one_line(done, 2, str(path), "planwiki 9.1.0 (schema 99)",
                        f"this is planwiki {wiki.__version__} (schema {versions.schema()})")  # fmt: skip
        assert "listening" not in done.stdout, line
        assert table_rows(path) == original, args
    assert not list(tmp_path.glob("*.before-migrate-*"))


def test_healthz_is_503_for_a_newer_database_and_names_both_versions(tmp_path: Path) -> None:
    path = newer_database(tmp_path)
    app = create_app(Settings(db=path, synchronous="NORMAL"), run_migrations=False)
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    schema = response.json()["checks"]["schema"]
    assert "planwiki 9.1.0 (schema 99)" in schema and f"planwiki {wiki.__version__}" in schema
    assert str(tmp_path) not in response.text


def test_serve_on_an_older_database_takes_a_backup_first_and_says_where(tmp_path: Path) -> None:
    path = old_database(tmp_path)
    server = start_server(path)
    try:
        health = httpx2.get(server.url + "/healthz", timeout=10).json()
    finally:
        server.process.terminate()
        said = server.process.communicate(timeout=30)[0].decode()
        stop_server(server)
    assert health["status"] == "ok" and health["version"] == wiki.__version__
    kept = list(tmp_path.glob("planwiki.db.before-migrate-*"))
    assert len(kept) == 1 and applied(kept[0]) == ["0001_initial"]
    assert f"Backed up {path} to {kept[0]} before migrating" in said


@pytest.mark.parametrize("making", ["newer", "behind"])
def test_check_names_the_versions_rather_than_advising_a_restore(
    tmp_path: Path, making: str
) -> None:
    path = newer_database(tmp_path) if making == "newer" else old_database(tmp_path)
    done = planwiki("check", "--db", str(path))
    line = one_line(done, 2, str(path))
    assert "Restore" not in line
