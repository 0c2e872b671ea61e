"""Are the photos, recordings and documents there (issue #24)? For the operator's
``planwiki check`` and ``GET /healthz``: every attachment's file (and its thumbnail) must
be in the files folder with the size the database recorded and (``planwiki check``) the
SHA-256 recorded at upload. A file that is missing, has another size or other bytes is a
photo that answers 404, or a damaged one.

It reveals no content: counts, and the random stored paths (never names or captions).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from wiki.db import Database


@dataclass
class FilesReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # stored paths, under the files folder
    wrong_size: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # the right size, other bytes
    unhashed: int = 0  # rows from before 0.2.0 without a recorded hash

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong_size and not self.damaged

    def summary(self, files_dir: Path) -> str:
        if self.ok:
            return f"Files: {self.checked} checked in {files_dir}, all there."
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} missing (e.g. {files_dir / self.missing[0]})")
        if self.wrong_size:
            parts.append(
                f"{len(self.wrong_size)} with the wrong size (e.g. {files_dir / self.wrong_size[0]})"
            )
        if self.damaged:
            parts.append(f"{len(self.damaged)} damaged (e.g. {files_dir / self.damaged[0]})")
        return f"Files: {self.checked} checked in {files_dir}: " + "; ".join(parts) + "."


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_files(
    db: Database, files_dir: Path, *, sizes: bool = True, hashes: bool = False, repair: bool = False
) -> FilesReport:
    """Every attachment's file and thumbnail (``sizes``: the main file's size too;
    ``hashes``: its bytes against the SHA-256 recorded at upload; ``repair``: record the
    hash of a file that has none yet and is the right size)."""
    report = FilesReport()
    root = files_dir.resolve()
    for row in db.all("SELECT id, path, thumb_path, size, sha256 FROM attachments ORDER BY id"):
        for stored, size in ((row["path"], row["size"]), (row["thumb_path"], None)):
            if not stored:
                continue
            report.checked += 1
            path = (root / stored).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                report.missing.append(stored)
            elif sizes and size is not None and path.stat().st_size != size:
                report.wrong_size.append(stored)
            elif size is not None and row["sha256"] is None:
                report.unhashed += 1
                if repair:
                    with db.write():
                        db.execute(
                            "UPDATE attachments SET sha256 = ? WHERE id = ?",
                            (sha256_of(path), row["id"]),
                        )
            elif hashes and size is not None and sha256_of(path) != row["sha256"]:
                report.damaged.append(stored)
    return report
