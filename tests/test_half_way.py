"""A failure half-way through a write that changes several rows leaves nothing changed
(issue #25).

The failure is real: an SQLite trigger aborts the statement that would write the second or
later row (as a full disk or a crash would), and the test checks that the rows written
before it in the same call were rolled back with it.
"""

from __future__ import annotations

import sqlite3

import pytest

from wiki.store import circle, sites


def fail_when(db, table: str, event: str, condition: str) -> None:
    with db.write():
        db.execute(
            f"CREATE TRIGGER half_way BEFORE {event} ON {table} WHEN {condition}"
            " BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
        )


@pytest.fixture
def plan(people, db):
    ava, mo = people.add("Ava"), people.add("Mo")
    sites.create_site(db, ava, slug="ava", title="Ava's plan")
    for key, title in (("carers", "Carers"), ("coaches", "Coaches")):
        circle.add_group(db, ava, site="ava", key=key, title=title)
    circle.add_member(db, ava, site="ava", email=mo.email, relationship="mum", groups=["family"])
    circle.add_grant(db, ava, site="ava", section="about-me", capability="edit", person=mo.email)
    return ava, mo


def groups_of(db, ava, email):
    return next(m.groups for m in circle.list_members(db, ava, site="ava") if m.email == email)


def test_moving_someone_between_groups_fails_whole(plan, db):
    ava, mo = plan
    fail_when(db, "member_groups", "INSERT", "NEW.group_key = 'coaches'")
    with pytest.raises(sqlite3.DatabaseError):
        circle.set_member_groups(db, ava, site="ava", email=mo.email, groups=["carers", "coaches"])
    assert groups_of(db, ava, mo.email) == ["family"]


def test_adding_someone_in_two_groups_fails_whole(plan, people, db):
    ava, _ = plan
    sam = people.add("Sam")
    fail_when(db, "member_groups", "INSERT", "NEW.group_key = 'coaches'")
    with pytest.raises(sqlite3.DatabaseError):
        circle.add_member(db, ava, site="ava", email=sam.email, relationship="x",
                          groups=["carers", "coaches"])  # fmt: skip
    assert [m.email for m in circle.list_members(db, ava, site="ava")] == [plan[1].email]


def test_taking_someone_out_of_the_circle_fails_whole(plan, db):
    ava, mo = plan
    fail_when(db, "grants", "DELETE", "1")
    with pytest.raises(sqlite3.DatabaseError):
        circle.remove_member(db, ava, site="ava", email=mo.email)
    assert groups_of(db, ava, mo.email) == ["family"]
    assert [g.person for g in circle.list_grants(db, ava, site="ava")] == [mo.email]
