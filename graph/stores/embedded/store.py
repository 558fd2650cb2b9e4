"""The embedded store: the graph in memory, SQLite (WAL) as the durable record.

Every write is validated first, committed to SQLite in one transaction, and only then applied
to the in-memory graph, which cannot fail; so a write is all-or-nothing and durable when it
returns. Opening an existing data directory replays the SQLite record into memory.

In memory, each relationship type has its own adjacency maps (source -> targets with their
properties, target -> sources), so a lookup touches only edges of the type asked for; the
dependency graph of the assets (DEPENDS_ON) is also a networkx `DiGraph`, for traversal and
analysis. Per control, an index of its current evidence (`graph.stores.control_index`) is built
on first use and dropped by every write that could change it (see `_affected_controls`); it
answers evidence states, period gaps and blast-radius evidence without walking the graph again,
and remembers the states of the last instant asked for as long as they cannot differ.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import networkx as nx

from graph.bundle import LINK_LISTS, Bundle, bundle_from_graph
from graph.errors import ConflictError, NotFoundError
from graph.evidence import RecordedEvidence, check_immutable, supersede_targets, touched_ids, without_recorded
from graph.integrity import check_bundle
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
    EvidenceReview,
    Label,
    Mapping,
    NodeModel,
    Rel,
    latest_review,
    natural_key,
)
from graph.queries.results import (
    ControlAssetState,
    ControlVerdict,
    Neighbourhood,
    StaleEvidence,
)
from graph.semantics import is_stale, is_valid, to_micros
from graph.store import Assumption, WriteSummary
from graph.stores.common import check_where, mapping_from_row, mappings_in_order, natural_order, stale_in_order
from graph.stores.control_index import ControlIndex, EvidenceRecord, id_of
from graph.stores.embedded.access import EmbeddedAccessStore
from graph.stores.embedded.record import NO_PROPERTIES, SqliteRecord, delete_asset_rows, update_node_rows, write_rows
from graph.write_rules import check_write_rules

NodeKey = tuple[Label, str]


class EmbeddedStore:
    """A `GraphStore` in one process. `path=None` keeps the SQLite record in memory (tests).

    Opened for writing (the default), it holds the data dir's write lock until `close`
    (graph/stores/data_dir_lock.py): a second writing process fails at once. `read_only=True`
    takes no lock and refuses writes; it reads a snapshot while a writer runs."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self._record = SqliteRecord(path, read_only=read_only)
        self._lock = self._record.lock
        self.access = EmbeddedAccessStore(self._record)
        # rel -> source -> target -> properties, and rel -> target -> sources (an ordered set).
        self._succ: dict[Rel, dict[str, dict[str, dict[str, Any]]]] = {rel: {} for rel in Rel}
        self._pred: dict[Rel, dict[str, dict[str, None]]] = {rel: {} for rel in Rel}
        self._dependencies: nx.DiGraph = nx.DiGraph()  # DEPENDS_ON among assets, for traversal
        self._nodes: dict[Label, dict[str, Any]] = {label: {} for label in Label}
        self._sorted: dict[Label, list[str] | None] = {label: None for label in Label}
        self._asset_rank: dict[str, int] | None = None  # asset id -> place in `natural_order`
        self._indexes: dict[str, ControlIndex] = {}  # per control, built on first use
        self._changed: dict[str, int] = {}  # changed_at (microseconds) of the assets that have one
        self._reviews: dict[str, list[EvidenceReview]] = {}  # per evidence id, in the order recorded
        # Neighbourhoods asked for since the last write (they do not depend on time or changed_at).
        self._around: dict[frozenset[str], Neighbourhood] = {}
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

    def _replay(self) -> None:
        def on_review(data: str) -> None:
            review = EvidenceReview.model_validate_json(data)
            self._reviews.setdefault(review.evidence, []).append(review)

        # Reviews come first: `_put_node` gives each evidence item the status of its latest review.
        self._record.replay(
            on_review,
            lambda label, data: self._put_node(label, NODE_MODELS[label].model_validate_json(data)),
            self._put_edge,
        )

    # -- in-memory primitives ----------------------------------------------------------------
    def _put_node(self, label: Label, node: Any) -> None:
        if label is Label.EVIDENCE:
            node = self._reviewed(node)
        if node.id not in self._nodes[label]:
            self._forget_order(label)
            if label is Label.ASSET:
                self._dependencies.add_node(node.id)
        self._nodes[label][node.id] = node
        if label is Label.ASSET:
            if node.changed_at is not None:
                self._changed[node.id] = to_micros(node.changed_at)
            else:
                self._changed.pop(node.id, None)

    def _reviewed(self, evidence: Evidence) -> Evidence:
        """The item with the status its latest review gave it (as recorded when never reviewed)."""
        latest = latest_review(self._reviews.get(evidence.id, []))
        if latest is None or evidence.status is latest.decision.status:
            return evidence
        return evidence.model_copy(update={"status": latest.decision.status})

    def _put_edge(self, rel: Rel, source: str, target: str, properties: dict[str, Any]) -> None:
        targets = self._succ[rel].get(source)
        if targets is None:
            targets = self._succ[rel][source] = {}
        targets[target] = properties
        sources = self._pred[rel].get(target)
        if sources is None:
            sources = self._pred[rel][target] = {}
        sources[source] = None
        if rel is Rel.DEPENDS_ON:
            self._dependencies.add_edge(source, target)

    def _drop_edge(self, rel: Rel, source: str, target: str) -> None:
        targets = self._succ[rel].get(source)
        if targets is None or target not in targets:
            return
        del targets[target]
        if not targets:
            del self._succ[rel][source]
        sources = self._pred[rel][target]
        del sources[source]
        if not sources:
            del self._pred[rel][target]
        if rel is Rel.DEPENDS_ON:
            self._dependencies.remove_edge(source, target)

    def _out(self, label: Label, node_id: str, rel: Rel) -> Iterator[str]:
        """The targets of `node_id`'s `rel` edges (`label` names the source's label, for reading)."""
        return iter(self._succ[rel].get(node_id, ()))

    def _in(self, label: Label, node_id: str, rel: Rel) -> Iterator[str]:
        """The sources of the `rel` edges into `node_id` (`label` names the target's label)."""
        return iter(self._pred[rel].get(node_id, ()))

    def _index(self, control_id: str) -> ControlIndex:
        """The control's evidence index, built from the graph on first use after a change."""
        index = self._indexes.get(control_id)
        if index is None:
            control: Control = self._nodes[Label.CONTROL][control_id]
            superseded = self._pred[Rel.SUPERSEDES]
            covers = self._succ[Rel.COVERS]
            evidence = self._nodes[Label.EVIDENCE]
            records = [
                EvidenceRecord(evidence[e], tuple(covers.get(e, ())))
                for e in self._pred[Rel.EVIDENCES].get(control_id, ())
                if e not in superseded  # a corrected item counts for nothing (graph/evidence.py)
            ]
            assets = sorted(self._succ[Rel.APPLIES_TO].get(control_id, ()), key=natural_key)
            index = self._indexes[control_id] = ControlIndex(control, assets, records)
        return index

    def _forget(self, control_ids: Collection[str]) -> None:
        for control_id in control_ids:
            self._indexes.pop(control_id, None)

    def _controls_of_assets(self, asset_ids: Collection[str]) -> set[str]:
        applies = self._pred[Rel.APPLIES_TO]
        return {c for a in asset_ids for c in applies.get(a, ())}

    def _affected_controls(self, bundle: Bundle) -> set[str]:
        """Every control whose evidence index the bundle could change, judged before it is applied:
        the controls written or scoped, those of the evidence written (old and new), of the
        evidence it supersedes or scopes, and those applying to the assets written."""
        affected = {c.id for c in bundle.controls} | {link.source for link in bundle.applies_to}
        control_of = self._succ[Rel.EVIDENCES]
        in_bundle = {e.id: e.control for e in bundle.evidence}
        for item in bundle.evidence:
            affected.add(item.control)
            affected.update(control_of.get(item.id, ()))
            if item.supersedes is not None:
                affected.update(control_of.get(item.supersedes, ()))
                if item.supersedes in in_bundle:
                    affected.add(in_bundle[item.supersedes])
        for link in bundle.covers:
            affected.update(control_of.get(link.source, ()))
            if link.source in in_bundle:
                affected.add(in_bundle[link.source])
        affected |= self._controls_of_assets([a.id for a in bundle.assets])
        for review in bundle.reviews:
            affected.update(control_of.get(review.evidence, ()))
            if review.evidence in in_bundle:
                affected.add(in_bundle[review.evidence])
        return affected

    def _existing(self, label: Label, ids: set[str]) -> set[str]:
        return {node_id for node_id in ids if node_id in self._nodes[label]}

    def _recorded_evidence(self, ids: list[str]) -> dict[str, RecordedEvidence]:
        found = {}
        for evidence_id in ids:
            node = self._nodes[Label.EVIDENCE].get(evidence_id)
            if node is not None:
                covers = frozenset(self._out(Label.EVIDENCE, evidence_id, Rel.COVERS))
                reviewed = evidence_id in self._reviews
                found[evidence_id] = RecordedEvidence(evidence=node, covers=covers, reviewed=reviewed)
        return found

    def _superseded(self, evidence_id: str) -> bool:
        return evidence_id in self._pred[Rel.SUPERSEDES]

    # -- writes -----------------------------------------------------------------------------
    def write(self, bundle: Bundle, *, immutable_evidence: bool = False) -> WriteSummary:
        with self._lock:
            check_bundle(bundle, self._existing)
            check_write_rules(bundle, self)
            if immutable_evidence:
                targets = supersede_targets(bundle)
                superseded_by = {t: list(self._in(Label.EVIDENCE, t, Rel.SUPERSEDES)) for t in targets}
                recorded = self._recorded_evidence(touched_ids(bundle))
                check_immutable(bundle, recorded, superseded_by)
                bundle = without_recorded(bundle, recorded)
            nodes = [(label, self._keep_changed_at(node)) for label, node in bundle.nodes()]
            reviews = self._new_reviews(bundle.reviews)
            edges = list(_edge_rows(bundle))
            # A node's single-valued edges (a criterion's framework, evidence's control) are
            # replaced when the node is written again, not added beside the old ones.
            replaced = [
                (rel, node.id, old_target)
                for label, node in nodes
                for field, rel in NODE_EDGE_FIELDS.get(label, {}).items()
                for old_target in self._out(label, node.id, rel)
                if old_target != getattr(node, field)
            ]
            affected = self._affected_controls(bundle)
            with self._record.transaction() as cursor:
                write_rows(cursor, nodes, replaced, edges, reviews)
            for rel, source, target in replaced:
                self._drop_edge(rel, source, target)
            for review in reviews:
                self._reviews.setdefault(review.evidence, []).append(review)
            for label, node in nodes:
                self._put_node(label, node)
            for evidence_id in {review.evidence for review in reviews}:
                self._put_node(Label.EVIDENCE, self._nodes[Label.EVIDENCE][evidence_id])
            for rel, source, target, props in edges:
                self._put_edge(rel, source, target, props)
            self._forget(affected)
            self._around.clear()
            return WriteSummary(nodes=len(nodes), edges=len(edges))

    def _keep_changed_at(self, node: NodeModel) -> NodeModel:
        """An upsert never moves an asset's change time back (or clears it): evidence made stale
        by a change stays stale."""
        if not isinstance(node, Asset):
            return node
        asset = node
        stored: Asset | None = self._nodes[Label.ASSET].get(asset.id)
        if stored is None or stored.changed_at is None:
            return asset
        if asset.changed_at is not None and asset.changed_at >= stored.changed_at:
            return asset
        return asset.model_copy(update={"changed_at": stored.changed_at})

    def _new_reviews(self, reviews: list[EvidenceReview]) -> list[EvidenceReview]:
        """The reviews not recorded yet: loading the same reviews again (a retry, an export loaded
        back) appends nothing."""
        new: dict[EvidenceReview, None] = {}  # ordered, and a review listed twice counts once
        for review in reviews:
            if review not in self._reviews.get(review.evidence, ()):
                new[review] = None
        return list(new)

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        with self._lock:
            return {i: list(self._reviews.get(i, ())) for i in evidence_ids}

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
            with self._record.transaction() as cursor:
                delete_asset_rows(cursor, asset_id)
            self._forget(self._controls_of_assets([asset_id]))
            for rel, (source_label, target_label) in EDGE_ENDPOINTS.items():
                if source_label is Label.ASSET:
                    for target in list(self._succ[rel].get(asset_id, ())):
                        self._drop_edge(rel, asset_id, target)
                if target_label is Label.ASSET:
                    for source in list(self._pred[rel].get(asset_id, ())):
                        self._drop_edge(rel, source, asset_id)
            self._dependencies.remove_node(asset_id)
            self._around.clear()
            del self._nodes[Label.ASSET][asset_id]
            self._changed.pop(asset_id, None)
            self._forget_order(Label.ASSET)

    def set_changed_at(self, asset_ids: Collection[str], at: datetime) -> None:
        with self._lock:
            missing = sorted(set(asset_ids) - self._nodes[Label.ASSET].keys())
            if missing:
                raise NotFoundError(Label.ASSET.value, missing[0], "asset")
            updated = [
                self._keep_changed_at(self._nodes[Label.ASSET][a].model_copy(update={"changed_at": at}))
                for a in asset_ids
            ]
            with self._record.transaction() as cursor:
                update_node_rows(cursor, Label.ASSET, updated)
            for node in updated:
                self._put_node(Label.ASSET, node)
            for control_id in self._controls_of_assets(asset_ids):
                index = self._indexes.get(control_id)
                if index is not None:
                    index.forget_states()  # its evidence is the same; its staleness may not be

    # -- reads ------------------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        with self._lock:
            nodes = self._nodes[label]
            return {node_id: nodes[node_id] for node_id in ids if node_id in nodes}

    def _forget_order(self, label: Label) -> None:
        self._sorted[label] = None
        if label is Label.ASSET:
            self._asset_rank = None

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
                Edge(type=rel, source=source, target=target, properties=dict(data))
                for rel, succ in self._succ.items()
                for source, targets in succ.items()
                for target, data in targets.items()
            ]
            reviews = [review for found in self._reviews.values() for review in found]
        return bundle_from_graph(nodes, edges, reviews)

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
        succ = self._succ[Rel.MAPS_TO]
        for target, data in succ.get(criterion_id, {}).items():
            yield mapping_from_row(criterion_id, target, data)
        for source in self._pred[Rel.MAPS_TO].get(criterion_id, ()):
            yield mapping_from_row(source, criterion_id, succ[source][criterion_id])

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        with self._lock:
            return mappings_in_order(m for c in criterion_ids for m in self._mappings_of(c))

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        with self._lock:
            in_a = set(self._in(Label.FRAMEWORK, framework_a, Rel.PART_OF))
            in_b = set(self._in(Label.FRAMEWORK, framework_b, Rel.PART_OF))
            return mappings_in_order(
                m
                for c in in_a
                for m in self._mappings_of(c)
                if (m.source in in_a and m.target in in_b) or (m.source in in_b and m.target in in_a)
            )

    def _assumed(self, index: ControlIndex, assume: Assumption | None) -> dict[str, int] | None:
        """`changed_at` overrides (microseconds) for the control's assets under `assume`, or None
        when it touches none of them."""
        if assume is None or assume.assets.isdisjoint(index.asset_set):
            return None
        moment = to_micros(assume.changed_at)
        return {a: moment for a in assume.assets if a in index.asset_set}

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None = None
    ) -> dict[str, ControlVerdict]:
        with self._lock:
            verdicts = {}
            for control_id in control_ids:
                control: Control | None = self._nodes[Label.CONTROL].get(control_id)
                if control is None:
                    continue
                if control.status is not ControlStatus.IMPLEMENTED:
                    verdicts[control_id] = ControlVerdict(
                        control_id=control_id,
                        status=control.status,
                        assets=len(self._succ[Rel.APPLIES_TO].get(control_id, ())),
                        failing={},
                    )
                    continue
                index = self._index(control_id)
                verdicts[control_id] = index.states(at, self._changed, self._assumed(index, assume)).verdict
            return verdicts

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None = None
    ) -> list[ControlAssetState]:
        with self._lock:
            ids = self._sorted_ids(Label.CONTROL) if control_ids is None else sorted(control_ids, key=natural_key)
            rows: list[ControlAssetState] = []
            for control_id in ids:
                control: Control | None = self._nodes[Label.CONTROL].get(control_id)
                if control is None or control.status is not ControlStatus.IMPLEMENTED:
                    continue
                index = self._index(control_id)
                rows += index.states(at, self._changed, self._assumed(index, assume)).failing
            return rows

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        with self._lock:
            if asset_id not in self._nodes[Label.ASSET]:
                return {}
            rank = self._asset_rank
            if rank is None:
                rank = self._asset_rank = {a: i for i, a in enumerate(natural_order(self._nodes[Label.ASSET]))}
            pred = self._dependencies.pred  # breadth-first over DEPENDS_ON, backwards
            distance = {asset_id: 0}
            frontier = [asset_id]
            depth = 0
            while frontier and (max_depth is None or depth < max_depth):
                depth += 1
                found = {dependent for current in frontier for dependent in pred[current]}.difference(distance)
                frontier = sorted(found, key=rank.__getitem__)  # each level in natural order: protocol order
                distance.update(dict.fromkeys(frontier, depth))
            return distance

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        with self._lock:
            assets = frozenset(asset_ids)
            found = self._around.get(assets)
            if found is None:
                found = self._neighbourhood(assets)
                if len(self._around) >= _AROUND_KEPT:
                    self._around.pop(next(iter(self._around)))  # the oldest
                self._around[assets] = found
            return found

    def _neighbourhood(self, assets: frozenset[str]) -> Neighbourhood:
        with self._lock:
            controls = self._controls_of_assets(assets)
            satisfies, part_of = self._succ[Rel.SATISFIES], self._succ[Rel.PART_OF]
            criteria = {k for c in controls for k in satisfies.get(c, ())}
            frameworks = {f for k in criteria for f in part_of.get(k, ())}
            provided_by = self._succ[Rel.PROVIDED_BY]
            vendors = {v for a in assets for v in provided_by.get(a, ())}
            evidence: set[str] = set()  # sort keys: strings sort fast and end in the id
            for control_id in controls:
                self._index(control_id).evidence_for(assets, evidence)
            return Neighbourhood.model_construct(
                controls=natural_order(controls),
                criteria=natural_order(criteria),
                frameworks=natural_order(frameworks),
                vendors=natural_order(vendors),
                evidence=[id_of(key) for key in sorted(evidence)],
            )

    def accepted_evidence_times(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[datetime]]:
        with self._lock:
            return {
                control_id: self._index(control_id).accepted_between(start, end)
                if control_id in self._nodes[Label.CONTROL]
                else []
                for control_id in control_ids
            }

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        with self._lock:
            touched = set(asset_ids)
            found = []
            for control_id in self._controls_of_assets(touched):
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
            return stale_in_order(found)


_AROUND_KEPT = 64  # neighbourhoods remembered between writes (blast radius of the assets asked about)


def _edge_rows(bundle: Bundle) -> Iterator[tuple[Rel, str, str, dict[str, Any]]]:
    """(type, source, target, properties) of every relationship in the bundle, as `Bundle.edges`
    lists them, without building an `Edge` model per row (a bulk load has millions)."""
    for label, node in bundle.nodes():
        for field, rel in NODE_EDGE_FIELDS.get(label, {}).items():
            target = getattr(node, field)
            if target is not None:
                yield rel, node.id, target, NO_PROPERTIES
    for list_name, rel in LINK_LISTS.items():
        for link in getattr(bundle, list_name):
            yield rel, link.source, link.target, NO_PROPERTIES
    for dep in bundle.depends_on:
        yield Rel.DEPENDS_ON, dep.source, dep.target, {"kind": dep.kind.value}
    for m in bundle.mappings:
        yield (
            Rel.MAPS_TO,
            m.source,
            m.target,
            {"relationship": m.relationship.value, "strength": m.strength, "rationale": m.rationale},
        )


def _matches(node: Any, where: dict[str, str]) -> bool:
    for key, wanted in where.items():
        value = getattr(node, key)
        if value is None or str(getattr(value, "value", value)) != wanted:
            return False
    return True
