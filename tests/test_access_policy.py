"""Unit tests of the one policy point, ``wiki.access``: who may do what to which section, now.

The pure decision (``decide``/``allowed``/``explain``) is tested with hand-made grant rows;
the second half checks that the rows the store hands it (``site_for``) are exactly the
actor's own and their groups' grants, and only while they are in the circle.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wiki import access, accounts, clock, store
from wiki.errors import NotFound
from wiki.models import ANONYMOUS, Actor, Capability, GrantRow
from wiki.store import circle

SITE_ID, OWNER_ID = 7, 1
ALICE = Actor(user_id=2, email="alice@example.org", name="Alice")
OWNER = Actor(user_id=OWNER_ID, email="owner@example.org", name="Owner")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SECTIONS = ["about-me", "budget", "health", "education"]


def g(
    section: str, capability: str, expires_at: str | None = None, *, group: str | None = None
) -> GrantRow:
    return GrantRow(section, Capability.parse(capability), expires_at,
                    user_id=None if group else ALICE.user_id, group_key=group)  # fmt: skip


def decide(actor: Actor, *grants: GrantRow, at: datetime | None = None, site_id: int = SITE_ID):
    return access.decide(actor, site_id=site_id, owner_id=OWNER_ID, grants=list(grants), at=at)


def caps(acc) -> dict[str, str]:
    return {s: access.level_name(acc, s) for s in SECTIONS}


# ---- the pure decision ---------------------------------------------------------------------


def test_the_owner_may_manage_every_section_even_with_no_grants():
    acc = decide(OWNER)
    assert access.role(acc) == "owner" and access.is_steward(acc)
    assert caps(acc) == dict.fromkeys(SECTIONS, "manage")
    assert access.allowed(acc, "share", "a-section-added-later")
    assert access.allowed(acc, "see-sharing") and access.allowed(acc, "share", "*")


def test_the_owner_ignores_grant_rows_that_would_lower_them():
    acc = decide(OWNER, g("budget", "view"))
    assert access.level(acc, "budget") is Capability.MANAGE


def test_default_is_deny_for_a_signed_in_person_with_no_grants():
    acc = decide(ALICE)
    assert caps(acc) == dict.fromkeys(SECTIONS, "none")
    assert access.visible_sections(acc, SECTIONS) == []
    assert not access.allowed(acc, "see-sharing")
    assert not access.allowed(acc, "share", "about-me") and not access.allowed(acc, "share", "*")


def test_a_person_grant_opens_exactly_its_section():
    acc = decide(ALICE, g("about-me", "view"))
    assert caps(acc) == {
        "about-me": "view",
        "budget": "none",
        "health": "none",
        "education": "none",
    }
    assert access.allowed(acc, "view", "about-me")
    assert not access.allowed(acc, "edit", "about-me")
    assert access.visible_sections(acc, SECTIONS) == ["about-me"]


def test_a_group_grant_counts_like_a_person_grant():
    acc = decide(ALICE, g("health", "edit", group="health"))
    assert caps(acc)["health"] == "edit"
    assert access.allowed(acc, "view", "health") and access.allowed(acc, "edit", "health")
    assert not access.allowed(acc, "share", "health")


def test_a_star_grant_covers_every_section_including_new_ones():
    acc = decide(ALICE, g("*", "view", group="social-care"))
    assert caps(acc) == dict.fromkeys(SECTIONS, "view")
    assert access.allowed(acc, "view", "a-section-added-later")
    assert not access.is_steward(acc)


def test_the_strongest_of_several_grants_wins_whatever_their_order():
    rows = [g("*", "view", group="social-care"), g("budget", "edit"), g("budget", "view", group="family"),
            g("health", "manage", group="health"), g("health", "view")]  # fmt: skip
    for ordering in (rows, rows[::-1], rows[2:] + rows[:2]):
        acc = decide(ALICE, *ordering)
        assert caps(acc) == {
            "about-me": "view",
            "budget": "edit",
            "health": "manage",
            "education": "view",
        }


def test_a_section_grant_never_lowers_a_star_grant():
    acc = decide(ALICE, g("*", "edit"), g("budget", "view"))
    assert access.level(acc, "budget") is Capability.EDIT


def test_manage_everywhere_makes_a_steward_and_manage_on_one_section_does_not():
    steward = decide(ALICE, g("*", "manage"))
    assert (
        access.is_steward(steward)
        and access.allowed(steward, "see-sharing")
        and access.allowed(steward, "share", "*")
    )
    assert access.role(steward) != "owner"
    section_manager = decide(ALICE, g("health", "manage"))
    assert not access.is_steward(section_manager) and not access.allowed(
        section_manager, "see-sharing"
    )
    assert access.allowed(section_manager, "share", "health")
    assert not access.allowed(section_manager, "share", "budget")
    assert not access.allowed(section_manager, "share", "*")


def test_edit_everywhere_is_not_enough_to_share():
    acc = decide(ALICE, g("*", "edit"))
    assert not access.is_steward(acc)
    assert not access.allowed(acc, "share", "about-me") and not access.allowed(acc, "share", "*")


@pytest.mark.parametrize("offset, live", [
    (timedelta(microseconds=-1), True),  # one microsecond before the end: still works
    (timedelta(0), False),  # the very moment it ends: gone
    (timedelta(microseconds=1), False),
    (timedelta(days=365), False),
])  # fmt: skip
def test_an_expiring_grant_stops_exactly_at_its_end(offset: timedelta, live: bool):
    ends = NOW + timedelta(hours=1)
    clock.freeze(ends + offset)
    acc = decide(ALICE, g("budget", "edit", clock.iso(ends)))
    assert access.level(acc, "budget") is (Capability.EDIT if live else Capability.NONE)


def test_an_expired_grant_leaves_the_live_ones_in_force():
    ends = clock.iso(NOW)
    clock.freeze(NOW)
    acc = decide(ALICE, g("budget", "manage", ends), g("budget", "view"), g("*", "manage", ends))
    assert access.level(acc, "budget") is Capability.VIEW
    assert not access.is_steward(acc)


def test_the_moment_can_be_given_instead_of_the_clock():
    ends = NOW + timedelta(days=3)
    row = g("health", "view", clock.iso(ends))
    clock.freeze(
        NOW + timedelta(days=30)
    )  # the clock is past the end, but we ask about an earlier moment
    assert (
        access.level(decide(ALICE, row, at=ends - timedelta(seconds=1)), "health")
        is Capability.VIEW
    )
    assert access.level(decide(ALICE, row, at=ends), "health") is Capability.NONE
    assert access.level(decide(ALICE, row), "health") is Capability.NONE


def test_a_guest_link_reads_its_one_section_and_nothing_else():
    guest = Actor(guest_link_id=5, guest_site_id=SITE_ID, guest_section="about-me", name="Guest")
    acc = decide(guest, g("*", "manage"))  # grant rows can never widen a guest
    assert caps(acc) == {
        "about-me": "view",
        "budget": "none",
        "health": "none",
        "education": "none",
    }
    assert not access.allowed(acc, "edit", "about-me")
    assert not access.is_steward(acc) and access.role(acc) != "owner"
    assert not access.allowed(acc, "share", "about-me")


def test_a_guest_link_opens_nothing_on_another_site():
    guest = Actor(guest_link_id=5, guest_site_id=SITE_ID + 1, guest_section="about-me")
    assert caps(decide(guest)) == dict.fromkeys(SECTIONS, "none")


def test_a_guest_link_with_a_user_id_still_counts_only_as_a_guest():
    # Even if someone built an actor that carried both, the guest window must not become the owner.
    odd = Actor(user_id=OWNER_ID, guest_link_id=5, guest_site_id=SITE_ID, guest_section="about-me")
    acc = decide(odd)
    assert access.role(acc) != "owner"
    assert caps(acc)["budget"] == "none"


def test_anonymous_sees_nothing_whatever_rows_are_passed():
    acc = decide(ANONYMOUS, g("*", "manage"))
    assert caps(acc) == dict.fromkeys(SECTIONS, "none")
    assert not access.is_steward(acc)


# ---- the rows the store gives the policy ----------------------------------------------------


@pytest.fixture
def plan(db):
    owner, alice, bob = (_account(db, name) for name in ("Olive", "Alice", "Bob"))
    store.create_site(db, owner, slug="olive", title="Olive's plan")
    circle.add_member(
        db, owner, site="olive", email=alice.email, relationship="aunt", groups=["family"]
    )
    circle.add_member(
        db, owner, site="olive", email=bob.email, relationship="friend", groups=["friends"]
    )
    return owner, alice, bob


def _account(db, name: str) -> Actor:
    """An account without a password (quick to make; nobody signs in here)."""
    made = accounts.create_user(db, email=f"{name.lower()}@example.org", name=name)
    return Actor(user_id=made.id, email=made.email, name=made.name)


def on_site(db, actor: Actor) -> dict[str, str]:
    try:
        ctx = store.site_for(db, actor, "olive")
    except NotFound:
        return {}
    return {s.key: ctx.level(s.key) for s in ctx.sections}


def test_site_for_counts_my_groups_grants_and_not_other_groups(db, plan):
    owner, alice, bob = plan
    circle.add_grant(db, owner, site="olive", section="health", capability="view", group="family")
    circle.add_grant(db, owner, site="olive", section="budget", capability="edit", group="friends")
    circle.add_grant(
        db, owner, site="olive", section="about-me", capability="edit", person=alice.email
    )
    assert on_site(db, alice) == {"about-me": "edit", "health": "view"}
    assert on_site(db, bob) == {"budget": "edit"}


def test_site_for_forgets_group_grants_once_i_leave_the_group(db, plan):
    owner, alice, _ = plan
    circle.add_grant(db, owner, site="olive", section="health", capability="view", group="family")
    circle.set_member_groups(db, owner, site="olive", email=alice.email, groups=[])
    assert on_site(db, alice) == {}


def test_site_for_forgets_every_grant_once_i_leave_the_circle(db, plan):
    owner, alice, _ = plan
    circle.add_grant(db, owner, site="olive", section="*", capability="view", group="family")
    circle.add_grant(
        db, owner, site="olive", section="health", capability="edit", person=alice.email
    )
    circle.remove_member(db, owner, site="olive", email=alice.email)
    assert on_site(db, alice) == {}
    # and coming back into the same group does not bring the personal grant back
    circle.add_member(db, owner, site="olive", email=alice.email, groups=["family"])
    assert set(on_site(db, alice).values()) == {"view"}


def test_a_site_where_i_have_nothing_does_not_exist_for_me(db, plan):
    stranger = _account(db, "Stranger")
    for who in (stranger, ANONYMOUS, plan[1]):
        with pytest.raises(NotFound):
            store.site_for(db, who, "olive")
    with pytest.raises(NotFound):
        store.site_for(db, plan[0], "no-such-site")


def test_the_owner_sees_every_section_through_site_for(db, plan):
    owner = plan[0]
    assert set(on_site(db, owner).values()) == {"manage"}
    assert len(on_site(db, owner)) == 8
