"""Three-way merge of a page (issue #26): two people who saved from the same revision
both keep their changes, and a clash is reported only where both changed the same item
differently.

- ``items``: a structured block's fields and list items, one by one;
- ``text``: free text, line by line (the kept ``merge3`` library finds the regions);
- ``page``: a page cut into its blocks and the text around them.

Nothing here reads the database or decides who may do what: the store merges the
texts a person could already read (wiki/store/pages.py).
"""

from wiki.merge.items import BOTH, MINE, THEIRS, Clash, merge_value
from wiki.merge.page import Merged, merge_page
from wiki.merge.text import merge_text

__all__ = [
    "BOTH", "MINE", "THEIRS", "Clash", "Merged", "merge_page", "merge_text", "merge_value",
]  # fmt: skip
