"""The plugin system: hooks documented, discovery, built-in and installed plugins, and a
deliberately nosy plugin that still cannot show anyone what they may not view (issue #6)."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from wiki import hookspecs, store
from wiki.hookspecs import hookimpl
from wiki.plugins import Link, context_of, describe, make_manager
from wiki.store import circle

ROOT = Path(__file__).parent.parent


def test_every_hook_has_a_docstring() -> None:
    hooks = [
        f
        for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(f, "planwiki_spec")
    ]
    assert len(hooks) >= 10
    for hook in hooks:
        assert hook.__doc__ and len(hook.__doc__.split()) >= 8, (
            f"{hook.__name__} needs a real docstring"
        )


def test_every_hook_is_described_in_the_plugin_guide() -> None:
    guide = (ROOT / "docs" / "plugins.md").read_text()
    for name, f in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(f, "planwiki_spec"):
            assert f"`{name}" in guide, f"docs/plugins.md does not describe {name}"


def test_built_in_plugins_are_loaded() -> None:
    names = dict(describe(make_manager(entry_points=False)))
    assert "planwiki.review" in names and "planwiki.handover" in names
    assert "routes" in names["planwiki.review"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


# The ``Database`` handle may be passed to the store (and named in type hints); SQL may not be run.
FORBIDDEN = {"sqlite3", "sqlite_utils", "wiki.store.audit", "wiki.db.connect", "wiki.db.migrate"}


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.joinpath("wiki", "routes").glob("*.py"), *ROOT.joinpath("plugins").glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_routes_and_plugins_never_touch_the_database(path: Path) -> None:
    """Content is read and written only through the store, which asks the policy first."""
    assert not (_imports(path) & FORBIDDEN), f"{path.name} imports {_imports(path) & FORBIDDEN}"
    source = path.read_text()
    for needle in (
        ".execute(",
        ".executemany(",
        "db.one(",
        "db.all(",
        "db.write(",
        ".db.conn",
        "_PluginContext__db",
    ):
        assert needle not in source, f"{path.name} uses {needle}"


PLUGIN_MODULES = sorted(
    [
        *ROOT.joinpath("plugins").glob("*.py"),
        *(
            p
            for p in ROOT.joinpath("docs", "example-plugin").rglob("*.py")
            if "build" not in p.parts
        ),
    ]
)


@pytest.mark.parametrize("path", PLUGIN_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_plugins_import_only_the_plugin_api(path: Path) -> None:
    """Issue #13: plugins use ``wiki.plugin_api``, never the core's internals."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            if module == "wiki" or module.startswith("wiki."):
                assert module == "wiki.plugin_api", f"{path.name}:{node.lineno} imports {module}"


def test_the_plugin_api_exports_what_it_lists() -> None:
    from wiki import plugin_api

    assert plugin_api.__all__ and all(hasattr(plugin_api, name) for name in plugin_api.__all__)


@pytest.mark.parametrize("path", PLUGIN_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_hook_implementations_use_the_hookspec_types(path: Path) -> None:
    """mypy cannot match a ``@hookimpl`` to its spec, so: each parameter a plugin's hook
    declares has the annotation its hookspec gives it (issue #13)."""
    specs = {
        name: {p.name: p.annotation for p in inspect.signature(f).parameters.values()}
        for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(f, "planwiki_spec")
    }
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef) or not any(
            ast.unparse(d) == "hookimpl" for d in node.decorator_list
        ):
            continue
        for arg in node.args.args:
            expected = specs[node.name][arg.arg]
            got = ast.unparse(arg.annotation) if arg.annotation else None
            assert got == expected, f"{path.name}: {node.name}({arg.arg}: {got}), not {expected}"


class NosyPlugin:
    """Tries hard to show everything: every section's pages, on every page and its own route."""

    @hookimpl
    def page_actions(self, context: Any, site: Any, page: Any, root: str) -> list[Link]:
        leaked = []
        for section in ["about-me", "health", "budget"]:
            try:
                leaked += [p.title for p in context.pages(site.site.slug, section)]
            except Exception:  # NotFound for what this person may not view
                continue
        return [Link(f"Seen: {title}", "#") for title in leaked]

    @hookimpl
    def routes(self) -> list[Route]:
        async def everything(request: Any) -> PlainTextResponse:
            context = context_of(request)
            words = []
            for section in ["about-me", "health", "budget"]:
                try:
                    for listed in context.pages("ola", section):
                        words.append(context.page("ola", section, listed.slug).body)
                except Exception:
                    continue
            return PlainTextResponse("\n".join(words))

        return [Route("/nosy", everything)]


@pytest.fixture
def nosy(tmp_path):
    from conftest import People

    from wiki.app import create_app
    from wiki.settings import Settings

    app = create_app(
        Settings(db=tmp_path / "nosy.db", synchronous="NORMAL"), plugins=[NosyPlugin()]
    )
    db = app.state.db
    people = People(app, db)
    owner, friend = people.add("Ola"), people.add("Fay")
    store.create_site(db, owner, slug="ola", title="Ola's plan")
    circle.add_member(db, owner, site="ola", email=friend.email, relationship="friend", groups=[])
    circle.add_grant(
        db, owner, site="ola", section="about-me", capability="view", person=friend.email
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="about-me",
        page="profile",
        base_revision=None,
        title="My profile",
        body="I like trains.",
    )
    store.save_page(
        db,
        owner,
        site="ola",
        section="budget",
        page="money",
        base_revision=None,
        title="Budget secrets",
        body="zephyrquartz £9,999",
    )
    return people, owner, friend


def test_a_nosy_plugin_cannot_show_a_friend_the_budget(nosy) -> None:
    people, owner, friend = nosy
    page = people.client(friend).get("/s/ola/about-me/profile")
    assert page.status_code == 200
    assert "Seen: My profile" in page.text
    assert "Budget secrets" not in page.text
    route = people.client(friend).get("/nosy").text
    assert "I like trains" in route and "zephyrquartz" not in route
    owner_view = people.client(owner).get("/nosy").text
    assert "zephyrquartz" in owner_view  # the owner may see it: the plugin works, the policy holds


def test_a_nosy_plugin_shows_a_stranger_nothing(nosy) -> None:
    people, _owner, _friend = nosy
    stranger = people.client(people.add("Zed"))
    assert stranger.get("/nosy").text == ""


@pytest.fixture(scope="module")
def example_installed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Install the example plugin as its own package, for real, into a folder of its own
    (so the test never changes the environment it runs in); returns the env to use it."""
    target = tmp_path_factory.mktemp("site-packages")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(ROOT / "docs" / "example-plugin")],
        capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    assert list(target.glob("planwiki_example-*.dist-info"))
    return {**os.environ, "PYTHONPATH": str(target)}


def test_an_installed_package_is_discovered_through_its_entry_point(example_installed) -> None:
    listed = subprocess.run([sys.executable, "-m", "main", "plugins"], cwd=ROOT, capture_output=True, text=True,
                            env=example_installed)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "example: block_types, page_actions" in listed.stdout


def test_an_installed_block_type_renders_in_a_saved_page(example_installed, tmp_path) -> None:
    code = (
        "from wiki.app import create_app; from wiki.settings import Settings; from wiki import accounts, store;"
        "from wiki.models import Actor;"
        f"app = create_app(Settings(db={str(tmp_path / 'x.db')!r}));"
        "db = app.state.db; u = accounts.create_user(db, email='o@example.org', name='O');"
        "a = Actor(user_id=u.id, email=u.email); store.create_site(db, a, slug='o', title='O');"
        "r = store.save_page(db, a, site='o', section='about-me', page='p', base_revision=None,"
        " body='```favourites\\nthings:\\n  - buses\\n  - <b>bread</b>\\n```');"
        "print(r.page.html)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=example_installed,
    )
    assert out.returncode == 0, out.stderr
    assert '<section class="favourites"' in out.stdout
    assert "&lt;b&gt;bread&lt;/b&gt;" in out.stdout


class Listener:
    """Hears about saves, and adds an item to every review's checklist."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    @hookimpl
    def revision_saved(self, event: Any) -> None:
        self.events.append(event)

    @hookimpl
    def checklist_items(self, review: Any) -> list[Any]:
        from datetime import timedelta

        from wiki.plugins import ChecklistItem

        return [
            ChecklistItem(
                "Book the accessible meeting room", review.meeting - timedelta(days=21), "Family"
            )
        ]


def test_plugins_hear_about_saved_revisions_without_the_text_and_can_add_checklist_items(
    tmp_path,
) -> None:
    from conftest import People, post_form

    from wiki.app import create_app
    from wiki.settings import Settings

    listener = Listener()
    app = create_app(Settings(db=tmp_path / "l.db", synchronous="NORMAL"), plugins=[listener])
    people = People(app, app.state.db)
    owner = people.add("Ola")
    store.create_site(app.state.db, owner, slug="ola", title="Ola's plan")
    store.save_page(
        app.state.db,
        owner,
        site="ola",
        section="about-me",
        page="p",
        base_revision=None,
        body="secret words",
    )
    store.save_page(
        app.state.db,
        owner,
        site="ola",
        section="about-me",
        page="p",
        base_revision=1,
        body="secret words",
    )
    assert [(e.section, e.page, e.revision, e.author) for e in listener.events] == [
        ("about-me", "p", 1, owner.email)
    ]
    assert "secret" not in repr(listener.events[0])
    client = people.client(owner)
    url = post_form(client, "/s/ola/review/new", {"meeting": "2027-03-17"}, page="/s/ola").headers[
        "location"
    ]
    page = client.get(url).text
    assert "Book the accessible meeting room" in page
    assert page.index("Book the accessible meeting room") < page.index("Invite everyone")
