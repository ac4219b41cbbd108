"""The reader's inlined loop for simple list items gives exactly what the generic table
walk gives: the same values, the same unknown elements, the same first problem."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from rncpkit.formats.fc_xml import V41
from rncpkit.formats.fc_xml.codecs import parse_date
from rncpkit.formats.xmltable import ListOf, Problem
from rncpkit.formats.xmltable.reading import _read_items, read_group

PARTNERS = V41.table["PARTENAIRES"]
assert isinstance(PARTNERS, ListOf)

CHILDREN = [
    "<NOM_PARTENAIRE>ÉCOLE A</NOM_PARTENAIRE>",
    "<NOM_PARTENAIRE>B</NOM_PARTENAIRE>",  # a second one: "appears more than once"
    "<SIRET_PARTENAIRE> 19753471200017 </SIRET_PARTENAIRE>",
    "<HABILITATION_PARTENAIRE>HABILITATION_FORMER</HABILITATION_PARTENAIRE>",
    "<DATE_ACTIF>18/11/2020</DATE_ACTIF>",
    "<DATE_ACTIF>31/02/2020</DATE_ACTIF>",  # a date that does not exist
    "<DATE_DERNIERE_MODIFICATION_ETAT>2020-11-18</DATE_DERNIERE_MODIFICATION_ETAT>",
    "<NOM_PARTENAIRE>X<B>y</B></NOM_PARTENAIRE>",  # markup where text is expected
    "<INCONNU>z</INCONNU>",  # unknown: kept
    "<!-- a comment -->",
    "<?pi x?>",
    "<ETAT_HABILITATION/>",
]


def _outcome(read: Any) -> tuple[str, Any]:
    unknown: list[tuple[etree._Element, etree._Element]] = []
    try:
        values = read(unknown)
    except Problem as problem:
        return "problem", (problem.message, problem.element.sourceline, problem.element.tag)
    return "ok", (values, [(p.tag, c.tag, c.sourceline) for p, c in unknown])


def _generic(wrapper: etree._Element, unknown: list[Any]) -> list[Any]:
    items = []
    for item in wrapper:
        if item.tag != PARTNERS.item:
            if isinstance(item.tag, str):
                unknown.append((wrapper, item))
            continue
        values: dict[str, Any] = {}
        read_group(item, PARTNERS, values, unknown)
        items.append(values)
    return items


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(CHILDREN), max_size=6), max_size=4), st.booleans())
def test_inlined_items_equal_the_generic_walk(items: list[list[str]], stray: bool) -> None:
    body = "".join(f"<PARTENAIRE>\n{chr(10).join(children)}\n</PARTENAIRE>\n" for children in items)
    if stray:
        body += "<AUTRE>k</AUTRE>"
    wrapper = etree.fromstring(f"<PARTENAIRES>\n{body}</PARTENAIRES>")
    fast = _outcome(lambda unknown: _read_items(wrapper, PARTNERS, unknown))
    generic = _outcome(lambda unknown: _generic(wrapper, unknown))
    assert fast == generic


def test_dates_are_memoised_but_errors_are_not() -> None:
    parse_date.cache_clear()
    assert parse_date("18/11/2020") is parse_date("18/11/2020")
    assert parse_date.cache_info().hits == 1
    for _ in range(2):
        try:
            parse_date("31/02/2020")
        except Exception as exc:  # BadValue each time, with its message
            assert "invalid date" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("31/02/2020 was accepted")
