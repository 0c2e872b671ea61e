"""The import direction covers every module (issue #25).

`lint-imports` checks the layers in pyproject.toml, but a module named in no layer is
checked by nothing: this test fails when one appears (a new module must take its place in
the map), and when any module reaches into a library's private parts (``starlette._utils``).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layered_names() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names: set[str] = set()
    for contract in config["contracts"]:
        if contract["type"] == "layers" and contract.get("containers") == ["wiki"]:
            for layer in contract["layers"]:
                names |= {n.strip() for n in re.split(r"[|:]", layer) if n.strip()}
    return names


def wiki_modules(root: Path = ROOT / "wiki") -> set[str]:
    """Every module and package directly under wiki/ (a package counts once)."""
    found = {p.stem for p in root.glob("*.py") if p.stem != "__init__"}
    found |= {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return found


def test_every_module_in_wiki_has_a_place_in_the_layers():
    assert wiki_modules() - layered_names() == set()
    assert layered_names() - wiki_modules() == set(), "a layer names a module that is gone"


def test_a_new_module_in_no_layer_is_caught(tmp_path: Path):
    (tmp_path / "helpers.py").write_text("")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "__init__.py").write_text("")
    assert wiki_modules(tmp_path) - layered_names() == {"helpers"}


def private_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            top, *rest = name.split(".")
            if top not in ("wiki", "plugins", "migrations") and any(
                p.startswith("_") for p in rest
            ):
                found.append(name)
    return found


def test_no_module_imports_a_librarys_private_parts():
    found = []
    for path in [*ROOT.joinpath("wiki").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        found += [f"{path.relative_to(ROOT)}: {n}" for n in private_imports(path.read_text())]
    assert found == []


def test_the_private_import_check_can_fail():
    assert private_imports("from starlette._utils import get_route_path") == ["starlette._utils"]
    assert private_imports("from starlette.routing import Route") == []
    assert private_imports("from plugins._forms import read_form") == []
