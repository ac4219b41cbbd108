"""Reading the register's free texts, which flux V4.1 flattens onto one line.

France Compétences turns the line breaks and list markup of a text into runs of spaces
(``"…d’accueil.      Aujourd’hui"``, ``"    - item"``, ``"        * item"``,
``"            o sub-item"``). Every output that shows or splits a text uses this reading.
"""

from __future__ import annotations

import re

__all__ = [
    "flattened_items",
    "flattened_lines",
]

_BULLET = re.compile(r"^(?:[-–—•*·](?=\s|[^\W\d_])|o(?=\s))\s*")
_BULLET_STARTS = frozenset("-–—•*·o")


def flattened_lines(text: str | None) -> list[tuple[bool, str]]:
    """The lines of a flattened text as ``(is_list_item, line)``, bullets removed.

    A run of three or more blanks, or a real line break, ends a line; a line starting with
    a bullet (``-``, ``–``, ``•``, ``*``, ``·``, or ``o`` before a blank) is a list item.
    """
    if not text:
        return []
    if "\r" in text or "\n" in text or "\t" in text:
        text = text.replace("\r", "   ").replace("\n", "   ").replace("\t", " ")
    lines: list[tuple[bool, str]] = []
    for part in text.split("   "):  # str.split: several times faster than a regex
        line = part.strip()
        if not line:
            continue
        if line[0] in _BULLET_STARTS and (bullet := _BULLET.match(line)):
            line = line[bullet.end() :].strip()
            if line:
                lines.append((True, line))
        else:
            lines.append((False, line))
    return lines


def flattened_items(text: str | None) -> list[str]:
    """The lines of a flattened text as a plain list, bullets removed (what the model's
    ``*_items`` properties return): :func:`flattened_lines` without the list-item flags."""
    return [line for _is_item, line in flattened_lines(text)]
