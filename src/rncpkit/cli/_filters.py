"""The fiche filters every bulk command shares, as one reusable Click decorator.

``@filter_options`` adds ``--numero``, ``--repertoire``, ``--active/--inactive``,
``--level``, ``--certifier`` and ``--in-force-on`` and hands the command a single
``fiche_filter`` argument (a :class:`~rncpkit.filters.FicheFilter`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from rncpkit.errors import UsageError
from rncpkit.filters import FicheFilter, parse_level, parse_numbers, parse_siret
from rncpkit.model import Repertoire

R = TypeVar("R")

_OPTIONS = (
    click.option(
        "--numero",
        "filter_numero",
        multiple=True,
        metavar="NUMERO|@FILE",
        help="Keep these fiches: a number, a comma-separated list, or @FILE with one number "
        "per line (repeatable).",
    ),
    click.option(
        "--repertoire",
        "filter_repertoire",
        type=click.Choice(["rncp", "rs"], case_sensitive=False),
        help="Keep the fiches of one register.",
    ),
    click.option(
        "--active/--inactive",
        "filter_active",
        default=None,
        help="Keep active (ACTIF Oui / ACTIVE) or inactive fiches only.",
    ),
    click.option(
        "--level",
        "filter_level",
        multiple=True,
        metavar="LEVEL",
        help="Keep fiches of this level: 3…8, NIV3…NIV8 or REPRISE (repeatable).",
    ),
    click.option(
        "--certifier",
        "filter_certifier",
        multiple=True,
        metavar="SIRET",
        help="Keep fiches one of whose certifiers has this SIRET (repeatable).",
    ),
    click.option(
        "--in-force-on",
        "filter_in_force_on",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        metavar="AAAA-MM-JJ",
        help="Keep fiches whose registration covers this day.",
    ),
)


def build_filter(
    numero: tuple[str, ...] = (),
    repertoire: str | None = None,
    active: bool | None = None,
    level: tuple[str, ...] = (),
    certifier: tuple[str, ...] = (),
    in_force_on: dt.date | None = None,
) -> FicheFilter:
    """The filter the options describe (:class:`UsageError` on a malformed value)."""
    return FicheFilter(
        numbers=parse_numbers(numero) if numero else None,
        repertoire=Repertoire(repertoire.upper()) if repertoire else None,
        active=active,
        levels=frozenset(parse_level(value) for value in level) if level else None,
        certifiers=frozenset(parse_siret(value) for value in certifier) if certifier else None,
        in_force_on=in_force_on,
    )


def filter_options(command: Callable[..., R]) -> Callable[..., R]:
    """Add the filter options to a Click command; it receives ``fiche_filter``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        day = kwargs.pop("filter_in_force_on")
        try:
            kwargs["fiche_filter"] = build_filter(
                numero=kwargs.pop("filter_numero"),
                repertoire=kwargs.pop("filter_repertoire"),
                active=kwargs.pop("filter_active"),
                level=kwargs.pop("filter_level"),
                certifier=kwargs.pop("filter_certifier"),
                in_force_on=day.date() if isinstance(day, dt.datetime) else day,
            )
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        return command(*args, **kwargs)

    decorated: Callable[..., R] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
