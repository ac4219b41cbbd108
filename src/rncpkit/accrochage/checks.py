"""The checks of a holder's row that need more than the row: the certification's fiche
(routes it opens, dates it covers), today's date, and the ledger of earlier declarations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rncpkit.accrochage.enums import AccessMode
from rncpkit.accrochage.fiches import FicheFacts, FicheIndex
from rncpkit.accrochage.ledger import ACCEPTED, FILE_REFUSED, REFUSED, SENT, Declared
from rncpkit.accrochage.model import CertificationRef
from rncpkit.accrochage.rows import Row, RowProblem

__all__ = [
    "against_ledger",
    "check_against_fiche",
    "problem",
]


def problem(row: Row, column: str, en: str, fr: str) -> RowProblem:
    """A problem of ``row`` in ``column``, with the cell's value (hidden if personal)."""
    return RowProblem(row.number, row.technical_id, column, row.get(column) or None, en, fr)


def check_against_fiche(
    row: Row, ref: CertificationRef, data: Mapping[str, Any], fiches: FicheIndex, today: dt.date
) -> list[RowProblem]:
    """The checks that need the certification's fiche and today's date, on whatever the
    row's cells gave (``data``: model field → value), so they come with the format errors."""
    problems: list[RowProblem] = []
    valid_from = data.get("valid_from")
    awarded = valid_from if isinstance(valid_from, dt.date) else None
    if awarded is not None and awarded > today:
        problems.append(
            problem(row, "date_obtention", "date is in the future", "date dans le futur")
        )
    fiche = fiches.get(ref.code)
    if fiche is None:
        problems.append(
            problem(
                row,
                "certification",
                f"no fiche for {ref.code}: give it with --fiche",
                f"aucune fiche pour {ref.code} : la donner avec --fiche",
            )
        )
        return problems
    mode = data.get("access_mode")
    route = mode.rncp_route if isinstance(mode, AccessMode) else None
    if route is not None and route not in fiche.open_routes:
        opened = ", ".join(sorted(r.value for r in fiche.open_routes)) or "-"
        problems.append(
            problem(
                row,
                "voie_acces",
                f"fiche {fiche.number} does not open the {route.value} route "
                f"({route.label_en}); open routes: {opened}",
                f"la fiche {fiche.number} n'ouvre pas la voie {route.value} "
                f"({route.label_fr}) ; voies ouvertes : {opened}",
            )
        )
    if awarded is None:
        return problems
    if fiche.last_award_date is not None and awarded > fiche.last_award_date:
        last = fiche.last_award_date.strftime("%d/%m/%Y")
        problems.append(
            problem(
                row,
                "date_obtention",
                f"after the last day fiche {fiche.number} may be awarded ({last})",
                f"postérieure au dernier jour de délivrance de la fiche {fiche.number} ({last})",
            )
        )
    start = fiche.registration_start
    if start is not None and awarded < start:
        problems.append(_before_registration(row, fiche, start))
    return problems


def _before_registration(row: Row, fiche: FicheFacts, start: dt.date) -> RowProblem:
    """A warning, not a refusal: a renewed certification's holders may have been awarded
    under its predecessor, which the fiche names (``ANCIENNES_CERTIFICATIONS``)."""
    day = start.strftime("%d/%m/%Y")
    en = f"before fiche {fiche.number} was registered ({day})"
    fr = f"antérieure à l'enregistrement de la fiche {fiche.number} ({day})"
    if fiche.predecessors:
        names = ", ".join(fiche.predecessors)
        en += f": legitimate only if awarded under its predecessor {names}"
        fr += f" : légitime seulement si délivrée au titre de la fiche précédente {names}"
    else:
        en += "; the fiche names no predecessor: check the date"
        fr += " ; la fiche ne cite aucune certification précédente : vérifier la date"
    return RowProblem(
        row.number,
        row.technical_id,
        "date_obtention",
        row.get("date_obtention") or None,
        en,
        fr,
        warning=True,
    )


def against_ledger(row: Row, declared: Declared, digest: str, resend: bool) -> list[RowProblem]:
    """A row whose idTechnique the ledger already has: refused unless it is a resend of a
    passage refused or never answered."""
    when = f"{declared.file}, {declared.sent_at[:10]}"
    if declared.status == ACCEPTED:
        return [
            problem(
                row,
                "id_technique",
                f"already declared and accepted ({when}): an accepted passage is never sent again",
                f"déjà déclaré et accepté ({when}) : un passage accepté n'est jamais renvoyé",
            )
        ]
    if resend:
        return []
    state = {
        SENT: ("not answered yet", "sans réponse à ce jour"),
        REFUSED: ("refused", "refusé"),
        FILE_REFUSED: ("its file was refused", "fichier refusé"),
    }[declared.status]
    if declared.digest == digest:
        return [
            problem(
                row,
                "id_technique",
                f"duplicate declaration: already sent with the same content ({when}, "
                f"{state[0]}); --resend sends a refused or unanswered passage again",
                f"déclaration en double : déjà envoyé à l'identique ({when}, {state[1]}) ; "
                "--resend renvoie un passage refusé ou sans réponse",
            )
        ]
    return [
        problem(
            row,
            "id_technique",
            f"conflict: this idTechnique was already declared with other content ({when}, "
            f"{state[0]}); one idTechnique names one award: --resend to send a corrected "
            "passage, or give a new idTechnique to a different award",
            f"conflit : cet idTechnique a déjà été déclaré avec un autre contenu ({when}, "
            f"{state[1]}) ; un idTechnique désigne un seul passage : --resend pour envoyer "
            "une correction, ou un nouvel idTechnique pour un autre passage",
        )
    ]
