"""Registration: on request (decision + duration) or by right (effective date); the active flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rncpkit.model import Certification, RegistrationType
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import INACTIVE, Context, Issue, rule

__all__ = [
    "add_years",
]


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February lands on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@rule(
    "REG-REQUEST-DATES",
    Severity.ERROR,
    "A registration on request has a decision date and a duration",
    "Un enregistrement sur demande a une date de décision et une durée",
    legacy=INACTIVE,
)
def _request_dates(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is not RegistrationType.ON_REQUEST:
        return
    if cert.decision_date is None:
        yield Issue(
            "decision_date",
            "registration on request without DATE_DECISION",
            "enregistrement sur demande sans DATE_DECISION",
        )
    if cert.registration_years is None and context.carries("registration_years"):
        yield Issue(
            "registration_years",
            "registration on request without DUREE_ENREGISTREMENT",
            "enregistrement sur demande sans DUREE_ENREGISTREMENT",
        )


@rule(
    "REG-END-DATE",
    Severity.ERROR,
    "On request, the end of registration is the decision date plus the duration in years",
    "Sur demande, la fin d'enregistrement est la date de décision plus la durée en années",
)
def _end_date(cert: Certification, context: Context) -> Iterator[Issue]:
    if (
        cert.registration_type is not RegistrationType.ON_REQUEST
        or cert.decision_date is None
        or cert.registration_years is None
        or cert.registration_end is None
    ):
        return
    try:
        expected = add_years(cert.decision_date, cert.registration_years)
    except (ValueError, OverflowError):
        expected = None
    if expected != cert.registration_end:
        shown = expected.isoformat() if expected else "out of range"
        yield Issue(
            "registration_end",
            f"registration ends {cert.registration_end.isoformat()} but decision "
            f"{cert.decision_date.isoformat()} + {cert.registration_years} years gives {shown}",
            f"l'enregistrement finit le {cert.registration_end.isoformat()} mais décision "
            f"{cert.decision_date.isoformat()} + {cert.registration_years} ans donne {shown}",
        )


@rule(
    "REG-RIGHT-EFFECTIVE",
    Severity.ERROR,
    "A registration by right has an effective date",
    "Un enregistrement de droit a une date d'effet",
    legacy=INACTIVE,
)
def _right_effective(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is RegistrationType.BY_RIGHT and cert.effective_date is None:
        yield Issue(
            "effective_date",
            "registration by right without DATE_EFFET",
            "enregistrement de droit sans DATE_EFFET",
        )


@rule(
    "REG-MIXED-DATES",
    Severity.WARNING,
    "Dates of the other registration type are absent (no decision or duration by right, "
    "no effective date on request)",
    "Les dates de l'autre type d'enregistrement sont absentes (ni décision ni durée de "
    "droit, pas de date d'effet sur demande)",
)
def _mixed_dates(cert: Certification, context: Context) -> Iterator[Issue]:
    if cert.registration_type is RegistrationType.BY_RIGHT:
        for name, element, value in (
            ("decision_date", "DATE_DECISION", cert.decision_date),
            ("registration_years", "DUREE_ENREGISTREMENT", cert.registration_years),
        ):
            if value is not None:
                yield Issue(
                    name,
                    f"registration by right with {element}",
                    f"enregistrement de droit avec {element}",
                )
    elif cert.registration_type is RegistrationType.ON_REQUEST and cert.effective_date:
        yield Issue(
            "effective_date",
            "registration on request with DATE_EFFET",
            "enregistrement sur demande avec DATE_EFFET",
        )


@rule(
    "ACTIVE-FLAG",
    Severity.WARNING,
    "The active flag agrees with the end of registration on the export date",
    "L'indicateur actif concorde avec la fin d'enregistrement à la date de l'export",
)
def _active_flag(cert: Certification, context: Context) -> Iterator[Issue]:
    end = cert.registration_end
    if end is None or cert.active is None:
        return
    day = context.today
    # ACTIF turns off the day after the end; allow the export one day to catch up
    if cert.active and day > end + dt.timedelta(days=1):
        yield Issue(
            "active",
            f"flagged active but registration ended {end.isoformat()} (export date "
            f"{day.isoformat()})",
            f"marquée active alors que l'enregistrement a pris fin le {end.isoformat()} "
            f"(date de l'export {day.isoformat()})",
        )
    elif not cert.active and day < end:
        yield Issue(
            "active",
            f"flagged inactive but registration runs until {end.isoformat()} (export date "
            f"{day.isoformat()})",
            f"marquée inactive alors que l'enregistrement court jusqu'au {end.isoformat()} "
            f"(date de l'export {day.isoformat()})",
        )
