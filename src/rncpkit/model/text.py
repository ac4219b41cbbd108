"""Reading the register's free texts, which flux V4.1 flattens onto one line.

France Compétences turns the line breaks and list markup of a text into runs of spaces
(``"…d’accueil.      Aujourd’hui"``, ``"    - item"``, ``"        * item"``,
``"            o sub-item"``). Every output that shows or splits a text uses this reading.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"[\r\n]+|\s{3,}")
_BULLET = re.compile(r"^(?:[-–—•*·](?=\s|[^\W\d_])|o(?=\s))\s*")


def flattened_lines(text: str | None) -> list[tuple[bool, str]]:
    """The lines of a flattened text as ``(is_list_item, line)``, bullets removed.

    A run of three or more blanks, or a real line break, ends a line; a line starting with
    a bullet (``-``, ``–``, ``•``, ``*``, ``·``, or ``o`` before a blank) is a list item.
    """
    if not text:
        return []
    lines: list[tuple[bool, str]] = []
    for part in _LINE_BREAK.split(text.replace("\t", " ")):
        line = part.strip()
        if not line:
            continue
        bullet = _BULLET.match(line)
        if bullet:
            line = line[bullet.end() :].strip()
            if line:
                lines.append((True, line))
        else:
            lines.append((False, line))
    return lines
