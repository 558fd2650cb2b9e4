"""What the embedded store remembers between writes, and what each write makes it forget.

Per control, an index of its current evidence (graph/stores/control_index.py) is built on first
use and dropped by every write that could change it (`affected_controls`); it answers evidence
states, period gaps and blast-radius evidence without walking the graph again, and remembers the
states of the last instant asked for as long as they cannot differ. Neighbourhoods asked for are
remembered until the next write (they depend on neither time nor change histories); the
remembered states of the controls of an asset that gains a change are forgotten (`forget_states`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from graph.bundle import Bundle
from graph.model import Control, Label, Rel, natural_key
from graph.queries.results import Neighbourhood
from graph.stores.control_index import ControlIndex, EvidenceRecord
from graph.stores.embedded.adjacency import Adjacency

AROUND_KEPT = 64  # neighbourhoods remembered between writes (blast radius of the assets asked about)


class Caches:
    """The evidence indexes and neighbourhoods of one `Adjacency`."""

    def __init__(self, graph: Adjacency) -> None:
        self._graph = graph
        self._indexes: dict[str, ControlIndex] = {}  # per control, built on first use
        self._around: dict[frozenset[str], Neighbourhood] = {}

    def index(self, control_id: str) -> ControlIndex:
        """The control's evidence index, built from the graph on first use after a change."""
        index = self._indexes.get(control_id)
        if index is None:
            graph = self._graph
            control: Control = graph.nodes[Label.CONTROL][control_id]
            superseded = graph.sources[Rel.SUPERSEDES]
            covers = graph.targets[Rel.COVERS]
            evidence = graph.nodes[Label.EVIDENCE]
            records = [
                EvidenceRecord(evidence[e], tuple(covers.get(e, ())))
                for e in graph.into(control_id, Rel.EVIDENCES)
                if e not in superseded  # a corrected item counts for nothing (graph/checks/evidence_immutability.py)
            ]
            assets = sorted(graph.out(control_id, Rel.APPLIES_TO), key=natural_key)
            index = self._indexes[control_id] = ControlIndex(control, assets, records)
        return index

    def neighbourhood(self, assets: frozenset[str], compute: Callable[[], Neighbourhood]) -> Neighbourhood:
        found = self._around.get(assets)
        if found is None:
            found = compute()
            if len(self._around) >= AROUND_KEPT:
                self._around.pop(next(iter(self._around)))  # the oldest
            self._around[assets] = found
        return found

    def forget(self, control_ids: Collection[str]) -> None:
        """Drop the controls' indexes and every neighbourhood (after a write that changes the graph)."""
        for control_id in control_ids:
            self._indexes.pop(control_id, None)
        self._around.clear()

    def forget_states(self, control_ids: Collection[str]) -> None:
        """Drop the states the controls' indexes remember: their evidence is the same, but the
        staleness of it may not be (one of their assets gained a change)."""
        for control_id in control_ids:
            index = self._indexes.get(control_id)
            if index is not None:
                index.forget_states()

    def affected_controls(self, bundle: Bundle) -> set[str]:
        """Every control whose evidence index the bundle could change, judged before it is applied:
        the controls written or scoped, those of the evidence written (old and new), of the
        evidence it supersedes or scopes, and those applying to the assets written."""
        affected = {c.id for c in bundle.controls} | {link.source for link in bundle.applies_to}
        control_of = self._graph.targets[Rel.EVIDENCES]
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
        affected |= self._graph.controls_of_assets([a.id for a in bundle.assets])
        for review in bundle.reviews:
            affected.update(control_of.get(review.evidence, ()))
            if review.evidence in in_bundle:
                affected.add(in_bundle[review.evidence])
        return affected
