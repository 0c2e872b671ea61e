"""Search and export are asked of the rule book by name (issue #25).

The rule book's table (tests/test_rule_book.py) says who may ``search`` and ``export``; these
tests show the store really asks it: with the action changed, the store answers differently.
Each door is also tried from both sides as it stands: a reader may, a guest link may not.
"""

from __future__ import annotations

import pytest

from wiki import access
from wiki.access import Action, Rule
from wiki.errors import NotFound
from wiki.models import Actor
from wiki.store import links, search, transfer


@pytest.fixture
def plan(db, people, make_plan):
    """Sam's plan; Bob may read About me."""
    bob = people.add("Bob")
    sam = (
        make_plan("sam")
        .page("about-me/profile", "I love the trampoline.", title="Me")
        .share(bob, "about-me", "view")
        .owner
    )
    link = links.create_guest_link(db, sam, site="sam", section="about-me")
    guest = Actor(guest_link_id=link.id, guest_site_id=1, guest_section="about-me")
    return sam, bob, guest


@pytest.fixture
def only_stewards(db, monkeypatch):
    """This app's rule book with ``search`` or ``export`` for stewards only."""

    def tighten(name: str) -> None:
        changed = [
            a if a.name != name else Action(name, Rule.STEWARD, name) for a in db.extensions.rules
        ]
        monkeypatch.setattr(db.extensions, "rules", access.RuleBook(changed))

    return tighten


def test_a_reader_may_search_and_a_guest_link_finds_no_search(plan, db):
    _sam, bob, guest = plan
    _, found = search.search_site(db, bob, site="sam", query="trampoline")
    assert [h.title for h in found.hits] == ["Me"]
    with pytest.raises(NotFound):
        search.search_site(db, guest, site="sam", query="trampoline")
    with pytest.raises(NotFound):
        search.search_all(db, guest, query="trampoline")


def test_search_asks_the_rule_book(plan, db, only_stewards):
    sam, bob, _guest = plan
    only_stewards("search")
    with pytest.raises(NotFound):
        search.search_site(db, bob, site="sam", query="trampoline")
    assert search.search_all(db, bob, query="trampoline").hits == []
    _, found = search.search_site(db, sam, site="sam", query="trampoline")
    assert found.hits


def test_a_reader_may_export_what_they_read_and_a_guest_link_may_not(plan, db):
    _sam, bob, guest = plan
    made = transfer.export_site(db, bob, site="sam")
    assert made.data and not made.full
    made.path.unlink()
    with pytest.raises(NotFound):
        transfer.export_site(db, guest, site="sam")


def test_export_asks_the_rule_book(plan, db, only_stewards):
    sam, bob, _guest = plan
    only_stewards("export")
    with pytest.raises(NotFound):
        transfer.export_site(db, bob, site="sam")
    made = transfer.export_site(db, sam, site="sam")
    assert made.data
    made.path.unlink()
