"""Dates as Belgian counsellors type them: day first, or ISO; clear refusals."""

from __future__ import annotations

from datetime import date

import pytest

from kindreflex_tui.dates import format_date, parse_date
from kindreflex_tui.errors import InputError


@pytest.mark.parametrize(
    "typed",
    [
        "05-03-2019",
        "5-3-2019",
        "05/03/2019",
        "5/3/2019",
        "05.03.2019",
        "5.3.2019",
        "2019-03-05",
        "  05-03-2019  ",
    ],
)
def test_typed_date_is_read_day_first(typed: str) -> None:
    assert parse_date(typed) == date(2019, 3, 5)


def test_day_and_month_that_could_swap_are_read_belgian_style() -> None:
    assert parse_date("01-12-2020") == date(2020, 12, 1)
    assert parse_date("12/1/2020") == date(2020, 1, 12)


def test_leap_day_in_a_leap_year_is_accepted() -> None:
    assert parse_date("29-02-2020") == date(2020, 2, 29)


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("31-02-2020", "februari 2020 heeft 29 dagen"),
        ("29-02-2021", "februari 2021 heeft 28 dagen"),
        ("31/04/2019", "april 2019 heeft 30 dagen"),
        ("2020-02-30", "februari 2020 heeft 29 dagen"),
        ("05-13-2019", "geen maand 13"),
        ("05-00-2019", "geen maand 0"),
        ("00-03-2019", "maart 2019 heeft 31 dagen"),
    ],
)
def test_impossible_date_is_refused_naming_the_problem(typed: str, named: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_date(typed)
    assert named in str(refused.value)
    assert typed in str(refused.value)


@pytest.mark.parametrize("typed", ["05-03-19", "5/3/19", "5.3.19"])
def test_two_digit_year_is_refused_asking_for_four_digits(typed: str) -> None:
    with pytest.raises(InputError, match="4 cijfers"):
        parse_date(typed)


@pytest.mark.parametrize("typed", ["05-03-0019", "01-01-0001", "05-03-1850"])
def test_year_far_in_the_past_is_refused_as_a_typo(typed: str) -> None:
    with pytest.raises(InputError, match="jaar"):
        parse_date(typed)


def test_year_far_in_the_future_is_refused_as_a_typo() -> None:
    with pytest.raises(InputError, match="jaar 2206"):
        parse_date("05-03-2206")


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "gisteren", "5 maart 2019", "05032019", "05-03-2019 10:00", "--"],
)
def test_garbage_is_refused_with_the_expected_format(typed: str) -> None:
    with pytest.raises(InputError, match="dd-mm-jjjj"):
        parse_date(typed)


def test_very_long_garbage_is_shortened_in_the_message() -> None:
    with pytest.raises(InputError) as refused:
        parse_date("x" * 500)
    assert len(str(refused.value)) < 120


def test_format_date_writes_day_month_year_with_leading_zeros() -> None:
    assert format_date(date(2019, 3, 5)) == "05-03-2019"
    assert format_date("2019-03-05") == "05-03-2019"


def test_format_date_shows_nothing_for_no_date() -> None:
    assert format_date(None) == ""
    assert format_date("") == ""


def test_format_date_pads_an_old_year_to_four_digits() -> None:
    # A year below 1000 (possible in a hand-edited file) must still read back.
    assert format_date(date(987, 6, 1)) == "01-06-0987"


@pytest.mark.parametrize(
    "day", [date(2019, 3, 5), date(2000, 2, 29), date(2099, 12, 31)]
)
def test_formatted_date_reads_back_as_the_same_day(day: date) -> None:
    assert parse_date(format_date(day)) == day
