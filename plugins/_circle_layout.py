"""Where the names go on the circle-of-support picture, so no label overlaps another label,
a ring's line or a ring's name (issue #16: "labels on the circle picture overlap the rings").

Each name is written along the middle of its own ring (an SVG ``textPath`` on an arc), so a
name can never cross a ring's line: a ring is wider than a line of text. Along the ring
each name takes an arc as long as its letters (worked out generously), and arcs never
overlap each other or the ring's own name at the bottom. Names on the lower half run the
other way round, so every name reads the right way up. A long name shortens to the first
name; whoever still does not fit is counted in "+N more" (the list under the picture always
names everyone). The picture is one SVG scaled to the screen, so a layout that does not
overlap at one width does not overlap at any.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

CENTRE = 310.0
FONT = 16.0  # the names' font size in the picture's units
CHAR = 0.68 * FONT  # a wide bold letter: an over-estimate, so real text is never longer
RING_NAME_CHAR = 0.62 * 14.0
GAP = 10.0  # clear space between two names along a ring
STEPS = 360  # candidate places round each ring (every degree)


def text_width(text: str, char: float = CHAR) -> float:
    return len(text) * char


@dataclass
class Spot:
    """One placed name: where along its ring (angle in radians, 0 = right, clockwise, as SVG
    draws) and how much of the ring it takes."""

    lines: list[str]
    angle: float
    radius: float
    span: float  # radians

    @property
    def label(self) -> str:
        return " ".join(self.lines)

    @property
    def upright_below(self) -> bool:
        """On the lower half the arc runs right to left, so the letters stand the right way up."""
        return math.sin(self.angle) > 0

    @property
    def x(self) -> float:
        return round(CENTRE + self.radius * math.cos(self.angle), 1)

    @property
    def y(self) -> float:
        return round(CENTRE + self.radius * math.sin(self.angle), 1)

    @property
    def path(self) -> str:
        """The arc the name is written on: longer than the name, centred on it."""
        half = min(self.span * 0.9, math.pi * 0.45)
        # the baseline sits a little off the middle so the letters are centred in the ring
        r = self.radius + (5 if self.upright_below else -5)
        a, b = self.angle - half, self.angle + half
        if self.upright_below:
            a, b = b, a
        sweep = 0 if self.upright_below else 1
        ax, ay = CENTRE + r * math.cos(a), CENTRE + r * math.sin(a)
        bx, by = CENTRE + r * math.cos(b), CENTRE + r * math.sin(b)
        return f"M {ax:.1f} {ay:.1f} A {r:.1f} {r:.1f} 0 0 {sweep} {bx:.1f} {by:.1f}"


def _turn(a: float) -> float:
    """An angle folded into -pi..pi: how far round one is from another."""
    return (a + math.pi) % (2 * math.pi) - math.pi


def overlaps(a: Spot, b: Spot) -> bool:
    return abs(_turn(a.angle - b.angle)) < (a.span + b.span) / 2


def _forms(name: str) -> list[str]:
    """The ways a name may be written, best first: whole, first name only, cut short."""
    forms = [name]
    first = name.split()[0] if name.split() else name
    if first != name:
        forms.append(first)
    if len(forms[-1]) > 12:
        forms.append(forms[-1][:11] + "…")
    return forms


def _span(text: str, radius: float, char: float = CHAR) -> float:
    return (text_width(text, char) + GAP) / radius


def _try(text: str, wanted: float, tracks: list[float], taken: list[Spot]) -> Spot | None:
    """The free place along the ring nearest the wanted angle where this name fits."""
    order = sorted(range(STEPS), key=lambda k: abs(_turn(2 * math.pi * k / STEPS - wanted)))
    for k in order:
        for radius in tracks:
            span = _span(text, radius)
            if span >= math.pi:  # longer than half the ring: it would bend too far to read
                continue
            spot = Spot([text], 2 * math.pi * k / STEPS, radius, span)
            if not any(overlaps(spot, t) for t in taken if t.radius == radius or t.lines == []):
                return spot
    return None


def middle(inner: float, outer: float) -> float:
    return (inner + outer) / 2


def tracks(inner: float, outer: float) -> list[float]:
    """The circles names are written on: one in the middle of a ring, two in a wide ring."""
    if outer - inner >= 4 * FONT + 8:
        return [outer - 20, inner + 22]
    return [middle(inner, outer)]


def ring_name_spot(inner: float, outer: float, name: str) -> Spot:
    """The ring's own name, at the bottom of its ring (the template writes it there)."""
    radius = middle(inner, outer)
    # no lines: it sits across every track of its ring (it is written straight)
    return Spot([], math.pi / 2, radius, _span(name, inner, RING_NAME_CHAR))


def place(
    rings: dict[str, list[str]],
    radii: Mapping[str, tuple[float, float]],
    ring_names: Mapping[str, str],
    *,
    most: int = 10,
) -> dict[str, list[Spot]]:
    """Every ring's names, placed so nothing overlaps; at most ``most`` names on a ring, and
    "+N more" for the rest."""
    out: dict[str, list[Spot]] = {}
    for ring, names in rings.items():
        inner, outer = radii[ring]
        on = tracks(inner, outer)
        taken = [ring_name_spot(inner, outer, ring_names[ring])]
        shown = names if len(names) <= most else names[: most - 1]
        spots: list[Spot] = []
        for n, name in enumerate(shown):
            # Spread round the ring from the top, leaving the bottom for the ring's name.
            wanted = math.radians(135 + 270 * (n + 0.5) / max(len(shown), 1))
            for text in _forms(name):
                spot = _try(text, wanted, on, taken)
                if spot is not None:
                    taken.append(spot)
                    spots.append(spot)
                    break
        while len(spots) < len(names):  # some are not in the picture: say how many
            spot = _try(f"+{len(names) - len(spots)} more", math.pi / 2, on, taken)
            if spot is not None:
                spots.append(spot)
                break
            if not spots:
                break
            taken.remove(spots.pop())  # make room by taking the last name out
        out[ring] = spots
    return out
