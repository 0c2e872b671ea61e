"""Fetch the picture symbols again from the npm registry (issue #16).

    python -m wiki.data.fetch_symbols

Downloads the ``openmoji`` package at the version in ``wiki/symbols.py`` with ``npm pack``
(npm is needed only here, never to install or run planwiki), checks the tarball against
the integrity hash the registry published, and copies the SVGs that ``wiki.symbols.SYMBOLS``
names, unchanged, with the licence, into ``themes/default/static/symbols/``. SVGs that are
no longer named are removed. See docs/symbols.md.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from wiki.symbols import OPENMOJI_INTEGRITY, OPENMOJI_VERSION, STATIC_FOLDER, SYMBOLS

TARGET = Path(__file__).resolve().parents[2] / "themes" / "default" / "static" / STATIC_FOLDER


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch(target: Path = TARGET) -> list[str]:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch the symbols (never to install planwiki)")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(  # noqa: S603 - fixed arguments: npm, a package name and version
            [npm, "pack", f"openmoji@{OPENMOJI_VERSION}", "--silent"],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = Path(work) / f"openmoji-{OPENMOJI_VERSION}.tgz"
        if _integrity(tarball) != OPENMOJI_INTEGRITY:
            raise SystemExit(f"{tarball.name} does not match the registry's integrity hash")
        wanted = {f"package/color/svg/{h}.svg": f"{h}.svg" for h in SYMBOLS.values()}
        wanted["package/LICENSE.txt"] = "LICENSE.txt"
        target.mkdir(parents=True, exist_ok=True)
        written = []
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                name = wanted.get(member.name)
                source = archive.extractfile(member) if name and member.isfile() else None
                if name and source is not None:
                    (target / name).write_bytes(source.read())
                    written.append(name)
        missing = set(wanted.values()) - set(written)
        if missing:
            raise SystemExit(f"not in the package: {', '.join(sorted(missing))}")
        for old in target.glob("*.svg"):
            if old.name not in wanted.values():
                old.unlink()
        return sorted(written)


if __name__ == "__main__":
    names = fetch()
    print(f"{len(names)} files in {TARGET}", file=sys.stderr)
