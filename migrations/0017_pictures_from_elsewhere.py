"""Pictures from other sites become links in pages saved before (issue #25).

A revision's HTML is stored when it is saved. Before this step a markdown picture from any
https address was served as ``<img src="https://elsewhere...">``, which tells that site who
read the page and when. New saves render such a picture as a link (``wiki.render``); this
step does the same to the HTML already stored, so no old page keeps a tracking pixel.
"""

import html
import re

from wiki.render import picture_from_elsewhere

DATA_ONLY = True  # rewrites stored HTML; the schema stays as it was

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\b(src|alt)="([^"]*)"', re.IGNORECASE)


def _one(match):
    attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(match.group(0))}
    src = attrs.get("src", "")
    if not re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", src, re.IGNORECASE):
        return match.group(0)  # the plan's own file: a path on this site
    return picture_from_elsewhere(src, attrs.get("alt", ""))


def migrate(db):
    rows = db.execute("SELECT id, html FROM revisions WHERE html LIKE '%<img%'").fetchall()
    for revision_id, stored in rows:
        changed = _IMG.sub(_one, stored)
        if changed != stored:
            db.execute("UPDATE revisions SET html = ? WHERE id = ?", (changed, revision_id))
