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
from graph.model import EDGE_ENDPOINTS, NODE_EDGE_FIELDS, NODE_MODELS, Label, Rel
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


def _set_times(label: Label) -> str:
    return "".join(
        f", n.{name} = CASE WHEN row.times.{name} IS NULL THEN null"
        f" ELSE datetime({{epochSeconds: row.times.{name}[0], nanosecond: row.times.{name}[1]}}) END"
        for name in TIME_FIELDS[label]
    )


def _upsert(label: Label) -> str:
    # `SET n = props` replaces every property, so a field dropped from the model (None) disappears,
    # as an upsert in the embedded store replaces the whole node.
    text = f"UNWIND $rows AS row MERGE (n:{label.value} {{id: row.id}}) SET n = row.props{_set_times(label)}"
    if label is Label.ASSET:
        # Keep exactly one kind label (`:Asset:Model`), also when a re-upsert changes the kind.
        text += " REMOVE n:" + ":".join(KIND_LABELS.values())
        for kind, kind_label in KIND_LABELS.items():
            when = f"CASE WHEN row.props.kind = '{kind.value}' THEN [1] ELSE [] END"
            text += f" FOREACH (_ IN {when} | SET n:{kind_label})"
    return text


def _create(label: Label, kind_label: str | None = None) -> str:
    # For ids absent a moment ago: no MERGE lookup and lock. A concurrent creator of the same id
    # makes this fail on the unique constraint (`ConstraintError`); the store then runs the whole
    # write again, when the id takes the MERGE path.
    labels = label.value if kind_label is None else f"{label.value}:{kind_label}"
    return f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props{_set_times(label)}"


def _drop_replaced(label: Label, rel: Rel) -> str:
    # A node's single-valued edge (criterion -> framework/parent, evidence -> control) is replaced
    # when the node is written again with another target (or none), never kept beside the new one.
    return (
        f"UNWIND $rows AS row MATCH (n:{label.value} {{id: row.id}})-[r:{rel.value}]->(t) {seek('n', label)} "
        "WHERE row.target IS NULL OR t.id <> row.target DELETE r"
    )


def _edges(rel: Rel, verb: str, props: bool) -> str:
    # MERGE finds an existing relationship (Expand(Into) over the smaller side's relationships);
    # CREATE is for edges with an endpoint this write created, which can have none yet.
    source, target = endpoints(rel)
    text = (
        f"UNWIND $rows AS row MATCH (s:{source} {{id: row.source}}) {seek('s', source)} "
        f"MATCH (t:{target} {{id: row.target}}) {seek('t', target)} {verb} (s)-[r:{rel.value}]->(t)"
    )
    # `SET r = {}` would still cost an Eager (a buffer of every row) and a write per edge.
    return text + (" SET r = row.props" if props else "") + " RETURN count(*) AS n"


UPSERT = {label: _upsert(label) for label in Label}
CREATE = {label: _create(label) for label in Label}
CREATE_ASSET = {kind.value: _create(Label.ASSET, kind_label) for kind, kind_label in KIND_LABELS.items()}
DROP_REPLACED = {
    (label, rel): _drop_replaced(label, rel) for label, fields in NODE_EDGE_FIELDS.items() for rel in fields.values()
}
EDGES = {
    (rel, verb, props): _edges(rel, verb, props)
    for rel in Rel
    for verb in ("MERGE", "CREATE")
    for props in (False, True)
}

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
    # (source, target) -> properties: a relationship listed twice is written once, the last wins
    # (as MERGE then SET did), so that CREATE never duplicates it.
    edges: dict[Rel, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
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
        plan.edges.setdefault(edge.type, {})[edge.source, edge.target] = props
        plan.edge_count += 1
    return plan


def stored_ids(tx: ManagedTransaction, plan: WritePlan) -> dict[Label, set[str]]:
    """Which of the bundle's node ids the database holds (committed) now, per label."""
    return {
        label: {record["id"] for record in tx.run(existing_ids(label), ids=[row["id"] for row in rows])}
        for label, rows in plan.nodes.items()
    }


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def run_write(tx: ManagedTransaction, plan: WritePlan, stored: dict[Label, set[str]]) -> None:
    """The transaction function of `write`: idempotent, so the driver may retry it. `stored`:
    `stored_ids` of this transaction; the other node ids are created, not merged."""
    created: dict[Label, set[str]] = {}
    for label, rows in plan.nodes.items():
        old = stored.get(label, set())
        merged = [row for row in rows if row["id"] in old]
        fresh = [row for row in rows if row["id"] not in old]
        created[label] = {row["id"] for row in fresh}
        for chunk in _chunks(merged):
            tx.run(UPSERT[label], rows=chunk).consume()
        if label is Label.ASSET:  # the kind label is part of the statement
            by_kind: dict[str, list[dict[str, Any]]] = {}
            for row in fresh:
                by_kind.setdefault(row["props"]["kind"], []).append(row)
            for kind, group in by_kind.items():
                for chunk in _chunks(group):
                    tx.run(CREATE_ASSET[kind], rows=chunk).consume()
        else:
            for chunk in _chunks(fresh):
                tx.run(CREATE[label], rows=chunk).consume()
    for (label, rel), rows in plan.replaced.items():
        old = stored.get(label, set())
        for chunk in _chunks([row for row in rows if row["id"] in old]):  # a created node has no edge yet
            tx.run(DROP_REPLACED[label, rel], rows=chunk).consume()
    for rel, edges in plan.edges.items():
        source_label, target_label = EDGE_ENDPOINTS[rel]
        new_sources, new_targets = created.get(source_label, set()), created.get(target_label, set())
        rows_by_verb: dict[str, list[dict[str, Any]]] = {"MERGE": [], "CREATE": []}
        for (source, target), props in edges.items():
            verb = "CREATE" if source in new_sources or target in new_targets else "MERGE"
            rows_by_verb[verb].append({"source": source, "target": target, "props": props})
        for verb, rows in rows_by_verb.items():
            for chunk in _chunks(rows):
                statement = EDGES[rel, verb, any(row["props"] for row in chunk)]
                record = tx.run(statement, rows=chunk).single(strict=True)
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
