"""The export archive itself: its layout, the zip it is written as, front matter, and its
README (issue #7; split out of ``transfer.py`` in issue #13).

The zip holds (``FORMAT_VERSION`` 1)::

    planwiki.json                 what this is: format, version, when, by whom, scope
    README.txt                    the same in plain words
    site.json                     slug, title, owner, date of birth, theme, created, the young
                                  person's own line and photo (an attachment key, or null)
    structure.json                sections in order, their pages, old addresses
    pages/<section>/<page>.md     the current text, with front matter
    history/<section>/<page>/<n>.md   every revision (when history is included)
    circle.json  grants.json  links.json  audit.json     (owner and stewards only)
    attachments.json  attachments/<key>/<name>           (when the server has attachments)

Front matter is a ``---`` block of ``key: value`` lines whose values are JSON scalars,
which is also valid YAML.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from wiki import clock
from wiki.db import Database
from wiki.errors import Invalid

FORMAT = "planwiki-export"
FORMAT_VERSION = 1
MAX_ENTRIES = 100_000
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_BODY_CHARS = 200_000
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same content gives the same bytes


@dataclass
class Export:
    path: Path  # a temporary file holding the zip; whoever receives it removes it
    filename: str
    full: bool  # everything (owner, steward, operator) or only what this person may view

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


FileSource = bytes | Path  # what goes into the zip: the bytes, or a file on disk


def _export(files: dict[str, FileSource], slug: str, full: bool) -> Export:
    handle, name = tempfile.mkstemp(prefix="planwiki-export-", suffix=".zip")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            _zip(files, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Export(path, _filename(slug), full)


def _filename(slug: str) -> str:
    return f"{slug}-{clock.now():%Y-%m-%d}.planwiki.zip"


def _zip(files: dict[str, FileSource], out: BinaryIO, *, compress: bool = True) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", compression=method, allowZip64=True) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if isinstance(content, Path):
                with (
                    content.open("rb") as source,
                    archive.open(info, "w", force_zip64=True) as dest,
                ):
                    shutil.copyfileobj(source, dest, 1024 * 1024)
            else:
                archive.writestr(info, content)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def front_matter(meta: dict[str, Any], body: str) -> str:
    lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()), "---"]
    return "\n".join(lines) + "\n" + body


def read_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        raise Invalid(f"{name} does not start with its front matter (a line of three dashes).")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise Invalid(f"{name}: the front matter has no closing line of three dashes.")
    meta: dict[str, Any] = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(": ")
        if not sep:
            raise Invalid(f"{name}: each front matter line should look like “name: value”.")
        try:
            meta[key.strip()] = json.loads(value)
        except ValueError:
            raise Invalid(f"{name}: the value of “{key.strip()}” is not readable.") from None
    return meta, text[end + 5 :]


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


def has_attachments(db: Database) -> bool:
    """Attachments arrived in migration 0006; older databases have none."""
    return (
        db.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'")
        is not None
    )


def _readme(title: str, *, full: bool, history: bool) -> str:
    scope = (
        "everything in the plan: every section, the circle, who can see what, and the log"
        if full
        else "the sections that were shared with the person who downloaded it, and nothing else"
    )
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f"This is a copy of a planwiki plan. It holds {scope}.\n"
        f"{'Every earlier version of every page is in history/.' if history else 'Only the current version of each page is included.'}\n\n"
        "Each page is a plain text file in pages/<section>/<page>.md that any text editor can open.\n"
        "The lines between the two '---' lines at the top say what the page is and when it changed.\n\n"
        "To move the plan to another planwiki, sign in there and choose 'Bring a plan with you',\n"
        "or ask the people who run it to use: planwiki import <this file>\n"
    )
