"""How a site looks: its theme and accent colour, chosen by the young person (issue #5).

Only the owner and stewards may change it. The accent is stored as the person chose
it; ``wiki.colour`` makes it readable in whichever theme is showing, so contrast stays
AA whatever they pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki import colour
from wiki.db import Database
from wiki.errors import Invalid
from wiki.models import Actor
from wiki.store.audit import record
from wiki.store.context import SiteContext, site_for


@dataclass
class Look:
    theme: str
    accent: str | None  # as chosen, "#rrggbb"

    def accent_for(self, theme: str | None = None) -> str | None:
        """The accent as it is shown in a theme: the same hue, readable there."""
        return colour.readable_accent(self.accent, theme or self.theme) if self.accent else None


def look_of(db: Database, ctx: SiteContext) -> Look:
    """The look of a site already loaded for this person (``ctx``)."""
    # loaded with the site: a page view needs no query of its own for it (issue #8)
    return Look(ctx.site.theme or "default", ctx.site.accent)


def get_look(db: Database, actor: Actor, *, site: str | SiteContext) -> Look:
    return look_of(db, site_for(db, actor, site))


def set_look(
    db: Database,
    actor: Actor,
    *,
    site: str | SiteContext,
    theme: str,
    accent: str | None,
    themes: list[str],
) -> Look:
    """Change the theme and accent (owner and stewards). ``themes`` are the installed ones."""
    ctx = site_for(db, actor, site)
    ctx.check("change-look")
    if theme not in themes:
        raise Invalid("Choose one of the themes on the list.", fields={"theme": "Choose a theme."})
    chosen = None
    if accent:
        chosen = colour.parse_hex(accent)
        if chosen is None:
            raise Invalid(
                "Choose a colour from the list, or write one like #1d4f91.",
                fields={"accent": "Not a colour."},
            )
    with db.write():
        db.execute(
            "UPDATE sites SET theme = ?, accent = ? WHERE id = ?", (theme, chosen, ctx.site.id)
        )
        record(db, site_id=ctx.site.id, actor=actor, action="change-look",
               detail=f"theme {theme}" + (f", colour {chosen}" if chosen else ""))  # fmt: skip
    return Look(theme, chosen)
