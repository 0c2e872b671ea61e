"""Every deadline rule in plugins/_deadlines.py, one row each, with year ends, leap years and
the last Friday in June (issue #17). A rule added to the table without a row here fails
``test_every_rule_has_a_row``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plugins import _deadlines as law
from plugins._deadlines import Facts

RHYS: dict[str, Any] = {"name": "Rhys", "born": date(2011, 3, 14)}  # Year 11 in 2026 to 2027
TO_COLLEGE: dict[str, Any] = {"setting": "secondary school", "moving_to": "post-16 institution"}

# (id, facts, rule key, the date, words the sentence must hold)
ROWS: list[tuple[str, Facts, str, date | None, str]] = [
    ("invite two weeks before", Facts(date(2027, 3, 17)), "invite", date(2027, 3, 3), "two weeks before"),
    ("invite across the new year", Facts(date(2027, 1, 5)), "invite", date(2026, 12, 22), "two weeks before"),
    ("advice two weeks before", Facts(date(2027, 3, 17)), "advice", date(2027, 3, 3), "two weeks before"),
    ("the meeting itself", Facts(date(2027, 3, 17)), "meeting", date(2027, 3, 17), "counted from it"),
    ("report two weeks after", Facts(date(2027, 3, 17)), "report", date(2027, 3, 31), "within two weeks"),
    ("report across the new year", Facts(date(2027, 12, 20)), "report", date(2028, 1, 3), "within two weeks"),
    ("report lands on a Sunday: not moved", Facts(date(2027, 1, 31)), "report", date(2027, 2, 14), "within two weeks"),
    ("decision four weeks after", Facts(date(2027, 3, 17)), "decision", date(2027, 4, 14), "four weeks"),
    ("decision into a leap day", Facts(date(2028, 2, 1)), "decision", date(2028, 2, 29), "four weeks"),
    ("comments: 15 days from the latest notice day", Facts(date(2027, 3, 17)), "comments", date(2027, 4, 29), "15 days"),
    ("comments: 15 days from the notice sent",
     Facts(date(2027, 3, 17), changes_sent=date(2027, 3, 31)), "comments", date(2027, 4, 15), "31 March 2027"),
    ("final plan eight weeks after the notice",
     Facts(date(2027, 3, 17), changes_sent=date(2027, 3, 31)), "final", date(2027, 5, 26), "eight weeks"),
    ("final plan across the new year", Facts(date(2027, 11, 10)), "final", date(2028, 2, 2), "eight weeks"),
    ("next review within 12 months", Facts(date(2026, 10, 8), **RHYS), "next-review", date(2027, 10, 7), "12 months"),
    ("next review from a leap day", Facts(date(2028, 2, 29)), "next-review", date(2029, 2, 28), "12 months"),
    ("next review into a leap year", Facts(date(2027, 3, 1)), "next-review", date(2028, 2, 29), "12 months"),
    ("under five: three to six months",
     Facts(date(2026, 11, 30), name="Ola", born=date(2023, 5, 1)), "next-review-under-five", date(2027, 5, 29),
     "Ola is under five, so the plan should be reviewed every three to six months: from 28 February 2027"),
    ("Rhys: school to college by 31 March",
     Facts(date(2027, 1, 20), previous_review=date(2026, 10, 8), **RHYS, **TO_COLLEGE),
     "transfer-post-16", date(2027, 3, 31), "Rhys moves from secondary school to a post-16 place in 2027"),
    ("school to college: the year comes from the move's date",
     Facts(date(2027, 11, 3), moving_on=date(2028, 9, 4), **TO_COLLEGE), "transfer-post-16", date(2028, 3, 31),
     "by 31 March 2028"),
    ("between colleges: five months before",
     Facts(date(2027, 1, 20), setting="post-16 institution", moving_to="post-16 institution",
           moving_on=date(2027, 7, 31)), "transfer-between-post-16", date(2027, 2, 28), "five months before"),
    ("primary to secondary by 15 February",
     Facts(date(2026, 11, 4), name="Ava", born=date(2016, 2, 2), setting="primary school",
           moving_to="secondary school"), "transfer-other", date(2027, 2, 15), "from primary school to secondary school in 2027"),
    ("early years to school, the year from the year group",
     Facts(date(2026, 12, 1), born=date(2022, 10, 5), setting="early years", moving_to="primary school"),
     "transfer-other", date(2027, 2, 15), "by 15 February 2027"),
    ("direct payment: within three months",
     Facts(date(2026, 12, 1), first_direct_payment=date(2026, 11, 2)), "direct-payment", date(2027, 2, 1),
     "first direct payment was made on 2 November 2026"),
    ("direct payment from 30 November: to the end of February",
     Facts(date(2026, 12, 1), first_direct_payment=date(2026, 11, 30)), "direct-payment", date(2027, 2, 28),
     "within three months"),
    ("Rhys: end of compulsory school age, the last Friday in June",
     Facts(date(2027, 1, 20), previous_review=date(2026, 10, 8), **RHYS), "end-of-school-age", date(2027, 6, 25),
     "Rhys makes the decisions"),
    ("born 31 August: the June they are still 15",
     Facts(date(2026, 10, 1), born=date(2010, 8, 31)), "end-of-school-age", date(2026, 6, 26), "last Friday of June"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "key", "due", "words"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_each_rule_gives_its_date_and_one_plain_sentence(
    facts: Facts, key: str, due: date, words: str
) -> None:
    found = {d.key: d for d in law.for_review(facts, personal=True)}
    assert key in found, f"{key} should apply: {sorted(found)}"
    deadline = found[key]
    assert deadline.due == due
    assert words in deadline.why
    # One plain sentence: a capital, one full stop at the end, and where it comes from.
    assert deadline.why[0].isupper() and deadline.why.endswith(".")
    assert deadline.why.count(". ") == 0
    assert deadline.source


def test_every_rule_has_a_row() -> None:
    assert {r.key for r in law.RULES} == {row[2] for row in ROWS}


@pytest.mark.parametrize(
    ("facts", "key"),
    [
        (Facts(date(2027, 1, 20), **RHYS), "next-review-under-five"),
        (Facts(date(2026, 11, 30), born=date(2023, 5, 1)), "next-review"),
        (Facts(date(2027, 1, 20), **RHYS, setting="secondary school"), "transfer-post-16"),
        (Facts(date(2027, 1, 20), setting="secondary school", moving_to="secondary school"), "transfer-other"),
        (Facts(date(2027, 1, 20), setting="post-16 institution", moving_to="post-16 institution"),
         "transfer-between-post-16"),  # no date for the move: it cannot be worked out
        (Facts(date(2027, 1, 20), **TO_COLLEGE), "transfer-post-16"),  # no birthday, no year group
        (Facts(date(2027, 1, 20)), "direct-payment"),
        # The direct payment review was due before the last review: not on this checklist.
        (Facts(date(2027, 1, 20), previous_review=date(2026, 10, 8), first_direct_payment=date(2026, 4, 30)),
         "direct-payment"),
        # A transfer years away is for a later review.
        (Facts(date(2026, 11, 4), born=date(2019, 2, 2), setting="primary school", moving_to="secondary school"),
         "transfer-other"),
        (Facts(date(2027, 3, 17), kind="budget"), "invite"),
    ],
)  # fmt: skip
def test_rules_that_do_not_apply_are_left_off(facts: Facts, key: str) -> None:
    assert key not in {d.key for d in law.for_review(facts)}


def test_the_checklist_is_in_date_order_and_a_budget_review_says_its_dates_are_not_law() -> None:
    rhys = law.for_review(
        Facts(date(2027, 1, 20), previous_review=date(2026, 10, 8), **RHYS, **TO_COLLEGE)
    )
    assert [d.due for d in rhys] == sorted(d.due for d in rhys)
    budget = law.for_review(Facts(date(2027, 3, 17), kind="budget"))
    assert any("the law sets no date" in d.why for d in budget)


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2026, 10, 8), 12, date(2027, 10, 7)),
        (date(2026, 12, 31), 3, date(2027, 3, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_a_period_of_months_ends_the_day_before_the_date_comes_round(
    start: date, months: int, last: date
) -> None:
    assert law.within_months(start, months) == last


def test_school_years_and_the_year_of_transfer() -> None:
    assert law.school_year(date(2011, 3, 14), date(2026, 11, 23)) == 11
    assert law.school_year(date(2011, 9, 1), date(2026, 11, 23)) == 10  # oldest in the year below
    assert law.school_year(date(2011, 8, 31), date(2026, 11, 23)) == 11  # youngest in Year 11
    held_back = Facts(date(2026, 11, 23), born=date(2011, 8, 31), year_group=10, **TO_COLLEGE)
    assert held_back.transfer_year == 2028  # educated out of year group: the year group decides


def test_a_move_before_the_eight_weeks_run_out_is_said_on_the_final_plan() -> None:
    rhys = {d.key: d for d in law.for_review(Facts(date(2027, 1, 20), **RHYS, **TO_COLLEGE))}
    assert rhys["final"].due == date(2027, 4, 14)
    assert "final plan is needed by 31 March 2027" in rhys["final"].warning
    later = {d.key: d for d in law.for_review(Facts(date(2026, 10, 8), **RHYS, **TO_COLLEGE))}
    assert later["final"].warning == ""  # eight weeks from November end well before 31 March


@pytest.mark.parametrize(
    ("start", "months", "same_day"),
    [
        (date(2027, 11, 29), 3, date(2028, 2, 29)),  # a leap February has its 29th
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # ... and ends on it
        (date(2026, 12, 31), 2, date(2027, 2, 28)),  # an ordinary one ends on the 28th
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # a year on from the 29th
        (date(2028, 7, 31), -5, date(2028, 2, 29)),  # counting back into a leap February
        (date(2028, 3, 31), -1, date(2028, 2, 29)),
    ],
)
def test_adding_months_knows_leap_februaries(start: date, months: int, same_day: date) -> None:
    """Issue #25: a mutation that forgot leap years went unseen."""
    assert law.add_months(start, months) == same_day


@pytest.mark.parametrize(
    ("born", "day"),
    [
        (date(2012, 1, 10), date(2028, 6, 30)),  # 30 June 2028 is itself a Friday
        (date(2011, 9, 1), date(2028, 6, 30)),  # born on 1 September: the later school year
        (date(2012, 8, 31), date(2028, 6, 30)),
        (date(2011, 3, 14), date(2027, 6, 25)),
        (date(2012, 2, 29), date(2028, 6, 30)),  # a leap-day birthday
    ],
)
def test_the_end_of_compulsory_school_age_when_30_june_is_a_friday(born: date, day: date) -> None:
    from wiki.models import end_of_compulsory_school_age

    assert day.weekday() == 4  # written out by hand: each is a Friday
    assert end_of_compulsory_school_age(born) == day
