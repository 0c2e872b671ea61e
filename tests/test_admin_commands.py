"""An operator's administration without SQL (issue #24), through the real ``planwiki``
command: list the plans, bring a deleted one back with its photos, erase one now so that
its words leave the file, resend emails that failed; each one in the operator's log."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from conftest import free_port
from test_restore import make_plan, tree

from wiki import accounts
from wiki.db import Database
from wiki.models import Actor
from wiki.store import erasure

ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    monkeypatch.setattr(
        accounts.passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def planwiki(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, input=stdin,
        env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
    )  # fmt: skip


def logged(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [
            f"{r[0]}: {r[1]}"
            for r in conn.execute("SELECT command, detail FROM operator_log ORDER BY id")
        ]
    finally:
        conn.close()


def delete_as_owner(path: Path) -> None:
    db = Database(path)
    try:
        user = accounts.find_user(db, "sam@example.org")
        assert user is not None
        sam = Actor(user_id=user.id, email=user.email, name=user.name)
        erasure.delete_site(
            db, sam, site="sam", confirm="sam", files_dir=path.with_name("planwiki.db.files")
        )
    finally:
        db.close()


def test_an_operator_lists_brings_back_and_erases_plans(tmp_path: Path) -> None:
    path = make_plan(tmp_path / "live")
    files = path.with_name("planwiki.db.files")
    photos = tree(files)
    listed = planwiki("site", "list", "--db", str(path))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("sam\tSam's plan\tsam@example.org\t1 pages\tlast change 20")

    delete_as_owner(path)
    assert tree(files) != photos
    deleted = planwiki("site", "list", "--db", str(path))
    assert "deleted 20" in deleted.stdout and "(planwiki site restore sam)" in deleted.stdout

    back = planwiki("site", "restore", "sam", "--db", str(path))
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == "Brought back “Sam's plan” at /s/sam: 1 pages."
    checked = planwiki("check", "--db", str(path))
    assert checked.returncode == 0 and "Files: 4 checked" in checked.stdout, checked.stdout
    nothing = planwiki("site", "restore", "sam", "--db", str(path))
    assert nothing.returncode == 1 and "no deleted plan “sam”" in nothing.stderr

    asked = planwiki("site", "erase", "sam", "--db", str(path), stdin="n\n")
    assert asked.returncode == 1 and "Aborted" in asked.stderr
    assert b"buses" in raw(path)
    erased = planwiki("site", "erase", "sam", "--yes", "--db", str(path))
    assert erased.returncode == 0, erased.stderr
    assert "The plan sam was erased" in erased.stdout
    assert b"buses" not in raw(path), "the words left the file"
    assert tree(files) == {}, "and the photos are gone"
    assert planwiki("site", "list", "--db", str(path)).stdout.strip() == "There are no plans yet."
    assert [line.split(":")[0] for line in logged(path)] == [
        "site list", "site list", "site restore", "site erase", "site list"
    ]  # fmt: skip


def raw(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{s}").read_bytes() for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )


def test_a_deleted_plan_can_be_erased_before_its_30_days(tmp_path: Path) -> None:
    path = make_plan(tmp_path / "live")
    delete_as_owner(path)
    erased = planwiki("site", "erase", "sam", "--yes", "--db", str(path))
    assert erased.returncode == 0, erased.stderr
    assert "deleted" not in planwiki("site", "list", "--db", str(path)).stdout
    assert b"buses" not in raw(path)


class Inbox:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.rcpt_tos[0])
        return "250 OK"


def test_outbox_resend_sends_the_emails_that_failed(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    assert planwiki("migrate", "--db", str(path)).returncode == 0
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO outbox (at, to_address, subject, body, sent_at) VALUES ('x', ?, 'Hello', 'Hi', ?)",
                     [("kim@example.org", None), ("ola@example.org", None), ("sent@example.org", "y")])  # fmt: skip
    conn.commit()
    conn.close()
    shown = planwiki("outbox", "--db", str(path))
    assert "not sent (planwiki outbox --resend sends it again)" in shown.stdout
    refused = planwiki("outbox", "--resend", "--db", str(path))
    assert refused.returncode == 2 and "No SMTP server is set" in refused.stderr
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"PLANWIKI_SMTP_HOST": "127.0.0.1", "PLANWIKI_SMTP_PORT": str(port)}
        one = planwiki("outbox", "--resend", "--id", "2", "--db", str(path), env=env)
        assert one.returncode == 0 and one.stdout.strip() == "1 email sent.", one.stderr
        rest = planwiki("outbox", "--resend", "--db", str(path), env=env)
        assert rest.returncode == 0 and rest.stdout.strip() == "1 email sent."
    finally:
        controller.stop()
    assert inbox.received == ["ola@example.org", "kim@example.org"]
    assert logged(path) == ["outbox --resend: 1 sent, 0 not sent"] * 2
