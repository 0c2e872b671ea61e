"""Dates typed the UK way (issue #16): one parser for every date a form asks for, as three
boxes, Day, Month and Year; clear words when a date is wrong, and nothing typed lost."""

from __future__ import annotations

from datetime import date

import pytest

from wiki import dates
from wiki.dates import DateProblem, DateValue, parse_parts, parse_text, read


@pytest.mark.parametrize(
    "day, month, year, expected",
    [
        ("27", "3", "2012", date(2012, 3, 27)),
        (" 1 ", "01", "2027", date(2027, 1, 1)),
        ("29", "2", "2028", date(2028, 2, 29)),  # a leap year
        ("31", "12", "2026", date(2026, 12, 31)),
        ("14", "March", "2011", date(2011, 3, 14)),
        ("5", "sept", "2027", date(2027, 9, 5)),
        ("5", "Dec.", "2027", date(2027, 12, 5)),
    ],
)
def test_a_real_date_in_three_boxes_is_read_day_month_year(
    day: str, month: str, year: str, expected: date
) -> None:
    assert parse_parts(day, month, year) == expected


@pytest.mark.parametrize(
    "day, month, year, words, part",
    [
        ("29", "2", "2027", "Enter a real date, for example 27 3 2012.", "day"),  # not a leap year
        ("31", "4", "2027", "Enter a real date, for example 27 3 2012.", "day"),
        ("0", "3", "2027", "Enter a real date, for example 27 3 2012.", "day"),
        ("12", "13", "2027", "Enter a real date, for example 27 3 2012.", "day"),
        ("", "3", "2027", "Enter the day as well, for example 27 3 2012.", "day"),
        ("27", "", "2027", "Enter the month as well, for example 27 3 2012.", "month"),
        ("27", "3", "", "Enter the year as well, for example 27 3 2012.", "year"),
        ("27", "3", "12", "Enter the year with 4 numbers, for example 27 3 2012.", "year"),
        ("first", "3", "2027", "Enter the day as a number, for example 27 3 2012.", "day"),
        ("27", "Marchy", "2027", "Enter the month as a number from 1 to 12, for example 27 3 2012.",
         "month"),
    ],
)  # fmt: skip
def test_a_wrong_date_says_what_to_do_in_plain_words(
    day: str, month: str, year: str, words: str, part: str
) -> None:
    with pytest.raises(DateProblem) as problem:
        parse_parts(day, month, year)
    assert problem.value.message == words and problem.value.part == part


def test_empty_boxes_are_no_date_unless_one_is_needed() -> None:
    assert parse_parts("", " ", "") is None
    with pytest.raises(DateProblem, match="Enter the date, for example 27 3 2012"):
        parse_parts("", "", "", required=True)


def test_a_wrong_date_keeps_everything_the_person_typed() -> None:
    found = read({"meeting-day": "29", "meeting-month": "2", "meeting-year": "2027"}, "meeting")
    assert (found.day, found.month, found.year) == ("29", "2", "2027")
    assert found.iso is None and found.error == "Enter a real date, for example 27 3 2012."
    assert str(found) == "" and bool(found)


def test_a_right_date_from_three_boxes_is_iso_for_the_store_and_the_api() -> None:
    found = read({"until-day": "1", "until-month": "3", "until-year": "2027"}, "until")
    assert found.iso == "2027-03-01" and found.error is None and str(found) == "2027-03-01"
    assert not read({}, "until") and read({}, "until").iso is None


def test_an_older_client_may_still_send_one_iso_field_or_day_month_year_text() -> None:
    assert read({"date_of_birth": "2011-03-14"}, "date_of_birth").iso == "2011-03-14"
    assert read({"date_of_birth": "14/3/2011"}, "date_of_birth").iso == "2011-03-14"
    assert parse_text("14 March 2011") == date(2011, 3, 14)
    bad = read({"date_of_birth": "03/14/2011"}, "date_of_birth")  # a US-style date is refused
    assert bad.iso is None and bad.error and "real date" in bad.error


def test_a_whole_date_typed_in_the_day_box_is_understood() -> None:
    found = read({"d-day": "27/3/2012", "d-month": "", "d-year": ""}, "d")
    assert found.iso == "2012-03-27" and (found.day, found.month, found.year) == ("27", "3", "2012")
    assert read({"d-day": "2012-03-27", "d-month": "", "d-year": ""}, "d").iso == "2012-03-27"
    wrong = read({"d-day": "31/2/2027", "d-month": "", "d-year": ""}, "d")
    assert wrong.iso is None and wrong.error and "real date" in wrong.error


def test_a_stored_date_shows_in_the_boxes_as_day_month_year() -> None:
    shown = DateValue.of("2027-03-01")
    assert (shown.day, shown.month, shown.year) == ("1", "3", "2027")
    assert DateValue.of(date(2012, 3, 27)).day == "27"
    assert (DateValue.of("29/2/2027").day, DateValue.of("/2/2027").month) == ("29", "2")
    assert not DateValue.of(None)


def test_a_date_is_said_day_month_year() -> None:
    assert dates.day_month_year("2027-03-01") == "1 March 2027"
    assert dates.day_month_year(date(2012, 3, 27)) == "27 March 2012"
    assert dates.day_month_year(None) == ""


# ---- through the forms --------------------------------------------------------------------


def test_a_plan_made_with_a_date_of_birth_in_three_boxes_keeps_it_as_iso(people) -> None:
    from conftest import post_form

    client = people.client(people.add("Ola"))
    made = post_form(client, "/sites", {"title": "Ola's plan", "slug": "ola", "for": "me",
                     "date_of_birth-day": "14", "date_of_birth-month": "3",
                     "date_of_birth-year": "2011"})  # fmt: skip
    assert made.status_code == 303
    assert client.get("/api/v1/sites/ola").json()["date_of_birth"] == "2011-03-14"


def test_a_wrong_date_of_birth_comes_back_with_what_was_typed_and_makes_nothing(people) -> None:
    from conftest import post_form

    client = people.client(people.add("Ola"))
    sent = post_form(client, "/sites", {"title": "Ola's plan", "slug": "ola", "for": "me",
                     "date_of_birth-day": "29", "date_of_birth-month": "2",
                     "date_of_birth-year": "2027"})  # fmt: skip
    assert sent.status_code == 422
    assert "Enter a real date, for example 27 3 2012." in sent.text
    for typed in ('value="29"', 'value="2"', 'value="2027"', 'value="Ola&#39;s plan"'):
        assert typed in sent.text, typed
    assert 'type="date"' not in sent.text
    assert client.get("/s/ola").status_code == 404
