"""A plan always keeps someone who can manage it (issue #25).

The young person who owns it can always manage it; while a plan made for someone has no
owner yet, at least one steward must stay — through a personal grant or a group's. Each
change that could take the last one away is tried from both sides: refused when it would
leave nobody, allowed when someone else still manages the plan. A refused change leaves
everything as it was (it runs in the write transaction and is rolled back).
"""

from __future__ import annotations

import pytest

from wiki.errors import Forbidden, NotFound
from wiki.store import circle, sites
from wiki.store.context import site_for


def made_for_ellis(people, db):
    """Claire makes a plan for Ellis, who has no account yet: Claire is its only steward."""
    claire = people.add("Claire")
    sites.create_site(
        db, claire, slug="ellis", title="Ellis's plan", for_email="ellis@example.org",
        for_name="Ellis",
    )  # fmt: skip
    return claire


def grant_id(db, claire, *, person=None, group=None, section="*", capability="manage"):
    for grant in circle.list_grants(db, claire, site="ellis"):
        if (grant.person, grant.group, grant.section, grant.capability) == (
            person, group, section, capability,
        ):  # fmt: skip
            return grant.id
    raise AssertionError("no such grant")


def test_the_only_steward_of_a_plan_with_no_owner_cannot_remove_herself(people, db):
    claire = made_for_ellis(people, db)
    with pytest.raises(Forbidden):
        circle.remove_member(db, claire, site="ellis", email=claire.email)
    # Nothing changed: she still runs the plan for Ellis.
    assert site_for(db, claire, "ellis").allows("manage-circle")


def test_the_only_steward_cannot_revoke_her_own_manage_everything_grant(people, db):
    claire = made_for_ellis(people, db)
    mine = grant_id(db, claire, person=claire.email)
    with pytest.raises(Forbidden):
        circle.revoke_grant(db, claire, site="ellis", grant_id=mine)
    assert site_for(db, claire, "ellis").allows("manage-circle")


def test_a_second_steward_lets_the_first_step_down(people, db):
    claire = made_for_ellis(people, db)
    dad = people.add("Dad")
    circle.add_member(db, claire, site="ellis", email=dad.email, relationship="Dad")
    circle.add_grant(db, claire, site="ellis", section="*", capability="manage", person=dad.email)
    circle.remove_member(db, claire, site="ellis", email=claire.email)
    with pytest.raises(NotFound):
        site_for(db, claire, "ellis")
    assert site_for(db, dad, "ellis").allows("manage-circle")


def test_a_steward_through_a_group_counts_and_the_last_group_stays(people, db):
    claire = made_for_ellis(people, db)
    circle.add_group(db, claire, site="ellis", key="parents", title="Parents")
    circle.set_member_groups(db, claire, site="ellis", email=claire.email, groups=["parents"])
    circle.add_grant(db, claire, site="ellis", section="*", capability="manage", group="parents")
    # Her own grant can go now: the parents group still makes her a steward.
    circle.revoke_grant(
        db, claire, site="ellis", grant_id=grant_id(db, claire, person=claire.email)
    )
    assert site_for(db, claire, "ellis").allows("manage-circle")
    # But not the group's grant, nor leaving the group: then nobody would manage the plan.
    with pytest.raises(Forbidden):
        circle.revoke_grant(
            db, claire, site="ellis", grant_id=grant_id(db, claire, group="parents")
        )
    with pytest.raises(Forbidden):
        circle.set_member_groups(db, claire, site="ellis", email=claire.email, groups=[])
    assert circle.list_members(db, claire, site="ellis")[0].groups == ["parents"]


def test_an_expired_steward_grant_does_not_count_as_a_manager(people, db):
    from datetime import timedelta

    from wiki import clock

    claire = made_for_ellis(people, db)
    dad = people.add("Dad")
    circle.add_member(db, claire, site="ellis", email=dad.email, relationship="Dad")
    soon = clock.iso(clock.now() + timedelta(days=1))
    circle.add_grant(
        db, claire, site="ellis", section="*", capability="manage", person=dad.email,
        expires_at=soon,
    )  # fmt: skip
    clock.freeze(clock.now() + timedelta(days=2))
    with pytest.raises(Forbidden):
        circle.remove_member(db, claire, site="ellis", email=claire.email)


def test_on_an_owned_plan_the_last_steward_may_step_down_the_owner_still_manages(people, db):
    rhys = people.add("Rhys")
    mum = people.add("Mum")
    sites.create_site(db, rhys, slug="rhys", title="Rhys's plan")
    circle.add_member(db, rhys, site="rhys", email=mum.email, relationship="Mum")
    circle.add_grant(db, rhys, site="rhys", section="*", capability="manage", person=mum.email)
    circle.remove_member(db, mum, site="rhys", email=mum.email)
    assert site_for(db, rhys, "rhys").allows("manage-circle")


def test_removing_the_last_steward_through_the_sharing_page_says_why(people, db):
    from conftest import post_form

    claire = made_for_ellis(people, db)
    client = people.client(claire)
    response = post_form(
        client, "/s/ellis/sharing", {"action": "remove-member", "email": claire.email},
        page="/s/ellis/sharing",
    )  # fmt: skip
    assert response.status_code == 403
    assert "Nobody else can manage this plan" in response.text
    assert client.get("/s/ellis").status_code == 200


def test_the_api_refuses_the_last_stewards_own_revoke_with_403_and_the_plan_stays(people, db):
    """Issue #25: the API answered 204, and the plan then answered 404 to everyone."""
    claire = made_for_ellis(people, db)
    api = people.api(claire)
    answer = api.delete(f"/api/v1/sites/ellis/grants/{grant_id(db, claire, person=claire.email)}")
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "forbidden"
    assert api.get("/api/v1/sites/ellis").status_code == 200
    gone = api.delete(f"/api/v1/sites/ellis/members/{claire.email}")
    assert gone.status_code == 403 and api.get("/api/v1/sites/ellis").status_code == 200
