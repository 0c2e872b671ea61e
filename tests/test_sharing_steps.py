"""Sharing in three steps, who can see what in plain words, pending invitations, the
easy-read log, the weekly digest and the first-share email (issue #14).

Every journey here runs through the whole app without JavaScript (plain forms). The
last tests extend the grid idea to email: no words from a section reach anyone who may
not read it, through the digest, the first-share email or an invitation.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta
from typing import Any

import pytest
from conftest import csrf_of
from starlette.testclient import TestClient
from test_sharing_flows import (  # noqa: F401 - the smtp fixture is used by name
    CONTENT,
    SECTION_TITLES,
    SITE,
    T0,
    Inbox,
    Plan,
    build_plan,
    invitation_token,
    smtp,
)

from wiki import clock, mail
from wiki.store import activity, circle, invitations
from wiki.store.context import site_for


@pytest.fixture
def inbox(smtp: Inbox) -> Inbox:  # noqa: F811 - the fixture from test_sharing_flows
    return smtp


@pytest.fixture
def plan(app, db) -> Plan:
    clock.freeze(T0)
    return build_plan(app, db)


def visible_text(page: str) -> str:
    """What a person reads: the page without its tags, attributes and hidden form values."""
    body = page.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", body)))


def as_form(items: list[Any]) -> dict[str, list[str]]:
    """Repeated fields (ticked boxes) the way the test client takes them."""
    out: dict[str, list[str]] = {}
    for name, value in items:
        out.setdefault(name, []).append(str(value))
    return out


def step(client: TestClient, url: str, data: dict[str, Any] | list[Any]) -> object:
    """Post a form from the page at ``url`` the way a browser does (CSRF from that page)."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    items = list(data.items()) if isinstance(data, dict) else list(data)
    return client.post(url, data=as_form([*items, ("csrftoken", csrf_of(page.text))]))


def follow(client: TestClient, response) -> str:
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert page.status_code == 200, page.text
    return page.text


# ---- 1. three steps -------------------------------------------------------------------------


def test_the_owner_shares_in_three_steps_and_is_told_exactly_what_happened(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    home = owner.get(f"/s/{SITE}").text
    assert f'href="/s/{SITE}/sharing/new"' in home and "Share my plan" in home
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404

    # one page with three numbered steps, one submit
    form = owner.get(f"/s/{SITE}/sharing/new").text
    for legend in ("1. Who with?", "2. Which parts of the plan?", "3. What can they do?"):
        assert legend in form
    shared = step(owner, f"/s/{SITE}/sharing/new", [("who", f"person:{plan.ben.email}"),
                  ("sections", "health"), ("sections", "budget"), ("level", "view"),
                  ("until", "2027-03-01")])  # fmt: skip
    done = follow(owner, shared)
    said = visible_text(done)
    assert (
        f"Ben can now read {SECTION_TITLES['health']} and {SECTION_TITLES['budget']},"
        " until 1 March 2027." in said
    )
    assert "See it as Ben" in said and f'href="/s/{SITE}/view-as/{plan.ben.email}"' in done
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200

    # undo is right there, and takes exactly that back
    undo = owner.post(
        f"/s/{SITE}/sharing",
        data=as_form([("action", "undo-share"), *re.findall(r'name="(grants)" value="(\d+)"', done),
              ("csrftoken", csrf_of(done))]),
    )  # fmt: skip
    assert f"Ben can no longer see {SECTION_TITLES['health']}" in visible_text(follow(owner, undo))
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200  # the group's share stays


def test_help_write_and_a_group_and_a_section_chosen_from_a_link(plan: Plan):
    owner, cara = plan.client(plan.owner), plan.client(plan.cara)
    picked = owner.get(
        f"/s/{SITE}/sharing/new", params={"who": "group:school", "section": "budget"}
    )
    assert 'value="group:school" checked' in picked.text and 'value="budget" checked' in picked.text
    shared = step(owner, f"/s/{SITE}/sharing/new",
                  {"who": "group:school", "sections": "budget", "level": "edit"})  # fmt: skip
    said = visible_text(follow(owner, shared))
    assert f"can now read and help write {SECTION_TITLES['budget']}." in said
    assert cara.get(f"/s/{SITE}/budget/money/edit").status_code == 200


def test_a_missing_choice_is_refused_plainly_and_the_other_choices_are_kept(plan: Plan):
    owner = plan.client(plan.owner)
    before = plan.grants()
    refused = step(
        owner, f"/s/{SITE}/sharing/new", {"who": f"person:{plan.ben.email}", "level": "edit"}
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Tick at least one part of the plan" in refused.text  # type: ignore[attr-defined]
    assert f'value="person:{plan.ben.email}" checked' in refused.text  # type: ignore[attr-defined]
    assert 'value="edit" checked' in refused.text  # type: ignore[attr-defined]
    assert plan.grants() == before


def test_a_reader_cannot_use_the_three_steps(plan: Plan):
    ben = plan.client(plan.ben)
    assert ben.get(f"/s/{SITE}/sharing/new").status_code == 403
    token = csrf_of(ben.get(f"/s/{SITE}").text)
    posted = ben.post(f"/s/{SITE}/sharing/new", data={"who": f"person:{plan.cara.email}",
                      "sections": "about-me", "csrftoken": token})  # fmt: skip
    assert posted.status_code == 403
    assert plan.client(plan.stranger).get(f"/s/{SITE}/sharing/new").status_code == 404


# ---- someone new, and invitations waiting ------------------------------------------------------


def test_someone_new_is_invited_by_name_and_the_invitation_can_be_resent_and_cancelled(
    plan: Plan, inbox: Inbox
):
    owner = plan.client(plan.owner)
    invited = step(owner, f"/s/{SITE}/sharing/new", {"who": "new", "name": "Sami",
                   "email": "sami@example.org", "sections": "about-me", "level": "view"})  # fmt: skip
    said = visible_text(follow(owner, invited))
    assert "We have emailed an invitation to Sami" in said
    assert f"When Sami accepts, they can read {SECTION_TITLES['about-me']}." in said
    first = invitation_token(inbox.messages[-1].get_content())
    assert inbox.messages[-1].get_content().startswith("Hello Sami,")

    sharing = owner.get(f"/s/{SITE}/sharing").text
    waiting = visible_text(sharing).split("Invitations waiting", 1)[1].split("Guest links", 1)[0]
    assert "Sami" in waiting and "will be able to read About me" in waiting
    assert "@" not in waiting
    invite_id = invitations.list_invitations(plan.db, plan.owner, site=SITE)[0].id

    again = owner.post(f"/s/{SITE}/sharing", data={"action": "resend-invite", "invitation": invite_id,
                       "csrftoken": csrf_of(sharing)})  # fmt: skip
    assert "sent the invitation to Sami again" in follow(owner, again)
    second = invitation_token(inbox.messages[-1].get_content())
    assert second != first
    assert plan.client().get(f"/invite/{first}").status_code == 404  # the old link is dead
    assert plan.client().get(f"/invite/{second}").status_code == 200

    cancelled = owner.post(f"/s/{SITE}/sharing", data={"action": "cancel-invite",
                           "invitation": invite_id, "csrftoken": csrf_of(sharing)})  # fmt: skip
    assert "The invitation to Sami is cancelled" in follow(owner, cancelled)
    assert plan.client().get(f"/invite/{second}").status_code == 404
    assert invitations.list_invitations(plan.db, plan.owner, site=SITE) == []
    assert {"cancel-invite", "resend-invite"} <= {e.action for e in plan.audit()}


# ---- 2. who can see what ------------------------------------------------------------------------


def test_who_can_see_what_is_a_card_per_person_in_names_and_titles(plan: Plan):
    circle.add_grant(plan.db, plan.owner, site=SITE, section="health", capability="view",
                     person=plan.ben.email, expires_at="2027-03-01T23:59:59Z")  # fmt: skip
    page = plan.client(plan.owner).get(f"/s/{SITE}/sharing").text
    text = visible_text(page)
    assert "<table" not in page  # nothing to scroll sideways
    assert "@" not in text, "no email addresses on the page"
    assert "about-me" not in text and "view for" not in text, "rules in titles, never keys"
    assert "Ben can read Health, until 1 March 2027" in text
    assert "Ben can read About me (through the Friends group)" in text
    assert "Can read: About me, Health." in text  # folded, as the decisions are
    assert "Mo can read, change and share every part of the plan" in text
    assert "The Friends group can read About me" in text
    # every line a person was given has its own take-back button; group lines point to the group
    assert len(re.findall(r'name="action" value="take-back"', page)) == len(plan.grants())


def test_taking_a_share_back_is_one_click_with_a_confirmation_and_undo(plan: Plan):
    owner, cara = plan.client(plan.owner), plan.client(plan.cara)
    grant = plan.grant_id(group="school", section="education")
    page = owner.get(f"/s/{SITE}/sharing").text
    took = owner.post(f"/s/{SITE}/sharing", data={"action": "take-back", "grant": grant,
                      "csrftoken": csrf_of(page)})  # fmt: skip
    done = follow(owner, took)
    assert (
        f"The School or college group can no longer see {SECTION_TITLES['education']}."
        in visible_text(done)
    )
    assert cara.get(f"/s/{SITE}/education/school").status_code == 404
    undo = owner.post(f"/s/{SITE}/sharing", data=as_form([*re.findall(
        r'name="(action|who|r)" value="([^"]+)"', done), ("csrftoken", csrf_of(done))]))  # fmt: skip
    assert "can now read and help write Education" in visible_text(follow(owner, undo))
    assert cara.get(f"/s/{SITE}/education/school/edit").status_code == 200


def test_the_old_form_actions_still_work_and_the_table_is_one_link_away(plan: Plan):
    owner = plan.client(plan.owner)
    assert f'href="/s/{SITE}/sharing/table"' in owner.get(f"/s/{SITE}/sharing").text
    table = owner.get(f"/s/{SITE}/sharing/table")
    assert table.status_code == 200 and 'value="matrix"' in table.text


# ---- 3. the easy-read log ----------------------------------------------------------------------


def test_the_log_speaks_in_sentences_by_person_and_day_without_the_owners_own_views(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200
    assert owner.get(f"/s/{SITE}/health/medicines").status_code == 200
    page = owner.get(f"/s/{SITE}/audit").text
    text = visible_text(page)
    assert "Ben (friend)" in text and "Monday 23 November" in text
    assert "Ben looked at “All about Ava” in About me (2 times)." in text
    assert "Ava looked" not in text  # the owner's own views are hidden ...
    assert "@" not in text and "about-me" not in text
    everything = visible_text(owner.get(f"/s/{SITE}/audit", params={"mine": "1"}).text)
    assert "Ava looked at “Tablets and doses” in Health." in everything  # ... unless asked for
    assert "Show what I did too" in text and "Hide what I did" in everything


def test_an_attachment_is_named_by_its_caption_and_page_never_its_file_name(plan: Plan, app):
    from pathlib import Path

    from wiki.store import files

    wav = Path(__file__).parent / "fixtures" / "hello.wav"
    if not wav.exists():
        import io
        import wave

        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)  # type: ignore[func-returns-value]
            w.writeframes(b"\0\0" * 800)
        data = buffer.getvalue()
    else:
        data = wav.read_bytes()
    import io

    files.attach(plan.db, plan.mum, site=SITE, section="about-me", page="profile",
                 upload=io.BytesIO(data), filename="rhys-says-hello.wav", caption="Ava says hello",
                 files_dir=app.state.settings.files_path())  # fmt: skip
    text = visible_text(plan.client(plan.owner).get(f"/s/{SITE}/audit").text)
    assert "Mo added a recording to “Ava says hello” on “All about Ava” in About me." in text
    assert "rhys-says-hello" not in text and ".wav" not in text


def test_stop_sharing_with_a_person_from_the_log_takes_everything_back_with_undo(plan: Plan):
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    circle.add_grant(plan.db, plan.owner, site=SITE, section="health", capability="view",
                     person=plan.ben.email)  # fmt: skip
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200
    log = owner.get(f"/s/{SITE}/audit").text
    assert "Stop sharing with Ben" in log
    stopped = owner.post(f"/s/{SITE}/sharing", data={"action": "stop-sharing",
                         "email": plan.ben.email, "csrftoken": csrf_of(log)})  # fmt: skip
    done = follow(owner, stopped)
    assert "Ben can no longer see anything you shared with them." in visible_text(done)
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 404
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 404  # out of the friends group too
    undo = owner.post(f"/s/{SITE}/sharing", data=as_form([*re.findall(
        r'name="(action|who|r|grp)" value="([^"]+)"', done), ("csrftoken", csrf_of(done))]))  # fmt: skip
    assert undo.status_code == 303
    assert ben.get(f"/s/{SITE}/health/medicines").status_code == 200
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200


# ---- the weekly digest and the first-share email ------------------------------------------------


def turn_on_digest(client: TestClient) -> None:
    log = client.get(f"/s/{SITE}/audit").text
    on = client.post(f"/s/{SITE}/sharing", data={"action": "digest", "weekly": "on",
                     "csrftoken": csrf_of(log)})  # fmt: skip
    assert "The weekly email is on" in follow(client, on)


def test_the_weekly_digest_says_the_same_in_email_once_a_week(plan: Plan, inbox: Inbox):
    turn_on_digest(plan.client(plan.owner))
    assert activity.send_due_digests(plan.db) == 0  # nothing is due on the first day
    clock.freeze(T0 + timedelta(days=2))
    owner, ben = plan.client(plan.owner), plan.client(plan.ben)
    assert ben.get(f"/s/{SITE}/about-me/profile").status_code == 200
    assert owner.get(f"/s/{SITE}/health/medicines").status_code == 200
    clock.freeze(T0 + timedelta(days=7, hours=1))
    before = len(inbox.messages)
    assert activity.send_due_digests(plan.db) == 1
    assert activity.send_due_digests(plan.db) == 0  # idempotent: the week is sent once
    assert len(inbox.messages) == before + 1
    message = inbox.messages[-1]
    assert message["To"] == plan.owner.email
    body = message.get_content()
    assert "Ben (friend)" in body and "- Ben looked at About me on Wednesday 25 November." in body
    assert "All about Ava" not in body  # no page titles, no page text
    assert "Ava looked" not in body  # not her own views
    clock.freeze(T0 + timedelta(days=15))
    assert plan.client(plan.ben).get(f"/s/{SITE}/about-me/likes").status_code == 200
    assert activity.send_due_digests(plan.db) == 1  # the next week


def test_the_digest_command_sends_what_is_due(plan: Plan, inbox: Inbox, settings):
    from click.testing import CliRunner

    from wiki.cli import cli

    turn_on_digest(plan.client(plan.owner))
    clock.freeze(T0 + timedelta(hours=1))
    assert plan.client(plan.ben).get(f"/s/{SITE}/about-me/profile").status_code == 200
    clock.freeze(T0 + timedelta(days=8))
    first = CliRunner().invoke(cli, ["send-digests", "--db", str(settings.db)])
    again = CliRunner().invoke(cli, ["send-digests", "--db", str(settings.db)])
    assert first.output.strip() == "1 weekly email sent." and first.exit_code == 0
    assert again.output.strip() == "0 weekly emails sent."


def test_a_steward_made_a_reader_gets_no_digest_and_does_not_stop_the_owners(
    plan: Plan, inbox: Inbox, settings
):
    """Issue #25: Mo turned the weekly email on as a steward, then became a reader only.
    Her digest is not sent (the log is not hers to see now), and the owner's, after hers,
    still is: the command exits 0."""
    from click.testing import CliRunner

    from wiki.cli import cli

    turn_on_digest(plan.client(plan.mum))  # Mo's row comes first
    turn_on_digest(plan.client(plan.owner))
    mine = [g for g in circle.list_grants(plan.db, plan.owner, site=SITE)
            if g.person == plan.mum.email]  # fmt: skip
    circle.add_grant(plan.db, plan.owner, site=SITE, section="about-me", capability="view",
                     person=plan.mum.email)  # fmt: skip
    circle.revoke_grant(plan.db, plan.owner, site=SITE, grant_id=mine[0].id)
    clock.freeze(T0 + timedelta(hours=1))
    assert plan.client(plan.ben).get(f"/s/{SITE}/about-me/profile").status_code == 200
    clock.freeze(T0 + timedelta(days=8))
    before = len(inbox.messages)
    result = CliRunner().invoke(cli, ["send-digests", "--db", str(settings.db)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 weekly email sent."
    assert [m["To"] for m in inbox.messages[before:]] == [plan.owner.email]


def test_the_first_share_sends_a_short_email_naming_only_what_was_shared(plan: Plan, inbox: Inbox):
    owner = plan.client(plan.owner)
    before = len(inbox.messages)
    step(owner, f"/s/{SITE}/sharing/new", {"who": f"person:{plan.ben.email}", "sections": "health"})
    message = inbox.messages[-1]
    assert len(inbox.messages) == before + 1 and message["To"] == plan.ben.email
    assert message["Subject"] == "Ava has shared Health with you"
    assert "Ava has shared Health from Ava's plan with you" in message.get_content()
    # sharing it again, or something they can already read, sends nothing new
    step(owner, f"/s/{SITE}/sharing/new", {"who": f"person:{plan.ben.email}", "sections": "health"})
    step(
        owner, f"/s/{SITE}/sharing/new", {"who": f"person:{plan.ben.email}", "sections": "about-me"}
    )
    assert len(inbox.messages) == before + 1


# ---- 4. copies never widen: the grid, through email -------------------------------------------


def readable(plan: Plan, address: str) -> set[str]:
    from wiki import accounts
    from wiki.models import Actor

    user = accounts.find_user(plan.db, address)
    if user is None:
        return set()
    try:
        ctx = site_for(plan.db, Actor(user_id=user.id, email=user.email, name=user.name), SITE)
    except Exception:
        return set()
    return {s.key for s in ctx.sections}


@pytest.mark.parametrize(
    "shares",
    [
        {"ben": ["health"], "cara": ["budget", "about-me"]},
        {"ben": ["budget"], "cara": ["health"], "group:friends": ["education"]},
        {"cara": ["about-me", "health", "budget"]},
    ],
)
def test_no_words_from_a_section_reach_anyone_who_may_not_read_it_by_email(plan: Plan, shares):
    owner, mum = plan.client(plan.owner), plan.client(plan.mum)
    turn_on_digest(owner)
    turn_on_digest(mum)
    clock.freeze(T0 + timedelta(hours=1))
    people = {"ben": plan.ben, "cara": plan.cara}
    for who, sections in shares.items():
        target = who if who.startswith("group:") else f"person:{people[who].email}"
        step(
            owner, f"/s/{SITE}/sharing/new", [("who", target), *[("sections", s) for s in sections]]
        )
    step(owner, f"/s/{SITE}/sharing/new", {"who": "new", "name": "Nia", "email": "nia@example.org",
                                            "sections": "health"})  # fmt: skip
    for who in (plan.ben, plan.cara, plan.mum):
        client = plan.client(who)
        for section, slug, _, _ in CONTENT:
            client.get(f"/s/{SITE}/{section}/{slug}")
    clock.freeze(T0 + timedelta(days=8))
    assert activity.send_due_digests(plan.db) == 2

    sent = mail.outbox(plan.db, limit=200)
    assert len(sent) >= 4
    for message in sent:
        words = (message["subject"] + "\n" + message["body"]).lower()
        may = readable(plan, message["to_address"])
        for section, _, title, body in CONTENT:
            # never page text, to anyone: not a title of a page, not a word of its body
            assert title.lower() not in words, (message, title)
            for word in re.findall(r"[a-z]{7,}", body.lower()):
                if word not in ("academy",):
                    assert word not in words or word in SECTION_TITLES.get(section, "").lower(), (
                        message,
                        word,
                    )
        for key, title in SECTION_TITLES.items():
            if key not in may and f" {title.lower()} " in f" {re.sub(r'[^a-z ]', ' ', words)} ":
                pytest.fail(f"{title!r} was named to {message['to_address']}, who may not read it")


def test_an_invitation_with_an_end_date_gives_access_only_until_that_day(plan: Plan):
    from wiki import accounts

    owner = plan.client(plan.owner)
    step(owner, f"/s/{SITE}/sharing/new", {"who": "new", "name": "Nia", "email": "nia@example.org",
         "sections": "health", "until": "2026-12-01"})  # fmt: skip
    token = invitation_token(mail.outbox(plan.db)[0]["body"])
    nia = accounts.create_user(plan.db, email="nia@example.org", name="Nia")
    invitations.accept_invitation(plan.db, token, user_id=nia.id)
    given = [g for g in plan.grants() if g["person"] == "nia@example.org"]
    assert [(g["section"], g["expires_at"][:10]) for g in given] == [("health", "2026-12-01")]


def test_sharing_through_the_api_sends_the_same_first_share_email(plan: Plan, inbox: Inbox):
    before = len(inbox.messages)
    api = plan.api(plan.owner)
    made = api.post(
        f"/sites/{SITE}/grants",
        json={"person": plan.ben.email, "section": "health", "capability": "view"},
    )
    assert made.status_code == 201, made.text
    message = inbox.messages[-1]
    assert len(inbox.messages) == before + 1 and message["To"] == plan.ben.email
    assert message["Subject"] == "Ava has shared Health with you"
    again = api.post(
        f"/sites/{SITE}/grants",
        json={"person": plan.ben.email, "section": "about-me", "capability": "view"},
    )
    assert again.status_code == 201  # Ben could read About me already: nothing new to tell
    assert len(inbox.messages) == before + 1
