"""The bulk path's first half: a bundle checked as one write into an empty database, then turned
into the nodes and relationships the online write (writes.py, changes.py, evidence.py, memo.py,
audit.py) would leave in it, property for property, for the import tool (bulk_csv.py).

Every check the online path runs is run here, against an empty graph (what the database holds
before the import): references, the write rules, and the rules the online write checks inside
its transaction (evidence immutability, samples, append-only records, change histories).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from graph.access.audit import GENESIS_HASH, AuditEntry, pending_audit, seal
from graph.bundle import Bundle
from graph.checks.append_only import without_repeats
from graph.checks.change_history import new_changes
from graph.checks.evidence_immutability import check_immutable
from graph.checks.references import check_bundle
from graph.checks.sample_records import check_sample_chains, check_samples_append_only
from graph.checks.write_rules import check_write_rules
from graph.model import EDGE_ENDPOINTS, Change, EvidenceReview, Label, NodeModel, Rel
from graph.store import GraphStore
from graph.stores.neo4j import appended, memo, writes
from graph.stores.neo4j.audit import HEAD_ID, entry_properties
from graph.stores.neo4j.changes import CHANGE
from graph.stores.neo4j.evidence import REVIEW, REVIEWS
from graph.stores.neo4j.identifiers import IDENTIFIED_BY, IDENTIFIER
from graph.stores.neo4j.schema import KIND_LABELS
from graph.stores.neo4j.values import to_db

AUDIT_ENTRY, AUDIT_HEAD = "AuditEntry", "AuditHead"


@dataclass
class NodeGroup:
    """Nodes of one set of labels; `key` is the property the import tool keys them by (None: no
    stored key, the node is the group's `unkeyed_ref` by its position)."""

    labels: tuple[str, ...]
    group: str  # the import tool's id space (relationships name it)
    key: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RelGroup:
    type: str
    source_group: str
    target_group: str
    rows: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class BulkGraph:
    """What the import writes, and what it cannot: empty lists (a CSV field cannot hold one), set
    after the import by id (`empty_lists[(label, property)]`)."""

    nodes: list[NodeGroup]
    rels: list[RelGroup]
    empty_lists: dict[tuple[str, str], list[str]]
    audit: AuditEntry | None
    node_count: int  # the graph's nodes and relationships, as the online write counts them
    edge_count: int


def merged(bundles: Iterator[Bundle]) -> Bundle:
    """Several validated bundles as one (their lists joined, nothing validated again)."""
    lists: dict[str, list[Any]] = {}
    for bundle in bundles:
        for name in Bundle.model_fields:
            value = getattr(bundle, name)
            if isinstance(value, list) and value:
                lists.setdefault(name, []).extend(value)
    fields: dict[str, Any] = {name: lists.get(name, []) for name in Bundle.model_fields if name != "format"}
    return Bundle.model_construct(**fields)


class EmptyGraph:
    """The database before the import, as the write rules read it (graph/checks/: `get_nodes`,
    `related`, `list_nodes`, `assets_by_identifiers`; any other read fails loudly rather than
    answering wrongly)."""

    def assets_by_identifiers(self, keys: Collection[str]) -> dict[str, str]:
        return {}

    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        return {}

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]:
        return {i: [] for i in ids}

    def list_nodes(
        self, label: Label, *, first: int, after: str | None = None, where: dict[str, str] | None = None
    ) -> list[NodeModel]:
        return []


def checked(bundle: Bundle, now: datetime) -> Bundle:
    """The bundle as the online write would write it into an empty database: every check passed
    (`InvalidInputError` naming each field, or the conflict the online write raises), changes
    normalized and records stamped."""
    check_bundle(bundle, lambda _label, _ids: set())
    check_write_rules(bundle, cast(GraphStore, EmptyGraph()), now)
    bundle = appended.normalized(bundle, now)
    check_sample_chains(bundle, [])
    check_samples_append_only(bundle, {})
    check_immutable(bundle, {}, {})
    return without_repeats(bundle, lambda _label, _ids: {})


def bulk_graph(bundle: Bundle) -> BulkGraph:
    """The nodes and relationships of a `checked` bundle written into an empty database."""
    plan = writes.plan_write(bundle)
    groups: dict[tuple[str, ...], NodeGroup] = {}
    empty_lists: dict[tuple[str, str], list[str]] = {}
    for label, rows in plan.nodes.items():
        for row in rows:
            props = row["props"]  # the plan is not used again: its rows become ours
            props.update({name: _instant(pair) for name, pair in row["times"].items()})
            labels: tuple[str, ...] = (label.value,)
            if label is Label.ASSET:
                labels += (KIND_LABELS_BY_VALUE[props["kind"]],)
            for name, value in list(props.items()):
                if isinstance(value, list) and not value:
                    empty_lists.setdefault((label.value, name), []).append(row["id"])
                    del props[name]
            groups.setdefault(labels, NodeGroup(labels, label.value, "id")).rows.append(props)
    rels = [
        RelGroup(
            rel.value,
            EDGE_ENDPOINTS[rel][0].value,
            EDGE_ENDPOINTS[rel][1].value,
            [(s, t, p) for (s, t), p in edges.items()],
        )
        for rel, edges in plan.edges.items()
    ]
    changes = new_changes(bundle, {})
    nodes = list(groups.values())
    _add_identifiers(groups, nodes, rels)
    if changes:
        nodes.append(NodeGroup((CHANGE,), CHANGE, "id", [_change_row(c) for c in changes]))
        _add_change_times(groups, changes)
    reviews, statuses = _reviews(bundle.reviews)
    if reviews:
        nodes.append(NodeGroup((REVIEW,), REVIEW, None, [props for _ref, props in reviews]))
        rels.append(RelGroup(REVIEWS, REVIEW, Label.EVIDENCE.value, [(ref, p["evidence"], {}) for ref, p in reviews]))
        for row in groups.get((Label.EVIDENCE.value,), NodeGroup((), "", None)).rows:
            row["status"] = statuses.get(row["id"], row["status"])
    # One write into an empty database: its graph version is the first.
    nodes.append(NodeGroup((memo.LABEL,), memo.LABEL, "id", [{"id": "graph", "epoch": str(uuid.uuid4()), "n": 1}]))
    audit = _audit(nodes)
    return BulkGraph(nodes, rels, empty_lists, audit, plan.node_count, plan.edge_count)


def _add_identifiers(groups: dict[tuple[str, ...], NodeGroup], nodes: list[NodeGroup], rels: list[RelGroup]) -> None:
    """One `(:Asset)-[:IDENTIFIED_BY]->(:Identifier {key})` per identifier (graph/stores/neo4j/identifiers.py):
    the asset's `identifiers` are their key texts; the checks made each one unique."""
    edges: list[tuple[str, str, dict[str, Any]]] = [
        (row["id"], key, {})
        for labels, group in groups.items()
        if labels[0] == Label.ASSET.value
        for row in group.rows
        for key in row.get("identifiers") or []
    ]
    if edges:
        nodes.append(NodeGroup((IDENTIFIER,), IDENTIFIER, "key", [{"key": key} for _asset, key, _props in edges]))
        rels.append(RelGroup(IDENTIFIED_BY, Label.ASSET.value, IDENTIFIER, edges))


def unkeyed_ref(group: str, index: int) -> str:
    """The import tool's id of the `index`th node of a group without a stored key."""
    return f"{group}-{index}"


KIND_LABELS_BY_VALUE = {kind.value: label for kind, label in KIND_LABELS.items()}


def _instant(pair: list[int]) -> datetime:
    seconds, nanos = pair
    return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=nanos // 1000)


def _change_row(change: Change) -> dict[str, Any]:
    return {name: to_db(value) for name, value in change if value is not None}  # as changes.py writes it


def _add_change_times(groups: dict[tuple[str, ...], NodeGroup], changes: list[Change]) -> None:
    """Each asset's `change_times`, the instants of its changes in time order (changes.REFRESH_TIMES)."""
    times: dict[str, list[datetime]] = {}
    for change in changes:
        times.setdefault(change.asset, []).append(to_db(change.at))
    for labels, group in groups.items():
        if labels[0] == Label.ASSET.value:
            for row in group.rows:
                if row["id"] in times:
                    row["change_times"] = sorted(times[row["id"]])  # time order, as changes.REFRESH_TIMES


def _reviews(reviews: list[EvidenceReview]) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, str]]:
    """Review nodes as evidence.py appends them (an exact repeat once, `seq` in order of recording
    per item) and each reviewed item's status: its latest review's (by `at`, then `seq`)."""
    rows: list[tuple[str, dict[str, Any]]] = []
    seen: set[tuple[Any, ...]] = set()
    per_item: dict[str, list[dict[str, Any]]] = {}
    for review in reviews:
        props = {name: to_db(value) for name, value in review}
        same = (props["evidence"], props["decision"], props["note"], props["reviewer"], props["at"])
        if same in seen:
            continue
        seen.add(same)
        props["seq"] = len(per_item.setdefault(props["evidence"], []))
        per_item[props["evidence"]].append(props)
        rows.append((unkeyed_ref(REVIEW, len(rows)), props))
    statuses = {item: max(found, key=lambda p: (p["at"], p["seq"]))["decision"] for item, found in per_item.items()}
    return rows, statuses


def _audit(nodes: list[NodeGroup]) -> AuditEntry | None:
    """The pending audit entry (the CLI's), first of an empty log, with the log's head."""
    pending = pending_audit()
    if pending is None:
        return None
    entry = seal(pending.draft, 1, GENESIS_HASH)
    nodes.append(NodeGroup((AUDIT_ENTRY,), AUDIT_ENTRY, None, [entry_properties(entry)]))
    nodes.append(NodeGroup((AUDIT_HEAD,), AUDIT_HEAD, "id", [{"id": HEAD_ID, "seq": entry.seq, "hash": entry.hash}]))
    return entry
