"""The embedded store's answers to the query needs of `GraphStore` (verdicts, states, dependents,
neighbourhoods, staleness): read from the graph in memory and the per-control evidence indexes.
The caller holds the store's lock."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from collections.abc import Mapping as ByControl
from datetime import datetime

import networkx as nx

from graph.model import (
    Control,
    ControlStatus,
    Criterion,
    Evidence,
    EvidenceStatus,
    Label,
    Mapping,
    Rel,
    latest_at_or_before,
    natural_key,
)
from graph.queries.results import AcceptedItem, ControlAssetState, ControlVerdict, Neighbourhood, Radius, StaleEvidence
from graph.rules.evaluation import interval_counts, to_micros
from graph.store import Assumption
from graph.stores.carve_outs import carved_out_verdict, vendor_rows
from graph.stores.common import StaleRow, mapping_from_row, mappings_in_order, natural_order, stale_from_rows
from graph.stores.control_index import ControlIndex, id_of, sort_key
from graph.stores.embedded.adjacency import Adjacency
from graph.stores.embedded.caches import Caches


class QueryNeeds:
    def __init__(self, graph: Adjacency, caches: Caches) -> None:
        self._graph = graph
        self._caches = caches

    def framework_criteria(self, framework_id: str) -> list[Criterion]:
        ids = sorted(self._graph.into(framework_id, Rel.PART_OF), key=natural_key)
        return [self._graph.nodes[Label.CRITERION][i] for i in ids]

    def satisfying_controls(self, criterion_ids: Collection[str]) -> dict[str, list[Control]]:
        found: dict[str, list[Control]] = {}
        for criterion_id in criterion_ids:
            controls = sorted(self._graph.into(criterion_id, Rel.SATISFIES), key=natural_key)
            if controls:
                found[criterion_id] = [self._graph.nodes[Label.CONTROL][c] for c in controls]
        return found

    def _mappings_of(self, criterion_id: str) -> Iterator[Mapping]:
        targets = self._graph.targets[Rel.MAPS_TO]
        for target, data in targets.get(criterion_id, {}).items():
            yield mapping_from_row(criterion_id, target, data)
        for source in self._graph.into(criterion_id, Rel.MAPS_TO):
            yield mapping_from_row(source, criterion_id, targets[source][criterion_id])

    def mappings_touching(self, criterion_ids: Collection[str]) -> list[Mapping]:
        return mappings_in_order(m for c in criterion_ids for m in self._mappings_of(c))

    def mappings_between(self, framework_a: str, framework_b: str) -> list[Mapping]:
        in_a = set(self._graph.into(framework_a, Rel.PART_OF))
        in_b = set(self._graph.into(framework_b, Rel.PART_OF))
        return mappings_in_order(
            m
            for c in in_a
            for m in self._mappings_of(c)
            if (m.source in in_a and m.target in in_b) or (m.source in in_b and m.target in in_a)
        )

    @staticmethod
    def _supposed(index: ControlIndex, assume: Assumption | None) -> set[str]:
        """The control's assets a supposed change touches (none without one)."""
        if assume is None:
            return set()
        # A set intersection walks the smaller side: a change of the hub supposes thousands of assets.
        return index.asset_set & assume.assets

    def control_verdicts(
        self, control_ids: Collection[str], at: datetime, assume: Assumption | None
    ) -> dict[str, ControlVerdict]:
        verdicts = {}
        for control_id in control_ids:
            control: Control | None = self._graph.nodes[Label.CONTROL].get(control_id)
            if control is None:
                continue
            if control.status is ControlStatus.CARVED_OUT:
                assets = len(self._graph.targets[Rel.APPLIES_TO].get(control_id, ()))
                verdicts[control_id] = carved_out_verdict(control_id, assets, self._vendor_rows(control_id, at))
                continue
            if control.status is not ControlStatus.IMPLEMENTED:
                verdicts[control_id] = ControlVerdict(
                    control_id=control_id,
                    status=control.status,
                    assets=len(self._graph.targets[Rel.APPLIES_TO].get(control_id, ())),
                    failing={},
                )
                continue
            index = self._caches.index(control_id)
            verdicts[control_id] = index.verdict(
                at, self._supposed(index, assume), assume.changed_at if assume else None
            )
        return verdicts

    def control_states(
        self, control_ids: Collection[str] | None, at: datetime, assume: Assumption | None
    ) -> list[ControlAssetState]:
        graph = self._graph
        ids = graph.sorted_ids(Label.CONTROL) if control_ids is None else sorted(control_ids, key=natural_key)
        rows: list[ControlAssetState] = []
        for control_id in ids:
            control: Control | None = graph.nodes[Label.CONTROL].get(control_id)
            if control is not None and control.status is ControlStatus.CARVED_OUT:
                rows += self._vendor_rows(control_id, at)
                continue
            if control is None or control.status is not ControlStatus.IMPLEMENTED:
                continue
            index = self._caches.index(control_id)
            rows += index.failing(at, self._supposed(index, assume), assume.changed_at if assume else None)
        return rows

    def _vendor_rows(self, control_id: str, at: datetime) -> list[ControlAssetState]:
        vendors = self._graph.nodes[Label.VENDOR]
        reports = [(v, vendors[v].report_valid_until) for v in self._graph.out(control_id, Rel.RELIES_ON)]
        return vendor_rows(control_id, reports, at)

    def dependents(self, asset_id: str, max_depth: int | None) -> dict[str, int]:
        if asset_id not in self._graph.nodes[Label.ASSET]:
            return {}
        rank = self._graph.asset_rank()
        pred = self._graph.dependencies.pred  # breadth-first over DEPENDS_ON, backwards
        distance = {asset_id: 0}
        frontier = [asset_id]
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            found = {dependent for current in frontier for dependent in pred[current]}.difference(distance)
            frontier = sorted(found, key=rank.__getitem__)  # each level in natural order: protocol order
            distance.update(dict.fromkeys(frontier, depth))
        return distance

    def dependency_closure(self, asset_ids: Collection[str]) -> set[str]:
        assets, dependencies = self._graph.nodes[Label.ASSET], self._graph.dependencies
        found = {a for a in asset_ids if a in assets}
        for a in list(found):
            if a in dependencies:
                found |= nx.descendants(dependencies, a)
        return found

    def blast_radius(self, asset_id: str, max_depth: int | None) -> Radius | None:
        distances = self.dependents(asset_id, max_depth)
        if not distances:  # no such asset
            return None
        return Radius.model_construct(distances=distances, around=self.neighbourhood(distances.keys()))

    def neighbourhood(self, asset_ids: Collection[str]) -> Neighbourhood:
        assets = frozenset(asset_ids)
        return self._caches.neighbourhood(assets, lambda: self._neighbourhood(assets))

    def _neighbourhood(self, assets: frozenset[str]) -> Neighbourhood:
        graph = self._graph
        controls = graph.controls_of_assets(assets)
        satisfies, part_of = graph.targets[Rel.SATISFIES], graph.targets[Rel.PART_OF]
        criteria = {k for c in controls for k in satisfies.get(c, ())}
        frameworks = {f for k in criteria for f in part_of.get(k, ())}
        provided_by = graph.targets[Rel.PROVIDED_BY]
        vendors = {v for a in assets for v in provided_by.get(a, ())}
        evidence: set[str] = set()  # sort keys: strings sort fast and end in the id
        for control_id in controls:
            self._caches.index(control_id).evidence_for(assets, evidence)
        return Neighbourhood.model_construct(
            controls=natural_order(controls),
            criteria=natural_order(criteria),
            frameworks=natural_order(frameworks),
            vendors=natural_order(vendors),
            evidence=[id_of(key) for key in sorted(evidence)],
        )

    def accepted_evidence_counts(
        self, intervals: ByControl[str, Sequence[tuple[datetime, datetime]]]
    ) -> dict[str, list[int]]:
        return {
            control_id: interval_counts(self._caches.index(control_id).accepted, bounds)
            if control_id in self._graph.nodes[Label.CONTROL]
            else [0] * len(bounds)
            for control_id, bounds in intervals.items()
        }

    def accepted_evidence_periods(
        self, control_ids: Collection[str], start: datetime, end: datetime
    ) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
        return {
            control_id: self._caches.index(control_id).periods_overlapping(start, end)
            if control_id in self._graph.nodes[Label.CONTROL]
            else []
            for control_id in control_ids
        }

    def accepted_evidence_items(self, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
        graph = self._graph
        if control_id not in graph.nodes[Label.CONTROL]:
            return []
        found = []
        for evidence_id in graph.into(control_id, Rel.EVIDENCES):
            e: Evidence = graph.nodes[Label.EVIDENCE][evidence_id]
            if e.status is not EvidenceStatus.ACCEPTED or graph.superseded(evidence_id):
                continue
            observed = e.period_start is not None and e.period_end is not None
            if start <= e.collected_at < end or (observed and e.period_start < end and start < e.period_end):  # type: ignore[operator]
                found.append(
                    AcceptedItem.model_construct(
                        evidence_id=evidence_id,
                        collected_at=e.collected_at,
                        period_start=e.period_start,
                        period_end=e.period_end,
                        covers=sorted(graph.out(evidence_id, Rel.COVERS)),
                    )
                )
        return sorted(found, key=lambda item: (item.collected_at, natural_key(item.evidence_id)))

    def becoming_stale(self, asset_ids: Collection[str], at: datetime) -> list[StaleEvidence]:
        # From the controls' indexes: only the items valid at `at` are looked at, not every item.
        graph = self._graph
        touched = set(asset_ids)
        at_micros = to_micros(at)
        changed: dict[str, int | None] = {}
        asset_keys: dict[str, str] = {}
        rows: list[StaleRow] = []
        for control_id in graph.controls_of_assets(touched):
            for key, asset_id, collected in self._caches.index(control_id).valid_at(at_micros, touched):
                if asset_id not in changed:
                    changed[asset_id] = latest_at_or_before(graph.changed.get(asset_id, ()), at_micros)
                    asset_keys[asset_id] = sort_key(asset_id)
                moment = changed[asset_id]
                if moment is None or not collected < moment <= at_micros:  # not stale yet (`is_stale`)
                    rows.append((key, asset_keys[asset_id], control_id, asset_id))
        return stale_from_rows(rows)
