"""CSV as auditors' spreadsheets read it: RFC 4180 (comma, CRLF, quotes doubled), UTF-8, times as
ISO-8601 `Z`, and every text cell neutralised against formula injection.

The Python twin of frontend/src/shape/csv.ts: the same rule on both sides, so a CSV downloaded
from the dashboard and one in the package read alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from enum import Enum

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"):
# editors' free text must reach auditors' spreadsheets as text.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

Cell = str | int | bool | datetime | Enum | None


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet shows as typed: a leading single quote when it would start a formula.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")"), neutralise_formula("-2"), neutralise_formula("ok")
    ('\\'=HYPERLINK("http://x")', '-2', 'ok')
    """
    return f"'{text}" if _FORMULA_START.match(text) and not _PLAIN_NUMBER.match(text) else text


def iso_z(at: datetime | None) -> str:
    """An instant as ISO-8601 UTC with `Z` (empty for none), e.g. `2026-06-01T00:00:00Z`."""
    if at is None:
        return ""
    text = at.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, Enum):
        return neutralise_formula(str(value.value))
    if isinstance(value, int):
        return str(value)
    return neutralise_formula(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]], rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV document, UTF-8, a few hundred rows at a time: rows are never all held at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
