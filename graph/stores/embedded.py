"""The embedded store: networkx in memory, SQLite (WAL) as the durable record.

Every write is validated first, committed to SQLite in one transaction, and only then applied
to the in-memory graph, which cannot fail; so a write is all-or-nothing and durable when it
returns. Opening an existing data directory replays the SQLite record into memory.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections import defaultdict, deque
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx as nx

from graph.audit import GENESIS_HASH, AuditDraft, AuditEntry, pending_audit, seal
from graph.bundle import Bundle, bundle_from_graph
from graph.errors import ConflictError, InvalidInputError, NotFoundError
from graph.evidence import RecordedEvidence, check_immutable, supersede_targets, touched_ids
from graph.integrity import check_bundle
from graph.keys import ApiKey
from graph.model import (
    EDGE_ENDPOINTS,
    NODE_EDGE_FIELDS,
    NODE_MODELS,
    Asset,
    Control,
    ControlStatus,
    Criterion,
    Edge,
    Evidence,
    EvidenceStatus,
    Label,
    Mapping,
    MappingRelationship,
    NodeModel,
    Rel,
    natural_key,
)
from graph.queries.results import (
    ControlAssetState,
    ControlVerdict,
    Neighbourhood,
    StaleEvidence,
)
from graph.semantics import EvidenceState, EvidenceSummary, is_stale, is_valid
from graph.store import Assumption, WriteSummary

SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    label TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (label, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    type TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (type, source, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_by_target ON edges (type, target);
CREATE TABLE IF NOT EXISTS audit_log (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
"""

NodeKey = tuple[Label, str]


class EmbeddedStore:
    """A `GraphStore` in one process. `path=None` keeps the SQLite record in memory (tests)."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.RLock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a write acknowledged to the caller survives a crash of the process or the machine.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._nodes: dict[Label, dict[str, Any]] = {label: {} for label in Label}
        self._sorted: dict[Label, list[str] | None] = {label: None for label in Label}
        self._replay()

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._db.close()

    def ping(self) -> None:
        with self._lock:
            self._db.execute("SELECT 1").fetchone()

    def _replay(self) -> None:
        for label, data in self._db.execute("SELECT label, data FROM nodes"):
            self._put_node(Label(label), NODE_MODELS[Label(label)].model_validate_json(data))
        for rel, source, target, data in self._db.execute("SELECT type, source, target, data FROM edges"):
            self._put_edge(Edge(type=Rel(rel), source=source, target=target, properties=json.loads(data)))

    # -- in-memory primitives ----------------------------------------------------------------
    def _put_node(self, label: Label, node: Any) -> None:
        if node.id not in self._nodes[label]:
            self._sorted[label] = None
            self._graph.add_node((label, node.id))
        self._nodes[label][node.id] = node

    def _put_edge(self, edge: Edge) -> None:
        source_label, target_label = EDGE_ENDPOINTS[edge.type]
        self._graph.add_edge((source_label, edge.source), (target_label, edge.target), key=edge.type, **edge.properties)

    def _drop_edge(self, rel: Rel, source: str, target: str) -> None:
        source_label, target_label = EDGE_ENDPOINTS[rel]
        if self._graph.has_edge((source_label, source), (target_label, target), key=rel):
            self._graph.remove_edge((source_label, source), (target_label, target), key=rel)

    def _out(self, label: Label, node_id: str, rel: Rel) -> Iterator[str]:
        key = (label, node_id)
        if key in self._graph:
            for (_, other), keys in self._graph.succ[key].items():
                if rel in keys:
                    yield other

    def _in(self, label: Label, node_id: str, rel: Rel) -> Iterator[str]:
        key = (label, node_id)
        if key in self._graph:
            for (_, other), keys in self._graph.pred[key].items():
                if rel in keys:
                    yield other

    def _existing(self, label: Label, ids: set[str]) -> set[str]:
        return {node_id for node_id in ids if node_id in self._nodes[label]}

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        """One SQLite transaction; it also appends the pending audit entry, if any (graph/audit.py)."""
        pending = pending_audit()
        cursor = self._db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
            entry = self._append_audit(cursor, pending.draft) if pending is not None else None
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
        if pending is not None:
            pending.entry = entry

    @staticmethod
    def _append_audit(cursor: sqlite3.Cursor, draft: AuditDraft) -> AuditEntry:
        # Inside BEGIN IMMEDIATE (one writer at a time, across processes too): the head read
        # here is the head the entry is appended to, so the chain cannot fork.
        head = cursor.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
        entry = seal(draft, seq + 1, prev_hash)
        cursor.execute(
            "INSERT INTO audit_log (seq, hash, data) VALUES (?, ?, ?)", (entry.seq, entry.hash, entry.model_dump_json())
        )
        return entry

    def _recorded_evidence(self, ids: list[str]) -> dict[str, RecordedEvidence]:
        found = {}
        for evidence_id in ids:
            node = self._nodes[Label.EVIDENCE].get(evidence_id)
            if node is not None:
                covers = frozenset(self._out(Label.EVIDENCE, evidence_id, Rel.COVERS))
                found[evidence_id] = RecordedEvidence(evidence=node, covers=covers)
        return found

    def _superseded(self, evidence_id: str) -> bool:
        return any(True for _ in self._in(Label.EVIDENCE, evidence_id, Rel.SUPERSEDES))

    # -- writes -----------------------------------------------------------------------------
    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        with self._lock:
            check_bundle(bundle, self._existing)
            if immutable_evidence:
                targets = supersede_targets(bundle)
                superseded_by = {t: list(self._in(Label.EVIDENCE, t, Rel.SUPERSEDES)) for t in targets}
                check_immutable(bundle, self._recorded_evidence(touched_ids(bundle)), superseded_by)
            nodes = list(bundle.nodes())
            edges = list(bundle.edges())
            # A node's single-valued edges (a criterion's framework, evidence's control) are
            # replaced when the node is written again, not added beside the old ones.
            replaced = [
                (rel, node.id, old_target)
                for label, node in nodes
                for field, rel in NODE_EDGE_FIELDS.get(label, {}).items()
                for old_target in self._out(label, node.id, rel)
                if old_target != getattr(node, field)
            ]
            with self._transaction() as cursor:
                cursor.executemany(
                    "INSERT INTO nodes (label, id, data) VALUES (?, ?, ?) "
                    "ON CONFLICT (label, id) DO UPDATE SET data = excluded.data",
                    [(label.value, node.id, node.model_dump_json()) for label, node in nodes],
                )
                cursor.executemany(
                    "DELETE FROM edges WHERE type = ? AND source = ? AND target = ?",
                    [(rel.value, source, target) for rel, source, target in replaced],
                )
                cursor.executemany(
                    "INSERT INTO edges (type, source, target, data) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (type, source, target) DO UPDATE SET data = excluded.data",
                    [(e.type.value, e.source, e.target, json.dumps(e.properties, sort_keys=True)) for e in edges],
                )
            for rel, source, target in replaced:
                self._drop_edge(rel, source, target)
            for label, node in nodes:
                self._put_node(label, node)
            for edge in edges:
                self._put_edge(edge)
            return WriteSummary(nodes=len(nodes), edges=len(edges))

    def delete_asset(self, asset_id: str) -> None:
        with self._lock:
            if asset_id not in self._nodes[Label.ASSET]:
                raise NotFoundError(Label.ASSET.value, asset_id, "asset")
            covering = sorted(self._in(Label.ASSET, asset_id, Rel.COVERS))
            if covering:
                # Evidence is an audit record: dropping its scope would silently widen it.
                raise ConflictError(
                    f"asset: '{asset_id}' is the scope of evidence {', '.join(covering[:5])}"
                    f"{' and more' if len(covering) > 5 else ''}; evidence is kept, so the asset is too"
                )
            with self._transaction() as cursor:
                cursor.execute("DELETE FROM nodes WHERE label = ? AND id = ?", (Label.ASSET.value, asset_id))
                for rel, (source_label, target_label) in EDGE_ENDPOINTS.items():
                    if source_label is Label.ASSET:
                        cursor.execute("DELETE FROM edges WHERE type = ? AND source = ?", (rel.value, asset_id))
                    if target_label is Label.ASSET:
                        cursor.execute("DELETE FROM edges WHERE type = ? AND target = ?", (rel.value, asset_id))
            self._graph.remove_node((Label.ASSET, asset_id))
            del self._nodes[Label.ASSET][asset_id]
            self._sorted[Label.ASSET] = None

    def set_changed_at(self, asset_ids: Collection[str], at: datetime) -> None:
        with self._lock:
            missing = sorted(set(asset_ids) - self._nodes[Label.ASSET].keys())
            if missing:
                raise NotFoundError(Label.ASSET.value, missing[0], "asset")
            updated = [self._nodes[Label.ASSET][a].model_copy(update={"changed_at": at}) for a in asset_ids]
            with self._transaction() as cursor:
                cursor.executemany(
                    "UPDATE nodes SET data = ? WHERE label = ? AND id = ?",
                    [(node.model_dump_json(), Label.ASSET.value, node.id) for node in updated],
                )
            for node in updated:
                self._nodes[Label.ASSET][node.id] = node

    # -- reads ------------------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        with self._lock:
            nodes = self._nodes[label]
            return {node_id: nodes[node_id] for node_id in ids if node_id in nodes}

    def _sorted_ids(self, label: Label) -> list[str]:
        ids = self._sorted[label]
        if ids is None:
            ids = sorted(self._nodes[label], key=natural_key)
            self._sorted[label] = ids
        return ids

    def list_nodes(
        self, label: Label, *, first: int, after: str | None = None, where: dict[str, str] | None = None
    ) -> list[NodeModel]:
        with self._lock:
            check_where(label, where)
            ids = self._sorted_ids(label)
            start = 0
            if after is not None:
                start = bisect.bisect_right(ids, natural_key(after), key=natural_key)
            found: list[NodeModel] = []
            for node_id in ids[start:]:
                node = self._nodes[label][node_id]
                if where and not _matches(node, where):
                    continue
                found.append(node)
                if len(found) >= first:
                    break
            return found

    def count_nodes(self, label: Label, where: dict[str, str] | None = None) -> int:
        with self._lock:
            check_where(label, where)
            if not where:
                return len(self._nodes[label])
            return sum(1 for node in self._nodes[label].values() if _matches(node, where))

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]:
        source_label, target_label = EDGE_ENDPOINTS[rel]
        with self._lock:
            if reverse:
                return {i: sorted(self._in(target_label, i, rel), key=natural_key) for i in ids}
            return {i: sorted(self._out(source_label, i, rel), key=natural_key) for i in ids}

    def export(self) -> Bundle:
        with self._lock:
            nodes = [(label, node) for label in Label for node in self._nodes[label].values()]
            edges = [
                Edge(type=rel, source=source[1], target=target[1], properties=dict(data))
                for source, target, rel, data in self._graph.edges(keys=True, data=True)
            ]
        return bundle_from_graph(nodes, edges)

    # -- the audit log and API keys (SQLite tables beside the graph, not graph nodes) -----------
    def append_audit(self, draft: AuditDraft) -> AuditEntry:
        with self._lock:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                entry = self._append_audit(cursor, draft)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            return entry

    def audit_entries(self, *, first: int, after: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        if first <= 0:
            return []
        if newest_first:
            sql = "SELECT data FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?"
            bound = after if after is not None else 2**62
        else:
            sql = "SELECT data FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"
            bound = after if after is not None else 0
        with self._lock:
            rows = self._db.execute(sql, (bound, first)).fetchall()
        return [AuditEntry.model_validate_json(row[0]) for row in rows]

    def audit_count(self) -> int:
        with self._lock:
            count: int = self._db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
            return count

    def put_key(self, key: ApiKey) -> None:
        with self._lock, self._transaction() as cursor:
            if cursor.execute("SELECT 1 FROM api_keys WHERE id = ?", (key.id,)).fetchone():
                raise ConflictError(f"key: a key with id '{key.id}' exists already")
            cursor.execute("INSERT INTO api_keys (id, data) VALUES (?, ?)", (key.id, key.model_dump_json()))

    def get_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        return ApiKey.model_validate_json(row[0]) if row else None

    def list_keys(self) -> list[ApiKey]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM api_keys").fetchall()
        keys = [ApiKey.model_validate_json(row[0]) for row in rows]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey:
        with self._lock, self._transaction() as cursor:
            row = cursor.execute("SELECT data FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if row is None:
                raise NotFoundError("ApiKey", key_id, "id")
            key = ApiKey.model_validate_json(row[0])
            if key.revoked_at is None:
                key = key.model_copy(update={"revoked_at": at})
                cursor.execute("UPDATE api_keys SET data = ? WHERE id = ?", (key.model_dump_json(), key_id))
            return key

    # -- query needs ------------------------------------------------------------------------
    def framework_criteria(self, framework_id: str) -> list[Criterion]:
        with self._lock:
            ids = sorted(self._in(Label.FRAMEWORK, framework_id, Rel.PART_OF), key=natural_key)
            return [self._nodes[Label.CRITERION][i] for i in ids]

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        with self._lock:
            found: dict[str, list[Control]] = {}
            for criterion_id in criterion_ids:
                controls = sorted(self._in(Label.CRITERION, criterion_id, Rel.SATISFIES), key=natural_key)
                if controls:
                    found[criterion_id] = [self._nodes[Label.CONTROL][c] for c in controls]
            return found

    def _mappings_of(self, criterion_id: str) -> Iterator[Mapping]:
        key = (Label.CRITERION, criterion_id)
        if key not in self._graph:
            return
        for (_, target), edges in self._graph.succ[key].items():
            if Rel.MAPS_TO in edges:
                yield _mapping(criterion_id, target, edges[Rel.MAPS_TO])
        for (_, source), edges in self._graph.pred[key].items():
            if Rel.MAPS_TO in edges:
                yield _mapping(source, criterion_id, edges[Rel.MAPS_TO])

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        with self._lock:
            unique = {(m.source, m.target): m for c in criterion_ids for m in self._mappings_of(c)}
            return [unique[k] for k in sorted(unique)]

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        with self._lock:
            in_a = set(self._in(Label.FRAMEWORK, framework_a, Rel.PART_OF))
            in_b = set(self._in(Label.FRAMEWORK, framework_b, Rel.PART_OF))
            unique = {
                (m.source, m.target): m
                for c in in_a
                for m in self._mappings_of(c)
                if (m.source in in_a and m.target in in_b) or (m.source in in_b and m.target in in_a)
            }
            return [unique[k] for k in sorted(unique)]

    def _pair_states(
        self, control: Control, at: datetime, assume: Assumption | None
    ) -> Iterator[tuple[str | None, EvidenceState, datetime | None]]:
        """(asset, state, since) for every asset the control applies to, or (None, …) if none."""
        unscoped = EvidenceSummary()
        scoped: dict[str, EvidenceSummary] = defaultdict(EvidenceSummary)
        for evidence_id in self._in(Label.CONTROL, control.id, Rel.EVIDENCES):
            if self._superseded(evidence_id):
                continue  # a corrected item counts for nothing (graph/evidence.py)
            evidence: Evidence = self._nodes[Label.EVIDENCE][evidence_id]
            covered = list(self._out(Label.EVIDENCE, evidence_id, Rel.COVERS))
            if not covered:
                unscoped.add(evidence, control.frequency, at)
            for asset_id in covered:
                scoped[asset_id].add(evidence, control.frequency, at)
        assets = sorted(self._out(Label.CONTROL, control.id, Rel.APPLIES_TO), key=natural_key)
        if not assets:
            summary = unscoped
            for part in scoped.values():
                summary = summary.merged(part)
            yield (None, *summary.state(None, at))
            return
        for asset_id in assets:
            changed_at = self._changed_at(asset_id, assume)
            summary = unscoped.merged(scoped[asset_id]) if asset_id in scoped else unscoped
            yield (asset_id, *summary.state(changed_at, at))

    def _changed_at(self, asset_id: str, assume: Assumption | None) -> datetime | None:
        if assume is not None and asset_id in assume.assets:
            return assume.changed_at
        changed_at: datetime | None = self._nodes[Label.ASSET][asset_id].changed_at
        return changed_at

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]:
        with self._lock:
            verdicts = {}
            for control_id in control_ids:
                control: Control | None = self._nodes[Label.CONTROL].get(control_id)
                if control is None:
                    continue
                failing: dict[EvidenceState, int] = {}
                assets = sum(1 for _ in self._out(Label.CONTROL, control_id, Rel.APPLIES_TO))
                if control.status is ControlStatus.IMPLEMENTED:
                    for _asset, state, _since in self._pair_states(control, at, assume):
                        if state is not EvidenceState.OK:
                            failing[state] = failing.get(state, 0) + 1
                verdicts[control_id] = ControlVerdict(
                    control_id=control_id, status=control.status, assets=assets, failing=failing
                )
            return verdicts

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        with self._lock:
            ids = self._sorted_ids(Label.CONTROL) if control_ids is None else sorted(control_ids, key=natural_key)
            rows = []
            for control_id in ids:
                control: Control | None = self._nodes[Label.CONTROL].get(control_id)
                if control is None or control.status is not ControlStatus.IMPLEMENTED:
                    continue
                for asset_id, state, since in self._pair_states(control, at, assume):
                    if state is not EvidenceState.OK:
                        rows.append(
                            ControlAssetState(control_id=control_id, asset_id=asset_id, state=state, since=since)
                        )
            return rows

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        with self._lock:
            if asset_id not in self._nodes[Label.ASSET]:
                return {}
            distance = {asset_id: 0}
            queue = deque([asset_id])
            while queue:
                current = queue.popleft()
                depth = distance[current]
                if max_depth is not None and depth >= max_depth:
                    continue
                for dependent in self._in(Label.ASSET, current, Rel.DEPENDS_ON):
                    if dependent not in distance:
                        distance[dependent] = depth + 1
                        queue.append(dependent)
            return distance

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        with self._lock:
            assets = set(asset_ids)
            controls = {c for a in assets for c in self._in(Label.ASSET, a, Rel.APPLIES_TO)}
            criteria = {k for c in controls for k in self._out(Label.CONTROL, c, Rel.SATISFIES)}
            frameworks = {f for k in criteria for f in self._out(Label.CRITERION, k, Rel.PART_OF)}
            vendors = {v for a in assets for v in self._out(Label.ASSET, a, Rel.PROVIDED_BY)}
            evidence = set()
            for control_id in controls:
                for evidence_id in self._in(Label.CONTROL, control_id, Rel.EVIDENCES):
                    if self._superseded(evidence_id):
                        continue
                    scope = set(self._out(Label.EVIDENCE, evidence_id, Rel.COVERS))
                    if not scope or scope & assets:
                        evidence.add(evidence_id)
            return Neighbourhood(
                controls=sorted(controls, key=natural_key),
                criteria=sorted(criteria, key=natural_key),
                frameworks=sorted(frameworks, key=natural_key),
                vendors=sorted(vendors, key=natural_key),
                evidence=sorted(evidence, key=natural_key),
            )

    def accepted_evidence_times(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[datetime]]:
        with self._lock:
            times: dict[str, list[datetime]] = {}
            for control_id in control_ids:
                collected = []
                for evidence_id in self._in(Label.CONTROL, control_id, Rel.EVIDENCES):
                    if self._superseded(evidence_id):
                        continue
                    evidence: Evidence = self._nodes[Label.EVIDENCE][evidence_id]
                    if evidence.status is EvidenceStatus.ACCEPTED and start <= evidence.collected_at < end:
                        collected.append(evidence.collected_at)
                times[control_id] = sorted(collected)
            return times

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        with self._lock:
            touched = set(asset_ids)
            found = []
            controls = {c for a in touched for c in self._in(Label.ASSET, a, Rel.APPLIES_TO)}
            for control_id in controls:
                control: Control = self._nodes[Label.CONTROL][control_id]
                in_scope_assets = touched.intersection(self._out(Label.CONTROL, control_id, Rel.APPLIES_TO))
                for evidence_id in self._in(Label.CONTROL, control_id, Rel.EVIDENCES):
                    if self._superseded(evidence_id):
                        continue
                    evidence: Evidence = self._nodes[Label.EVIDENCE][evidence_id]
                    if not (evidence.collected_at < at and is_valid(evidence, control.frequency, at)):
                        continue
                    scope = set(self._out(Label.EVIDENCE, evidence_id, Rel.COVERS)) or in_scope_assets
                    for asset_id in in_scope_assets & scope:
                        asset: Asset = self._nodes[Label.ASSET][asset_id]
                        if not is_stale(evidence.collected_at, asset.changed_at, at):
                            found.append(
                                StaleEvidence(evidence_id=evidence_id, control_id=control_id, asset_id=asset_id)
                            )
            found.sort(key=lambda s: (natural_key(s.evidence_id), natural_key(s.asset_id)))
            return found


def _mapping(source: str, target: str, data: dict[str, Any]) -> Mapping:
    return Mapping(
        source=source,
        target=target,
        relationship=MappingRelationship(data["relationship"]),
        strength=data["strength"],
        rationale=data["rationale"],
    )


def check_where(label: Label, where: dict[str, str] | None) -> None:
    """Filters compare a node's scalar properties; anything else is a caller's mistake."""
    if not where:
        return
    fields = NODE_MODELS[label].model_fields
    for key in where:
        if key not in fields or key == "id":
            raise InvalidInputError.one(f"where.{key}", f"{label.value} has no filterable property '{key}'")


def _matches(node: Any, where: dict[str, str]) -> bool:
    for key, wanted in where.items():
        value = getattr(node, key)
        if value is None or str(getattr(value, "value", value)) != wanted:
            return False
    return True
