"""Print the tested versions of planwiki's dependencies, for constraints.txt (issue #24).

Every package planwiki's runtime, ``test`` and ``pdf`` dependencies need, directly or
through others, at the version installed here: nothing else on the machine. Refresh on
purpose, after running the whole suite on the new versions:

    pip install -U -e '.[test,pdf]' && pytest && python .ci/constraints.py > constraints.txt
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "pdf")


def wanted(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": e}) for e in extras or {""})


def closure() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo = [Requirement(r) for r in project["dependencies"]]
    for extra in EXTRAS:
        todo += [Requirement(r) for r in project["optional-dependencies"][extra]]
    todo = [r for r in todo if wanted(r, set())]
    found: dict[str, str] = {}
    while todo:
        requirement = todo.pop()
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name in found:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue  # not for this platform (a marker), or optional
        found[name] = dist.version
        for text in dist.requires or []:
            needed = Requirement(text)
            if wanted(needed, set(requirement.extras)):
                todo.append(needed)
    return found


def main() -> None:
    out = sys.stdout
    out.write(
        "# The versions planwiki was last tested with (issue #24): CI installs with\n"
        "#   pip install -c constraints.txt -e '.[test]'\n"
        "# Made by .ci/constraints.py from a tested environment; refresh on purpose (see there).\n"
    )
    for name, version in sorted(closure().items()):
        out.write(f"{name}=={version}\n")


if __name__ == "__main__":
    main()
