"""The embedded store's per-control evidence index, and its memory of the last states asked for.

A control's current evidence (superseded items left out) is kept as integer instants, unscoped
items apart and scoped items per covered asset, so the evidence rules of DESIGN.md
(`graph.rules.evaluation.fold`) fold over plain tuples instead of walking the graph and pydantic models
again on every question.

The states of a control's (control, asset) pairs at T only change when T crosses one of a few
instants: an item's `collected_at` (it starts to exist as of T), an accepted item's end (it stops
being valid), each change of an asset (`changed_at(a, T)` moves: it becomes stale). Every rule is of the form "T >= that
instant", so the states are the same for every T in `[lo, hi)`, the nearest such instants on
either side of the T asked for; the index keeps that interval with the states and answers any T
inside it without folding again. A control with a `finding_policy` also keeps, per asset it
applies to, the overdue windows of the asset's findings (graph/rules/findings.py): their edges
bound the interval too. The store adds a new item in place (`add`), drops the index on any other
write that touches the control's evidence, scope or node, or a finding on one of its assets, and
the remembered states when its assets gain a change (graph/stores/embedded/caches.py,
`affected_controls`); tests/graph/test_control_index.py holds both to answering what a fresh store answers.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from graph.model import (
    Control,
    ControlStatus,
    Evidence,
    EvidenceStatus,
    earliest_after,
    id_of_order_key,
    latest_at_or_before,
    order_key,
)
from graph.queries.results import ControlAssetState, ControlVerdict
from graph.rules.evaluation import (
    ACCEPTED,
    EvidenceItem,
    EvidenceState,
    evidence_item,
    evidence_state,
    fold,
    from_micros,
    interval_micros,
    to_micros,
)
from graph.rules.findings import OverdueWindow, oldest_overdue

# (asset or None, state, since in microseconds or None, the oldest overdue finding's id or None)
# of one failing pair.
Row = tuple[str | None, EvidenceState, int | None, str | None]


# Sorting these strings is far cheaper than sorting `natural_key` tuples, and both stores order alike.
sort_key = order_key
id_of = id_of_order_key


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One current evidence item of the control and the assets it covers (empty: all of them)."""

    evidence: Evidence
    covers: tuple[str, ...]


class ControlStates:
    """The control's verdict and failing pairs, the same for every T with `lo <= T < hi`."""

    __slots__ = ("_failing", "_rows", "control_id", "hi", "lo", "verdict")

    def __init__(
        self,
        control_id: str,
        lo: int,
        hi: int,
        verdict: ControlVerdict,
        rows: list[Row],
    ) -> None:
        self.control_id = control_id
        self.lo, self.hi = lo, hi
        self.verdict = verdict
        self._rows = rows
        self._failing: list[ControlAssetState] | None = None

    @property
    def failing(self) -> list[ControlAssetState]:
        """The failing pairs in natural order of asset, built on first use (coverage needs only
        the verdict)."""
        if self._failing is None:
            self._failing = [
                ControlAssetState.model_construct(
                    control_id=self.control_id,
                    asset_id=asset_id,
                    state=state,
                    since=from_micros(since) if since is not None else None,
                    finding_id=finding,
                )
                for asset_id, state, since, finding in self._rows
            ]
        return self._failing


class ControlIndex:
    """One control's current evidence, its scope, and the states at the last instant asked for."""

    def __init__(
        self,
        control: Control,
        assets: list[str],
        records: Collection[EvidenceRecord],
        findings: Mapping[str, list[OverdueWindow]] | None = None,
    ) -> None:
        self.control_id = control.id
        # Per asset it applies to, its findings' overdue windows under the control's policy.
        self.findings = findings or {}
        self.status = control.status
        self.assets = assets  # the assets it applies to, in natural order
        self.asset_set = frozenset(assets)
        span = self._span = interval_micros(control.frequency)
        self.unscoped: list[EvidenceItem] = []
        self.unscoped_ids: list[str] = []
        self.scoped: dict[str, list[EvidenceItem]] = {}
        self.scoped_ids: dict[str, list[str]] = {}
        accepted: list[datetime] = []
        periods: list[tuple[datetime, datetime, datetime]] = []
        for record in records:
            evidence = record.evidence
            item = evidence_item(evidence, span)
            if record.covers:
                for asset_id in record.covers:
                    self.scoped.setdefault(asset_id, []).append(item)
                    self.scoped_ids.setdefault(asset_id, []).append(evidence.id)
            else:
                self.unscoped.append(item)
                self.unscoped_ids.append(evidence.id)
            if evidence.status is EvidenceStatus.ACCEPTED:
                accepted.append(evidence.collected_at)
                if evidence.period_start is not None and evidence.period_end is not None:
                    periods.append((evidence.period_start, evidence.period_end, evidence.collected_at))
        accepted.sort()
        self.accepted = accepted
        periods.sort()
        self.periods = periods
        self._last: ControlStates | None = None
        self._unscoped_keys: list[str] | None = None  # sort keys of the ids, made on first use
        self._scoped_keys: dict[str, list[str]] = {}

    def forget_states(self) -> None:
        self._last = None

    def add(self, record: EvidenceRecord) -> None:
        """One new current item, added in place (what a one-item write costs, not a rebuild of
        every item): the fold is order-free, the instants are kept sorted, and the states
        remembered are forgotten (the item may move them)."""
        evidence = record.evidence
        item = evidence_item(evidence, self._span)
        keyed = self._unscoped_keys is not None  # once keys are made, the ids are dropped
        if record.covers:
            for asset_id in record.covers:
                self.scoped.setdefault(asset_id, []).append(item)
                if keyed:
                    self._scoped_keys.setdefault(asset_id, []).append(sort_key(evidence.id))
                else:
                    self.scoped_ids.setdefault(asset_id, []).append(evidence.id)
        else:
            self.unscoped.append(item)
            if self._unscoped_keys is not None:
                self._unscoped_keys.append(sort_key(evidence.id))
            else:
                self.unscoped_ids.append(evidence.id)
        if evidence.status is EvidenceStatus.ACCEPTED:
            insort(self.accepted, evidence.collected_at)
            if evidence.period_start is not None and evidence.period_end is not None:
                insort(self.periods, (evidence.period_start, evidence.period_end, evidence.collected_at))
        self._last = None

    def states(
        self, at: datetime, changed: Mapping[str, Sequence[int]], overrides: Mapping[str, int] | None = None
    ) -> ControlStates:
        """The verdict and failing pairs at `at`; `changed` holds the sorted change instants
        (microseconds) of the assets that have any, `overrides` a supposed `changed_at` at `at`
        for some (a supposed change: never remembered)."""
        at_micros = to_micros(at)
        last = self._last
        if overrides is None and last is not None and last.lo <= at_micros < last.hi:
            return last
        found = self._compute(at_micros, changed, overrides or {})
        if overrides is None:
            self._last = found
        return found

    def _compute(self, at: int, history: Mapping[str, Sequence[int]], overrides: Mapping[str, int]) -> ControlStates:
        # Unscoped items are folded once; each asset's own items are folded on top of them.
        u_valid, u_expired, u_pending, u_rejected, lo, hi = fold(self.unscoped, at)
        rows: list[Row] = []
        ok = EvidenceState.OK
        if not self.assets:
            valid, expired, pending, rejected = u_valid, u_expired, u_pending, u_rejected
            for items in self.scoped.values():
                valid, expired, pending, rejected, lo, hi = fold(items, at, lo, hi, valid, expired, pending, rejected)
            state, since = evidence_state(valid, expired, pending, rejected, None, at)
            if state is not ok:
                rows.append((None, state, since, None))
        else:
            scoped = self.scoped
            # An asset with no scoped item and no change stands where the unscoped items put it.
            unchanged = evidence_state(u_valid, u_expired, u_pending, u_rejected, None, at)
            findings = self.findings
            for asset_id in self.assets:
                windows = findings.get(asset_id)
                if windows:
                    # Checked before every evidence reason: the evidence need not be folded.
                    oldest, lo, hi = oldest_overdue(windows, at, lo, hi)
                    if oldest is not None:
                        rows.append((asset_id, EvidenceState.OPEN_FINDINGS, oldest[2], id_of(oldest[3])))
                        continue
                mine = scoped.get(asset_id)
                instants = history.get(asset_id)
                if not mine and not instants and asset_id not in overrides:
                    state, since = unchanged
                else:
                    if mine:
                        valid, expired, pending, rejected, lo, hi = fold(
                            mine, at, lo, hi, u_valid, u_expired, u_pending, u_rejected
                        )
                    else:
                        valid, expired, pending, rejected = u_valid, u_expired, u_pending, u_rejected
                    # changed_at(a, T): the latest change at or before T; the states hold until the next.
                    changed = overrides.get(asset_id)
                    if changed is None and instants:
                        changed = latest_at_or_before(instants, at)
                        following = earliest_after(instants, at)
                        if changed is not None:
                            lo = max(lo, changed)
                        if following is not None:
                            hi = min(hi, following)
                    state, since = evidence_state(valid, expired, pending, rejected, changed, at)
                if state is not ok:
                    rows.append((asset_id, state, since, None))
        counts: dict[EvidenceState, int] = {}
        for _asset, state, _since, _finding in rows:
            counts[state] = counts.get(state, 0) + 1
        verdict = ControlVerdict.model_construct(
            control_id=self.control_id, status=ControlStatus.IMPLEMENTED, assets=len(self.assets), failing=counts
        )
        return ControlStates(self.control_id, lo, hi, verdict, rows)

    def _keys(self) -> tuple[list[str], dict[str, list[str]]]:
        """The sort keys of the unscoped items and of each asset's, parallel to their items."""
        if self._unscoped_keys is None:
            self._unscoped_keys = [sort_key(i) for i in self.unscoped_ids]
            self._scoped_keys = {a: [sort_key(i) for i in ids] for a, ids in self.scoped_ids.items()}
            self.unscoped_ids, self.scoped_ids = [], {}  # the keys end in the ids: keep one copy
        return self._unscoped_keys, self._scoped_keys

    def valid_at(self, at: int, assets: Collection[str]) -> Iterator[tuple[str, str, int]]:
        """(sort key, asset, collected_at) per item valid at `at` (accepted, collected before
        `at`, not ended) and per asset of `assets` in the control's scope that it scopes (an
        unscoped item: each of them): the items a change of those assets at `at` makes stale,
        unless already stale."""
        unscoped_keys, scoped_keys = self._keys()
        unscoped = [
            (key, collected)
            for (collected, end, status), key in zip(self.unscoped, unscoped_keys, strict=True)
            if status == ACCEPTED and collected < at < end
        ]
        for asset_id in assets:
            if asset_id not in self.asset_set:
                continue
            for key, collected in unscoped:
                yield key, asset_id, collected
            mine = self.scoped.get(asset_id)
            if mine:
                for (collected, end, status), key in zip(mine, scoped_keys[asset_id], strict=True):
                    if status == ACCEPTED and collected < at < end:
                        yield key, asset_id, collected

    def evidence_for(self, assets: Collection[str], into: set[str]) -> None:
        """Add the sort keys (`sort_key`) of the items whose scope includes any of `assets`
        (unscoped items: always)."""
        unscoped_keys, scoped_keys = self._keys()
        into.update(unscoped_keys)
        if len(scoped_keys) <= len(assets):
            for asset_id, keys in scoped_keys.items():
                if asset_id in assets:
                    into.update(keys)
        else:
            for asset_id in assets:
                some = scoped_keys.get(asset_id)
                if some:
                    into.update(some)

    def accepted_between(self, start: datetime, end: datetime) -> list[datetime]:
        """`collected_at` of the accepted items within `[start, end)`, sorted."""
        return self.accepted[bisect_left(self.accepted, start) : bisect_left(self.accepted, end)]

    def periods_overlapping(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, datetime]]:
        """(period_start, period_end, collected_at) of the accepted items whose observation
        period overlaps `[start, end)`, sorted."""
        return [p for p in self.periods if p[0] < end and start < p[1]]
