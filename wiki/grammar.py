"""Small words for labels the code builds: "a" or "an" (issue #16).

Labels such as "Add a {item}" are made from a block's own words, so the right article
depends on the word: "Add an outcome", "Add a step", "Add a one-page profile", "an EHC
plan". One helper, used by the templates (the ``a_an`` filter) and by plugins (through
``wiki.plugin_api.with_article``), so no label says "a outcome" again.
"""

from __future__ import annotations

import re

# Words that start with a vowel letter but a consonant sound ("a unit", "a one-page
# profile", "a European"), and the reverse ("an hour", "an honest answer").
_CONSONANT_SOUND = re.compile(r"^(?:uni|use|usu|ure|uro|eu|ewe|one\b|one-|once|ouija)", re.I)
_VOWEL_SOUND = re.compile(r"^(?:hour|honest|honour|honor|heir)", re.I)
# Letters whose names start with a vowel sound, for words read letter by letter ("an EHC plan").
_VOWEL_NAMED_LETTERS = set("AEFHILMNORSX")


def article(phrase: str) -> str:
    """``"a"`` or ``"an"``, whichever goes before ``phrase``."""
    word = phrase.strip().split(" ", 1)[0].strip("“”\"'‘’(")
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    # A short abbreviation is read letter by letter ("an EHC plan", "an NHS number"); a
    # longer one is usually said as a word ("a SENCO").
    if 1 < len(letters) <= 3 and letters.isupper():
        return "an" if letters[0] in _VOWEL_NAMED_LETTERS else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if _CONSONANT_SOUND.match(word):
        return "a"
    if word[0].isdigit():  # "an 8-week course", "an 11-year-old", "an 18th birthday"
        return "an" if re.match(r"^(?:8|11|18)(?!\d)|^8\d", word) else "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """``phrase`` with "a" or "an" in front: ``with_article("outcome") == "an outcome"``."""
    return f"{article(phrase)} {phrase}"


def and_list(items: list[str]) -> str:
    """'About me', 'About me and Health', 'About me, Health and School' (issue #23)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
