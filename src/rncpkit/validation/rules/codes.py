"""Codes of nomenclatures (ROME, NSF, Formacode) and fiche numbers are well formed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rncpkit.model import Certification
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []

ROME = re.compile(r"[A-N][0-9]{4}")
"""ROME codes: a domain letter A (agriculture) … N (transport) and four digits."""
NSF = re.compile(r"[1-4][0-9]{2}[a-z]?")
"""NSF: three digits (domains 1xx–4xx) and an optional lowercase function letter."""
FORMACODE = re.compile(r"[0-9]{5}")


def _code_rule(
    code: str,
    name: str,
    pattern: re.Pattern[str],
    example: str,
    items: Callable[[Certification], list[str]],
    field_name: str,
) -> None:
    def check(cert: Certification, context: Context) -> Iterator[Issue]:
        for index, value in enumerate(items(cert)):
            if not pattern.fullmatch(value):
                yield Issue(
                    f"{field_name}[{index}].code",
                    f"{name} code {value!r} is malformed (expected like {example})",
                    f"le code {name} {value!r} est mal formé (attendu comme {example})",
                )

    rule(
        code,
        Severity.ERROR,
        f"{name} codes are well formed (like {example})",
        f"Les codes {name} sont bien formés (comme {example})",
    )(check)


_code_rule("ROME-FORMAT", "ROME", ROME, "M1805", lambda c: [r.code for r in c.rome], "rome")
_code_rule("NSF-FORMAT", "NSF", NSF, "326t", lambda c: [n.code for n in c.nsf], "nsf")
_code_rule(
    "FORMACODE-FORMAT",
    "Formacode",
    FORMACODE,
    "34254",
    lambda c: [f.code for f in c.formacodes],
    "formacodes",
)

FICHE_NUMBER = re.compile(r"(RNCP|RS)[0-9]+")
"""A fiche number in ASCII digits (the model's pattern also lets other scripts' digits by)."""


@rule(
    "NUMBER-FORMAT",
    Severity.ERROR,
    "Fiche numbers, of the fiche and of the fiches it links to, are RNCP or RS and ASCII digits",
    "Les numéros de fiche, de la fiche et des fiches liées, sont RNCP ou RS et des chiffres ASCII",
)
def _number_format(cert: Certification, context: Context) -> Iterator[Issue]:
    numbers = [("number", cert.number)]
    numbers += [(f"successors[{i}]", n) for i, n in enumerate(cert.successors)]
    numbers += [(f"predecessors[{i}]", n) for i, n in enumerate(cert.predecessors)]
    numbers += [
        (f"correspondences[{i}].target_number", c.target_number)
        for i, c in enumerate(cert.correspondences)
    ]
    for path, number in numbers:
        if not FICHE_NUMBER.fullmatch(number):
            yield Issue(
                path,
                f"fiche number {number!r} is malformed (expected like RNCP35080 or RS5000)",
                f"le numéro de fiche {number!r} est mal formé (attendu comme RNCP35080 ou RS5000)",
            )
