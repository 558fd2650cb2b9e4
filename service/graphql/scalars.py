"""GraphQL scalars: times are ISO-8601 instants with an explicit offset (or a plain date: the start of
that UTC day), returned in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NewType

import strawberry

# The whole text, ASCII only: `datetime.fromisoformat` stops reading at a NUL, so
# "2026-01-01T00:00:00Z\x00anything" would otherwise pass as the instant before it.
ISO_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2}(:\d{2}(\.\d{1,6})?)?)?)?)?",
    re.ASCII,
)

PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO-8601 string such as 2026-11-20T12:00:00Z")
    shown = repr(value[:60])
    if ISO_INSTANT.fullmatch(value) is None:
        raise ValueError(f"{shown} is not an ISO-8601 date-time such as 2026-11-20T12:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{shown} is not an ISO-8601 date-time") from None
    if parsed.tzinfo is None and PLAIN_DATE.fullmatch(value):
        # A day names one UTC day unambiguously (times are UTC throughout): its first instant.
        return parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is None:
        raise ValueError(f"{shown} has no UTC offset; add Z or +hh:mm")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first representable instant
        raise ValueError(f"{shown} is outside the years 1 to 9999 in UTC") from None


def serialize_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Every datetime in the schema is this scalar (StrawberryConfig.scalar_map in schema.py).
DateTime = datetime

DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description=(
        "An instant as ISO-8601 with an offset (returned in UTC, e.g. 2026-11-20T12:00:00Z); a plain date"
        " (2026-11-20) is accepted as the start of that UTC day."
    ),
    serialize=serialize_instant,
    parse_value=parse_instant,
)


def _output_only(_: object) -> Any:
    raise ValueError("this scalar is only ever returned, never accepted")


# Bulk report rows go out as one JSON value each list: Strawberry completes an object field by
# field (~50 µs each), a JSON scalar as it is. Each scalar's description gives its rows' shape.
CoverageRows = NewType("CoverageRows", list[dict[str, Any]])

COVERAGE_ROWS_SCALAR = strawberry.scalar(
    name="CoverageRows",
    description=(
        "A coverage report's rows as JSON, in catalog order: a list of {criterionId, ref, title, category, "
        "parentId, isLeaf, status, derived, reason, controls: [{controlId, title, status, effective, reason}], "
        "via: [{criterionId, relationship, neighbourStatus, candidate}]}; enum values by their GraphQL names "
        "(the same as CriterionCoverage's fields)."
    ),
    serialize=lambda rows: rows,
    parse_value=_output_only,
)

JSON_SCALARS: dict[object, Any] = {CoverageRows: COVERAGE_ROWS_SCALAR}
