"""GraphQL scalars: times are ISO-8601 instants with an explicit offset, returned in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry


def parse_instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO-8601 string such as 2026-11-20T12:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value[:60]}' is not an ISO-8601 date-time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"'{value[:60]}' has no UTC offset; add Z or +hh:mm")
    return parsed.astimezone(UTC)


def serialize_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Every datetime in the schema is this scalar (StrawberryConfig.scalar_map in schema.py).
DateTime = datetime

DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description="An instant as ISO-8601 with an offset (returned in UTC, e.g. 2026-11-20T12:00:00Z).",
    serialize=serialize_instant,
    parse_value=parse_instant,
)
