"""Colour contrast (WCAG 2.2): a young person's accent colour, kept readable (issue #5).

The accent is used for links and headings' marks on the page's background, and as the
background of buttons and the top bar with text on it. ``readable_accent`` keeps the
chosen hue and changes only its lightness, just enough for AA (4.5:1) against every
colour it meets in that theme; the high-contrast theme asks for 7:1.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@dataclass(frozen=True)
class Palette:
    backgrounds: tuple[str, ...]  # what the accent sits on, and what sits on it
    ink: str  # text on the accent
    target: float
    dark: bool  # a dark theme: make the accent lighter, not darker


LIGHT = Palette(("#ffffff", "#f3f5f8"), "#ffffff", 4.5, dark=False)
PALETTES = {"high-contrast": Palette(("#000000", "#121212"), "#000000", 7.0, dark=True)}


def palette(theme: str) -> Palette:
    return PALETTES.get(theme, LIGHT)


def parse_hex(value: str) -> str | None:
    match = HEX.match(value.strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _rgb(colour: str) -> tuple[float, float, float]:
    return int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in (r, g, b))


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def worst_contrast(colour: str, theme: str) -> float:
    p = palette(theme)
    return min(contrast(colour, c) for c in (*p.backgrounds, p.ink))


def readable_accent(colour: str, theme: str = "default") -> str:
    """The colour itself if it is readable in this theme, else the nearest readable one of
    the same hue (darker on light themes, lighter on dark ones)."""
    p = palette(theme)
    if worst_contrast(colour, theme) >= p.target:
        return colour
    h, lightness, s = colorsys.rgb_to_hls(*_rgb(colour))
    step = 0.005 if p.dark else -0.005
    while 0.0 <= lightness <= 1.0:
        lightness += step
        candidate = _hex(*colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s))
        if worst_contrast(candidate, theme) >= p.target + 0.1:  # a little to spare
            return candidate
    return "#ffff00" if p.dark else "#1d4f91"
