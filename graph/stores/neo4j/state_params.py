"""The parameters of the evidence-state Cypher (graph/stores/neo4j/reads.py `_STATES`): the
instant, the frequency intervals, a supposed change (impact's what-if) and the controls' finding
policies.

Neo4j has no map properties, so a control keeps its `finding_policy` as JSON text, which Cypher
cannot read: the policies of the controls asked about are read first, parsed by the model's own
type, and passed as `$limits` (control id -> severity -> days).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from neo4j import Record
from pydantic import TypeAdapter

from graph.model import FREQUENCY_DAYS, FindingPolicy, Label
from graph.store import Assumption
from graph.stores.neo4j.values import to_db

FREQUENCY_DAYS_BY_NAME = {frequency.value: days for frequency, days in FREQUENCY_DAYS.items()}

POLICIES = (
    f"UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) USING INDEX c:{Label.CONTROL}(id) "
    "WHERE c.finding_policy IS NOT NULL RETURN c.id AS id, c.finding_policy AS policy"
)

_POLICY: TypeAdapter[FindingPolicy] = TypeAdapter(FindingPolicy)


def finding_limits(read: Callable[..., list[Record]], ids: list[str]) -> dict[str, dict[str, int]]:
    """Per control of `ids` with a policy: severity -> most days a finding may stay open."""
    return {
        record["id"]: {severity.value: days for severity, days in _POLICY.validate_json(record["policy"]).items()}
        for record in read(POLICIES, ids=ids)
    }


def state_params(
    read: Callable[..., list[Record]], at: datetime, assume: Assumption | None, policies_of: list[str] | None = None
) -> dict[str, Any]:
    """`policies_of`: the controls whose finding policies the query needs (none: `$limits` empty)."""
    return {
        "at": to_db(at),
        "freqDays": FREQUENCY_DAYS_BY_NAME,
        "assumed": sorted(assume.assets) if assume else [],
        "assumedAt": to_db(assume.changed_at) if assume else None,
        "limits": finding_limits(read, policies_of) if policies_of else {},
    }
