"""The JSON form of register results: fields as they are, dates as ISO text."""

from __future__ import annotations

import datetime as dt
import json

from rncpkit.register.results import ChangeEntry, LineageNode, SearchHit

DAY = dt.date(2026, 3, 31)


def test_search_hit_and_lineage_node_dates_as_text() -> None:
    hit = SearchHit("RNCP35080", "Titre", "RNCP", "6", True, DAY, True, -1.5)
    assert hit.as_dict() == {
        "number": "RNCP35080",
        "title": "Titre",
        "repertoire": "RNCP",
        "level": "6",
        "active": True,
        "registration_end": "2026-03-31",
        "present": True,
        "score": -1.5,
    }
    assert (
        SearchHit("RS1", "T", "RS", None, None, None, False, None).as_dict()["registration_end"]
        is None
    )
    node = LineageNode("RNCP1", True, "T", True, False, DAY, False)
    assert node.as_dict() == {
        "number": "RNCP1",
        "in_register": True,
        "title": "T",
        "present": True,
        "active": False,
        "registration_end": "2026-03-31",
        "in_force": False,
    }
    assert LineageNode("RNCP2", False).as_dict()["registration_end"] is None
    json.dumps([hit.as_dict(), node.as_dict()])  # JSON-ready


def test_change_entry_keeps_field_values_only_for_changes() -> None:
    added = ChangeEntry(DAY, 3, "RNCP1", "added")
    assert added.as_dict() == {
        "as_of": "2026-03-31",
        "export_id": 3,
        "number": "RNCP1",
        "change": "added",
    }
    changed = ChangeEntry(DAY, 3, "RNCP1", "changed", "title", "Old", {"fr": "New"})
    assert changed.as_dict() == {
        "as_of": "2026-03-31",
        "export_id": 3,
        "number": "RNCP1",
        "change": "changed",
        "field": "title",
        "old": "Old",
        "new": {"fr": "New"},
    }
