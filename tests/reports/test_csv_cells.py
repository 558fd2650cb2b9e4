"""The package's CSV cells: formula neutralisation (the dashboard's rule), RFC 4180 quoting,
UTF-8 and ISO-8601 `Z` times."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from graph.model import CoverageStatus
from graph.reports.csv_cells import csv_chunks, iso_z, neutralise_formula


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("-2", "-2"),  # a plain number is no formula (frontend/src/shape/csv.ts agrees)
        ("-2.5", "-2.5"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_that_would_start_a_formula_gets_a_quote(text: str, shown: str) -> None:
    assert neutralise_formula(text) == shown


def test_times_are_utc_with_z() -> None:
    east = timezone(timedelta(hours=2))
    assert iso_z(datetime(2026, 6, 1, 2, 0, tzinfo=east)) == "2026-06-01T00:00:00Z"
    assert iso_z(None) == ""


def test_rows_are_rfc4180_utf8_and_stream_in_chunks() -> None:
    rows = [["a,b", 'say "hi"', "line\nbreak", "Zürich", True, None, CoverageStatus.COVERED, 3]] * 5
    chunks = list(csv_chunks(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], rows, rows_per_chunk=2))
    assert len(chunks) == 3
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("c1,c2,c3,c4,c5,c6,c7,c8\r\n")
    assert '"a,b","say ""hi""","line\nbreak",Zürich,yes,,COVERED,3\r\n' in text
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[1] == ["a,b", 'say "hi"', "line\nbreak", "Zürich", "yes", "", "COVERED", "3"]
    assert len(parsed) == 6
