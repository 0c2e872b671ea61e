"""Sending email: over SMTP when configured, else into the ``outbox`` table.

Invitations (issue #3) and sign-in links (issue #4) both go through ``send``. With
no ``PLANWIKI_SMTP_HOST`` set, messages wait in the outbox for the operator to read
with ``planwiki outbox`` — nothing is silently dropped.
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from typing import Any

from wiki import clock
from wiki.db import Database


def _smtp_settings() -> dict[str, str]:
    return {
        key: os.environ.get(f"PLANWIKI_SMTP_{key.upper()}", "")
        for key in ("host", "port", "user", "password", "sender", "starttls")
    }


def send(db: Database, *, to: str, subject: str, body: str) -> None:
    """Send one plain-text message, recording it in the outbox either way."""
    config = _smtp_settings()
    with db.write():
        message_id = db.execute(
            "INSERT INTO outbox (at, to_address, subject, body) VALUES (?, ?, ?, ?)",
            (clock.iso(), to, subject, body),
        ).lastrowid
    if not config["host"]:
        return
    _deliver(config, to=to, subject=subject, body=body)
    with db.write():
        db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (clock.iso(), message_id))


def smtp_configured() -> bool:
    return bool(_smtp_settings()["host"])


def _deliver(config: dict[str, str], *, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = config["sender"] or "planwiki <no-reply@localhost>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["host"], int(config["port"] or 25), timeout=10) as smtp:
        if config["starttls"].lower() in ("1", "true", "yes"):
            smtp.starttls()
        if config["user"]:
            smtp.login(config["user"], config["password"])
        smtp.send_message(message)


def resend(db: Database, *, message_id: int | None = None) -> tuple[int, list[str]]:
    """Send again the emails not sent (one, or all of them): how many went, and why each
    of the others did not (issue #24: a failed email needed SQL to resend)."""
    config = _smtp_settings()
    rows = db.all(
        "SELECT * FROM outbox WHERE sent_at IS NULL AND (? IS NULL OR id = ?) ORDER BY id",
        (message_id, message_id),
    )
    sent, failed = 0, []
    for row in rows:
        try:
            _deliver(config, to=row["to_address"], subject=row["subject"], body=row["body"])
        except (OSError, smtplib.SMTPException) as problem:
            failed.append(f"{row['id']} to {row['to_address']}: {problem}")
            continue
        with db.write():
            db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (clock.iso(), row["id"]))
        sent += 1
    return sent, failed


def outbox(db: Database, *, limit: int = 20) -> list[dict[str, Any]]:
    """The newest messages, for the operator (``planwiki outbox``)."""
    return [dict(r) for r in db.all("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,))]
