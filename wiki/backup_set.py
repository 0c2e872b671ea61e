"""One backup holds everything a plan is made of (issue #24): the database **and** the
files folder (photos, recordings, documents), in one tar file readable by its owner only.

Inside: ``planwiki.db`` (a checked ``VACUUM INTO`` snapshot, ``wiki.backup``), ``files/…``
(every file of the files folder, deleted plans' files in their grace period too), and
``manifest.json`` last: the planwiki and schema that made it, the database's counts, and
each file's path, size and SHA-256, which ``restore`` checks every byte against.

The tar is written as ``.<name>.partial-<pid>`` beside the destination and renamed into
place only when complete; on any failure (a full disk) nothing is left behind and the
message names the file that could not be written, never the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiki import backup, clock, versions
from wiki.backup import BackupError, Report

DATABASE = "planwiki.db"
MANIFEST = "manifest.json"
FILES = "files/"
FORMAT = "planwiki-backup"


@dataclass
class Written:
    report: Report
    files: int
    file_bytes: int

    def summary(self) -> str:
        return f"{self.report.summary()}; {self.files} files ({self.file_bytes:,} bytes)"


def _files(files_dir: Path) -> Iterator[tuple[Path, str]]:
    if not files_dir.is_dir():
        return
    for folder, _dirs, names in os.walk(files_dir):
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(files_dir).as_posix()


def write(db_path: Path, files_dir: Path, dest: Path, *, overwrite: bool = False) -> Written:
    """The database and its files as one checked tar at ``dest`` (0600)."""
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists. Choose a new name (or pass --overwrite).")
    if dest.resolve() == db_path.resolve():
        raise BackupError("The backup must go to a different file from the database.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist. Create it first.")
    if dest.resolve().is_relative_to(files_dir.resolve()):
        raise BackupError(f"The backup must not go inside the files folder {files_dir}.")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    snapshot = dest.with_name(f".{dest.name}.db-{os.getpid()}")
    listed: list[dict[str, object]] = []
    try:
        report = backup.backup(db_path, snapshot, overwrite=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
            tar.add(snapshot, arcname=DATABASE)
            for path, name in _files(files_dir):
                digest, size = _add(tar, path, FILES + name)
                listed.append({"path": name, "size": size, "sha256": digest})
            manifest = {
                "format": FORMAT, "format_version": 1, "planwiki": versions.VERSION,
                "schema": versions.schema(), "made_at": clock.iso(), "counts": report.counts,
                "files": listed,
            }  # fmt: skip
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(clock.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, dest)
        backup._fsync_dir(dest.parent)
    except BackupError as problem:
        text = str(problem)
        raise BackupError(text.replace(str(snapshot), str(dest))) from None
    except OSError as problem:
        raise BackupError(backup.cannot_write(dest, problem)) from None
    finally:
        partial.unlink(missing_ok=True)
        backup.remove_database_files(snapshot)
    report.path = dest
    report.bytes = dest.stat().st_size
    return Written(report, len(listed), sum(int(str(f["size"])) for f in listed))


def _add(tar: tarfile.TarFile, path: Path, name: str) -> tuple[str, int]:
    """Add one file, hashing it as it is read (it is read once)."""
    with path.open("rb") as handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        hasher = _Hashing(handle)
        tar.addfile(info, hasher)
    return hasher.hash.hexdigest(), info.size


class _Hashing(io.RawIOBase):
    def __init__(self, handle: io.BufferedReader) -> None:
        self.handle, self.hash = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.hash.update(data)
        return data


def is_backup_set(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def manifest(tar: tarfile.TarFile, where: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        data = json.loads(handle.read()) if handle else {}
    except (KeyError, ValueError):
        raise BackupError(f"{where} is not a planwiki backup (it has no manifest).") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{where} is not a planwiki backup.")
    return dict(data)


def extract(tar: tarfile.TarFile, where: Path, into_db: Path, into_files: Path) -> dict[str, Any]:
    """The database to ``into_db`` and the files under ``into_files`` (which must not
    exist yet), each file checked against the manifest's size and SHA-256."""
    found = manifest(tar, where)
    expected = {str(f["path"]): f for f in found.get("files", [])}
    into_files.mkdir(mode=0o700)
    seen: set[str] = set()
    for member in tar:
        if member.name in (MANIFEST,):
            continue
        if member.name == DATABASE:
            target = into_db
        elif member.name.startswith(FILES) and member.name[len(FILES) :] in expected:
            name = member.name[len(FILES) :]
            target = into_files / name
            if not target.resolve().is_relative_to(into_files.resolve()):
                raise BackupError(f"{where} holds a file outside its files folder: {name}.")
            seen.add(name)
        else:
            raise BackupError(f"{where} holds something its manifest does not list: {member.name}.")
        if not member.isfile():
            raise BackupError(f"{where}: {member.name} is not a plain file.")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        source = tar.extractfile(member)
        assert source is not None
        hasher = hashlib.sha256()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(1 << 20):
                hasher.update(chunk)
                out.write(chunk)
        if target != into_db:
            listed = expected[target.relative_to(into_files).as_posix()]
            if hasher.hexdigest() != listed["sha256"] or member.size != listed["size"]:
                raise BackupError(f"{where} is damaged: {member.name} is not as it was backed up.")
    if not into_db.exists():
        raise BackupError(f"{where} holds no database.")
    if missing := sorted(set(expected) - seen):
        raise BackupError(f"{where} is incomplete: {len(missing)} files are missing from it.")
    return found


def needs_bytes(path: Path) -> int:
    """Room a restore of this backup takes: everything in it, unpacked."""
    with tarfile.open(path) as tar:
        return sum(m.size for m in tar.getmembers())
