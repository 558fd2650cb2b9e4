"""Cypher of the write side: one managed transaction per mutation, batched `UNWIND` per label
and per relationship type, so a bundle is written wholly or not at all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction
from pydantic import AwareDatetime

from graph.bundle import Bundle
from graph.errors import ConflictError, NotFoundError
from graph.model import NODE_EDGE_FIELDS, NODE_MODELS, Label, Rel
from graph.stores.neo4j.reads import seek
from graph.stores.neo4j.schema import KIND_LABELS, endpoints
from graph.stores.neo4j.values import epoch_pair, node_properties, to_db, types_in

# Rows per UNWIND statement: bounds the size of one Bolt message, not the transaction.
CHUNK = 5_000


def existing_ids(label: Label) -> str:
    return f"MATCH (n:{label.value}) {seek('n', label)} WHERE n.id IN $ids RETURN n.id AS id"


def _time_fields(label: Label) -> list[str]:
    """The node's datetime fields: sent as [epoch seconds, nanoseconds] and made DATETIME in Cypher,
    because the driver converts each `datetime` in Python (~40 µs a value: most of a bulk load's
    client time)."""
    fields = NODE_MODELS[label].model_fields
    return [name for name, f in fields.items() if types_in(f.annotation) & {datetime, AwareDatetime}]


TIME_FIELDS = {label: _time_fields(label) for label in Label}


def _upsert(label: Label) -> str:
    # `SET n = props` replaces every property, so a field dropped from the model (None) disappears,
    # as an upsert in the embedded store replaces the whole node.
    text = f"UNWIND $rows AS row MERGE (n:{label.value} {{id: row.id}}) SET n = row.props"
    for name in TIME_FIELDS[label]:
        text += (
            f" SET n.{name} = CASE WHEN row.times.{name} IS NULL THEN null"
            f" ELSE datetime({{epochSeconds: row.times.{name}[0], nanosecond: row.times.{name}[1]}}) END"
        )
    if label is Label.ASSET:
        # Keep exactly one kind label (`:Asset:Model`), also when a re-upsert changes the kind.
        text += " REMOVE n:" + ":".join(KIND_LABELS.values())
        for kind, kind_label in KIND_LABELS.items():
            when = f"CASE WHEN row.props.kind = '{kind.value}' THEN [1] ELSE [] END"
            text += f" FOREACH (_ IN {when} | SET n:{kind_label})"
    return text


def _drop_replaced(label: Label, rel: Rel) -> str:
    # A node's single-valued edge (criterion -> framework/parent, evidence -> control) is replaced
    # when the node is written again with another target (or none), never kept beside the new one.
    return (
        f"UNWIND $rows AS row MATCH (n:{label.value} {{id: row.id}})-[r:{rel.value}]->(t) {seek('n', label)} "
        "WHERE row.target IS NULL OR t.id <> row.target DELETE r"
    )


def _merge_edges(rel: Rel) -> str:
    source, target = endpoints(rel)
    return (
        f"UNWIND $rows AS row MATCH (s:{source} {{id: row.source}}) {seek('s', source)} "
        f"MATCH (t:{target} {{id: row.target}}) {seek('t', target)} "
        f"MERGE (s)-[r:{rel.value}]->(t) SET r = row.props RETURN count(*) AS n"
    )


UPSERT = {label: _upsert(label) for label in Label}
DROP_REPLACED = {
    (label, rel): _drop_replaced(label, rel) for label, fields in NODE_EDGE_FIELDS.items() for rel in fields.values()
}
MERGE_EDGES = {rel: _merge_edges(rel) for rel in Rel}

DELETE_ASSET = f"""
OPTIONAL MATCH (a:{Label.ASSET} {{id: $id}}) {seek("a", Label.ASSET)}
OPTIONAL MATCH (e:{Label.EVIDENCE})-[:{Rel.COVERS}]->(a)
RETURN a IS NOT NULL AS found, collect(e.id) AS covering
"""
DETACH_DELETE_ASSET = f"MATCH (a:{Label.ASSET} {{id: $id}}) {seek('a', Label.ASSET)} DETACH DELETE a"

SET_CHANGED_AT = f"""
UNWIND $ids AS id
OPTIONAL MATCH (a:{Label.ASSET} {{id: id}}) {seek("a", Label.ASSET)}
SET a.changed_at = $at
RETURN id, a IS NOT NULL AS found
"""


@dataclass
class WritePlan:
    """A validated bundle as parameter rows, grouped by the statement that writes them."""

    nodes: dict[Label, list[dict[str, Any]]] = field(default_factory=dict)
    replaced: dict[tuple[Label, Rel], list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[Rel, list[dict[str, Any]]] = field(default_factory=dict)
    node_count: int = 0
    edge_count: int = 0


def plan_write(bundle: Bundle) -> WritePlan:
    plan = WritePlan()
    for label, node in bundle.nodes():
        props = node_properties(node)
        times = {name: epoch_pair(props.pop(name)) for name in TIME_FIELDS[label] if name in props}
        plan.nodes.setdefault(label, []).append({"id": node.id, "props": props, "times": times})
        for name, rel in NODE_EDGE_FIELDS.get(label, {}).items():
            plan.replaced.setdefault((label, rel), []).append({"id": node.id, "target": getattr(node, name)})
        plan.node_count += 1
    for edge in bundle.edges():
        props = {k: to_db(v) for k, v in edge.properties.items()}
        plan.edges.setdefault(edge.type, []).append({"source": edge.source, "target": edge.target, "props": props})
        plan.edge_count += 1
    return plan


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def run_write(tx: ManagedTransaction, plan: WritePlan) -> None:
    """The transaction function of `write`: idempotent, so the driver may retry it."""
    for label, rows in plan.nodes.items():
        for chunk in _chunks(rows):
            tx.run(UPSERT[label], rows=chunk).consume()
    for key, rows in plan.replaced.items():
        for chunk in _chunks(rows):
            tx.run(DROP_REPLACED[key], rows=chunk).consume()
    for rel, rows in plan.edges.items():
        for chunk in _chunks(rows):
            record = tx.run(MERGE_EDGES[rel], rows=chunk).single(strict=True)
            if record["n"] != len(chunk):
                # An endpoint checked a moment ago is gone (a concurrent delete): refuse the whole
                # bundle rather than write it without that edge.
                raise ConflictError(f"{rel.value}: an endpoint was deleted while the bundle was being written")


def run_delete_asset(tx: ManagedTransaction, asset_id: str) -> None:
    record = tx.run(DELETE_ASSET, id=asset_id).single(strict=True)
    if not record["found"]:
        raise NotFoundError(Label.ASSET.value, asset_id, "asset")
    covering = sorted(record["covering"])
    if covering:
        # Evidence is an audit record: dropping its scope would silently widen it.
        raise ConflictError(
            f"asset: '{asset_id}' is the scope of evidence {', '.join(covering[:5])}"
            f"{' and more' if len(covering) > 5 else ''}; evidence is kept, so the asset is too"
        )
    tx.run(DETACH_DELETE_ASSET, id=asset_id).consume()


def run_set_changed_at(tx: ManagedTransaction, asset_ids: list[str], at: datetime) -> None:
    found = {record["id"]: record["found"] for record in tx.run(SET_CHANGED_AT, ids=asset_ids, at=to_db(at))}
    missing = sorted(i for i, ok in found.items() if not ok)
    if missing:
        raise NotFoundError(Label.ASSET.value, missing[0], "asset")  # raising rolls the updates back
