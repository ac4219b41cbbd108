"""Codes of the problems found while reading, before any rule runs."""

from __future__ import annotations

import re

from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import Rule, add_rule

__all__ = [
    "INPUT_UNREADABLE",
    "READ_INVALID",
    "read_rule",
]

READ_INVALID = "READ-INVALID"
INPUT_UNREADABLE = "INPUT-UNREADABLE"

add_rule(
    Rule(
        INPUT_UNREADABLE,
        Severity.ERROR,
        "The file cannot be read at all (not well-formed, unsafe, unsupported version or "
        "encoding, empty, bad zip)",
        "Le fichier est illisible (XML mal formé, dangereux, version ou encodage non pris "
        "en charge, vide, zip invalide)",
    )
)
add_rule(
    Rule(
        READ_INVALID,
        Severity.ERROR,
        "A fiche does not fit the model (missing element, bad date, number or code)",
        "Une fiche ne respecte pas le modèle (élément manquant, date, nombre ou code invalide)",
    )
)


CODES_BY_READ_FIELD: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|/)CODES_ROME(/|$)|^rome\."), "ROME-FORMAT"),
    (re.compile(r"(^|/)CODES_NSF(/|$)|^nsf\."), "NSF-FORMAT"),
    (re.compile(r"(^|/)FORMACODES(/|$)|^formacodes\."), "FORMACODE-FORMAT"),
    (re.compile(r"SIRET|\.siret$"), "SIRET-FORMAT"),
)


def read_rule(field_path: str | None, message: str) -> str:
    """The rule code of a problem found while reading: a code's format rule when the
    problem is a malformed code, ``READ-INVALID`` otherwise."""
    if field_path and "pattern" in message:
        for pattern, code in CODES_BY_READ_FIELD:
            if pattern.search(field_path):
                return code
    return READ_INVALID
