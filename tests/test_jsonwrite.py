"""The writers' JSON encoding: the shared C encoder and the JSON-LD outcome fast path give
exactly the text of the standard encoder."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rncpkit import jsonwrite
from rncpkit.europass.graph import Outcome
from rncpkit.formats import europass_jsonld

_standard = json.JSONEncoder(ensure_ascii=False).encode
_encode = jsonwrite.encoder()

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()  # every code point, surrogates and controls included
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_values)
def test_encoder_writes_what_the_standard_encoder_writes(value: Any) -> None:
    assert _encode(value) == _standard(value)


def test_encoder_examples_and_errors() -> None:
    node = {"id": "https://x.example/a", "title": {"fr": 'l’équipe « d\'accueil »\n\t"x"'}}
    assert _encode(node) == (
        '{"id": "https://x.example/a", "title": {"fr": "l’équipe « d\'accueil »\\n\\t\\"x\\""}}'
    )
    assert _encode([1, 2.5, None, True]) == "[1, 2.5, null, true]"
    with pytest.raises(TypeError, match="not JSON serializable"):
        _encode({"a": object()})
    assert _encode([float("nan"), float("inf")]) == _standard([float("nan"), float("inf")])


@given(st.text(), st.text())
def test_jsonld_outcome_fast_path_is_the_encoded_node(ident: str, title: str) -> None:
    outcome = Outcome(ident, title)
    assert europass_jsonld.outcome_json(outcome) == _encode(europass_jsonld.outcome(outcome))
    assert europass_jsonld.outcome_json(outcome) == _standard(europass_jsonld.outcome(outcome))


def test_jsonld_outcome_examples() -> None:
    with_title = europass_jsonld.outcome_json(Outcome("https://x.example/B1/outcome/1", "Gérer"))
    assert json.loads(with_title)["title"] == {"fr": "Gérer"}
    assert "title" not in json.loads(europass_jsonld.outcome_json(Outcome("u", "")))
