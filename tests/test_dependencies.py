"""Dependencies that cannot surprise an operator (issue #24): every runtime dependency is
bounded below its next major version, and CI installs the versions last tested, pinned in
constraints.txt (made by .ci/constraints.py, refreshed on purpose)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def runtime() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]]


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            found[name] = version
    return found


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_stops_before_the_next_major_version_of_the_tested_one() -> None:
    pinned = pins()
    for requirement in runtime():
        uppers = [Version(s.version) for s in requirement.specifier if s.operator == "<"]
        assert len(uppers) == 1, f"{requirement}: no upper bound"
        tested = Version(pinned[key(requirement.name)])
        assert uppers[0] == Version(str(tested.major + 1)), f"{requirement}, tested with {tested}"


def test_ci_installs_the_tested_versions_of_every_dependency() -> None:
    pinned = pins()
    for requirement in runtime():
        name = key(requirement.name)
        assert name in pinned, f"{name} is not in constraints.txt"
        assert Version(pinned[name]) in requirement.specifier, (requirement, pinned[name])
    assert "pip install -q -c constraints.txt -e '.[test]'" in (ROOT / ".ci" / "run").read_text()
