"""What the embedded store remembers between writes, and how each write moves it.

Per control, an index of its current evidence and status timelines (graph/stores/control_index.py)
is built on first use; a write then moves the indexes in place (`affected_controls`, `apply`,
`changes_recorded`): new items, reviews, corrections (the old item leaves), assets added to or
deleted from a control's scope, and changes of its assets each recompute only the pairs they
touch, from their own instant on. An index is dropped (rebuilt on next use) only when its control
is written again, an item of it is rewritten or gains scope, or an asset written carries the
`changed_at` shorthand. A finding written (new, fixed or moved) replaces the overdue windows of
the controls with a `finding_policy` applying to its asset, before and after; their timelines do
not move (graph/stores/finding_overlay.py). Neighbourhoods asked for are remembered until the next write (they depend
on neither time nor change histories).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from graph.bundle import Bundle
from graph.model import Change, Control, Finding, Label, Rel, natural_key
from graph.queries.results import Neighbourhood
from graph.rules.evaluation import to_micros
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
            index = self._indexes[control_id] = ControlIndex(control, assets, records, graph.changed, findings)
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

    def changes_recorded(self, changes: Collection[Change]) -> None:
        """The assets of `changes` gained them (already in the graph): their controls' pairs move
        from the earliest of them on."""
        if not changes:
            return
        assets = {c.asset for c in changes}
        since = min(to_micros(c.at) for c in changes)
        for control_id in self._graph.controls_of_assets(assets):
            index = self._indexes.get(control_id)
            if index is not None:
                index.changes_moved(assets, since)

    def asset_removed(self, asset_id: str) -> None:
        """Before the asset leaves the graph (it scopes no evidence: deleting it is refused then)."""
        for control_id in self._graph.controls_of_assets([asset_id]):
            index = self._indexes.get(control_id)
            if index is not None:
                index.remove_asset(asset_id)
        self._around.clear()

    def affected_controls(self, bundle: Bundle) -> WritePlan:
        """What the bundle does to the evidence indexes, judged before it is applied.

        Rebuilt: the controls written, those of the evidence rewritten (old and new) or newly
        scoped, of corrections this plan cannot follow item by item, and those applying to an
        asset written with the `changed_at` shorthand. Moved in place (`apply`), for the others:
        new items (an id not recorded yet), the items a new one supersedes (same control), the
        items reviewed and the assets added to a control's scope."""
        graph = self._graph
        rebuilt = {c.id for c in bundle.controls}
        control_of = graph.targets[Rel.EVIDENCES]
        recorded = graph.nodes[Label.EVIDENCE]
        in_bundle = {e.id: e.control for e in bundle.evidence}
        appended: dict[str, list[str]] = {}
        corrected: dict[str, list[str]] = {}
        for item in bundle.evidence:
            new = item.id not in recorded and item.id not in control_of
            old = item.supersedes
            old_recorded = old is not None and old not in in_bundle and set(control_of.get(old, ())) == {item.control}
            # A new item of the same bundle that is corrected at once is appended and skipped (`apply`).
            old_new = old in in_bundle and in_bundle[old] == item.control and old not in recorded
            if new and (old is None or old_recorded or old_new):
                appended.setdefault(item.control, []).append(item.id)
                if old is not None and old_recorded:
                    corrected.setdefault(item.control, []).append(old)
                continue
            rebuilt.add(item.control)
            rebuilt.update(control_of.get(item.id, ()))
            if old is not None:
                rebuilt.update(control_of.get(old, ()))
                if old in in_bundle:
                    rebuilt.add(in_bundle[old])
        # A new item's own COVERS links and reviews in the same bundle are read once it is written.
        for link in bundle.covers:
            rebuilt.update(control_of.get(link.source, ()))
        reviewed: dict[str, list[str]] = {}
        for review in bundle.reviews:
            for control_id in control_of.get(review.evidence, ()):
                reviewed.setdefault(control_id, []).append(review.evidence)
        scoped: dict[str, list[str]] = {}
        for link in bundle.applies_to:
            scoped.setdefault(link.source, []).append(link.target)
        rebuilt |= graph.controls_of_assets([a.id for a in bundle.assets if a.changed_at is not None])
        # A finding written (new, fixed, or moved to another asset) changes the windows of the
        # controls applying to its asset, before and after; so does an asset entering a scope.
        affects = graph.targets[Rel.AFFECTS]
        touched = {f.asset for f in bundle.findings} | {a for f in bundle.findings for a in affects.get(f.id, ())}
        found = (graph.controls_of_assets(touched) | set(scoped)) - rebuilt
        return WritePlan(
            rebuilt,
            {c: ids for c, ids in appended.items() if c not in rebuilt},
            {c: ids for c, ids in corrected.items() if c not in rebuilt},
            {c: ids for c, ids in reviewed.items() if c not in rebuilt},
            {c: ids for c, ids in scoped.items() if c not in rebuilt},
            found,
        )

    def apply(self, plan: WritePlan) -> None:
        """After the bundle is in the graph: drop the indexes to rebuild, move the others in
        place (a control without an index yet builds it on first use, from the graph)."""
        self.forget(plan.rebuilt)
        graph = self._graph
        superseded = graph.sources[Rel.SUPERSEDES]
        covers = graph.targets[Rel.COVERS]
        evidence = graph.nodes[Label.EVIDENCE]
        for control_id, assets in plan.scoped.items():
            index = self._indexes.get(control_id)
            if index is not None:
                for asset_id in assets:
                    index.add_asset(asset_id)
        for control_id, ids in plan.corrected.items():
            index = self._indexes.get(control_id)
            if index is not None:
                for evidence_id in ids:
                    index.superseded(evidence[evidence_id])
        for control_id, ids in plan.appended.items():
            index = self._indexes.get(control_id)
            if index is None:
                continue
            for evidence_id in ids:
                if evidence_id not in superseded:  # corrected within the same bundle: counts for nothing
                    index.add(EvidenceRecord(evidence[evidence_id], tuple(covers.get(evidence_id, ()))))
        for control_id, ids in plan.reviewed.items():
            index = self._indexes.get(control_id)
            if index is not None:
                for evidence_id in ids:
                    index.reviewed(evidence[evidence_id])  # a superseded item is not in the index: ignored
        controls = graph.nodes[Label.CONTROL]
        for control_id in plan.findings:
            index = self._indexes.get(control_id)
            if index is not None:
                index.findings_moved(self._overdue_windows(controls[control_id], index.assets))


@dataclass(frozen=True, slots=True)
class WritePlan:
    """Per write: the controls whose index is rebuilt on next use, and per other control what
    moves in its index in place: new items, items corrected, items reviewed, assets scoped, and
    the controls whose assets' overdue-finding windows are read again."""

    rebuilt: set[str]
    appended: dict[str, list[str]]
    corrected: dict[str, list[str]]
    reviewed: dict[str, list[str]]
    scoped: dict[str, list[str]]
    findings: set[str]
