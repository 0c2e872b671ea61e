"""Free text merged line by line with ``merge3`` (the three-way merge Bazaar and Breezy
keep), made a little kinder: where both sides only added lines at the same place, both
additions are kept (theirs first, as they were saved first); where both changed the same number of lines in one
stretch, it is decided line by line, so only a line both changed differently clashes."""

from __future__ import annotations

from merge3 import Merge3

from wiki.merge.items import BOTH, THEIRS, Clash


def merge_text(
    base: str, mine: str, theirs: str, *, key: str = "t", choices: dict[str, str] | None = None
) -> tuple[str, list[Clash]]:
    """The text merged, and the clashes left unchosen (each keeps mine until chosen)."""
    merged, clashes = merge_lines(base.split("\n"), mine.split("\n"), theirs.split("\n"),
                                  key=key, choices=choices)  # fmt: skip
    return "\n".join(merged), clashes


def merge_lines(
    b: list[str],
    m: list[str],
    t: list[str],
    *,
    key: str = "t",
    choices: dict[str, str] | None = None,
) -> tuple[list[str], list[Clash]]:
    """``merge_text`` on lists of lines."""
    chosen = choices or {}
    clashes: list[Clash] = []
    out: list[str] = []
    for region in Merge3(b, m, t).merge_regions():
        kind = region[0]
        if kind == "unchanged":
            out += b[region[1] : region[2]]
        elif kind in ("a", "same"):
            out += m[region[1] : region[2]]
        elif kind == "b":
            out += t[region[1] : region[2]]
        else:
            z1, z2, a1, a2, b1, b2 = region[1:]  # type: ignore[misc]
            zs, ms, ts = b[z1:z2], m[a1:a2], t[b1:b2]
            if not any(z.strip() for z in zs):  # both only added lines here: keep both
                out += ts + [line for line in ms if line not in ts]
            elif len(zs) == len(ms) == len(ts):
                for n, (z, x, y) in enumerate(zip(zs, ms, ts, strict=True)):
                    out += _one(z, x, y, f"{key}/{z1 + n}", z1 + n, chosen, clashes)
            else:
                out += _one("\n".join(zs), "\n".join(ms), "\n".join(ts), f"{key}/{z1}", z1,
                            chosen, clashes)  # fmt: skip
    return out, clashes


def _one(
    base: str, mine: str, theirs: str, key: str, line: int,
    chosen: dict[str, str], clashes: list[Clash],
) -> list[str]:  # fmt: skip
    if mine == theirs or theirs == base:
        return [mine]
    if mine == base:
        return [theirs]
    choice = chosen.get(key, "")
    if choice == BOTH:
        return [mine, theirs]
    if choice == THEIRS:
        return [theirs]
    if choice != "mine":
        clashes.append(Clash(key, "line", None, (line,), base, mine, theirs))
    return [mine]
