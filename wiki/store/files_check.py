"""Are the photos, recordings and documents there (issue #24)? For the operator's
``planwiki check`` and ``GET /healthz``: every attachment's file (and its thumbnail) must
be in the files folder with the size the database recorded. A file that is missing or
has another size is a photo that answers 404, or a damaged one.

It reveals no content: counts, and the random stored paths (never names or captions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wiki.db import Database


@dataclass
class FilesReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # stored paths, under the files folder
    wrong_size: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong_size

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
        return f"Files: {self.checked} checked in {files_dir}: " + "; ".join(parts) + "."


def check_files(db: Database, files_dir: Path, *, sizes: bool = True) -> FilesReport:
    """Every attachment's file and thumbnail (``sizes``: the main file's size too)."""
    report = FilesReport()
    root = files_dir.resolve()
    for row in db.all("SELECT path, thumb_path, size FROM attachments ORDER BY id"):
        for stored, size in ((row["path"], row["size"]), (row["thumb_path"], None)):
            if not stored:
                continue
            report.checked += 1
            path = (root / stored).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                report.missing.append(stored)
            elif sizes and size is not None and path.stat().st_size != size:
                report.wrong_size.append(stored)
    return report
