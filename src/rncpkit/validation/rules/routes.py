"""Access routes (SI_JURY_*): flags present, juries described where open."""

from __future__ import annotations

from collections.abc import Iterator

from rncpkit.model import AccessRouteCode, Certification
from rncpkit.model.enums import Repertoire
from rncpkit.validation.findings import Severity
from rncpkit.validation.rules.engine import Context, Issue, rule

# Its rules register themselves in the catalogue when the package imports it;
# nothing is imported from here by name.
__all__: list[str] = []

_ROUTES_RS = tuple(code for code in AccessRouteCode if code is not AccessRouteCode.CA)


@rule(
    "ROUTE-MISSING",
    Severity.WARNING,
    "Every access route has its flag (six on RNCP; all but apprenticeship on RS)",
    "Chaque voie d'accès a son indicateur (six au RNCP ; toutes sauf l'apprentissage au RS)",
)
def _route_missing(cert: Certification, context: Context) -> Iterator[Issue]:
    expected = tuple(AccessRouteCode) if cert.repertoire is Repertoire.RNCP else _ROUTES_RS
    for code in expected:
        if code not in cert.access_routes:
            yield Issue(
                f"access_routes.{code.value}",
                f"SI_JURY_{code.value} is missing",
                f"l'élément SI_JURY_{code.value} est absent",
            )


@rule(
    "ROUTE-JURY-CLOSED",
    Severity.WARNING,
    "A closed access route has no jury composition",
    "Une voie d'accès fermée n'a pas de composition de jury",
)
def _jury_closed(cert: Certification, context: Context) -> Iterator[Issue]:
    for code, route in cert.access_routes.items():
        if not route.open and route.jury and route.jury.strip():
            yield Issue(
                f"access_routes.{code.value}.jury",
                f"route {code.value} is closed but describes a jury",
                f"la voie {code.value} est fermée mais décrit un jury",
            )


@rule(
    "ROUTE-JURY-MISSING",
    Severity.WARNING,
    "An open access route describes its jury",
    "Une voie d'accès ouverte décrit son jury",
)
def _jury_missing(cert: Certification, context: Context) -> Iterator[Issue]:
    if not context.carries("jury"):
        return
    for code, route in cert.access_routes.items():
        if route.open and not (route.jury and route.jury.strip()):
            yield Issue(
                f"access_routes.{code.value}.jury",
                f"route {code.value} is open but has no jury composition",
                f"la voie {code.value} est ouverte mais sans composition de jury",
            )
