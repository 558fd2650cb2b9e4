"""The embedded store's per-control evidence index: the control's current items and their status
timelines (graph/rules/control_timeline.py), kept current write by write.

A control's current evidence (superseded items left out) is kept as integer instants, unscoped
items apart and scoped items per covered asset, together with the status timelines built from
them: the state of every (control, asset) pair and the count of pairs per state, as
piecewise-constant functions of T. A question at any T is then a bisect per control (verdicts)
or per pair (failing rows), never a fold over items. The store moves the timelines in place on
each write (caches.py `apply`: new items, reviews, corrections, changes of its assets, assets
added to or deleted from its scope) and rebuilds the index only when the control itself or an
item's scope is rewritten; tests/graph/test_control_index.py holds it to what a fresh store answers.
A control with a `finding_policy` also keeps its assets' overdue-finding windows, laid over the
timelines at read time (graph/stores/finding_overlay.py) and replaced when a finding is written.
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
    id_of_order_key,
    natural_key,
    order_key,
)
from graph.queries.results import ControlAssetState, ControlVerdict
from graph.rules.control_timeline import NO_ASSET, ControlTimelines
from graph.rules.evaluation import (
    ACCEPTED,
    NO_INSTANT,
    EvidenceItem,
    evidence_item,
    from_micros,
    interval_micros,
    to_micros,
)
from graph.stores import finding_overlay
from graph.stores.finding_overlay import Windows

# Sorting these strings is far cheaper than sorting `natural_key` tuples, and both stores order alike.
sort_key = order_key
id_of = id_of_order_key


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One current evidence item of the control and the assets it covers (empty: all of them)."""

    evidence: Evidence
    covers: tuple[str, ...]


class ControlIndex:
    """One control's current evidence, its scope, and its status timelines."""

    def __init__(
        self,
        control: Control,
        assets: list[str],
        records: Collection[EvidenceRecord],
        changed: Mapping[str, Sequence[int]],
        findings: Windows | None = None,
    ) -> None:
        self.control_id = control.id
        self.findings: Windows = findings or {}  # per asset, its findings' overdue windows
        self.status = control.status
        self.assets = assets  # the assets it applies to, in natural order
        self.asset_set = set(assets)
        self._span = interval_micros(control.frequency)
        # collected_at of the accepted items, sorted; kept as datetimes, as evidenceGaps counts
        # them against datetime bounds (converting from microseconds per read made it ~3x slower at M).
        self.accepted: list[datetime] = []
        self.periods: list[tuple[datetime, datetime, datetime]] = []
        items: dict[str, tuple[EvidenceItem, tuple[str, ...]]] = {}
        for record in records:
            item = evidence_item(record.evidence, self._span)
            items[record.evidence.id] = (item, record.covers)
            self._count_accepted(record.evidence, item, 1)
        # Made lazy: the first question after load folds each pair at T (as cheap as it was
        # without timelines; building every pair's timeline costs ~5x that at M), the next builds.
        self.timelines = ControlTimelines(assets, items, changed, lazy=True)
        self._reads = 0
        self._keys_made: tuple[set[str], dict[str, set[str]]] | None = None
        # The failing rows of the last instant asked for (a bisect per pair is cheap, the rows
        # are not); every write below forgets them.
        self._failing_at: tuple[int, list[ControlAssetState]] | None = None

    # -- writes (caches.py) -------------------------------------------------------------------

    def add(self, record: EvidenceRecord) -> None:
        """One new current item: the timelines move from its `collected_at` on."""
        self._failing_at = None
        item = evidence_item(record.evidence, self._span)
        self.timelines.add_item(record.evidence.id, item, record.covers)
        self._count_accepted(record.evidence, item, 1)
        self._rekey(record.evidence.id, record.covers, adding=True)

    def reviewed(self, evidence: Evidence) -> None:
        """`evidence` (one of the current items) has a new status."""
        self._failing_at = None
        old = self.timelines.item(evidence.id)
        if old is None:
            return
        new = evidence_item(evidence, self._span)
        self._count_accepted(evidence, old, -1)
        self.timelines.replace_item(evidence.id, new)
        self._count_accepted(evidence, new, 1)

    def superseded(self, evidence: Evidence) -> None:
        """`evidence` was corrected: it counts for nothing from now on."""
        self._failing_at = None
        old = self.timelines.item(evidence.id)
        if old is None:
            return
        self._count_accepted(evidence, old, -1)
        self._rekey(evidence.id, self.timelines.covers(evidence.id), adding=False)
        self.timelines.remove_item(evidence.id)

    def findings_moved(self, findings: Windows) -> None:
        """The overdue windows of the assets' findings are now `findings`."""
        self._failing_at = None
        self.findings = findings

    def changes_moved(self, assets: Collection[str], since: int) -> None:
        """Some of `assets` gained changes, none before `since`."""
        self._failing_at = None
        self.timelines.changes_moved(self.asset_set.intersection(assets), since)

    def add_asset(self, asset_id: str) -> None:
        self._failing_at = None
        if asset_id not in self.asset_set:
            self.asset_set.add(asset_id)
            insort(self.assets, asset_id, key=natural_key)
            self.timelines.add_asset(asset_id)

    def remove_asset(self, asset_id: str) -> None:
        self._failing_at = None
        if asset_id in self.asset_set:
            self.asset_set.discard(asset_id)
            self.assets.remove(asset_id)
            self.timelines.remove_asset(asset_id)

    def _count_accepted(self, evidence: Evidence, item: EvidenceItem, step: int) -> None:
        """Add (1) or drop (-1) `evidence` from the accepted instants and periods if its `item`
        (the status the index holds for it) is accepted."""
        if item[2] != ACCEPTED:
            return
        collected = evidence.collected_at
        if step > 0:
            insort(self.accepted, collected)
        else:
            del self.accepted[bisect_left(self.accepted, collected)]
        if evidence.period_start is not None and evidence.period_end is not None:
            period = (evidence.period_start, evidence.period_end, evidence.collected_at)
            if step > 0:
                insort(self.periods, period)
            else:
                self.periods.remove(period)

    # -- reads --------------------------------------------------------------------------------

    def verdict(self, at: datetime, supposed: Collection[str] = (), moment: datetime | None = None) -> ControlVerdict:
        """The verdict at `at`: a bisect in the count timeline (`supposed`: those assets as if
        changed at `moment`, for an impact; nothing kept)."""
        self._read()
        at_micros = to_micros(at)
        timelines, assumed = self.timelines, bool(supposed) and moment is not None
        moment_micros = to_micros(moment) if moment is not None else NO_INSTANT
        if assumed:
            counts = timelines.counts_assuming(at_micros, supposed, moment_micros)
        else:
            counts = timelines.counts_at(at_micros)
        held = finding_overlay.held_back(self.findings, at_micros, self.asset_set) if self.findings else {}

        def code_of(asset_id: str) -> int:
            if assumed and asset_id in supposed:
                return timelines.supposed_at(asset_id, at_micros, moment_micros)[0]
            return timelines.state_at(asset_id, at_micros)[0]

        failing = finding_overlay.failing_counts(counts, held, code_of)
        return ControlVerdict.model_construct(
            control_id=self.control_id, status=ControlStatus.IMPLEMENTED, assets=len(self.assets), failing=failing
        )

    def failing(
        self, at: datetime, supposed: Collection[str] = (), moment: datetime | None = None
    ) -> list[ControlAssetState]:
        """The failing pairs at `at` in natural order of asset: a bisect per pair."""
        self._read()
        at_micros = to_micros(at)
        remembered = self._failing_at
        if not supposed and remembered is not None and remembered[0] == at_micros:
            return remembered[1]
        rows = self.timelines.failing_at(
            at_micros, self.assets, supposed, to_micros(moment) if moment is not None else NO_INSTANT
        )
        held = finding_overlay.held_back(self.findings, at_micros, self.asset_set) if self.findings else {}
        found = [
            ControlAssetState.model_construct(
                control_id=self.control_id,
                asset_id=None if asset_id == NO_ASSET else asset_id,
                state=state,
                since=None if since == NO_INSTANT else from_micros(since),
                finding_id=None if finding is None else id_of(finding),
            )
            for asset_id, state, since, finding in finding_overlay.failing_rows(rows, self.assets, held)
        ]
        if not supposed:
            self._failing_at = (at_micros, found)
        return found

    def _read(self) -> None:
        if not self.timelines.built:
            self._reads += 1
            if self._reads > 1:
                self.timelines.build()

    def _keyed(self) -> tuple[set[str], dict[str, set[str]]]:
        """The sort keys of the unscoped items and of each asset's scoped ones, made on first
        use (blast radii) and kept current by `add` and `superseded` from then on."""
        if self._keys_made is None:
            timelines = self.timelines
            self._keys_made = (
                {sort_key(i) for i in timelines.unscoped},
                {a: {sort_key(i) for i in mine} for a, mine in timelines.scoped.items()},
            )
        return self._keys_made

    def _rekey(self, evidence_id: str, covers: Collection[str], adding: bool) -> None:
        if self._keys_made is None:
            return
        unscoped, scoped = self._keys_made
        key = sort_key(evidence_id)
        for keys in [scoped.setdefault(a, set()) for a in covers] if covers else [unscoped]:
            if adding:
                keys.add(key)
            else:
                keys.discard(key)

    def valid_at(self, at: int, assets: Collection[str]) -> Iterator[tuple[str, str, int]]:
        """(sort key, asset, collected_at) per item valid at `at` (accepted, collected before
        `at`, not ended) and per asset of `assets` in the control's scope that it scopes (an
        unscoped item: each of them): the items a change of those assets at `at` makes stale,
        unless already stale."""
        timelines = self.timelines
        unscoped = [
            (sort_key(evidence_id), collected)
            for evidence_id, (collected, end, status) in timelines.unscoped.items()
            if status == ACCEPTED and collected < at < end
        ]
        for asset_id in assets:
            if asset_id not in self.asset_set:
                continue
            for key, collected in unscoped:
                yield key, asset_id, collected
            mine = timelines.scoped.get(asset_id)
            if mine:
                for evidence_id, (collected, end, status) in mine.items():
                    if status == ACCEPTED and collected < at < end:
                        yield sort_key(evidence_id), asset_id, collected

    def evidence_for(self, assets: Collection[str], into: set[str]) -> None:
        """Add the sort keys (`sort_key`) of the items whose scope includes any of `assets`
        (unscoped items: always)."""
        unscoped_keys, scoped_keys = self._keyed()
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

    def periods_overlapping(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, datetime]]:
        """(period_start, period_end, collected_at) of the accepted items whose observation
        period overlaps `[start, end)`, sorted."""
        return [p for p in self.periods if p[0] < end and start < p[1]]
