"""One-line fields stay on one line (issue #25).

A name with a line break in it ("Eve\\r\\nBcc: ...") would end an email header early: the
share email failed and the share answered 500 although its grant was saved. Names, titles,
relationships and labels refuse control characters at the model, and the store enforces it
for every caller: the account page, the API, the sharing form, an invitation, the CLI.
"""

from __future__ import annotations

import pytest
from conftest import post_form

from wiki import accounts, mail
from wiki.errors import Invalid
from wiki.store import circle, invitations, links, sites

EVIL = "Eve\r\nBcc: everyone@elsewhere.example"


@pytest.mark.parametrize("name", [EVIL, "Eve\nSmith", "Eve\x00", "Eve\u2028Smith", "Eve\tSmith"])
def test_an_account_cannot_be_made_with_a_name_on_two_lines(db, name):
    with pytest.raises(Invalid):
        accounts.create_user(db, email="eve@example.org", name=name, password=None)
    assert accounts.find_user(db, "eve@example.org") is None


def test_a_name_with_accents_and_an_apostrophe_is_fine(db):
    user = accounts.create_user(db, email="sian@example.org", name="Siân O'Neil-Jones")
    assert user.name == "Siân O'Neil-Jones"


def test_the_account_page_refuses_a_new_name_on_two_lines_and_keeps_the_old(people, db):
    eve = people.add("Eve")
    client = people.client(eve)
    response = post_form(client, "/account/name", {"name": EVIL}, page="/account")
    assert response.status_code in (400, 422), response.text
    assert accounts.find_user(db, eve.email).name == "Eve"  # type: ignore[union-attr]


def test_a_sign_in_provider_name_on_two_lines_is_made_one_line_not_refused(db):
    user = accounts.sign_in_by_verified_email(db, "eve@example.org", EVIL)
    assert user.name == "Eve Bcc: everyone@elsewhere.example"


@pytest.mark.parametrize("email", ["a b@example.org", "eve@example.org\r\nBcc: x@y.z"])
def test_an_email_address_with_spaces_or_line_breaks_is_refused(db, email):
    with pytest.raises(Invalid):
        accounts.normalise_email(email)


def test_titles_relationships_labels_and_names_in_the_store_are_one_line(people, db):
    ava = people.add("Ava")
    sam = people.add("Sam")
    with pytest.raises(Invalid):
        sites.create_site(db, ava, slug="ava", title="Ava's\nplan")
    with pytest.raises(Invalid):
        sites.create_site(db, ava, slug="eli", title="Eli's plan", for_name=EVIL)
    sites.create_site(db, ava, slug="ava", title="Ava's plan")
    with pytest.raises(Invalid):
        circle.add_member(db, ava, site="ava", email=sam.email, relationship="friend\r\nBcc: x")
    with pytest.raises(Invalid):
        invitations.create_invitation(db, ava, site="ava", email="new@example.org", name=EVIL)
    with pytest.raises(Invalid):
        links.create_guest_link(db, ava, site="ava", section="about-me", label="a\nb")
    assert circle.list_members(db, ava, site="ava") == []
    assert mail.outbox(db) == []


def test_the_api_refuses_a_relationship_on_two_lines_with_422(people, db):
    ava = people.add("Ava")
    sites.create_site(db, ava, slug="ava", title="Ava's plan")
    token = accounts.create_token(db, accounts.find_user(db, ava.email))  # type: ignore[arg-type]
    client = people.client()
    response = client.post(
        "/api/v1/sites/ava/invitations",
        json={"email": "new@example.org", "relationship": "friend\r\nBcc: x@y.z"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.text
    assert mail.outbox(db) == []
