"""The reader's memoised date parsing: the same dates, errors raised every time."""

from __future__ import annotations

import datetime as dt

import pytest

from rncpkit.formats.fc_xml.codecs import parse_date
from rncpkit.formats.xmltable import BadValue


def test_dates_are_memoised_but_errors_are_not() -> None:
    parse_date.cache_clear()
    assert parse_date("18/11/2020") == dt.date(2020, 11, 18)
    assert parse_date("18/11/2020") is parse_date("18/11/2020")
    assert parse_date.cache_info().hits == 2
    for _ in range(2):
        with pytest.raises(BadValue, match="invalid date"):
            parse_date("31/02/2020")
    assert parse_date(" 18/11/2020 ") == dt.date(2020, 11, 18)  # the slow path, memoised too
