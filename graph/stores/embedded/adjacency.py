"""The embedded store's graph in memory, and the reads answered straight from it.

Each relationship type has its own adjacency maps (source -> targets with their properties,
target -> sources), so a lookup touches only edges of the type asked for; the dependency graph
of the assets (DEPENDS_ON) is also a networkx `DiGraph`, for traversal. Evidence reviews are kept
per item, in the order recorded: an item's status is its latest review's.

Nothing here can fail once a write is validated and committed (record.py), so memory and the
SQLite record never part.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator
from typing import Any

import networkx as nx

from graph.bundle import LINK_LISTS, Bundle, bundle_from_graph
from graph.checks.evidence_immutability import RecordedEvidence
from graph.model import (
    EDGE_ENDPOINTS,
    NODE_EDGE_FIELDS,
    Change,
    Edge,
    Evidence,
    EvidenceReview,
    Label,
    NodeModel,
    Rel,
    latest_at_or_before,
    latest_review,
    natural_key,
    shorthand_change,
)
from graph.rules.evaluation import to_micros
from graph.stores.common import check_where, natural_order
from graph.stores.embedded.identifier_index import IdentifierIndex
from graph.stores.embedded.record import NO_PROPERTIES, EdgeRow


class Adjacency:
    """Nodes by label, edges by type in both directions, reviews, and the orders read from them."""

    def __init__(self) -> None:
        # rel -> source -> target -> properties, and rel -> target -> sources (an ordered set).
        self.targets: dict[Rel, dict[str, dict[str, dict[str, Any]]]] = {rel: {} for rel in Rel}
        self.sources: dict[Rel, dict[str, dict[str, None]]] = {rel: {} for rel in Rel}
        self.dependencies: nx.DiGraph = nx.DiGraph()  # DEPENDS_ON among assets, for traversal
        self.nodes: dict[Label, dict[str, Any]] = {label: {} for label in Label}
        # Per asset: its changes by (at, id), and their instants (microseconds), sorted.
        self.changes: dict[str, list[Change]] = {}
        self.changed: dict[str, list[int]] = {}
        self.change_by_id: dict[str, Change] = {}
        self.reviews: dict[str, list[EvidenceReview]] = {}  # per evidence id, in the order recorded
        self._sorted: dict[Label, list[str] | None] = {label: None for label in Label}
        self._asset_rank: dict[str, int] | None = None  # asset id -> place in `natural_order`
        self.identifiers = IdentifierIndex()

    # -- changes (after the record committed them) -----------------------------------------------
    def put_node(self, label: Label, node: Any) -> None:
        if label is Label.EVIDENCE:
            node = self._reviewed(node)
        if node.id not in self.nodes[label]:
            self._forget_order(label)
            if label is Label.ASSET:
                self.dependencies.add_node(node.id)
        if label is Label.ASSET and node.changed_at is not None:
            # A row written before change histories (read-only open of an old data dir): the
            # shorthand, as a change; a writable open has converted it on disk already (record.py).
            self.add_change(shorthand_change(node))
            node = node.model_copy(update={"changed_at": None})
        if label is Label.ASSET:
            self.identifiers.put(self.nodes[label].get(node.id), node)
        self.nodes[label][node.id] = node

    def add_change(self, change: Change | None) -> None:
        """Append a recorded change to its asset's history (a recorded id again: nothing)."""
        if change is None or change.id is None or change.id in self.change_by_id:
            return
        self.change_by_id[change.id] = change
        bisect.insort(self.changes.setdefault(change.asset, []), change, key=lambda c: (c.at, c.id or ""))
        bisect.insort(self.changed.setdefault(change.asset, []), to_micros(change.at))

    def _reviewed(self, evidence: Evidence) -> Evidence:
        """The item with the status its latest review gave it (as recorded when never reviewed)."""
        latest = latest_review(self.reviews.get(evidence.id, []))
        if latest is None or evidence.status is latest.decision.status:
            return evidence
        return evidence.model_copy(update={"status": latest.decision.status})

    def add_review(self, review: EvidenceReview) -> None:
        """Record a review (call `put_node` on its item afterwards to apply its status)."""
        self.reviews.setdefault(review.evidence, []).append(review)

    def put_edge(self, rel: Rel, source: str, target: str, properties: dict[str, Any]) -> None:
        targets = self.targets[rel].get(source)
        if targets is None:
            targets = self.targets[rel][source] = {}
        targets[target] = properties
        sources = self.sources[rel].get(target)
        if sources is None:
            sources = self.sources[rel][target] = {}
        sources[source] = None
        if rel is Rel.DEPENDS_ON:
            self.dependencies.add_edge(source, target)

    def drop_edge(self, rel: Rel, source: str, target: str) -> None:
        targets = self.targets[rel].get(source)
        if targets is None or target not in targets:
            return
        del targets[target]
        if not targets:
            del self.targets[rel][source]
        sources = self.sources[rel][target]
        del sources[source]
        if not sources:
            del self.sources[rel][target]
        if rel is Rel.DEPENDS_ON:
            self.dependencies.remove_edge(source, target)

    def remove_asset(self, asset_id: str) -> None:
        """The asset and every edge at either end of it."""
        for rel, (source_label, target_label) in EDGE_ENDPOINTS.items():
            if source_label is Label.ASSET:
                for target in list(self.targets[rel].get(asset_id, ())):
                    self.drop_edge(rel, asset_id, target)
            if target_label is Label.ASSET:
                for source in list(self.sources[rel].get(asset_id, ())):
                    self.drop_edge(rel, source, asset_id)
        self.dependencies.remove_node(asset_id)
        self.identifiers.release(self.nodes[Label.ASSET].pop(asset_id))
        for change in self.changes.pop(asset_id, ()):
            if change.id is not None:
                del self.change_by_id[change.id]
        self.changed.pop(asset_id, None)
        self._forget_order(Label.ASSET)

    # -- lookups --------------------------------------------------------------------------------
    def out(self, node_id: str, rel: Rel) -> Iterator[str]:
        """The targets of `node_id`'s `rel` edges."""
        return iter(self.targets[rel].get(node_id, ()))

    def into(self, node_id: str, rel: Rel) -> Iterator[str]:
        """The sources of the `rel` edges into `node_id`."""
        return iter(self.sources[rel].get(node_id, ()))

    def existing(self, label: Label, ids: set[str]) -> set[str]:
        return {node_id for node_id in ids if node_id in self.nodes[label]}

    def superseded(self, evidence_id: str) -> bool:
        return evidence_id in self.sources[Rel.SUPERSEDES]

    def controls_of_assets(self, asset_ids: Collection[str]) -> set[str]:
        applies = self.sources[Rel.APPLIES_TO]
        return {c for a in asset_ids for c in applies.get(a, ())}

    def recorded_evidence(self, ids: list[str]) -> dict[str, RecordedEvidence]:
        found = {}
        for evidence_id in ids:
            node = self.nodes[Label.EVIDENCE].get(evidence_id)
            if node is not None:
                covers = frozenset(self.out(evidence_id, Rel.COVERS))
                reviewed = evidence_id in self.reviews
                found[evidence_id] = RecordedEvidence(evidence=node, covers=covers, reviewed=reviewed)
        return found

    def new_reviews(self, reviews: list[EvidenceReview]) -> list[EvidenceReview]:
        """The reviews not recorded yet: loading the same reviews again (a retry, an export loaded
        back) appends nothing."""
        new: dict[EvidenceReview, None] = {}  # ordered, and a review listed twice counts once
        for review in reviews:
            if review not in self.reviews.get(review.evidence, ()):
                new[review] = None
        return list(new)

    def replaced_edges(self, nodes: list[tuple[Label, NodeModel]]) -> list[tuple[Rel, str, str]]:
        """A node's single-valued edges (a criterion's framework, evidence's control) that writing
        `nodes` replaces: they are replaced when the node is written again, not added beside."""
        return [
            (rel, node.id, old_target)
            for label, node in nodes
            for field, rel in NODE_EDGE_FIELDS.get(label, {}).items()
            for old_target in self.out(node.id, rel)
            if old_target != getattr(node, field)
        ]

    # -- orders -----------------------------------------------------------------------------------
    def _forget_order(self, label: Label) -> None:
        self._sorted[label] = None
        if label is Label.ASSET:
            self._asset_rank = None

    def sorted_ids(self, label: Label) -> list[str]:
        ids = self._sorted[label]
        if ids is None:
            ids = sorted(self.nodes[label], key=natural_key)
            self._sorted[label] = ids
        return ids

    def asset_rank(self) -> dict[str, int]:
        """Asset id -> its place in natural order."""
        rank = self._asset_rank
        if rank is None:
            rank = self._asset_rank = {a: i for i, a in enumerate(natural_order(self.nodes[Label.ASSET]))}
        return rank

    # -- the GraphStore reads ---------------------------------------------------------------------
    def get_nodes(self, label: Label, ids: Collection[str]) -> dict[str, NodeModel]:
        nodes = self.nodes[label]
        return {node_id: nodes[node_id] for node_id in ids if node_id in nodes}

    def list_nodes(self, label: Label, first: int, after: str | None, where: dict[str, str] | None) -> list[NodeModel]:
        check_where(label, where)
        ids = self.sorted_ids(label)
        start = 0
        if after is not None:
            start = bisect.bisect_right(ids, natural_key(after), key=natural_key)
        found: list[NodeModel] = []
        for node_id in ids[start:]:
            node = self.nodes[label][node_id]
            if where and not _matches(node, where):
                continue
            found.append(node)
            if len(found) >= first:
                break
        return found

    def count_nodes(self, label: Label, where: dict[str, str] | None) -> int:
        check_where(label, where)
        if not where:
            return len(self.nodes[label])
        return sum(1 for node in self.nodes[label].values() if _matches(node, where))

    def related(self, rel: Rel, ids: Collection[str], reverse: bool) -> dict[str, list[str]]:
        if reverse:
            return {i: sorted(self.into(i, rel), key=natural_key) for i in ids}
        return {i: sorted(self.out(i, rel), key=natural_key) for i in ids}

    def evidence_reviews(self, evidence_ids: Collection[str]) -> dict[str, list[EvidenceReview]]:
        return {i: list(self.reviews.get(i, ())) for i in evidence_ids}

    def export(self) -> Bundle:
        nodes = [(label, node) for label in Label for node in self.nodes[label].values()]
        edges = [
            Edge(type=rel, source=source, target=target, properties=dict(data))
            for rel, by_source in self.targets.items()
            for source, targets in by_source.items()
            for target, data in targets.items()
        ]
        reviews = [review for found in self.reviews.values() for review in found]
        return bundle_from_graph(nodes, edges, reviews, self.change_by_id.values())

    def asset_changes(self, asset_id: str, first: int, after: str | None) -> list[Change]:
        """Up to `first` of the asset's changes, newest first (at desc, then id desc), after the
        change whose id is `after`."""
        newest_first = self.changes.get(asset_id, [])[::-1]
        if after is not None:
            ids = [c.id for c in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :] if after in ids else []
        return newest_first[:first]

    def latest_changes(self, asset_ids: Collection[str], at: int) -> dict[str, int]:
        """Per asset with a change at or before `at` (microseconds), the latest such instant."""
        found = {}
        for asset_id in asset_ids:
            latest = latest_at_or_before(self.changed.get(asset_id, ()), at)
            if latest is not None:
                found[asset_id] = latest
        return found


def edge_rows(bundle: Bundle) -> Iterator[EdgeRow]:
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
