"""The embedded store: the graph in memory, SQLite (WAL) as the durable record.

Every write is validated first, committed to SQLite in one transaction (record.py), and only
then applied to the graph in memory (adjacency.py), which cannot fail; so a write is
all-or-nothing and durable when it returns. Opening an existing data directory replays the
SQLite record into memory. What is remembered between writes, and forgotten by each, is in
caches.py; the query needs are answered in queries.py; keys and the audit log, in the same
SQLite file and transactions, in access.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from collections.abc import Mapping as ByControl
from datetime import datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from graph.bundle import Bundle
from graph.checks import append_only
from graph.checks.change_history import change_ids, new_changes, normalized
from graph.checks.evidence_immutability import check_immutable, supersede_targets, touched_ids, without_recorded
from graph.checks.references import check_bundle
from graph.checks.sample_records import recorded_samples_removed
from graph.checks.write_rules import check_write_rules
from graph.errors import ConflictError, NotFoundError
from graph.model import (
    NODE_MODELS,
    Change,
    Control,
    Criterion,
    Evidence,
    EvidenceReview,
    Label,
    Mapping,
    NodeModel,
    Rel,
    Severity,
    now_utc,
)
from graph.queries.results import AcceptedItem, ControlAssetState, ControlVerdict, Neighbourhood, Radius, StaleEvidence
from graph.rules.evaluation import from_micros, to_micros
from graph.store import Assumption, FindingFilter, FindingPage, WriteSummary
from graph.stores.common import refuse_if_affected, refuse_if_in_boundary
from graph.stores.embedded.access import EmbeddedAccessStore
from graph.stores.embedded.adjacency import Adjacency, edge_rows
from graph.stores.embedded.caches import Caches
from graph.stores.embedded.findings import findings_page, open_counts
from graph.stores.embedded.queries import QueryNeeds
from graph.stores.embedded.record import SqliteRecord, delete_asset_rows, write_rows

P = ParamSpec("P")
R = TypeVar("R")


def _moves_version(
    method: Callable[Concatenate[EmbeddedStore, P], R],
) -> Callable[Concatenate[EmbeddedStore, P], R]:
    """A graph write moves `graph_version` when it ends, under the store's lock, whether it
    wrote or failed: a read that began before it never stores its answer under a live version."""

    @functools.wraps(method)
    def moving(self: EmbeddedStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                self._version += 1

    return moving


class EmbeddedStore:
    """A `GraphStore` in one process. `path=None` keeps the SQLite record in memory (tests).

    Opened for writing (the default), it holds the data dir's write lock until `close`
    (graph/stores/data_dir_lock.py): a second writing process fails at once. `read_only=True`
    takes no lock and refuses writes; it reads a snapshot while a writer runs. Its `access`
    store shares the SQLite connection, the lock and the transactions."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self._record = SqliteRecord(path, read_only=read_only)
        self._lock = self._record.lock
        self._version = 0  # graph_version: moved by every graph write (`_moves_version`)
        self.access = EmbeddedAccessStore(self._record)
        self._graph = Adjacency()
        self._caches = Caches(self._graph)
        self._queries = QueryNeeds(self._graph, self._caches)
        try:
            self._replay()
        except BaseException:
            self.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        self._record.close()

    def ping(self) -> None:
        self._record.ping()

    graph_version_in_memory = True

    def graph_version(self) -> int:
        # Only this process writes the data dir (its write lock); a read-only store reads a snapshot.
        return self._version

    def _replay(self) -> None:
        def on_review(data: str) -> None:
            self._graph.add_review(EvidenceReview.model_validate_json(data))

        def on_node(label: Label, data: str) -> None:
            self._graph.put_node(label, NODE_MODELS[label].model_validate_json(data))

        def on_change(data: str) -> None:
            self._graph.add_change(Change.model_validate_json(data))

        # Reviews come first: `put_node` gives each evidence item the status of its latest review.
        self._record.replay(on_review, on_node, self._graph.put_edge, on_change)

    # -- writes -----------------------------------------------------------------------------
    @_moves_version
    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        graph = self._graph
        with self._lock:
            check_bundle(bundle, graph.existing)
            now = now_utc()
            check_write_rules(bundle, self, now)
            bundle = normalized(bundle, now)
            bundle = append_only.without_repeats(append_only.stamped(bundle, now), self.get_nodes)
            known = {i: graph.change_by_id[i] for i in change_ids(bundle) if i in graph.change_by_id}
            changes = new_changes(bundle, known)
            bundle = recorded_samples_removed(bundle, graph.nodes[Label.SAMPLE])
            repeated: list[Evidence] = []
            if immutable_evidence:
                targets = supersede_targets(bundle)
                superseded_by = {t: list(graph.into(t, Rel.SUPERSEDES)) for t in targets}
                recorded = graph.recorded_evidence(touched_ids(bundle))
                check_immutable(bundle, recorded, superseded_by)
                repeated = [e for e in bundle.evidence if e.id in recorded]
                bundle = without_recorded(bundle, recorded)
            nodes = list(bundle.nodes())
            reviews = graph.new_reviews(bundle.reviews)
            edges = list(edge_rows(bundle))
            replaced = graph.replaced_edges(nodes)
            affected = self._caches.affected_controls(bundle)
            with self._record.transaction() as cursor:
                write_rows(cursor, nodes, replaced, edges, reviews, changes)
            for rel, source, target in replaced:
                graph.drop_edge(rel, source, target)
            for review in reviews:
                graph.add_review(review)
            for label, node in nodes:
                graph.put_node(label, node)
            for evidence_id in {review.evidence for review in reviews}:
                graph.put_node(Label.EVIDENCE, graph.nodes[Label.EVIDENCE][evidence_id])
            for rel, source, target, props in edges:
                graph.put_edge(rel, source, target, props)
            for change in changes:
                graph.add_change(change)
            self._caches.apply(affected)
            self._caches.changes_recorded(changes)
            # A repeated item counts as written (its edges too), as the Neo4j store writes it again.
            repeated_edges = sum(2 if e.supersedes is not None else 1 for e in repeated)  # EVIDENCES, SUPERSEDES
            return WriteSummary(nodes=len(nodes) + len(repeated), edges=len(edges) + repeated_edges)

    @_moves_version
    def delete_asset(self, asset_id: str) -> None:
        graph = self._graph
        with self._lock:
            if asset_id not in graph.nodes[Label.ASSET]:
                raise NotFoundError(Label.ASSET.value, asset_id, "asset")
            covering = sorted(graph.into(asset_id, Rel.COVERS))
            if covering:
                # Evidence is an audit record: dropping its scope would silently widen it.
                raise ConflictError(
                    f"asset: '{asset_id}' is the scope of evidence {', '.join(covering[:5])}"
                    f"{' and more' if len(covering) > 5 else ''}; evidence is kept, so the asset is too"
                )
            refuse_if_affected(asset_id, list(graph.into(asset_id, Rel.AFFECTS)))
            refuse_if_in_boundary(
                asset_id, [e.id for e in graph.nodes[Label.ENGAGEMENT].values() if asset_id in e.assets]
            )
            with self._record.transaction() as cursor:
                delete_asset_rows(cursor, asset_id)
            self._caches.asset_removed(asset_id)  # before its APPLIES_TO edges go
            graph.remove_asset(asset_id)

    # -- reads (adjacency.py) ----------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        with self._lock:
            return self._graph.get_nodes(label, ids)

    def assets_by_identifiers(self, keys: Collection[str]) -> dict[str, str]:
        with self._lock:
            return self._graph.identifiers.holders(keys)

    def list_nodes(
        self, label: Label, *, first: int, after: str | None = None, where: dict[str, str] | None = None
    ) -> list[NodeModel]:
        with self._lock:
            return self._graph.list_nodes(label, first, after, where)

    def count_nodes(self, label: Label, where: dict[str, str] | None = None) -> int:
        with self._lock:
            return self._graph.count_nodes(label, where)

    def related(self, rel: Rel, ids: Collection[str], *, reverse: bool = False) -> dict[str, list[str]]:
        with self._lock:
            return self._graph.related(rel, ids, reverse)

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        with self._lock:
            return self._graph.evidence_reviews(evidence_ids)

    def export(self) -> Bundle:
        with self._lock:
            return self._graph.export()

    def asset_changes(self, asset_id: str, first: int, after: str | None = None) -> list[Change]:
        with self._lock:
            return self._graph.asset_changes(asset_id, first, after)

    def count_changes(self, asset_id: str) -> int:
        with self._lock:
            return len(self._graph.changes.get(asset_id, ()))

    def latest_changes(self, asset_ids: Collection[str], at: datetime) -> dict[str, datetime]:
        with self._lock:
            found = self._graph.latest_changes(asset_ids, to_micros(at))
        return {asset_id: from_micros(moment) for asset_id, moment in found.items()}

    def findings(self, where: FindingFilter, first: int, after: str | None = None) -> FindingPage:
        with self._lock:
            return findings_page(self._graph, where.assets, where, first, after)

    def findings_by_asset(
        self, asset_ids: Collection[str], where: FindingFilter, first: int, after: str | None = None
    ) -> dict[str, FindingPage]:
        with self._lock:
            return {a: findings_page(self._graph, [a], where, first, after) for a in asset_ids}

    def open_finding_counts(self, asset_ids: Collection[str]) -> dict[Severity, int]:
        with self._lock:
            return open_counts(self._graph, asset_ids)

    # -- query needs (queries.py) -------------------------------------------------------------
    def framework_criteria(self, framework_id: str) -> list[Criterion]:
        with self._lock:
            return self._queries.framework_criteria(framework_id)

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        with self._lock:
            return self._queries.satisfying_controls(criterion_ids)

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        with self._lock:
            return self._queries.mappings_touching(criterion_ids)

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        with self._lock:
            return self._queries.mappings_between(framework_a, framework_b)

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]:
        with self._lock:
            return self._queries.control_verdicts(control_ids, at, assume)

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        with self._lock:
            return self._queries.control_states(control_ids, at, assume)

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        with self._lock:
            return self._queries.dependents(asset_id, max_depth)

    def dependency_closure(self, asset_ids: Collection[str]) -> set[str]:
        with self._lock:
            return self._queries.dependency_closure(asset_ids)

    def blast_radius(self, asset_id: str, max_depth: int | None) -> Radius | None:
        with self._lock:
            return self._queries.blast_radius(asset_id, max_depth)

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        with self._lock:
            return self._queries.neighbourhood(asset_ids)

    def accepted_evidence_counts(
        self, intervals: ByControl[str, Sequence[tuple[datetime, datetime]]]
    ) -> dict[str, list[int]]:
        with self._lock:
            return self._queries.accepted_evidence_counts(intervals)

    def accepted_evidence_periods(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
        with self._lock:
            return self._queries.accepted_evidence_periods(control_ids, start, end)

    def accepted_evidence_items(self, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
        with self._lock:
            return self._queries.accepted_evidence_items(control_id, start, end)

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        with self._lock:
            return self._queries.becoming_stale(asset_ids, at)


__all__ = ["EmbeddedStore"]
