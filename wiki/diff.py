"""Readable differences between two revisions: lines aligned, changed words marked.

Screen readers do not announce ``<ins>``/``<del>``, so each change carries hidden
words ("added", "removed") as well as colour and strike-through (issue #2).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import escape

_WORDS = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "changed"
    html: str


def _ins(text: str) -> str:
    return f'<ins><span class="visually-hidden">added: </span>{escape(text)}</ins>'


def _del(text: str) -> str:
    return f'<del><span class="visually-hidden">removed: </span>{escape(text)}</del>'


def word_diff(old: str, new: str) -> str:
    """One line's change as HTML with the changed words marked."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(_del("".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(_ins("".join(b[j1:j2])))
    return "".join(out)


def diff_lines(old: str, new: str, *, context: int | None = 3) -> list[DiffLine]:
    """Line-by-line difference; changed lines paired up show word changes.

    With ``context`` set, long unchanged runs are folded to that many lines each side.
    """
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            if context is not None and len(same) > 2 * context + 1:
                head = same[:context] if lines else []
                tail = same[-context:] if i2 < len(a) or j2 < len(b) else []
                lines += [DiffLine("same", escape(t)) for t in head]
                lines.append(
                    DiffLine("fold", f"{len(same) - len(head) - len(tail)} lines unchanged")
                )
                lines += [DiffLine("same", escape(t)) for t in tail]
            else:
                lines += [DiffLine("same", escape(t)) for t in same]
        elif op == "replace":
            old_part, new_part = a[i1:i2], b[j1:j2]
            for k in range(max(len(old_part), len(new_part))):
                if k < len(old_part) and k < len(new_part):
                    lines.append(DiffLine("changed", word_diff(old_part[k], new_part[k])))
                elif k < len(old_part):
                    lines.append(DiffLine("removed", _del(old_part[k])))
                else:
                    lines.append(DiffLine("added", _ins(new_part[k])))
        elif op == "delete":
            lines += [DiffLine("removed", _del(t)) for t in a[i1:i2]]
        elif op == "insert":
            lines += [DiffLine("added", _ins(t)) for t in b[j1:j2]]
    return lines


def has_changes(lines: list[DiffLine]) -> bool:
    return any(line.kind not in ("same", "fold") for line in lines)
