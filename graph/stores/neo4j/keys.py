"""API keys in Neo4j: `:ApiKey` nodes beside the graph (no relationship touches them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graph.access.keys import ApiKey
from graph.errors import NotFoundError
from graph.stores.neo4j.values import from_db, to_db


def schema_statements() -> list[tuple[str, str]]:
    return [
        (
            "attestgraph_apikey_id",
            "CREATE CONSTRAINT attestgraph_apikey_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
        ),
    ]


CREATE_KEY = "CREATE (k:ApiKey) SET k = $props"
GET_KEY = "MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS props"
LIST_KEYS = "MATCH (k:ApiKey) RETURN properties(k) AS props"
REVOKE_KEY = "MATCH (k:ApiKey {id: $id}) SET k.revoked_at = coalesce(k.revoked_at, $at) RETURN properties(k) AS props"


def key_properties(key: ApiKey) -> dict[str, Any]:
    return {name: to_db(value) for name, value in key if value is not None}


def key_model(props: dict[str, Any]) -> ApiKey:
    return ApiKey.model_validate({k: from_db(v) for k, v in props.items() if k in ApiKey.model_fields})


def revoke(tx: ManagedTransaction, key_id: str, at: datetime) -> ApiKey:
    record = tx.run(REVOKE_KEY, id=key_id, at=to_db(at)).single()
    if record is None:
        raise NotFoundError("ApiKey", key_id, "id")
    return key_model(record["props"])
