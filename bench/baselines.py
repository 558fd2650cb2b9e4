"""Lower bounds: each benchmarked question answered with NumPy and scipy.sparse over arrays
prepared ahead, in the same process, over the same data as the store.

They answer exactly what the store answers (each result is checked against the store's, and a
mismatch is reported, not hidden), but with every index built beforehand and no per-item Python:
ids are interned to integers in natural order, relationships are CSR matrices, evidence is
columns of int64 microseconds. What they leave out is what a store must do and a lower bound
need not: keep the graph writable, validate, build result objects. A ratio store/bound near 1
says the store is as fast as this machine allows for that answer; a large one says where to look.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from graph.bundle import Bundle
from graph.model import FREQUENCY_DAYS, ControlStatus, EvidenceStatus, Frequency, MappingRelationship, natural_key
from graph.queries.results import BlastRadius, CoverageReport, CrosswalkReport, EvidenceGapsReport
from graph.rules.evaluation import period_intervals, to_micros

I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]

NONE = np.int64(-(1 << 62))
_DAY_US = 86_400_000_000
# Status ranks: UNCOVERED 0, PARTIAL 1, COVERED 2.
_RANK = {"UNCOVERED": 0, "PARTIAL": 1, "COVERED": 2}
_STATE_NAMES = ["OK", "STALE", "EXPIRED", "PENDING_REVIEW", "REJECTED", "NEVER_COLLECTED"]


@dataclass
class _Raw:
    """What the bundles said, as plain lists (collected while loading, outside the timings)."""

    assets: dict[str, int | None] = field(default_factory=dict)  # id -> changed_at (µs) or None
    controls: dict[str, tuple[ControlStatus, Frequency]] = field(default_factory=dict)
    criteria: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id -> (framework, parent)
    vendors: list[str] = field(default_factory=list)
    depends: list[tuple[str, str]] = field(default_factory=list)
    applies: list[tuple[str, str]] = field(default_factory=list)
    satisfies: list[tuple[str, str]] = field(default_factory=list)
    provided: list[tuple[str, str]] = field(default_factory=list)
    mappings: list[tuple[str, str, str]] = field(default_factory=list)
    ev_ids: list[str] = field(default_factory=list)
    ev_control: list[str] = field(default_factory=list)
    ev_collected: list[int] = field(default_factory=list)
    ev_valid_until: list[int] = field(default_factory=list)
    ev_status: list[int] = field(default_factory=list)
    superseded: set[str] = field(default_factory=set)
    covers: list[tuple[str, str]] = field(default_factory=list)
    relies: list[tuple[str, str]] = field(default_factory=list)  # carved-out control -> vendor
    reports: dict[str, int | None] = field(default_factory=dict)  # vendor -> report_valid_until (µs)


_STATUS = {EvidenceStatus.ACCEPTED: 0, EvidenceStatus.PENDING: 1, EvidenceStatus.REJECTED: 2}


class Collector:
    """Fed every bundle as it is loaded; `build()` makes the arrays."""

    def __init__(self) -> None:
        self.raw = _Raw()

    def add(self, bundle: Bundle) -> None:
        raw = self.raw
        for a in bundle.assets:
            raw.assets[a.id] = to_micros(a.changed_at) if a.changed_at is not None else None
        for c in bundle.controls:
            raw.controls[c.id] = (c.status, c.frequency)
        for k in bundle.criteria:
            raw.criteria[k.id] = (k.framework, k.parent)
        raw.vendors += [v.id for v in bundle.vendors]
        for v in bundle.vendors:
            raw.reports[v.id] = to_micros(v.report_valid_until) if v.report_valid_until is not None else None
        raw.relies += [(link.source, link.target) for link in bundle.relies_on]
        raw.depends += [(d.source, d.target) for d in bundle.depends_on]
        raw.applies += [(link.source, link.target) for link in bundle.applies_to]
        raw.satisfies += [(link.source, link.target) for link in bundle.satisfies]
        raw.provided += [(link.source, link.target) for link in bundle.provided_by]
        raw.mappings += [(m.source, m.target, m.relationship.value) for m in bundle.mappings]
        raw.covers += [(link.source, link.target) for link in bundle.covers]
        for e in bundle.evidence:
            raw.ev_ids.append(e.id)
            raw.ev_control.append(e.control)
            raw.ev_collected.append(to_micros(e.collected_at))
            raw.ev_valid_until.append(to_micros(e.valid_until) if e.valid_until is not None else int(NONE))
            raw.ev_status.append(_STATUS[e.status])
            if e.supersedes is not None:
                raw.superseded.add(e.supersedes)

    def build(self) -> Baseline:
        return Baseline(self.raw)


def _natural(ids: Iterable[str]) -> tuple[list[str], dict[str, int]]:
    ordered = sorted(ids, key=lambda i: (natural_key(i), i))
    return ordered, {node_id: i for i, node_id in enumerate(ordered)}


def _csr(rows: I64, cols: I64, shape: tuple[int, int]) -> Any:
    data = np.ones(len(rows), dtype=np.int32)
    matrix = csr_matrix((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


class Baseline:
    """The arrays, and one lower-bound function per question."""

    def __init__(self, raw: _Raw) -> None:
        self.asset_ids, asset_at = _natural(raw.assets)
        self.control_ids, control_at = _natural(raw.controls)
        self.criterion_ids, criterion_at = _natural(raw.criteria)
        self.vendor_ids, vendor_at = _natural(raw.vendors)
        frameworks = sorted({f for f, _ in raw.criteria.values()}, key=natural_key)
        self.framework_ids, framework_at = frameworks, {f: i for i, f in enumerate(frameworks)}
        self.asset_index = asset_at
        na, nc, nk = len(self.asset_ids), len(self.control_ids), len(self.criterion_ids)
        self.changed = np.array(
            [raw.assets[a] if raw.assets[a] is not None else NONE for a in self.asset_ids], dtype=np.int64
        )
        self.implemented = np.array(
            [raw.controls[c][0] is ControlStatus.IMPLEMENTED for c in self.control_ids], dtype=bool
        )
        # Carved-out controls (DESIGN.md): implemented, effective while every relied-on report is valid.
        self.carved = np.array([raw.controls[c][0] is ControlStatus.CARVED_OUT for c in self.control_ids], dtype=bool)
        relied: dict[int, set[str]] = {}
        for c, v in raw.relies:
            relied.setdefault(control_at[c], set()).add(v)
        self.relied = {
            c: [(v, raw.reports.get(v)) for v in sorted(vs, key=lambda i: (natural_key(i), i))]
            for c, vs in relied.items()
        }
        self.na_control = np.array(
            [raw.controls[c][0] is ControlStatus.NOT_APPLICABLE for c in self.control_ids], dtype=bool
        )
        span = np.array([FREQUENCY_DAYS[raw.controls[c][1]] * _DAY_US for c in self.control_ids], dtype=np.int64)
        self.frequency = [raw.controls[c][1] for c in self.control_ids]
        self.criterion_framework = np.array([framework_at[raw.criteria[k][0]] for k in self.criterion_ids])
        self.criterion_parent = [raw.criteria[k][1] for k in self.criterion_ids]
        dep = np.array([(asset_at[s], asset_at[t]) for s, t in raw.depends], dtype=np.int64).reshape(-1, 2)
        # Reversed: row = the asset depended on, columns = its dependents.
        self.dependents = _csr(dep[:, 1], dep[:, 0], (na, na))
        app = np.array([(control_at[c], asset_at[a]) for c, a in raw.applies], dtype=np.int64).reshape(-1, 2)
        order = np.lexsort((app[:, 1], app[:, 0]))
        self.pair_control, self.pair_asset = app[order, 0], app[order, 1]
        self.pair_key = self.pair_control * na + self.pair_asset
        self.applies_by_asset = _csr(app[:, 1], app[:, 0], (na, nc))
        self.control_has_assets = np.bincount(app[:, 0], minlength=nc) > 0
        sat = np.array([(control_at[c], criterion_at[k]) for c, k in raw.satisfies], dtype=np.int64).reshape(-1, 2)
        self.satisfies = _csr(sat[:, 0], sat[:, 1], (nc, nk))
        self.satisfied_by = self.satisfies.T.tocsr()
        prov = np.array([(asset_at[a], vendor_at[v]) for a, v in raw.provided], dtype=np.int64).reshape(-1, 2)
        self.provided = _csr(prov[:, 0], prov[:, 1], (na, len(self.vendor_ids)))
        self.mapping_source = np.array([criterion_at[s] for s, _, _ in raw.mappings], dtype=np.int64)
        self.mapping_target = np.array([criterion_at[t] for _, t, _ in raw.mappings], dtype=np.int64)
        self.mapping_rel = [MappingRelationship(r) for _, _, r in raw.mappings]
        self.mappings = raw.mappings
        # Evidence in natural order of its id.
        ev_order = sorted(range(len(raw.ev_ids)), key=lambda i: (natural_key(raw.ev_ids[i]), raw.ev_ids[i]))
        ev_at = {raw.ev_ids[i]: rank for rank, i in enumerate(ev_order)}
        take = np.array(ev_order, dtype=np.int64)
        self.evidence_ids = np.array(raw.ev_ids, dtype=object)[take]
        self.ev_control = np.array([control_at[c] for c in raw.ev_control], dtype=np.int64)[take]
        self.ev_collected = np.array(raw.ev_collected, dtype=np.int64)[take]
        valid_until = np.array(raw.ev_valid_until, dtype=np.int64)[take]
        self.ev_end = np.where(valid_until != NONE, valid_until, self.ev_collected + span[self.ev_control])
        self.ev_status = np.array(raw.ev_status, dtype=np.int8)[take]
        current = np.ones(len(take), dtype=bool)
        current[[ev_at[e] for e in raw.superseded]] = False
        self.ev_current = current
        cov = np.array([(ev_at[e], asset_at[a]) for e, a in raw.covers], dtype=np.int64).reshape(-1, 2)
        self.covers = _csr(cov[:, 0], cov[:, 1], (len(take), na))
        self.cover_evidence, self.cover_asset = cov[:, 0], cov[:, 1]
        self.ev_unscoped = np.diff(self.covers.indptr) == 0
        # Accepted, current collection times per control, sorted (for period gaps).
        accepted = current & (self.ev_status == 0)
        order = np.lexsort((self.ev_collected[accepted], self.ev_control[accepted]))
        self.accepted_times = self.ev_collected[accepted][order]
        self.accepted_ptr = np.searchsorted(self.ev_control[accepted][order], np.arange(nc + 1))

    # -- blast radius ----------------------------------------------------------------------
    def blast_radius(self, asset_id: str) -> dict[str, Any]:
        x = self.asset_index[asset_id]
        distance = self._distances(x)
        reached = np.flatnonzero(distance >= 0)
        assets = reached
        mask = np.zeros(len(self.asset_ids), dtype=np.int32)
        mask[assets] = 1
        order = np.lexsort((assets, distance[assets]))
        controls = (self.applies_by_asset.T @ mask) > 0
        criteria = (self.satisfies.T @ controls.astype(np.int32)) > 0
        frameworks = np.unique(self.criterion_framework[criteria])
        vendors = (self.provided.T @ mask) > 0
        evidence = self.ev_current & controls[self.ev_control] & (self.ev_unscoped | ((self.covers @ mask) > 0))
        ids = np.array(self.asset_ids, dtype=object)
        return {
            "assets": list(zip(ids[assets[order]].tolist(), distance[assets[order]].tolist(), strict=True)),
            "controls": [self.control_ids[i] for i in np.flatnonzero(controls)],
            "criteria": [self.criterion_ids[i] for i in np.flatnonzero(criteria)],
            "frameworks": [self.framework_ids[i] for i in frameworks],
            "vendors": [self.vendor_ids[i] for i in np.flatnonzero(vendors)],
            "evidence": self.evidence_ids[evidence].tolist(),
        }

    def _distances(self, x: int) -> I64:
        """Shortest DEPENDS_ON distance to `x` of every asset (-1: does not reach it), level by level."""
        indptr, indices = self.dependents.indptr, self.dependents.indices
        distance = np.full(len(self.asset_ids), -1, dtype=np.int64)
        distance[x] = 0
        frontier = np.array([x], dtype=np.int64)
        depth = 0
        while frontier.size:
            depth += 1
            starts, lengths = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
            found = np.unique(indices[offsets])
            found = found[distance[found] < 0]
            distance[found] = depth
            frontier = found
        return distance

    def bfs_order(self, asset_id: str) -> int:
        """scipy's breadth-first order alone: the traversal, nothing else (how many assets)."""
        return len(
            breadth_first_order(self.dependents, self.asset_index[asset_id], directed=True, return_predecessors=False)
        )

    @staticmethod
    def same_blast(result: BlastRadius, bound: dict[str, Any]) -> bool:
        return bool(
            [(a.asset_id, a.distance) for a in result.assets] == bound["assets"]
            and result.controls == bound["controls"]
            and result.criteria == bound["criteria"]
            and result.frameworks == bound["frameworks"]
            and result.vendors == bound["vendors"]
            and result.evidence == bound["evidence"]
        )

    # -- evidence states ---------------------------------------------------------------------
    def _pair_folds(self, at: int) -> tuple[I64, I64, I64, I64, I64, I64, I64, I64]:
        """Per applies pair and per control (unscoped), the four maxima of EvidenceSummary."""
        nc = len(self.control_ids)
        exists = self.ev_current & (self.ev_collected <= at)
        accepted = exists & (self.ev_status == 0)
        valid_item = accepted & (at < self.ev_end)
        expired_item = accepted & (self.ev_end <= at)
        pending_item = exists & (self.ev_status == 1)
        rejected_item = exists & (self.ev_status == 2)
        kinds = [
            (valid_item, self.ev_collected),
            (expired_item, self.ev_end),
            (pending_item, self.ev_collected),
            (rejected_item, self.ev_collected),
        ]
        per_control = []
        per_pair = []
        cover_pair = np.searchsorted(
            self.pair_key, self.ev_control[self.cover_evidence] * len(self.asset_ids) + self.cover_asset
        )
        cover_pair = np.minimum(cover_pair, max(len(self.pair_key) - 1, 0))
        in_scope = self.pair_key[cover_pair] == self.ev_control[self.cover_evidence] * len(self.asset_ids) + (
            self.cover_asset
        )
        for selected, value in kinds:
            control_max = np.full(nc, NONE, dtype=np.int64)
            unscoped = selected & self.ev_unscoped
            np.maximum.at(control_max, self.ev_control[unscoped], value[unscoped])
            pair_max = np.full(len(self.pair_key), NONE, dtype=np.int64)
            rows = selected[self.cover_evidence] & in_scope
            np.maximum.at(pair_max, cover_pair[rows], value[self.cover_evidence[rows]])
            # A control that applies to no asset folds all its evidence, scoped or not.
            everything = np.full(nc, NONE, dtype=np.int64)
            np.maximum.at(everything, self.ev_control[selected], value[selected])
            control_max = np.where(self.control_has_assets, control_max, everything)
            per_control.append(control_max)
            per_pair.append(np.maximum(pair_max, control_max[self.pair_control]))
        return (*per_pair, *per_control)

    def _states(self, at: int) -> tuple[I64, I64, I64, I64]:
        """(control, asset or -1, state code, since) of every pair of an implemented control."""
        valid, expired, pending, rejected, c_valid, c_expired, c_pending, c_rejected = self._pair_folds(at)
        lonely = np.flatnonzero(self.implemented & ~self.control_has_assets)
        control = np.concatenate([self.pair_control, lonely])
        asset = np.concatenate([self.pair_asset, np.full(len(lonely), -1)])
        valid = np.concatenate([valid, c_valid[lonely]])
        expired = np.concatenate([expired, c_expired[lonely]])
        pending = np.concatenate([pending, c_pending[lonely]])
        rejected = np.concatenate([rejected, c_rejected[lonely]])
        changed = np.where(asset >= 0, self.changed[np.maximum(asset, 0)], NONE)
        stale = (changed != NONE) & (valid < changed) & (changed <= at)
        has_valid = valid != NONE
        conditions = [has_valid & ~stale, has_valid, expired != NONE, pending != NONE, rejected != NONE]
        state = np.select(conditions, [0, 1, 2, 3, 4], default=5)
        since = np.select(conditions[1:], [changed, expired, pending, rejected], default=NONE)
        live = self.implemented[control]
        return control[live], asset[live], state[live], since[live]

    def _vendor_rows(self, at: int) -> dict[int, list[tuple[str, int | None]]]:
        """Per carved-out control, (reason, since) of each relied-on vendor without a valid report."""
        rows: dict[int, list[tuple[str, int | None]]] = {}
        for c in np.flatnonzero(self.carved).tolist():
            rows[c] = [
                ("VENDOR_REPORT_MISSING", None) if until is None else ("VENDOR_REPORT_EXPIRED", until)
                for _vendor, until in self.relied.get(c, [])
                if until is None or until <= at
            ]
        return rows

    def coverage(self, framework_id: str, at: datetime) -> list[tuple[str, str]]:
        """(criterion, status) of the framework's criteria in catalog order."""
        control, _asset, state, _since = self._states(to_micros(at))
        failing = np.bincount(control[state != 0], minlength=len(self.control_ids)) > 0
        carved_ok = np.zeros(len(self.control_ids), dtype=bool)
        for c, rows in self._vendor_rows(to_micros(at)).items():
            carved_ok[c] = bool(self.relied.get(c)) and not rows
        effective = ((self.implemented & ~failing) | carved_ok).astype(np.int64)
        implemented = (self.implemented | self.carved).astype(np.int64)
        n_impl = self.satisfied_by @ implemented
        n_eff = self.satisfied_by @ effective
        n_any = np.diff(self.satisfied_by.indptr)
        direct = np.where(n_impl == 0, 0, np.where(n_eff == n_impl, 2, 1))
        # The crosswalk, one hop, for criteria without any SATISFIES edge.
        best = np.zeros(len(self.criterion_ids), dtype=np.int64)
        for source, target, rel in zip(
            self.mapping_source.tolist(), self.mapping_target.tolist(), self.mapping_rel, strict=True
        ):
            for n, c, r in ((source, target, rel), (target, source, rel.inverted())):
                candidate = int(direct[n])
                if r in (MappingRelationship.SUBSET_OF, MappingRelationship.INTERSECTS_WITH):
                    candidate = min(candidate, 1)
                best[c] = max(best[c], candidate)
        status = np.where(n_any > 0, direct, best)
        fw = self.framework_ids.index(framework_id)
        members = np.flatnonzero(self.criterion_framework == fw)
        ids = [self.criterion_ids[i] for i in members]
        children: dict[str, list[str]] = {}
        for i in members.tolist():
            parent = self.criterion_parent[i]
            if parent is not None:
                children.setdefault(parent, []).append(self.criterion_ids[i])
        at_index = {self.criterion_ids[i]: i for i in members.tolist()}
        names = ["UNCOVERED", "PARTIAL", "COVERED"]
        out = []
        for criterion in ids:
            if criterion in children:
                leaves: list[str] = []
                stack = [criterion]
                while stack:
                    for child in children.get(stack.pop(), []):
                        (stack if child in children else leaves).append(child)
                ranks = {int(status[at_index[leaf]]) for leaf in leaves}
                rank = 2 if ranks == {2} else 0 if not ranks or ranks == {0} else 1
                out.append((criterion, names[rank]))
            else:
                out.append((criterion, names[int(status[at_index[criterion]])]))
        return out

    @staticmethod
    def same_coverage(report: CoverageReport, bound: list[tuple[str, str]]) -> bool:
        return sorted((r.criterion_id, r.status.value) for r in report.criteria) == sorted(bound)

    def missing_evidence(self, at: datetime) -> list[tuple[str, str | None, str, int | None]]:
        control, asset, state, since = self._states(to_micros(at))
        failing = state != 0
        control, asset, state, since = control[failing], asset[failing], state[failing], since[failing]
        order = np.lexsort((asset, control))
        rows = [
            (c, self.control_ids[c], self.asset_ids[a] if a >= 0 else None, _STATE_NAMES[s], None if t == NONE else t)
            for c, a, s, t in zip(
                control[order].tolist(),
                asset[order].tolist(),
                state[order].tolist(),
                since[order].tolist(),
                strict=True,
            )
        ]
        for c, vendor_rows in self._vendor_rows(to_micros(at)).items():
            rows += [(c, self.control_ids[c], None, reason, until) for reason, until in vendor_rows]
        rows.sort(key=lambda row: row[0])  # stable: a control's rows keep their order
        return [row[1:] for row in rows]

    @staticmethod
    def same_missing(rows: list[Any], bound: list[tuple[str, str | None, str, int | None]]) -> bool:
        mine = [
            (r.control_id, r.asset_id, r.reason.value, to_micros(r.since) if r.since is not None else None)
            for r in rows
        ]
        return mine == bound

    # -- period gaps -------------------------------------------------------------------------
    def evidence_gaps(self, start: datetime, end: datetime) -> list[tuple[str, list[int]]]:
        """(control, evidence count per interval) of every implemented control, natural order."""
        out = []
        for c in np.flatnonzero(self.implemented).tolist():
            bounds = period_intervals(start, end, self.frequency[c])
            edges = np.array([to_micros(lo) for lo, _ in bounds] + [to_micros(end)], dtype=np.int64)
            times = self.accepted_times[self.accepted_ptr[c] : self.accepted_ptr[c + 1]]
            out.append((self.control_ids[c], np.diff(np.searchsorted(times, edges)).tolist()))
        return out

    @staticmethod
    def same_gaps(report: EvidenceGapsReport, bound: list[tuple[str, list[int]]]) -> bool:
        return [(p.control_id, [i.evidence_count for i in p.intervals]) for p in report.controls] == bound

    # -- crosswalk ---------------------------------------------------------------------------
    def crosswalk(self, source: str, target: str) -> list[tuple[str, str, str]]:
        fw_s, fw_t = self.framework_ids.index(source), self.framework_ids.index(target)
        s_fw = self.criterion_framework[self.mapping_source]
        t_fw = self.criterion_framework[self.mapping_target]
        forward = np.flatnonzero((s_fw == fw_s) & (t_fw == fw_t))
        backward = np.flatnonzero((s_fw == fw_t) & (t_fw == fw_s))
        rows = [(self.mappings[i][0], self.mappings[i][1], self.mappings[i][2]) for i in forward.tolist()]
        rows += [
            (self.mappings[i][1], self.mappings[i][0], MappingRelationship(self.mappings[i][2]).inverted().value)
            for i in backward.tolist()
        ]
        rows.sort(key=lambda r: (natural_key(r[0]), natural_key(r[1])))
        return rows

    @staticmethod
    def same_crosswalk(report: CrosswalkReport, bound: list[tuple[str, str, str]]) -> bool:
        return [(r.source, r.target, r.relationship.value) for r in report.rows] == bound
