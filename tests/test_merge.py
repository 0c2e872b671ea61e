"""Two people's changes merge themselves (issue #26): the merge engine on its own.

The property: for a random block document and two random edits of it, the merge keeps
every change only one side made, keeps a change both made alike once, keeps both sides'
additions, and reports a clash exactly when both changed the same item differently
(or one changed it and the other took it out)."""

from __future__ import annotations

import string
from typing import Any

import hypothesis.strategies as st
import yaml
from hypothesis import HealthCheck, given, settings

from wiki.merge import BOTH, MINE, THEIRS, merge_page, merge_text

LISTS = ("like_and_admire", "important_to_me", "how_to_support_me")
words = st.text(alphabet=string.ascii_lowercase + " ", min_size=8, max_size=20).map(
    lambda s: "w" + s.strip() + "x"
)


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"person": draw(words)}
    for name in LISTS:
        doc[name] = draw(st.lists(words, max_size=5, unique=True))
    doc["members"] = [
        {"name": n, "phone": draw(words)} for n in draw(st.lists(words, max_size=3, unique=True))
    ]
    seen = [
        doc["person"],
        *[x for n in LISTS for x in doc[n]],
        *[m["name"] for m in doc["members"]],
    ]
    if len(set(seen)) != len(seen):  # every base item is told apart by its words
        doc["members"] = []
        for name in LISTS:
            doc[name] = [x for x in doc[name] if seen.count(x) == 1]
    return doc


# An edit: for each item, what this side did to it. ("keep",) ("mod", new) ("del",); and
# what it added in each gap of each list. A changed item keeps its words and adds some, as
# people do; an added one is new words (capitals, nothing like the old ones).
@st.composite
def edits(draw: Any, doc: dict[str, Any], side: str) -> dict[str, Any]:
    edit: dict[str, Any] = {}
    shared = draw(st.sampled_from(["", "-same"]))  # sometimes both sides make the same change

    def changed(old: str) -> str:
        return f"{old} {side if not shared else 'both'}{draw(st.integers(0, 3))}"

    edit["person"] = draw(st.sampled_from(["keep", "mod"]))
    if edit["person"] == "mod":
        edit["person"] = ("mod", changed(doc["person"]))
    else:
        edit["person"] = ("keep",)
    for name in LISTS:
        ops = [draw(st.sampled_from([("keep",), ("mod",), ("del",)])) for _ in doc[name]]
        ops = [
            ("mod", changed(x)) if op == ("mod",) else op
            for op, x in zip(ops, doc[name], strict=True)
        ]
        adds: dict[int, list[str]] = {}
        for gap in range(len(doc[name]) + 1):
            near = [ops[i] for i in (gap - 1, gap) if 0 <= i < len(ops)]
            if ("del",) not in near and draw(st.booleans()):
                adds[gap] = [f"NEW {side.upper()} {name.upper()} {gap}"]
        edit[name] = (ops, adds)
    ops = []
    for member in doc["members"]:
        op = draw(st.sampled_from(["keep", "phone", "name", "del"]))
        ops.append(
            ("keep",)
            if op == "keep"
            else ("del",)
            if op == "del"
            else ("mod", op, changed(member[op]))
        )
    edit["members"] = ops
    return edit


def apply(doc: dict[str, Any], edit: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "person": edit["person"][1] if edit["person"][0] == "mod" else doc["person"]
    }
    for name in LISTS:
        ops, adds = edit[name]
        items: list[str] = []
        for gap in range(len(doc[name]) + 1):
            items += adds.get(gap, [])
            if gap < len(doc[name]):
                op = ops[gap]
                items += [] if op[0] == "del" else [op[1]] if op[0] == "mod" else [doc[name][gap]]
        out[name] = items
    out["members"] = []
    for member, op in zip(doc["members"], edit["members"], strict=True):
        if op[0] != "del":
            out["members"].append({**member, op[1]: op[2]} if op[0] == "mod" else dict(member))
    return out


def expected(
    doc: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """The merge worked out from what each side did to each item."""
    clashes: set[str] = set()

    def one(key: str, base: Any, a: tuple[Any, ...], b: tuple[Any, ...]) -> list[Any]:
        value = {"keep": [base], "del": []}
        va = value.get(a[0], [a[-1]])
        vb = value.get(b[0], [b[-1]])
        if a[0] == "keep" or a == b:
            return vb
        if b[0] == "keep":
            return va
        clashes.add(key)
        return va  # mine is kept until someone chooses

    out: dict[str, Any] = {
        "person": one("b0/person", doc["person"], mine["person"], theirs["person"])[0]
    }
    for name in LISTS:
        (mops, madds), (tops, tadds) = mine[name], theirs[name]
        items: list[str] = []
        for gap in range(len(doc[name]) + 1):
            items += tadds.get(gap, []) + madds.get(gap, [])
            if gap < len(doc[name]):
                items += one(f"b0/{name}/{gap}", doc[name][gap], mops[gap], tops[gap])
        out[name] = items
    out["members"] = []
    for n, (member, a, b) in enumerate(
        zip(doc["members"], mine["members"], theirs["members"], strict=True)
    ):
        if a[0] == "mod" and b[0] == "mod" and a[1] != b[1]:  # different fields of one person
            out["members"].append({**member, a[1]: a[2], b[1]: b[2]})
        elif a[0] == "mod" and b[0] == "mod" and a[1] == b[1] and a[2] != b[2]:
            clashes.add(f"b0/members/{n}/{a[1]}")
            out["members"].append({**member, a[1]: a[2]})
        else:
            out["members"] += one(f"b0/members/{n}", member, _row(member, a), _row(member, b))
    return out, clashes


def _row(member: dict[str, Any], op: tuple[Any, ...]) -> tuple[Any, ...]:
    return ("mod", {**member, op[1]: op[2]}) if op[0] == "mod" else op


def page_of(data: dict[str, Any]) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"# About me\n\nSome words first.\n\n```one-page-profile\n{text}```\n\nAnd after.\n"


def block_of(body: str) -> dict[str, Any]:
    inside = body.split("```one-page-profile\n", 1)[1].split("```", 1)[0]
    return yaml.safe_load(inside)


@st.composite
def cases(draw: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    doc = draw(documents())
    return doc, draw(edits(doc, "mine")), draw(edits(doc, "theirs"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_merge_keeps_every_change_and_clashes_exactly_where_both_changed_one_item(
    case: tuple[Any, ...],
) -> None:
    doc, mine_edit, theirs_edit = case
    mine, theirs = apply(doc, mine_edit), apply(doc, theirs_edit)
    want, want_clashes = expected(doc, mine_edit, theirs_edit)
    merged = merge_page(page_of(doc), page_of(mine), page_of(theirs), blocks={"one-page-profile"})
    assert {c.key for c in merged.clashes} == want_clashes
    assert block_of(merged.body) == want
    assert merged.body.startswith("# About me\n\nSome words first.\n")
    # Every clash can be settled: "theirs" for all of them leaves no clash behind.
    settled = merge_page(page_of(doc), page_of(mine), page_of(theirs), blocks={"one-page-profile"},
                         choices={c.key: THEIRS for c in merged.clashes})  # fmt: skip
    assert settled.clashes == []


def test_two_people_adding_different_lines_to_different_lists_both_land() -> None:
    doc = {
        "person": "Rhys",
        "important_to_me": ["My dog."],
        "how_to_support_me": ["Tell me early."],
    }
    mine = {**doc, "important_to_me": ["My dog.", "My nan."]}
    theirs = {**doc, "how_to_support_me": ["Tell me early.", "Write it down."]}
    merged = merge_page(page_of(doc), page_of(mine), page_of(theirs), blocks={"one-page-profile"})
    assert merged.clashes == []
    assert block_of(merged.body) == {**doc, "important_to_me": ["My dog.", "My nan."],
                                     "how_to_support_me": ["Tell me early.", "Write it down."]}  # fmt: skip


def test_same_line_changed_differently_is_one_clash_and_each_choice_settles_it() -> None:
    doc = {"person": "Rhys", "important_to_me": ["My dog.", "Buses."]}
    mine = {**doc, "important_to_me": ["My dog Rex.", "Buses."]}
    theirs = {**doc, "important_to_me": ["My cat.", "Buses."]}
    args = (page_of(doc), page_of(mine), page_of(theirs))
    merged = merge_page(*args, blocks={"one-page-profile"})
    [clash] = merged.clashes
    assert (clash.key, clash.base, clash.mine, clash.theirs) == (
        "b0/important_to_me/0", "My dog.", "My dog Rex.", "My cat.")  # fmt: skip
    for choice, lines in (
        (MINE, ["My dog Rex."]),
        (THEIRS, ["My cat."]),
        (BOTH, ["My dog Rex.", "My cat."]),
    ):
        got = merge_page(*args, blocks={"one-page-profile"}, choices={clash.key: choice})
        assert got.clashes == []
        assert block_of(got.body)["important_to_me"] == [*lines, "Buses."]


def test_free_text_merges_line_by_line_and_additions_at_one_place_are_both_kept() -> None:
    base = "Line one.\nLine two.\nLine three."
    merged, clashes = merge_text(base, "Line one!\nLine two.\nLine three.",
                                 "Line one.\nLine two?\nLine three.")  # fmt: skip
    assert (merged, clashes) == ("Line one!\nLine two?\nLine three.", [])
    merged, clashes = merge_text(base, base + "\nMine.", base + "\nTheirs.")
    assert (merged, clashes) == (base + "\nTheirs.\nMine.", [])
    merged, clashes = merge_text(base, "Line one.\nLine 2 mine.\nLine three.",
                                 "Line one.\nLine 2 theirs.\nLine three.")  # fmt: skip
    assert [(c.kind, c.base, c.mine, c.theirs) for c in clashes] == [
        ("line", "Line two.", "Line 2 mine.", "Line 2 theirs.")]  # fmt: skip
