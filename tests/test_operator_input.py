"""Bad settings and bad input, as an operator types them (issue #24), through the real
``planwiki`` command: one line and exit 2, never a traceback, and never a server that
starts healthy only to fail at the first sign-in; a pipe closed early is not an error;
``--log-json`` writes only JSON; a new password says the API tokens still work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

ROOT = Path(__file__).parent.parent


def planwiki(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "main", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, input=stdin,
        env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL", **(env or {})},
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


BAD_SETTINGS = [
    ({"PLANWIKI_OIDC_PROVIDERS": "notjson"}, [], "PLANWIKI_OIDC_PROVIDERS is not JSON"),
    ({"PLANWIKI_OIDC_CONFIG": "/nonexistent.toml"}, [], "PLANWIKI_OIDC_CONFIG: there is no file at /nonexistent.toml"),
    ({"PLANWIKI_OIDC_CONFIG": "{bad}"}, [], "PLANWIKI_OIDC_CONFIG ("),
    ({"PLANWIKI_SMTP_HOST": "mail.example.org", "PLANWIKI_SMTP_PORT": "twenty-five"}, [], "PLANWIKI_SMTP_PORT must be a port number"),
    ({"PLANWIKI_SMTP_HOST": "mail.example.org", "PLANWIKI_SMTP_STARTTLS": "maybe"}, [], "PLANWIKI_SMTP_STARTTLS must be true or false"),
    ({"PLANWIKI_SMTP_USER": "plans"}, [], "PLANWIKI_SMTP_HOST is not set"),
    ({"PLANWIKI_SMTP_HOST": "mail.example.org", "PLANWIKI_SMTP_SENDER": "plans at example"}, [], "PLANWIKI_SMTP_SENDER must be an email address"),
    ({"PLANWIKI_DATABASE": "/srv/plans.db"}, [], "PLANWIKI_DATABASE is not a planwiki setting (did you mean PLANWIKI_DB?)"),
    ({"PLANWIKI_SYNCHRONOUS": "sometimes"}, [], "PLANWIKI_SYNCHRONOUS"),
    ({"PLANWIKI_FILES_DIR": "/no/such/folder/files"}, [], "the folder /no/such/folder does not exist"),
    ({"PLANWIKI_BASE_URL": "plans.example.org"}, [], "PLANWIKI_BASE_URL must start with https://"),
    ({}, ["--port", "99999"], "99999 is not in the range"),
    ({}, ["--workers", "0"], "--workers"),
]  # fmt: skip


@pytest.mark.parametrize(("env", "args", "said"), BAD_SETTINGS, ids=lambda v: str(v)[:40])
def test_a_bad_setting_stops_serve_with_one_line(tmp_path: Path, env: dict[str, str],
                                                 args: list[str], said: str) -> None:  # fmt: skip
    if "PLANWIKI_OIDC_CONFIG" in env and env["PLANWIKI_OIDC_CONFIG"] == "{bad}":
        broken = tmp_path / "sso.toml"
        broken.write_text("[[provider]]\nkey = 'Not A Key'\n")
        env = {"PLANWIKI_OIDC_CONFIG": str(broken)}
    path = tmp_path / "plans.db"
    defaults = [w for f in (["--port", "0"], ["--workers", "1"]) if f[0] not in args for w in f]
    done = planwiki("serve", *args, *defaults, "--db", str(path), env=env)
    one_line(done, 2, said)
    assert "listening" not in done.stdout
    assert not path.exists(), "nothing was made"


def test_a_good_sso_file_and_email_settings_are_accepted(tmp_path: Path) -> None:
    from wiki import settings_check
    from wiki.settings import Settings

    good = tmp_path / "sso.toml"
    good.write_text(
        "[[provider]]\nkey = 'council'\nname = 'Council'\nissuer = 'https://id.example.org'\nclient_id = 'x'\n"
    )
    env = {"PLANWIKI_SMTP_HOST": "mail.example.org", "PLANWIKI_SMTP_PORT": "587",
           "PLANWIKI_SMTP_STARTTLS": "true", "PLANWIKI_SMTP_USER": "plans",
           "PLANWIKI_SMTP_PASSWORD": "secret", "PLANWIKI_SMTP_SENDER": "Plans <plans@example.org>",
           "PLANWIKI_DB": str(tmp_path / "x.db"), "PLANWIKI_OIDC_CONFIG": str(good)}  # fmt: skip
    assert settings_check.problems(Settings(oidc_config=good), env) == []


@pytest.mark.parametrize(
    "args",
    [["user", "add", "a b@example.org", "--name", "A"], ["user", "add", "kim@example.org"],
     ["token", "revoke", "kim@example.org", "one"], ["backup"], ["site", "erase"]],
    ids=" ".join,
)  # fmt: skip
def test_bad_input_to_any_command_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "plans.db"
    assert planwiki("migrate", "--db", str(path)).returncode == 0
    one_line(planwiki(*args, "--db", str(path)), 2)


def test_a_list_read_by_head_ends_quietly(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "plans.db"
    assert planwiki("migrate", "--db", str(path)).returncode == 0
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO users (email, name, created_at) VALUES (?, ?, 'x')",
                     [(f"person{n}@example.org", f"Person {n}") for n in range(3000)])  # fmt: skip
    conn.commit()
    conn.close()
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m main user list --db {path} | head -1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.startswith("person0@example.org")
    assert done.stderr == "", done.stderr


def test_log_json_writes_only_json_lines(tmp_path: Path) -> None:
    from conftest import free_port

    port = free_port()
    old = tmp_path / "plans.db"
    import shutil

    shutil.copy(Path(__file__).parent / "fixtures" / "schema-0001-first-release.sqlite", old)
    process = subprocess.Popen(
        [sys.executable, "-m", "main", "serve", "--port", str(port), "--workers", "1", "--db",
         str(old), "--log-json", "--access-log"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PLANWIKI_SYNCHRONOUS": "NORMAL"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        for address in ("/login", "/s/rhys-marsden", "/nowhere"):
            httpx2.get(f"http://127.0.0.1:{port}{address}", timeout=5)
    finally:
        process.terminate()
        out = process.communicate(timeout=30)[0]
    lines = [line for line in out.splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # every one of them: no plain line
    messages = " ".join(p["message"] for p in parsed)
    assert "planwiki is listening on" in messages and "Backed up" in messages
    assert sum(1 for p in parsed if p.get("route")) >= 3


def test_a_new_password_says_the_tokens_still_work_and_can_revoke_them(tmp_path: Path) -> None:
    path = tmp_path / "plans.db"
    assert planwiki("migrate", "--db", str(path)).returncode == 0
    assert (
        planwiki("user", "add", "sam@example.org", "--name", "Sam", "--db", str(path)).returncode
        == 0
    )
    assert planwiki("token", "create", "sam@example.org", "--db", str(path)).returncode == 0
    kept = planwiki("user", "passwd", "sam@example.org", "--password-stdin", "--db", str(path),
                    stdin="pickle timetable heron\n")  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert "Their 1 API token(s) still work" in kept.stdout and "--revoke-tokens" in kept.stdout
    assert "command line" in planwiki("token", "list", "sam@example.org", "--db", str(path)).stdout
    gone = planwiki("user", "passwd", "sam@example.org", "--password-stdin", "--revoke-tokens",
                    "--db", str(path), stdin="another long passphrase\n")  # fmt: skip
    assert gone.returncode == 0 and "1 API token(s) revoked." in gone.stdout
    listed = planwiki("token", "list", "sam@example.org", "--db", str(path))
    assert listed.stdout.strip() == "sam@example.org has no tokens."
