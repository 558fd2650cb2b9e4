"""What the embedded store remembers between writes, and what each write makes it forget.

Per control, an index of its current evidence (graph/stores/control_index.py) is built on first
use; a write of new evidence items adds them to it in place, any other write that could change
it drops it (`affected_controls`, `apply`): a collector's write costs its items, not a rebuild
of every item of the control, and the first question after it refolds that control only. The
index answers evidence states, period gaps and blast-radius evidence without walking the graph
again, and remembers the states of the last instant asked for as long as they cannot differ.
Neighbourhoods asked for are remembered until the next write (they depend on neither time nor
change histories); the remembered states of the controls of an asset that gains a change are
forgotten (`forget_states`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from graph.bundle import Bundle
from graph.model import Control, Finding, Label, Rel, natural_key
from graph.queries.results import Neighbourhood
from graph.rules.findings import OverdueWindow, finding_window
from graph.stores.control_index import ControlIndex, EvidenceRecord, sort_key
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
            findings = self._overdue_windows(control, assets)
            index = self._indexes[control_id] = ControlIndex(control, assets, records, findings)
        return index

    def _overdue_windows(self, control: Control, assets: list[str]) -> dict[str, list[OverdueWindow]]:
        """Per asset the control applies to, its findings' overdue windows under the control's
        policy (none without a policy: findings do not affect it)."""
        policy = control.finding_policy
        if not policy:
            return {}
        graph = self._graph
        findings: dict[str, Finding] = graph.nodes[Label.FINDING]
        found: dict[str, list[OverdueWindow]] = {}
        for asset_id in assets:
            for finding_id in graph.into(asset_id, Rel.AFFECTS):
                window = finding_window(findings[finding_id], policy, sort_key(finding_id))
                if window is not None:
                    found.setdefault(asset_id, []).append(window)
        return found

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

    def affected_controls(self, bundle: Bundle) -> WritePlan:
        """What the bundle does to the evidence indexes, judged before it is applied.

        Rebuilt: every control whose index it could change otherwise than by adding new items:
        the controls written or scoped, those of the evidence rewritten (old and new), of the
        evidence superseded or newly scoped or reviewed, and those applying to the assets written.
        Appended: the new items (an id not recorded yet, superseding nothing) of the other
        controls, added to their index in place once written (`append`)."""
        graph = self._graph
        rebuilt = {c.id for c in bundle.controls} | {link.source for link in bundle.applies_to}
        control_of = graph.targets[Rel.EVIDENCES]
        recorded = graph.nodes[Label.EVIDENCE]
        in_bundle = {e.id: e.control for e in bundle.evidence}
        appended: dict[str, list[str]] = {}
        for item in bundle.evidence:
            if item.supersedes is None and item.id not in recorded and item.id not in control_of:
                appended.setdefault(item.control, []).append(item.id)
                continue
            rebuilt.add(item.control)
            rebuilt.update(control_of.get(item.id, ()))
            if item.supersedes is not None:
                rebuilt.update(control_of.get(item.supersedes, ()))
                if item.supersedes in in_bundle:
                    rebuilt.add(in_bundle[item.supersedes])
        # A new item's own COVERS links and reviews in the same bundle are read once it is written.
        for link in bundle.covers:
            rebuilt.update(control_of.get(link.source, ()))
        for review in bundle.reviews:
            rebuilt.update(control_of.get(review.evidence, ()))
        rebuilt |= graph.controls_of_assets([a.id for a in bundle.assets])
        # A finding written (new, fixed, or moved to another asset) changes the windows of the
        # controls applying to its asset, before and after.
        affects = graph.targets[Rel.AFFECTS]
        touched = {f.asset for f in bundle.findings} | {a for f in bundle.findings for a in affects.get(f.id, ())}
        rebuilt |= graph.controls_of_assets(touched)
        return WritePlan(rebuilt, {c: ids for c, ids in appended.items() if c not in rebuilt})

    def apply(self, plan: WritePlan) -> None:
        """After the bundle is in the graph: drop the indexes to rebuild, add the new items to
        the others (a control without an index yet builds it on first use, with them)."""
        self.forget(plan.rebuilt)
        graph = self._graph
        superseded = graph.sources[Rel.SUPERSEDES]
        covers = graph.targets[Rel.COVERS]
        evidence = graph.nodes[Label.EVIDENCE]
        for control_id, ids in plan.appended.items():
            index = self._indexes.get(control_id)
            if index is None:
                continue
            for evidence_id in ids:
                if evidence_id not in superseded:  # corrected within the same bundle: counts for nothing
                    index.add(EvidenceRecord(evidence[evidence_id], tuple(covers.get(evidence_id, ()))))


@dataclass(frozen=True, slots=True)
class WritePlan:
    """Per write: the controls whose index is rebuilt on next use, and per other control the
    ids of the new evidence items added to its index in place."""

    rebuilt: set[str]
    appended: dict[str, list[str]]
