"""The columns ``credentials issue`` reads on top of the accrochage ones, declared once.

They are :class:`rncpkit.accrochage.Column` objects handed to
:func:`rncpkit.accrochage.read_rows` as ``extra_columns``: the accrochage reader accepts
them in the header and keeps their cells in ``Row.cells``; the flux ignores them. The
help of ``credentials issue`` and the checks of :mod:`.holders` walk this table.
"""

from __future__ import annotations

from rncpkit.accrochage import Column

__all__ = ["COLUMNS"]

COLUMNS: tuple[Column, ...] = (
    Column(
        "email",
        "adresse e-mail du titulaire (identifiant haché dans le badge)",
        "holder's e-mail address (hashed identifier in the badge)",
        personal=True,
        aliases=("e_mail", "courriel", "mail", "adresse_email"),
    ),
    Column(
        "credential_id",
        "identifiant (URI) du badge, pour réémettre le même ; vide = urn:uuid aléatoire",
        "credential id (a URI), to re-issue the same one; empty = random urn:uuid",
        aliases=("id_credential", "id_badge"),
    ),
    Column(
        "blocs",
        "codes des blocs obtenus (ex. RNCP35080BC01 RNCP35080BC02), avec --blocks",
        "codes of the blocks obtained (e.g. RNCP35080BC01 RNCP35080BC02), with --blocks",
        aliases=("blocs_obtenus", "blocks", "codes_blocs"),
    ),
)
PERSONAL = frozenset(column.name for column in COLUMNS if column.personal)


def columns_help() -> str:
    """The table as lines for ``credentials issue --help``: name and help, then the other
    spellings of the header."""
    lines = []
    for column in COLUMNS:
        personal = " (personal: never printed)" if column.personal else ""
        lines.append(f"{column.name}: {column.help_en}{personal}")
        if column.aliases:
            lines.append(f"    (also: {', '.join(column.aliases)})")
    return "\n".join(lines)
