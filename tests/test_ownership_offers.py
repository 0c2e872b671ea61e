"""A plan that changes hands honestly (issues #23, #25): only the person a plan was made for
may take it; the offer can be declined; the people who looked after it are told either way;
a link that no longer works says why.

The store is called directly as well as through the pages, so a rule kept only by a route
would show here.
"""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
import test_ownership as owned
import test_sharing_flows as flows
from conftest import csrf_of, post_form
from test_ownership import bearer, offer_token

from wiki import accounts, clock, mail
from wiki.errors import Forbidden, Invalid
from wiki.models import Preferences
from wiki.store import circle, invitations, links, oversight, ownership
from wiki.templates import available_themes

made = owned.made  # a fixture shared with test_ownership


def owner_of(people, db, who) -> str | None:
    return people.client().get("/api/v1/sites/ellis", headers=bearer(db, who)).json()["owner"]


# ---- only the person the plan was made for may take it (issue #25) ---------------------------


def test_the_maker_cannot_send_the_offer_to_her_own_address_and_take_the_plan(made, people, db):
    mum, _ = made
    childs = offer_token(db)
    client = people.client(mum)
    tried = post_form(client, "/s/ellis/owner", {"action": "offer", "email": mum.email,
                                                 "name": "Ellis"}, page="/s/ellis/owner")  # fmt: skip
    assert tried.status_code == 422
    assert "only the person the plan is for can take it" in tried.text
    assert mail.outbox(db, limit=1)[0]["to_address"] == "ellis@example.org"  # nothing sent to her
    # The child's offer still stands, and the child can still take the plan.
    assert ownership.open_offer(db, childs).email == "ellis@example.org"
    ellis = people.add("Ellis")
    ownership.accept_offer(db, ellis, childs)
    assert owner_of(people, db, mum) == ellis.email


def test_the_store_refuses_an_offer_to_the_address_of_anyone_who_looks_after_the_plan(
    made, people, db
):
    mum, _ = made
    dad = people.add("Dad")
    circle.add_member(db, mum, site="ellis", email=dad.email)
    circle.add_grant(db, mum, site="ellis", section="*", capability="manage", person=dad.email)
    for address in (mum.email, mum.email.upper(), dad.email):
        with pytest.raises(Invalid):
            ownership.offer_plan(db, mum, site="ellis", email=address)
        with pytest.raises(Invalid):
            ownership.offer_plan(db, dad, site="ellis", email=address)
    # A friend who only reads is not looking after it: a corrected address may be theirs.
    friend = people.add("Friend")
    circle.add_member(db, mum, site="ellis", email=friend.email)
    circle.add_grant(db, mum, site="ellis", section="*", capability="view", person=friend.email)
    assert ownership.offer_plan(db, mum, site="ellis", email=friend.email).email == friend.email


def test_a_steward_cannot_accept_an_offer_made_out_to_her_in_the_store(made, people, db):
    """An offer to a corrected address, whose owner became a steward afterwards (or through a
    group): the store itself refuses her, whoever calls it."""
    mum, _ = made
    nan = people.add("Nan")
    offer = ownership.offer_plan(db, mum, site="ellis", email=nan.email)
    circle.add_member(db, mum, site="ellis", email=nan.email, groups=["family"])
    circle.add_grant(db, mum, site="ellis", section="*", capability="manage", group="family")
    assert offer.token is not None
    with pytest.raises(Forbidden, match="Only the person it was made for"):
        ownership.accept_offer(db, nan, offer.token)
    assert owner_of(people, db, mum) is None
    assert not any(
        e.action == "take-ownership" for e in oversight.list_audit(db, mum, site="ellis")
    )
    # Once she no longer looks after it, the offer made out to her is hers to take.
    circle.set_member_groups(db, mum, site="ellis", email=nan.email, groups=[])
    ownership.accept_offer(db, nan, offer.token)
    assert owner_of(people, db, mum) == nan.email


def test_the_maker_cannot_accept_through_the_page_either(made, people, db):
    mum, _ = made
    dad = people.add("Dad")
    offer = ownership.offer_plan(db, mum, site="ellis", email=dad.email)
    circle.add_member(db, mum, site="ellis", email=dad.email)
    circle.add_grant(db, mum, site="ellis", section="*", capability="manage", person=dad.email)
    dads = people.client(dad)
    door = dads.get(f"/own/{offer.token}")
    refused = dads.post(f"/own/{offer.token}", data={"csrftoken": csrf_of(door.text)})
    assert refused.status_code == 403 and "Only the person it was made for" in refused.text
    assert owner_of(people, db, mum) is None


# ---- "No thanks", and the people who looked after it are told (issue #23) -------------------

smtp = flows.smtp  # a real SMTP server (aiosmtpd) that keeps what it is sent


def test_ellis_says_no_thanks_with_the_link_and_mum_is_told(made, people, db, smtp):
    mum, _ = made
    token = offer_token(db)
    ellis = people.client()  # no account, not signed in: the link is enough to say no
    door = ellis.get(f"/own/{token}")
    assert "No thanks" in door.text and "we tell Mum" in door.text
    answered = ellis.post(f"/own/{token}", data={"answer": "no", "csrftoken": csrf_of(door.text)})
    assert answered.status_code == 200 and "You said no thanks" in answered.text
    assert "We have told Mum" in answered.text
    assert accounts.find_user(db, "ellis@example.org") is None  # no account was made
    told = [m for m in smtp.messages if m["To"] == mum.email]
    assert [m["Subject"] for m in told] == ["Ellis said no thanks to “Ellis's plan”"]
    assert "/s/ellis/owner" in told[0].get_content()
    again = people.client().get(f"/own/{token}")
    assert again.status_code == 404 and "You said no thanks to this plan" in again.text
    assert "copied all of it" not in again.text
    site = people.client().get("/api/v1/sites/ellis", headers=bearer(db, mum)).json()
    assert (site["owner"], site["pending_owner"]) == (None, None)
    owner_page = people.client(mum).get("/s/ellis/owner").text
    assert "Waiting for an answer" not in owner_page
    assert "The offer to ellis@example.org was turned down: they said no thanks." in owner_page
    [said] = [e for e in oversight.list_audit(db, mum, site="ellis") if e.action == "decline-offer"]
    assert (said.who, said.detail) == (
        "the person it was offered to",
        "ellis@example.org said no thanks to the plan",
    )


@pytest.mark.usefixtures("made")
def test_only_the_person_it_was_sent_to_can_say_no_thanks(people, db):
    token = offer_token(db)
    stranger = people.client(people.add("Stranger"))
    door = stranger.get(f"/own/{token}")
    assert door.status_code == 403 and "No thanks" not in door.text
    tried = stranger.post(f"/own/{token}", data={"answer": "no", "csrftoken": csrf_of(door.text)})
    assert tried.status_code == 403
    with pytest.raises(Forbidden):
        ownership.decline_offer(db, people.add("Other"), token)
    assert ownership.open_offer(db, token).email == "ellis@example.org"


def test_when_ellis_accepts_everyone_who_looked_after_the_plan_is_told_what_they_keep(
    made, people, db, smtp
):
    mum, _ = made
    dad, friend = people.add("Dad"), people.add("Friend")
    for who, cap in ((dad, "manage"), (friend, "view")):
        circle.add_member(db, mum, site="ellis", email=who.email)
        circle.add_grant(db, mum, site="ellis", section="*", capability=cap, person=who.email)
    token = offer_token(db)
    ellis = people.client()
    door = ellis.get(f"/own/{token}")
    done = ellis.post(f"/own/{token}", data={"name": "Ellis", "password": owned.PASSWORD,
                                             "csrftoken": csrf_of(door.text)})  # fmt: skip
    assert done.status_code == 303
    told = {m["To"]: m for m in smtp.messages if "has accepted" in m["Subject"]}
    assert set(told) == {mum.email, dad.email}  # not the friend, not Ellis
    for message in told.values():
        assert message["Subject"] == "Ellis has accepted “Ellis's plan”"
        text = message.get_content()
        assert "You can still read, change and share every part, until Ellis changes that" in text


# ---- a link that no longer works says why (issue #23) ----------------------------------------


def test_a_cancelled_or_replaced_or_expired_invitation_says_so(made, people, db):
    mum, _ = made
    first = invitations.create_invitation(
        db, mum, site="ellis", email="nia@example.org", name="Nia"
    )
    invitations.cancel_invitation(db, mum, site="ellis", invite_id=first.id)
    cancelled = people.client().get(f"/invite/{first.token}")
    assert cancelled.status_code == 404 and "This invitation was cancelled" in cancelled.text
    assert "copied all of it" not in cancelled.text
    second = invitations.create_invitation(
        db, mum, site="ellis", email="nia@example.org", name="Nia"
    )
    newer = invitations.resend_invitation(db, mum, site="ellis", invite_id=second.id)
    replaced = people.client().get(f"/invite/{second.token}")
    assert replaced.status_code == 404 and "A newer invitation was sent to you" in replaced.text
    assert people.client().get(f"/invite/{newer.token}").status_code == 200
    clock.freeze(clock.now() + timedelta(days=invitations.INVITE_DAYS, minutes=1))
    expired = people.client().get(f"/invite/{newer.token}")
    assert expired.status_code == 404 and "This invitation has expired" in expired.text
    unknown = people.client().get("/invite/not-a-real-link-at-all-0000000000")
    assert "Check you copied all of it" in unknown.text


def test_a_taken_back_or_expired_offer_says_so(made, people, db):
    mum, _ = made
    token = offer_token(db)
    ownership.withdraw_offer(db, mum, site="ellis")
    assert "This offer was taken back" in people.client().get(f"/own/{token}").text
    again = ownership.offer_plan(db, mum, site="ellis", email="ellis@example.org")
    clock.freeze(clock.now() + timedelta(days=ownership.OFFER_DAYS, minutes=1))
    assert "This link has expired" in people.client().get(f"/own/{again.token}").text


# ---- every sentence about the plan is true for its reader (issue #23) ------------------------


def test_after_accepting_ellis_sees_who_else_can_still_reach_the_plan_by_name(made, people, db):
    mum, _ = made
    dad = people.add("Dad")
    circle.add_member(db, mum, site="ellis", email=dad.email, relationship="dad", groups=["family"])
    circle.add_grant(db, mum, site="ellis", section="about-me", capability="view", group="family")
    links.create_guest_link(db, mum, site="ellis", section="about-me", label="swimming club")
    invitations.create_invitation(db, mum, site="ellis", email="nia@example.org", name="Nia",
                            grants=[{"section": "health", "capability": "view"}])  # fmt: skip
    ellis = people.add("Ellis")
    ellis_client = people.client(ellis)
    token = offer_token(db)
    door = ellis_client.get(f"/own/{token}")
    done = ellis_client.post(f"/own/{token}", data={"csrftoken": csrf_of(door.text)})
    home = " ".join(ellis_client.get(done.headers["location"]).text.split())
    assert "This plan is now yours" in home
    assert "Nobody" not in home
    assert "Who else can see your plan now" in home
    listed = home[home.find("others-title") :]
    mum_line = "<strong>Mum</strong> (made the plan) can read, change and share every part."
    assert mum_line in listed
    assert listed.index(mum_line) < listed.index("<strong>Dad</strong>")  # who can share first
    assert "<strong>Dad</strong> (dad) can read About me." in home
    assert "A guest link, “swimming club”, can read About me until" in home
    assert "Nia is invited but has not joined yet. When they join, they can read Health." in home
    assert 'href="/s/ellis/sharing">Change this</a>' in home
    # Put the welcome away: the list still comes with "This plan is now yours".
    post_form(ellis_client, "/s/ellis/-/welcome", {"welcome": "hide"}, page="/s/ellis")
    again = " ".join(ellis_client.get("/s/ellis?done=owner").text.split())
    assert "<strong>Mum</strong> (made the plan) can read, change and share every part." in again


def test_a_young_person_nobody_else_can_reach_is_told_so(people, db):
    ola = people.add("Ola")
    people.client().post("/api/v1/sites", json={"slug": "ola", "title": "Ola's plan"},
                         headers=bearer(db, ola))  # fmt: skip
    home = people.client(ola).get("/s/ola").text
    assert "Nobody else can see it. You choose who can see each part." in home


def test_mum_after_ellis_accepts_is_not_told_she_shared_the_plan_with_herself(made, people, db):
    mum, _ = made
    dad = people.add("Dad")
    circle.add_member(db, mum, site="ellis", email=dad.email, groups=["family"])
    circle.add_grant(db, mum, site="ellis", section="about-me", capability="view", group="family")
    ownership.accept_offer(db, people.add("Ellis"), offer_token(db))
    mums = unescape(" ".join(people.client(mum).get("/s/ellis").text.split()))
    assert "Mum shared" not in mums and "shared these parts" not in mums
    assert "This is Ellis's plan. It is theirs: Ellis chooses who can see each part." in mums
    assert "you can read, change and share every part, until Ellis changes that" in mums
    dads = unescape(" ".join(people.client(dad).get("/s/ellis").text.split()))
    assert "Mum shared this part of Ellis's plan with you" in dads


def test_the_plan_list_never_says_a_child_without_an_account_shares_anything(made, people, db):
    mum, _ = made
    rhys = people.add("Rhys")
    circle.add_member(db, mum, site="ellis", email=rhys.email, groups=["family"])
    for section in ("about-me", "circle"):
        circle.add_grant(db, mum, site="ellis", section=section, capability="view", group="family")
    accounts.set_preferences(db, rhys, Preferences(easy_read=True), themes=available_themes())
    client = people.client(rhys)
    listed = " ".join(client.get("/").text.split())
    assert "Ellis shares" not in listed
    assert "You can see 2 parts of the plan of Ellis." in listed


@pytest.mark.parametrize(
    ("keep", "told"),
    [
        ("manage", "You can still read, change and share every part, until Sam changes that."),
        ("edit", "You can still read and change every part, until Sam changes that."),
        ("none", "You cannot see it any more."),
    ],
)
def test_an_owner_who_hands_her_plan_over_is_told_what_she_keeps(people, db, smtp, keep, told):
    ola, sam = people.add("Ola"), people.add("Sam")
    people.client().post("/api/v1/sites", json={"slug": "p", "title": "A plan"},
                         headers=bearer(db, ola))  # fmt: skip
    offer = ownership.hand_over(db, ola, site="p", email=sam.email, keep=keep)
    sams = people.client(sam)
    door = sams.get(f"/own/{offer.token}")
    assert (
        sams.post(f"/own/{offer.token}", data={"csrftoken": csrf_of(door.text)}).status_code == 303
    )
    [message] = [m for m in smtp.messages if m["To"] == ola.email]
    assert message["Subject"] == "Sam has accepted “A plan”"
    assert told in message.get_content()
