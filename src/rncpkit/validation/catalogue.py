"""The rule catalogue as a document: docs/rules.md is generated from the registry.

Regenerate with ``python -m rncpkit.validation.catalogue > docs/rules.md``; a test checks
that the committed copy is current.
"""

from __future__ import annotations

from rncpkit.validation.rules import CATALOGUE, Rule

__all__ = [
    "markdown",
]

HEADER = """\
# Validation rules

<!-- Generated from the rule registry by `python -m rncpkit.validation.catalogue > docs/rules.md`.
     Do not edit by hand: tests/test_rules.py checks that this file is current. -->

`rncpkit validate` reports every problem of every fiche under one of these stable codes.
`--rules` lists them, `--select`/`--ignore` take them. An *error* makes the fiche unfit for
use (exit code 1); a *warning* deserves a look (exit code 1 only with `--strict`).

**Legacy fiches.** France Compétences publishes its old fiches as they were registered:
a fiche registered before a rule existed (the V3 flux, pre-2019 registrations) has no
decision date, no competence blocks, no ROME code, no partner flag, and nobody can correct
it once its registration has ended. The rules marked below report such a fiche as a
*warning*, with a note in the message, so that a national run does not fail on the
register's own history. Rules about malformed values (codes, dates that contradict each
other, texts) stay errors on every fiche: a wrong value is wrong, not old.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(code: str, rule: Rule) -> str:
    legacy = ""
    if rule.legacy is not None:
        legacy = f"warning {_cell(rule.legacy.when_en)}<br>*{_cell(rule.legacy.when_fr)}*"
    summary = f"{_cell(rule.summary_en)}<br>*{_cell(rule.summary_fr)}*"
    return f"| `{code}` | {rule.severity.value} | {summary} | {legacy} |"


def markdown() -> str:
    """docs/rules.md, from the catalogue."""
    lines = [
        HEADER,
        "| Code | Severity | Rule (en / *fr*) | On legacy fiches |",
        "|---|---|---|---|",
    ]
    lines += [_row(code, rule) for code, rule in CATALOGUE.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
