"""Conversions between pydantic models and the values the Neo4j driver sends and returns.

Datetimes go over Bolt as DATETIME in UTC, so Cypher compares them as instants; what comes back
(`neo4j.time.DateTime`) is turned into aware `datetime` in UTC again.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, get_args

import neo4j.time
from neo4j import Record
from pydantic import AwareDatetime

from graph.model import NODE_MODELS, AssetIdentifier, Label, Mapping, ModelCard, NodeModel, order_key
from graph.rules.evaluation import to_micros
from graph.stores.common import mapping_from_row, mappings_in_order
from graph.stores.neo4j.schema import ORDER


def to_db(value: Any) -> Any:
    """A Python value as the driver should send it: enums by value, datetimes in UTC."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, dict):  # Neo4j has no map properties: e.g. an engagement's sample sizes, as JSON
        return json.dumps({str(to_db(k)): to_db(v) for k, v in value.items()}, sort_keys=True)
    if isinstance(value, AssetIdentifier):  # Neo4j has no map properties: its key text, `kind:value`
        return value.key
    if isinstance(value, ModelCard):  # Neo4j has no map properties: a model card as its JSON text
        return value.model_dump_json()
    if isinstance(value, list | tuple):
        return [to_db(item) for item in value]  # e.g. a threat's asset kinds
    return value


def from_db(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native().astimezone(UTC)
    return value


def epoch_pair(moment: datetime) -> list[int]:
    """[seconds since the epoch, nanoseconds] of an aware datetime, exactly (for
    `datetime({epochSeconds: s, nanosecond: ns})` in Cypher)."""
    return micros_pair(to_micros(moment))


def micros_pair(micros: int) -> list[int]:
    """`epoch_pair` of an instant in microseconds since the epoch."""
    seconds, rest = divmod(micros, 1_000_000)
    return [seconds, rest * 1000]


def node_properties(node: NodeModel) -> dict[str, Any]:
    """The stored properties of a node: its fields (None left out: Neo4j has no null property)
    and the order key."""
    props = {name: to_db(value) for name, value in node if value is not None}
    props[ORDER] = order_key(node.id)
    return props


def node_model(label: Label, props: dict[str, Any]) -> NodeModel:
    """Rebuild a node from its stored properties, dropping internal ones."""
    fields = NODE_MODELS[label].model_fields
    node = NODE_MODELS[label].model_validate({k: from_db(v) for k, v in props.items() if k in fields})
    return node  # type: ignore[return-value]


def where_values(label: Label, where: dict[str, str]) -> dict[str, Any] | None:
    """`where` (property -> the text the embedded store compares `str(value)` against) as typed
    values to compare with `=` in Cypher; None when no node can match (e.g. `automated: "yes"`).
    Keys are checked by the caller (`check_where`)."""
    typed: dict[str, Any] = {}
    fields = NODE_MODELS[label].model_fields
    for key, wanted in where.items():
        types = types_in(fields[key].annotation)
        if bool in types:
            if wanted not in ("True", "False"):
                return None
            typed[key] = wanted == "True"
        elif types & {datetime, AwareDatetime}:
            try:
                moment = datetime.fromisoformat(wanted)
            except ValueError:
                return None
            # Stored times are UTC, whose `str` ends in +00:00: only that exact spelling matches.
            if moment.utcoffset() != timedelta(0) or str(moment) != wanted:
                return None
            typed[key] = moment.astimezone(UTC)
        else:
            typed[key] = wanted  # str and StrEnum fields are stored as their text
    return typed


def types_in(annotation: Any) -> set[Any]:
    """Every type an annotation mentions (through Optional, unions and Annotated)."""
    found, stack = set(), [annotation]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(get_args(current))
        origin = getattr(current, "__origin__", None)
        if origin is not None:
            stack.append(origin)
    return found


def unique_ids(ids: Collection[str]) -> list[str]:
    """The ids once each, in the order first given (a Cypher list parameter)."""
    return list(dict.fromkeys(ids))


def mappings_of(records: list[Record]) -> list[Mapping]:
    """Crosswalk mappings from rows of (source, target, properties), in the stores' shared order."""
    return mappings_in_order(mapping_from_row(r["source"], r["target"], r.data()) for r in records)
