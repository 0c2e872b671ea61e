"""A person's own reading preferences, kept on their account (issue #16).

They are read with the session or token in the same query (``Actor.preferences``), so a
page view costs nothing more; this module only writes them. Readers through a guest link
have no account: their choices live in a cookie (``wiki.routes.reading``).
"""

from __future__ import annotations

from collections.abc import Iterable

from wiki.db import Database
from wiki.errors import Invalid
from wiki.models import PLAN_LOOK, Actor, Preferences


def check_preferences(prefs: Preferences, themes: Iterable[str]) -> Preferences:
    """Refuse a theme that is not installed (the model already checked the shape)."""
    if prefs.theme != PLAN_LOOK and prefs.theme not in set(themes):
        message = f"There is no look called {prefs.theme!r}. Choose one of the looks on the list."
        raise Invalid(message, fields={"theme": message})
    return prefs


def set_preferences(
    db: Database, actor: Actor, prefs: Preferences, *, themes: Iterable[str]
) -> Preferences:
    """Keep ``prefs`` as the signed-in person's own; nobody can set another's."""
    if actor.user_id is None:
        raise Invalid("Sign in to keep your reading choices on your account.")
    check_preferences(prefs, themes)
    with db.write():
        db.execute(
            "UPDATE users SET preferences = ? WHERE id = ? AND deleted_at IS NULL",
            (prefs.model_dump_json(), actor.user_id),
        )
    return prefs
