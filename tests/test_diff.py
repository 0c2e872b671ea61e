"""Comparing two versions of a page: which words changed, which lines came and went."""

from __future__ import annotations

import re

from wiki.diff import DiffLine, diff_lines, has_changes, word_diff


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _inserted(html: str) -> list[str]:
    return [_text(m).removeprefix("added: ") for m in re.findall(r"<ins>(.*?)</ins>", html)]


def _deleted(html: str) -> list[str]:
    return [_text(m).removeprefix("removed: ") for m in re.findall(r"<del>(.*?)</del>", html)]


def kinds(lines: list[DiffLine]) -> list[str]:
    return [line.kind for line in lines]


def test_a_changed_word_is_marked_and_the_rest_of_the_line_is_not() -> None:
    html = word_diff("I like the bus to college", "I love the bus to school")
    assert _deleted(html) == ["like", "college"]
    assert _inserted(html) == ["love", "school"]
    assert "the bus to" in html
    assert "bus" not in "".join(_inserted(html) + _deleted(html))


def test_changed_words_are_announced_in_words_for_screen_readers() -> None:
    html = word_diff("Nan makes bread", "Nan makes cake")
    assert '<span class="visually-hidden">removed: </span>bread' in html
    assert '<span class="visually-hidden">added: </span>cake' in html


def test_an_edited_line_shows_as_one_changed_line_with_words_marked() -> None:
    lines = diff_lines(
        "- I know every bus route\n- I am honest", "- I know every train route\n- I am honest"
    )
    assert kinds(lines) == ["changed", "same"]
    assert _deleted(lines[0].html) == ["bus"]
    assert _inserted(lines[0].html) == ["train"]


def test_added_and_removed_lines_are_marked_whole() -> None:
    old = "Breakfast\nSchool\nBus home"
    new = "Breakfast\nBus home\nBread with Nan"
    lines = diff_lines(old, new)
    assert kinds(lines) == ["same", "removed", "same", "added"]
    assert _deleted(lines[1].html) == ["School"]
    assert _inserted(lines[3].html) == ["Bread with Nan"]


def test_a_first_version_is_all_added() -> None:
    lines = diff_lines("", "My profile\nI like buses")
    assert kinds(lines) == ["added", "added"]


def test_identical_texts_have_no_changes() -> None:
    text = "## About me\n\nI like buses.\n\n- bread\n- trains"
    lines = diff_lines(text, text)
    assert not has_changes(lines)
    assert "<ins>" not in "".join(line.html for line in lines)
    assert "<del>" not in "".join(line.html for line in lines)


def test_identical_long_texts_have_no_changes_either() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    lines = diff_lines(text, text)
    assert not has_changes(lines)
    assert len(lines) <= 3, "an unchanged page should fold, not be listed line by line"


def test_long_unchanged_runs_are_folded_around_a_change() -> None:
    old = "\n".join(f"line {i}" for i in range(40))
    new = old.replace("line 20", "line twenty")
    lines = diff_lines(old, new, context=3)
    assert kinds(lines) == [
        "fold",
        "same",
        "same",
        "same",
        "changed",
        "same",
        "same",
        "same",
        "fold",
    ]
    assert lines[0].html == "17 lines unchanged"
    assert [line.html for line in lines[1:4]] == ["line 17", "line 18", "line 19"]
    assert [line.html for line in lines[5:8]] == ["line 21", "line 22", "line 23"]
    assert lines[-1].html == "16 lines unchanged"
    # every unchanged line is either shown or counted in a fold
    shown = sum(1 for line in lines if line.kind == "same")
    folded = sum(int(line.html.split()[0]) for line in lines if line.kind == "fold")
    assert shown + folded == 39


def test_short_unchanged_runs_are_not_folded() -> None:
    old = "a\nb\nc\nd\ne"
    new = "a\nb\nX\nd\ne"
    assert "fold" not in kinds(diff_lines(old, new, context=3))


def test_folding_can_be_turned_off() -> None:
    old = "\n".join(f"line {i}" for i in range(40))
    lines = diff_lines(old, old + "\nthe end", context=None)
    assert kinds(lines) == ["same"] * 40 + ["added"]


def test_text_in_a_diff_is_escaped() -> None:
    lines = diff_lines("<b>bold</b>", '<script>alert("x")</script>')
    html = "".join(line.html for line in lines)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;" in html and "&gt;" in html
    assert "".join(_inserted(html)).count("script") == 2


def test_windows_line_endings_alone_are_not_a_change_per_line() -> None:
    lines = diff_lines("one\r\ntwo\r\nthree", "one\ntwo\nthree")
    assert not has_changes(lines)
