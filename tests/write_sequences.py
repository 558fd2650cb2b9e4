"""Random write sequences for tests/stores/test_write_sequences.py: a small graph, then writes
made as the GraphQL mutations make them, with questions between them.

The graph is small (1–2 frameworks, up to 5 assets and controls of several frequencies, a few
vendors for carve-outs, up to 5 evidence items, up to 3 findings and finding policies on some
controls) so that a sequence of 5–25 steps moves a good
share of it. Writes go through the store's public write API exactly as the mutations call it
(service/graphql/mutation.py): `write(bundle, immutable_evidence=True)` with the one record a
mutation writes, `record_change` for `recordChange`, `delete_asset` for `deleteAsset`, and findings as an import
writes them (a new finding, or a later scan fixing one). Some
are refused on purpose (a correction of an item already corrected or of another control, scope
outside the control's, a carve-out without a vendor, a deleted asset): the test checks that a
refusal leaves the graph as it was. Instants cluster where the rules turn: on instants already in
the graph (equal instants, back-dated changes at an item's collection), at T, and a microsecond
either side (tests/strategies.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from graph.bundle import Bundle
from graph.model import ControlStatus, EvidenceStatus, Frequency, Label, ReviewDecision, Severity, now_utc
from graph.queries import coverage, evidence_gaps, impact, missing_evidence, record_change
from graph.queries.results import ChangeRequest
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.strategies import US, T, finding_policies, finding_row, fix_instant, instants, observation_period

COLLECTOR, REVIEWER = "collector@example.com", "reviewer@example.com"
_LATEST = T + timedelta(days=92)  # what is recorded never lies in the future (tests/strategies.py)


def recorded_instants() -> st.SearchStrategy[datetime]:
    """`instants()` no later than `_LATEST`, moved back rather than filtered (a filter rejecting
    one draw in seven, over the hundred draws of a sequence, would give up on whole examples)."""
    return instants().map(lambda t: t if t <= _LATEST else t - timedelta(days=366))


_FREQUENCIES = [Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.ANNUAL]


# -- the steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordEvidence:
    """`recordEvidence`: one item (a correction when `supersedes` is set) and its scope."""

    id: str
    control: str
    collected_at: datetime
    status: EvidenceStatus
    valid_until: datetime | None = None
    covers: tuple[str, ...] = ()
    supersedes: str | None = None
    period: tuple[datetime, datetime] | None = None

    def apply(self, store: GraphStore) -> None:
        item: dict[str, Any] = {
            "id": self.id,
            "title": self.id,
            "control": self.control,
            "collected_at": self.collected_at,
            "valid_until": self.valid_until,
            "status": self.status.value,
            "supersedes": self.supersedes,
            "recorded_by": COLLECTOR,
            "recorded_at": now_utc(),
        }
        if self.period is not None:
            item.update(period_start=self.period[0], period_end=self.period[1])
        covers = [{"source": self.id, "target": a} for a in self.covers]
        store.write(Bundle.model_validate({"evidence": [item], "covers": covers}), immutable_evidence=True)


@dataclass(frozen=True)
class Review:
    """`reviewEvidence`: the latest review sets the item's status, whatever T."""

    evidence: str
    decision: ReviewDecision

    def apply(self, store: GraphStore) -> None:
        review = {"evidence": self.evidence, "decision": self.decision.value, "reviewer": REVIEWER, "at": now_utc()}
        store.write(Bundle.model_validate({"reviews": [review]}), immutable_evidence=True)


@dataclass(frozen=True)
class RecordChange:
    """`recordChange` (propagating along DEPENDS_ON or not)."""

    asset: str
    at: datetime
    propagate: bool

    def apply(self, store: GraphStore) -> None:
        record_change(store, ChangeRequest(asset_id=self.asset, at=self.at, propagate=self.propagate))


@dataclass(frozen=True)
class VendorReport:
    """`upsertVendors` moving a vendor's report date (None: no report), its other fields kept."""

    vendor: str
    report_valid_until: datetime | None

    def apply(self, store: GraphStore) -> None:
        found = store.get_nodes(Label.VENDOR, [self.vendor])[self.vendor]
        vendor = found.model_copy(update={"report_valid_until": self.report_valid_until})
        store.write(Bundle.model_validate({"vendors": [vendor.model_dump()]}), immutable_evidence=True)


@dataclass(frozen=True)
class ApplyControl:
    """`applyControl`: the asset joins the control's scope."""

    control: str
    asset: str

    def apply(self, store: GraphStore) -> None:
        links = [{"source": self.control, "target": self.asset}]
        store.write(Bundle.model_validate({"applies_to": links}), immutable_evidence=True)


@dataclass(frozen=True)
class EditControl:
    """`upsertControls` changing a control's status or frequency, its other fields kept."""

    control: str
    status: ControlStatus | None = None
    frequency: Frequency | None = None

    def apply(self, store: GraphStore) -> None:
        found = store.get_nodes(Label.CONTROL, [self.control])[self.control]
        moved = {k: v for k, v in (("status", self.status), ("frequency", self.frequency)) if v is not None}
        control = found.model_copy(update=moved)
        store.write(Bundle.model_validate({"controls": [control.model_dump()]}), immutable_evidence=True)


@dataclass(frozen=True)
class UpsertAsset:
    """`upsertAssets` with the `changed_at` shorthand (one more change at that instant), its other
    fields kept; an asset deleted earlier comes back, with a history of that one change."""

    asset: str
    changed_at: datetime

    def apply(self, store: GraphStore) -> None:
        found = store.get_nodes(Label.ASSET, [self.asset]).get(self.asset)
        row = found.model_dump() if found is not None else {"id": self.asset, "kind": "model", "name": self.asset}
        store.write(
            Bundle.model_validate({"assets": [{**row, "changed_at": self.changed_at}]}), immutable_evidence=True
        )


@dataclass(frozen=True)
class DeleteAsset:
    """`deleteAsset`: the asset, its edges and its history go."""

    asset: str

    def apply(self, store: GraphStore) -> None:
        store.delete_asset(self.asset)


@dataclass(frozen=True)
class ScanFinding:
    """A scan's result, as an import writes it: a finding first seen on an asset (new), or the
    same finding no longer reported (`fixed_at`: the later scan)."""

    id: str
    asset: str
    first_seen: datetime
    severity: str
    fixed_at: datetime | None = None

    def apply(self, store: GraphStore) -> None:
        row = finding_row(self.id, self.asset, self.first_seen, self.severity, self.fixed_at)
        store.write(Bundle.model_validate({"findings": [row]}), immutable_evidence=True)


@dataclass(frozen=True)
class EditPolicy:
    """`upsertControls` giving a control a finding policy (None: none), its other fields kept."""

    control: str
    policy: dict[str, int] | None

    def apply(self, store: GraphStore) -> None:
        found = store.get_nodes(Label.CONTROL, [self.control])[self.control]
        control = found.model_dump() | {"finding_policy": self.policy}
        store.write(Bundle.model_validate({"controls": [control]}), immutable_evidence=True)


Write = (
    RecordEvidence
    | Review
    | RecordChange
    | VendorReport
    | ApplyControl
    | EditControl
    | UpsertAsset
    | DeleteAsset
    | ScanFinding
    | EditPolicy
)


@dataclass(frozen=True)
class Ask:
    """A question between writes: it warms whatever the store remembers, which the next write
    must then move. `what`: coverage, missing, gaps or impact."""

    what: str
    at: datetime
    framework: str | None = None
    asset: str = ""

    def ask(self, store: GraphStore) -> Any:
        if self.what == "coverage":
            return coverage(store, self.framework or "", self.at)
        if self.what == "missing":
            return missing_evidence(store, self.at, self.framework)
        if self.what == "gaps":
            return evidence_gaps(store, self.at - timedelta(days=120), self.at, self.framework)
        return impact(store, ChangeRequest(asset_id=self.asset, at=self.at))


Step = Write | Ask


@dataclass
class WriteSequence:
    base: Bundle
    frameworks: list[str]
    steps: list[Step]
    asked: list[datetime] = field(default_factory=list)  # every instant a question was asked at
    # The instant each step was about, in order (a write's: its item's collection, its change,
    # its report date): a store's memory is warm around the last ones.
    warm: list[datetime] = field(default_factory=list)


# -- the graph and the sequence -----------------------------------------------------------------


@dataclass
class _Known:
    """What the generator knows of the graph as the steps go, to aim writes at what is there."""

    assets: list[str]
    controls: list[str]
    vendors: list[str]
    frameworks: list[str]
    applies: dict[str, list[str]]
    control_of: dict[str, str]
    corrected: set[str] = field(default_factory=set)
    asked: list[datetime] = field(default_factory=list)  # the instants questions were asked at
    written: list[datetime] = field(default_factory=list)  # the instant each write was about
    moments: list[datetime] = field(default_factory=lambda: [T])
    # Findings by id: (asset, first_seen, severity, fixed_at); an asset with findings is never deleted.
    findings: dict[str, tuple[str, datetime, str, datetime | None]] = field(default_factory=dict)


@st.composite
def write_sequences(draw: st.DrawFn) -> WriteSequence:
    b = GraphBuilder()
    frameworks = [f"fw-{i}" for i in range(1, draw(st.integers(1, 2)) + 1)]
    criteria: list[str] = []
    for fw in frameworks:
        b.framework(fw)
        mine: list[str] = []
        for i in range(1, draw(st.integers(1, 3)) + 1):
            parent = draw(st.none() | st.sampled_from(mine)) if mine else None
            b.criterion(f"C{i}", fw, parent=parent)
            mine.append(f"{fw}:C{i}")
        criteria += mine
    if len(frameworks) == 2 and draw(st.booleans()):  # a crosswalk edge between the frameworks
        pair = draw(st.tuples(st.sampled_from(criteria), st.sampled_from(criteria)).filter(lambda p: p[0] != p[1]))
        b.maps(*pair, draw(st.sampled_from(["equal", "subset_of", "superset_of", "intersects_with"])))

    assets = [f"as-{i}" for i in range(1, draw(st.integers(1, 5)) + 1)]
    for aid in assets:
        b.asset(aid, changed_at=draw(st.none() | recorded_instants()))
    pairs = st.tuples(st.sampled_from(assets), st.sampled_from(assets)).filter(lambda p: p[0] != p[1])
    for source, target in draw(st.lists(pairs, unique=True, max_size=5)) if len(assets) > 1 else []:
        b.depends(source, target)

    vendors = [f"vendor-{i}" for i in range(1, draw(st.integers(1, 2)) + 1)]
    for vid in vendors:
        b.vendor(vid, report_valid_until=draw(st.none() | instants()), report_kind="soc2_type2")
    controls = [f"ctl-{i}" for i in range(1, draw(st.integers(1, 5)) + 1)]
    applies: dict[str, list[str]] = {}
    for cid in controls:
        status = draw(st.sampled_from(["implemented", "implemented", "implemented", "planned", "carved_out"]))
        applies[cid] = draw(st.lists(st.sampled_from(assets), unique=True, max_size=3))
        b.control(
            cid,
            status=status,
            frequency=draw(st.sampled_from(_FREQUENCIES)).value,
            satisfies=draw(st.lists(st.sampled_from(criteria), unique=True, max_size=2)),
            applies_to=applies[cid],
        )
        policy = draw(finding_policies())
        if policy is not None:
            b.policy(cid, **policy)
        # Every control relies on a vendor sometimes, a carved-out one always (the write rules).
        if status == "carved_out" or _one_in(draw, 4):
            b.relies_on(cid, draw(st.sampled_from(vendors)))

    known = _Known(assets, controls, vendors, frameworks, applies, control_of={})
    for i in range(1, draw(st.integers(0, 5)) + 1):
        item = _evidence(draw, known, f"ev-{i}", correction=None)
        b.evidence(
            item.control,
            item.collected_at,
            status=item.status.value,
            valid_until=item.valid_until,
            covers=list(item.covers),
            eid=item.id,
        )
    for aid in assets:
        for _ in range(draw(st.integers(0, 1))):
            at = draw(_moments(known, recorded=True))
            b.change(aid, at)
            known.moments.append(at)
    known.moments += [v["report_valid_until"] for v in b.data["vendors"] if v["report_valid_until"] is not None]
    for i in range(1, draw(st.integers(0, 3)) + 1):
        scan = _scan(draw, known, f"fnd-{i}", may_fix=False)
        b.data.setdefault("findings", []).append(
            finding_row(scan.id, scan.asset, scan.first_seen, scan.severity, scan.fixed_at)
        )

    steps: list[Step] = []
    asked: list[datetime] = []
    warm: list[datetime] = []
    for n in range(1, draw(st.integers(5, 25)) + 1):
        step = _step(draw, known, n)
        steps.append(step)
        if isinstance(step, Ask):
            asked.append(step.at)
        warm += known.asked[-1:] if isinstance(step, Ask) else known.written[-1:]
    return WriteSequence(base=b.bundle(), frameworks=frameworks, steps=steps, asked=asked, warm=warm)


def _one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in `n` draws (not on the value Hypothesis favours, so not more often)."""
    return draw(st.integers(1, n)) == n


def _moments(known: _Known, *, recorded: bool = False) -> st.SearchStrategy[datetime]:
    """Instants near T, or one already in the graph (an equal instant), or just after one (a
    change a microsecond or a day after an item's collection makes it stale; an item collected
    then is the newest)."""
    drawn = recorded_instants() if recorded else instants()
    seen = [m for m in known.moments if not recorded or m <= _LATEST - timedelta(days=1)]
    if not seen:
        return drawn
    after = st.sampled_from([timedelta(0), timedelta(0), US, timedelta(days=1)])
    return drawn | st.builds(lambda m, d: m + d, st.sampled_from(seen), after)


def _evidence(draw: st.DrawFn, known: _Known, eid: str, *, correction: bool | None) -> RecordEvidence:
    """An item as recorded; `correction` None: one of the base graph (never refused)."""
    control = draw(st.sampled_from(known.controls))
    supersedes = None
    if correction:
        open_items = sorted(e for e in known.control_of if e not in known.corrected)
        if open_items and not _one_in(draw, 5):
            supersedes = draw(st.sampled_from(open_items))  # a correction is of its item's control
            control = known.control_of[supersedes]
        elif known.control_of:  # any item, any control: often refused by the write rules
            supersedes = draw(st.sampled_from(sorted(known.control_of)))
    collected = draw(_moments(known, recorded=True))
    valid_until = None
    if draw(st.booleans()):
        until = draw(_moments(known))
        valid_until = until if until > collected else collected + timedelta(days=draw(st.integers(1, 40)))
    scope: list[str] = []
    if known.applies[control] and _one_in(draw, 3):
        scope = draw(st.lists(st.sampled_from(known.applies[control]), unique=True, min_size=1, max_size=2))
    elif correction is not None and _one_in(draw, 20):
        scope = [draw(st.sampled_from(known.assets))]  # maybe outside the control's scope: refused
    status = draw(st.sampled_from([EvidenceStatus.ACCEPTED, EvidenceStatus.ACCEPTED, *EvidenceStatus]))
    period = None
    if _one_in(draw, 4):
        observed = observation_period(draw, collected)
        if observed:
            period = (observed["period_start"], observed["period_end"])
    known.control_of[eid] = control
    if supersedes is not None:
        known.corrected.add(supersedes)
    known.moments += [collected] + ([valid_until] if valid_until is not None else [])
    known.written.append(collected)
    return RecordEvidence(eid, control, collected, status, valid_until, tuple(scope), supersedes, period)


def _scan(draw: st.DrawFn, known: _Known, fid: str, *, may_fix: bool = True) -> ScanFinding:
    """A finding first seen now (often where a policy's limit then ends on an instant in the
    graph), or, once in two, a later scan fixing one still open."""
    still_open = sorted(f for f, (_, _, _, fixed) in known.findings.items() if fixed is None)
    if may_fix and still_open and draw(st.booleans()):
        fid = draw(st.sampled_from(still_open))
        asset, first_seen, severity, _ = known.findings[fid]
        fixed_at = fix_instant(draw, first_seen)
    else:
        asset = draw(st.sampled_from(known.assets))
        first_seen = draw(_moments(known, recorded=True))
        severity = draw(st.sampled_from([s.value for s in Severity]))
        fixed_at = fix_instant(draw, first_seen) if _one_in(draw, 3) else None
    known.findings[fid] = (asset, first_seen, severity, fixed_at)
    known.moments += [first_seen] + ([fixed_at] if fixed_at is not None else [])
    known.written.append(fixed_at or first_seen)
    return ScanFinding(fid, asset, first_seen, severity, fixed_at)


def _step(draw: st.DrawFn, known: _Known, n: int) -> Step:
    kind = draw(
        st.sampled_from(
            ["evidence"] * 4
            + ["correction", "review", "review"]
            + ["change"] * 3
            + ["vendor", "ask", "ask", "ask"]
            + ["apply", "control", "asset", "delete"]
            + ["finding", "finding", "policy"]
        )
    )
    if kind == "finding":
        return _scan(draw, known, f"fnd-w{n}")
    if kind == "policy":
        return EditPolicy(draw(st.sampled_from(known.controls)), draw(finding_policies()))
    if kind in ("evidence", "correction"):
        return _evidence(draw, known, f"ev-w{n}", correction=kind == "correction")
    if kind == "review" and known.control_of:
        return Review(draw(st.sampled_from(sorted(known.control_of))), draw(st.sampled_from(list(ReviewDecision))))
    if kind in ("change", "asset"):
        at = draw(_moments(known, recorded=True))
        known.moments.append(at)
        known.written.append(at)
        asset = draw(st.sampled_from(known.assets))
        if kind == "asset":
            return UpsertAsset(asset, at)
        return RecordChange(asset, at, draw(st.booleans()))
    if kind == "vendor":
        until = draw(st.none() | _moments(known))
        if until is not None:
            known.moments.append(until)
            known.written.append(until)
        return VendorReport(draw(st.sampled_from(known.vendors)), until)
    if kind == "apply":
        control, asset = draw(st.sampled_from(known.controls)), draw(st.sampled_from(known.assets))
        if asset not in known.applies[control]:
            known.applies[control].append(asset)
        return ApplyControl(control, asset)
    if kind == "control":
        control = draw(st.sampled_from(known.controls))
        if draw(st.booleans()):
            return EditControl(control, frequency=draw(st.sampled_from(_FREQUENCIES)))
        return EditControl(control, status=draw(st.sampled_from(list(ControlStatus))))
    deletable = [a for a in known.assets if a not in {f[0] for f in known.findings.values()}]
    if kind == "delete" and deletable and _one_in(draw, 3):
        # Rarely: later steps may still name it (refused); scope lists keep it, which only adds refusals.
        return DeleteAsset(draw(st.sampled_from(deletable)))
    what = draw(st.sampled_from(["coverage", "missing", "missing", "gaps", "impact"]))
    framework = draw(st.sampled_from(known.frameworks)) if what == "coverage" else None
    if what in ("missing", "gaps") and draw(st.booleans()):
        framework = draw(st.sampled_from(known.frameworks))
    # Often at the instant the last write was about (a dashboard asks about "now", when collectors
    # record and assets change), or again at one asked before, where a store's memory is warm;
    # the instant joins the graph's, so a later write may land exactly on it.
    warm = [t for t in [*known.written[-1:], *known.asked] if what != "impact" or t <= _LATEST]
    if warm and not _one_in(draw, 3):
        at = warm[0] if draw(st.booleans()) else draw(st.sampled_from(warm))  # [0]: the last write's
    else:
        at = draw(_moments(known, recorded=what == "impact"))
    known.asked.append(at)
    known.moments.append(at)
    return Ask(what, at, framework, asset=draw(st.sampled_from(known.assets)))
