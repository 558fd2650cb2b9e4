"""Cypher of the write side: one managed transaction per mutation, batched `UNWIND` per label
and per relationship type, so a bundle is written wholly or not at all.

Nodes the database does not hold when the transaction starts are CREATEd, with their edges to
existing nodes in the same statement; only stored nodes and edges between them are MERGEd (the
lookup and lock of a MERGE were most of a bulk load's time)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import chain
from typing import Any

from neo4j import ManagedTransaction
from pydantic import AwareDatetime

from graph.bundle import LINK_LISTS, NODE_LISTS, Bundle
from graph.errors import ConflictError, NotFoundError
from graph.model import (
    EDGE_ENDPOINTS,
    NODE_EDGE_FIELDS,
    NODE_MODELS,
    Label,
    NodeModel,
    Rel,
    dependency_edge,
    mapping_edge,
    order_key,
)
from graph.stores.common import refuse_if_affected, refuse_if_in_boundary
from graph.stores.neo4j import identifiers
from graph.stores.neo4j.changes import DELETE_WITH as DELETE_CHANGES_WITH
from graph.stores.neo4j.reads import seek
from graph.stores.neo4j.schema import KIND_LABELS, ORDER, endpoints
from graph.stores.neo4j.values import epoch_pair, to_db, types_in

# Rows per UNWIND statement: bounds the size of one Bolt message, not the transaction.
CHUNK = 5_000

# How often a write runs when concurrent writers keep creating the ids it is creating.
ATTEMPTS = 5


def existing_ids(label: Label) -> str:
    return f"MATCH (n:{label.value}) {seek('n', label)} WHERE n.id IN $ids RETURN n.id AS id"


def _time_fields(label: Label) -> list[str]:
    """The node's datetime fields: sent as [epoch seconds, nanoseconds] and made DATETIME in Cypher,
    because the driver's conversion of each `datetime` in Python is most of a bulk load's client
    time (bench/README.md)."""
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
        # An upsert never touches an asset's history (changes.py keeps `change_times`): stale stays stale.
        text = (
            f"UNWIND $rows AS row MERGE (n:{label.value} {{id: row.id}}) WITH n, row, n.change_times AS kept "
            f"SET n = row.props{_set_times(label)} SET n.change_times = kept"
        )
        # Keep exactly one kind label (`:Asset:Model`), also when a re-upsert changes the kind.
        text += " REMOVE n:" + ":".join(KIND_LABELS.values())
        for kind, kind_label in KIND_LABELS.items():
            when = f"CASE WHEN row.props.kind = '{kind.value}' THEN [1] ELSE [] END"
            text += f" FOREACH (_ IN {when} | SET n:{kind_label})"
    return text


# (relationship, whether its rows carry properties) of the edges a CREATE statement makes with
# its nodes: the statement's `row.out[i]` lists the targets of `inline[i]`.
Inline = tuple[tuple[Rel, bool], ...]


@cache
def create(label: Label, kind_label: str | None, inline: Inline) -> str:
    """Create nodes absent a moment ago, and their edges to nodes that exist already: no MERGE
    lookup and lock, no second lookup of the node per edge. A concurrent creator of the same id
    makes this fail on the unique constraint (`ConstraintError`); the store then runs the whole
    write again, when the id takes the MERGE path. Returns how many edges of each it made."""
    labels = label.value if kind_label is None else f"{label.value}:{kind_label}"
    text = f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row.props{_set_times(label)}"
    if not inline:
        return text
    text += " WITH n, row"
    for i, (rel, props) in enumerate(inline):
        target = endpoints(rel)[1]
        text += (
            f" CALL (n, row) {{ UNWIND row.out[{i}] AS e MATCH (t:{target} {{id: e[0]}}) {seek('t', target)}"
            f" CREATE (n)-[r:{rel.value}]->(t){' SET r = e[1]' if props else ''} RETURN count(*) AS n{i} }}"
        )
    return text + f" RETURN [{', '.join(f'sum(n{i})' for i in range(len(inline)))}] AS made"


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
    # A merged edge gets exactly the bundle's properties; a created one without any skips the SET
    # (which would cost an Eager, a buffer of every row, and a write per edge).
    return text + (" SET r = row.props" if props or verb == "MERGE" else "") + " RETURN count(*) AS n"


UPSERT = {label: _upsert(label) for label in Label}
KIND_LABEL_OF = {kind.value: kind_label for kind, kind_label in KIND_LABELS.items()}
# The relationships going out of each label, in a fixed order.
OUT = {label: [rel for rel in Rel if EDGE_ENDPOINTS[rel][0] is label] for label in Label}
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
WITH a, collect(e.id) AS covering
OPTIONAL MATCH (f:{Label.FINDING})-[:{Rel.AFFECTS}]->(a)
WITH a, covering, collect(f.id) AS affected
OPTIONAL MATCH (g:{Label.ENGAGEMENT}) WHERE $id IN g.assets
RETURN a IS NOT NULL AS found, covering, affected, collect(g.id) AS engagements
"""
DETACH_DELETE_ASSET = f"MATCH (a:{Label.ASSET} {{id: $id}}) {seek('a', Label.ASSET)} DETACH DELETE a"


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
    # Reads the models' fields and the bundle's lists directly, not through `node_properties`
    # and `Bundle.edges()` (pydantic iteration and an `Edge` model per relationship): the same
    # rows, for much less of a bulk load's client time (bench/README.md).
    plan = WritePlan()
    for list_name, label in NODE_LISTS.items():
        nodes: list[NodeModel] = getattr(bundle, list_name)
        if not nodes:
            continue
        rows = plan.nodes.setdefault(label, [])
        time_fields = set(TIME_FIELDS[label])
        edge_fields = NODE_EDGE_FIELDS.get(label, {})
        for node in nodes:
            values = node.__dict__
            props: dict[str, Any] = {}
            times: dict[str, list[int]] = {}
            for name, value in values.items():
                if value is None:
                    continue
                if type(value) is str:  # most values: skip the conversions
                    props[name] = value
                elif name in time_fields:
                    times[name] = epoch_pair(value)
                else:
                    props[name] = to_db(value)
            props[ORDER] = order_key(node.id)
            rows.append({"id": node.id, "props": props, "times": times})
            for name, rel in edge_fields.items():
                target = values[name]
                plan.replaced.setdefault((label, rel), []).append({"id": node.id, "target": target})
                if target is not None:
                    _add_edge(plan, rel, node.id, target, {})
        plan.node_count += len(nodes)
    for list_name, rel in LINK_LISTS.items():
        for link in getattr(bundle, list_name):
            _add_edge(plan, rel, link.source, link.target, {})
    for edge in chain(map(dependency_edge, bundle.depends_on), map(mapping_edge, bundle.mappings)):
        _add_edge(plan, edge.type, edge.source, edge.target, {k: to_db(v) for k, v in edge.properties.items()})
    return plan


def _add_edge(plan: WritePlan, rel: Rel, source: str, target: str, props: dict[str, Any]) -> None:
    plan.edges.setdefault(rel, {})[source, target] = props
    plan.edge_count += 1


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
    created = {label: {row["id"] for row in rows} - stored.get(label, set()) for label, rows in plan.nodes.items()}
    order = {label: i for i, label in enumerate(plan.nodes)}  # labels are created in this order
    # Edges whose source is created and whose target exists by the time its label's statement
    # runs are made by that statement; the others are merged or created afterwards.
    inline: dict[Rel, dict[str, list[list[Any]]]] = {}
    later: dict[tuple[Rel, str], list[dict[str, Any]]] = {}
    for rel, edges in plan.edges.items():
        source_label, target_label = EDGE_ENDPOINTS[rel]
        new_sources, new_targets = created.get(source_label, set()), created.get(target_label, set())
        earlier = target_label is not source_label and order.get(target_label, -1) < order.get(source_label, -1)
        for (source, target), props in edges.items():
            if source in new_sources and (target not in new_targets or earlier):
                inline.setdefault(rel, {}).setdefault(source, []).append([target, props])
            else:
                verb = "CREATE" if source in new_sources or target in new_targets else "MERGE"
                later.setdefault((rel, verb), []).append({"source": source, "target": target, "props": props})

    for label, rows in plan.nodes.items():
        new = created[label]
        for chunk in _chunks([row for row in rows if row["id"] not in new]):
            tx.run(UPSERT[label], rows=chunk).consume()
        groups: dict[str | None, list[dict[str, Any]]] = {}
        for row in rows:
            if row["id"] in new:  # an asset's kind label is part of the statement
                groups.setdefault(KIND_LABEL_OF[row["props"]["kind"]] if label is Label.ASSET else None, []).append(row)
        for kind_label, group in groups.items():
            for chunk in _chunks(group):
                _create_chunk(tx, label, kind_label, chunk, inline)
    for (label, rel), rows in plan.replaced.items():
        new = created[label]
        for chunk in _chunks([row for row in rows if row["id"] not in new]):  # a created node has no edge yet
            tx.run(DROP_REPLACED[label, rel], rows=chunk).consume()
    for (rel, verb), rows in later.items():
        for chunk in _chunks(rows):
            statement = EDGES[rel, verb, any(row["props"] for row in chunk)]
            _expect(rel, len(chunk), tx.run(statement, rows=chunk).single(strict=True)["n"])


def _create_chunk(
    tx: ManagedTransaction,
    label: Label,
    kind_label: str | None,
    chunk: Sequence[dict[str, Any]],
    inline: dict[Rel, dict[str, list[list[Any]]]],
) -> None:
    rels = [rel for rel in OUT[label] if rel in inline]
    outs = [[inline[rel].get(row["id"], []) for rel in rels] for row in chunk]
    expected = [sum(len(out[i]) for out in outs) for i in range(len(rels))]
    used = [i for i, n in enumerate(expected) if n]  # only the relationships this chunk has
    shape = tuple((rels[i], any(e[1] for out in outs for e in out[i])) for i in used)
    rows = [{**row, "out": [out[i] for i in used]} for row, out in zip(chunk, outs, strict=True)]
    if not used:
        tx.run(create(label, kind_label, shape), rows=rows).consume()
        return
    made = tx.run(create(label, kind_label, shape), rows=rows).single(strict=True)["made"]
    for i, count in zip(used, made, strict=True):
        _expect(rels[i], expected[i], count)


def _expect(rel: Rel, wanted: int, made: int) -> None:
    if made != wanted:
        # An endpoint checked a moment ago is gone (a concurrent delete): refuse the whole bundle
        # rather than write it without that edge.
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
    refuse_if_affected(asset_id, record["affected"])
    refuse_if_in_boundary(asset_id, record["engagements"])
    tx.run(identifiers.DELETE_OF_ASSET, id=asset_id).consume()
    tx.run(DETACH_DELETE_ASSET, id=asset_id).consume()
    # Its history goes with it: a deleted asset answers no question (the deletion is audit-logged).
    tx.run(DELETE_CHANGES_WITH, id=asset_id).consume()
