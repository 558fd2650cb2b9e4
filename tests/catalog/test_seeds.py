"""The shipped seeds: the SOC 2 framework, the AI control library and the demo org.

The demo org is written around a reference instant; at that instant it must show every coverage
status, every missing-evidence reason, a control with no asset, scoped evidence and a Type II gap,
so the dashboard and the API always have something real to show.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from graph.bundle import Bundle, read_bundle_file
from graph.demo import load_demo
from graph.model import (
    Change,
    ControlStatus,
    CoverageStatus,
    Evidence,
    Finding,
    FindingStatus,
    Label,
    Rel,
    ReportKind,
    Severity,
    Vendor,
)
from graph.queries import coverage, evidence_gaps, missing_evidence
from graph.queries.results import MissingEvidenceReport
from graph.rules.evaluation import EvidenceState
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, bundle_files, rebase_dates
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.catalog.conftest import reference_rows

SEEDS = SEEDS_DIR

SOC2 = "soc2-tsc-2017"
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TYPE2_START = datetime(2026, 1, 1, tzinfo=UTC)
TYPE2_END = datetime(2026, 11, 1, tzinfo=UTC)
SOC2_CATEGORIES = {"Security", "Availability", "Processing Integrity", "Confidentiality", "Privacy"}


def library_controls(seeds: Bundle) -> list[str]:
    return [c.id for c in seeds.controls if c.id.startswith("AGC-")]


def test_seed_files_are_valid_bundles() -> None:
    files = bundle_files(SEEDS)  # every bundle: the demo's imports/ holds other tools' files
    assert {p.relative_to(SEEDS).parts[0] for p in files} >= {"frameworks", "controls", "demo"}
    for path in files:
        read_bundle_file(path)  # raises with file and line on any bad field


def test_soc2_has_the_61_official_criteria(seeds: Bundle) -> None:
    official = {f"{SOC2}:{row['id']}": row for row in reference_rows("tsc.csv")}
    assert len(official) == 61
    soc2 = [c for c in seeds.criteria if c.framework == SOC2]
    assert {c.id for c in soc2} == set(official)
    assert len(soc2) == 61
    for criterion in soc2:
        assert criterion.ref == criterion.id.removeprefix(f"{SOC2}:")
        assert criterion.parent is None, "SOC 2 criteria are all leaves"
        assert criterion.category in SOC2_CATEGORIES
        principle = official[criterion.id]["coso_principle"]
        if principle:
            assert f"COSO principle {principle}." in criterion.description
    framework = next(f for f in seeds.frameworks if f.id == SOC2)
    assert framework.publisher == "AICPA"
    assert framework.license_note


def test_control_library_is_large_and_fully_described(seeds: Bundle) -> None:
    controls = [c for c in seeds.controls if c.id.startswith("AGC-")]
    assert len(controls) >= 30
    for control in controls:
        assert control.title and control.description and control.domain, control.id
    # Owners are the demo tenant's defaults, like status: one accountable role per domain.
    owners = {(c.domain, c.owner) for c in controls}
    assert len(owners) == len({c.domain for c in controls}) and all(owner for _domain, owner in owners)


def test_every_soc2_criterion_is_satisfied_by_a_library_control(seeds: Bundle, seeded: EmbeddedStore) -> None:
    library = set(library_controls(seeds))
    satisfied = {link.target for link in seeds.satisfies if link.source in library}
    soc2 = {c.id for c in seeds.criteria if c.framework == SOC2}
    assert soc2 - satisfied == set()
    # the store agrees once loaded
    by_criterion = seeded.satisfying_controls(sorted(soc2))
    assert set(by_criterion) == soc2


def test_demo_coverage_has_every_status_with_a_healthy_majority(seeded: EmbeddedStore) -> None:
    report = coverage(seeded, SOC2, DEMO_NOW)
    statuses = Counter(row.status for row in report.criteria if row.is_leaf)
    assert set(statuses) == set(CoverageStatus)
    assert report.totals.total == 61
    assert report.totals.covered > 61 // 2, "the demo is mid-audit, not a disaster"
    rows = {row.criterion_id: row for row in report.criteria}
    # uncovered: only a planned or not-applicable control satisfies it
    assert rows[f"{SOC2}:P5.1"].status is CoverageStatus.UNCOVERED
    assert rows[f"{SOC2}:P6.7"].status is CoverageStatus.UNCOVERED
    # partial: one of its implemented controls has expired evidence
    assert rows[f"{SOC2}:CC9.2"].status is CoverageStatus.PARTIAL


def test_demo_missing_evidence_has_every_reason(seeded: EmbeddedStore) -> None:
    report = missing_evidence(seeded, DEMO_NOW)
    reasons = {row.reason for row in report.rows}
    # Every evidence reason; the vendor-report reasons come when the cloud provider's report lapses.
    vendor_reasons = {EvidenceState.VENDOR_REPORT_EXPIRED, EvidenceState.VENDOR_REPORT_MISSING}
    assert reasons == set(EvidenceState) - {EvidenceState.OK} - vendor_reasons
    by_pair = {(row.control_id, row.asset_id): row for row in report.rows}
    stale = by_pair[("AGC-OV-03", "mdl-nw-assist")]
    assert stale.reason is EvidenceState.STALE
    assert stale.since == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    # the same control's evidence for the other model is scoped to it and still good
    assert ("AGC-OV-03", "mdl-fraud-scorer") not in by_pair
    assert by_pair[("AGC-VEN-01", None)].reason is EvidenceState.EXPIRED


def test_demo_has_a_control_with_no_asset_and_scoped_evidence(seeds: Bundle, seeded: EmbeddedStore) -> None:
    implemented = [c.id for c in seeds.controls if c.status is ControlStatus.IMPLEMENTED]
    scopes = seeded.related(Rel.APPLIES_TO, implemented)
    unscoped = [c for c in implemented if not scopes.get(c)]
    assert unscoped, "some control applies to no asset"
    assert seeds.covers, "some evidence is scoped with COVERS"
    # Every seed item is loaded; the others are the demo's imported scans and ML-BOM.
    stored = {e.id: e for e in seeded.list_nodes(Label.EVIDENCE, first=10_000) if isinstance(e, Evidence)}
    assert {e.id for e in seeds.evidence} <= set(stored)
    imported = {stored[i].kind for i in set(stored) - {e.id for e in seeds.evidence}}
    assert imported == {"vulnerability_scan", "ml_bom"}


def test_demo_has_a_public_chat_endpoint_in_a_dependency_cycle(seeds: Bundle) -> None:
    endpoint = next(a for a in seeds.assets if a.id == "ep-public-chat")
    assert endpoint.kind.value == "endpoint"
    graph: dict[str, set[str]] = {}
    for dep in seeds.depends_on:
        graph.setdefault(dep.source, set()).add(dep.target)
    # ep-public-chat reaches itself: the feedback loop retrains the model it serves
    seen, stack = set(), list(graph.get("ep-public-chat", ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    assert "ep-public-chat" in seen
    assert len(seeds.vendors) >= 2 and seeds.provided_by and seeds.relies_on


def test_demo_has_a_type2_gap_for_a_monthly_control(seeded: EmbeddedStore) -> None:
    report = evidence_gaps(seeded, TYPE2_START, TYPE2_END, SOC2)
    periods = {p.control_id: p for p in report.controls}
    scan = periods["AGC-INF-07"]
    assert scan.frequency == "monthly"
    assert scan.gaps == 1
    gap = next(i for i in scan.intervals if i.is_gap)
    assert gap.start <= datetime(2026, 7, 10, tzinfo=UTC) < gap.end
    # a monthly control with its full history has no gap
    assert periods["AGC-DP-06"].gaps == 0


def test_demo_monitoring_leaves_only_its_outages_as_gaps_of_continuous_and_daily_controls(
    seeds: Bundle, seeded: EmbeddedStore
) -> None:
    report = evidence_gaps(seeded, TYPE2_START, TYPE2_END, SOC2)
    frequency = {c.id: c.frequency.value for c in seeds.controls}
    monitored = {p.control_id: p for p in report.controls if frequency[p.control_id] in ("continuous", "daily")}
    assert len(monitored) >= 20
    gaps = {c: [i.start.date().isoformat() for i in p.intervals if i.is_gap] for c, p in monitored.items()}
    assert {c: days for c, days in gaps.items() if days} == {
        "AGC-INF-03": ["2026-06-15", "2026-06-16"],  # log shipping down 06-14 08:12 to 06-17 08:12
        "AGC-IAM-04": ["2026-09-03"],  # reconciliation runs of 09-02 and 09-03 failed
    }
    # The SOC 2 Type II page shows a handful of gaps, all of them the demo's designed stories.
    assert 0 < sum(p.gaps for p in report.controls) < 25


def _default_period_gaps(today: datetime) -> dict[str, int]:
    """Each SOC 2 control's gaps over the Type II page's default period (the 12 months ending
    yesterday) on the demo as `serve --demo` loads it at `today`."""
    store = EmbeddedStore()
    load_demo(store, today)
    day = today.replace(hour=0, minute=0, second=0, microsecond=0)
    report = evidence_gaps(store, day.replace(year=day.year - 1), day, SOC2)
    store.close()
    return {p.control_id: p.gaps for p in report.controls if p.gaps}


def test_the_demo_shows_the_same_gaps_whatever_the_hour_it_is_started() -> None:
    # The demo moves by whole minutes so its reference lands on now; daily intervals start at
    # midnight, so an outage whose ends could land on midnight, or a run of evidence that left
    # yesterday unobserved, would add a gap at some hours (seen: 4 instead of 2 at 02:28).
    day_after = DEMO_REFERENCE + timedelta(days=1)  # the reference's hour: the unshifted layout
    expected = _default_period_gaps(day_after)
    assert {"AGC-INF-03": 2, "AGC-IAM-04": 1}.items() <= expected.items()
    midnight = day_after.replace(hour=0, minute=0)
    for hours, minutes in [(0, 0), (1, 0), (3, 52), (4, 0), (10, 0), (21, 57), (23, 59)]:
        started = midnight + timedelta(hours=hours, minutes=minutes, seconds=20)
        assert _default_period_gaps(started) == expected, started


def test_every_demo_control_has_an_owner(seeds: Bundle) -> None:
    assert [c.id for c in seeds.controls if not c.owner] == []


def test_rebasing_the_demo_moves_observation_periods_with_collection(seeds: Bundle) -> None:
    rebased = rebase_dates(seeds, DEMO_REFERENCE, DEMO_REFERENCE + timedelta(days=3, minutes=7))
    moved = [(a, b) for a, b in zip(seeds.evidence, rebased.evidence, strict=True) if a.period_start is not None]
    assert moved
    for before, after in moved:
        assert after.period_start == before.period_start + timedelta(days=3, minutes=7)  # type: ignore[operator]
        assert after.period_end == before.period_end + timedelta(days=3, minutes=7)  # type: ignore[operator]


FRAMEWORKS = [SOC2, "iso-iec-27001-2022", "iso-iec-42001-2023", "nist-ai-rmf-1.0", "nist-csf-2.0", "eu-ai-act-2024"]


def test_every_backend_tells_the_same_demo_story(store: GraphStore, seeds: Bundle, seeded: EmbeddedStore) -> None:
    """The demo (seeds, then its imports) loads into each backend and answers exactly as the
    embedded reference does."""
    load_demo(store, DEMO_REFERENCE)
    for framework in FRAMEWORKS:
        got, want = coverage(store, framework, DEMO_NOW), coverage(seeded, framework, DEMO_NOW)
        assert [(r.criterion_id, r.status, r.derived) for r in got.criteria] == [
            (r.criterion_id, r.status, r.derived) for r in want.criteria
        ], framework

    # (compared as sets: the row order within one control is not specified)
    def rows(report: MissingEvidenceReport) -> list[tuple[str, str, str, datetime | None]]:
        return sorted((r.control_id, r.asset_id or "", r.reason.value, r.since) for r in report.rows)

    assert rows(missing_evidence(store, DEMO_NOW)) == rows(missing_evidence(seeded, DEMO_NOW))
    got_gaps = evidence_gaps(store, TYPE2_START, TYPE2_END, SOC2)
    want_gaps = evidence_gaps(seeded, TYPE2_START, TYPE2_END, SOC2)
    assert [(p.control_id, p.gaps) for p in got_gaps.controls] == [(p.control_id, p.gaps) for p in want_gaps.controls]


@pytest.mark.parametrize("hour", [0, 1, 11, 12, 13, 23])
def test_the_rebased_demo_tells_the_same_story_whatever_the_hour_it_starts(
    seeds: Bundle, seeded: EmbeddedStore, hour: int
) -> None:
    """`serve --demo` shifts the demo so its reference instant is the moment it starts (to the
    minute, never later): started at any hour it answers as the demo does at its reference."""
    # Yesterday at that hour: a store refuses evidence collected past its own clock.
    started = (datetime.now(UTC) - timedelta(days=1)).replace(hour=hour, minute=37, second=29, microsecond=0)
    rebased = rebase_dates(seeds, DEMO_REFERENCE, started)
    assert max(e.collected_at for e in rebased.evidence) <= started
    store = EmbeddedStore()
    try:
        load_demo(store, started)  # as `serve --demo` does: the seeds, then the imports, all rebased
        now = coverage(store, SOC2, started)
    finally:
        store.close()
    then = coverage(seeded, SOC2, DEMO_REFERENCE)
    assert now.totals == then.totals
    assert [(r.criterion_id, r.status) for r in now.criteria] == [(r.criterion_id, r.status) for r in then.criteria]


# The cloud provider's SOC 2 Type II report, written around the demo's reference instant like
# every demo date (rebased with them by `serve --demo`).
CLOUD_REPORT_ENDS = datetime(2027, 3, 31, tzinfo=UTC)


def test_demo_cc6_4_is_carved_out_to_the_cloud_provider_until_its_report_lapses(seeded: EmbeddedStore) -> None:
    cloud = seeded.get_nodes(Label.VENDOR, ["ven-cumulus-cloud"])["ven-cumulus-cloud"]
    assert isinstance(cloud, Vendor) and cloud.report_kind is ReportKind.SOC2_TYPE2
    assert cloud.report_valid_until == CLOUD_REPORT_ENDS
    assert seeded.related(Rel.RELIES_ON, ["AGC-INF-06"]) == {"AGC-INF-06": ["ven-cumulus-cloud"]}
    row = {r.criterion_id: r for r in coverage(seeded, SOC2, DEMO_NOW).criteria}[f"{SOC2}:CC6.4"]
    assert (row.status, row.carved_out) == (CoverageStatus.COVERED, True)
    assert [(f.control_id, f.status, f.effective) for f in row.controls] == [
        ("AGC-INF-06", ControlStatus.CARVED_OUT, True)
    ]
    assert not [r for r in missing_evidence(seeded, DEMO_NOW).rows if r.control_id == "AGC-INF-06"]
    # At the report's end (and after it) the carve-out no longer stands in: missing, naming the vendor.
    for after in (CLOUD_REPORT_ENDS, CLOUD_REPORT_ENDS + timedelta(days=1)):
        late = {r.criterion_id: r for r in coverage(seeded, SOC2, after).criteria}[f"{SOC2}:CC6.4"]
        assert (late.status, late.carved_out) == (CoverageStatus.PARTIAL, True)
        rows = [r for r in missing_evidence(seeded, after, SOC2).rows if r.control_id == "AGC-INF-06"]
        assert [(r.vendor_id, r.reason, r.since) for r in rows] == [
            ("ven-cumulus-cloud", EvidenceState.VENDOR_REPORT_EXPIRED, CLOUD_REPORT_ENDS)
        ]


def test_rebasing_moves_a_bundles_change_history_too() -> None:
    history = Bundle(changes=[Change(asset="m", at=DEMO_REFERENCE - timedelta(days=2), note="retrained")])
    rebased = rebase_dates(history, DEMO_REFERENCE, DEMO_REFERENCE + timedelta(days=3))
    assert [(c.at, c.note) for c in rebased.changes] == [(DEMO_REFERENCE + timedelta(days=1), "retrained")]


def test_rebasing_the_demo_moves_its_findings_instants() -> None:
    # The demo's findings come from its scans (imported with the same shift); a bundle's are moved too.
    seen = DEMO_REFERENCE - timedelta(days=20)
    findings = [
        Finding(
            id="f-open", asset="a", severity=Severity.HIGH, plugin="1", name="open", first_seen=seen, last_seen=seen
        ),
        Finding(
            id="f-fixed",
            asset="a",
            severity=Severity.LOW,
            plugin="2",
            name="fixed",
            first_seen=seen,
            last_seen=seen,
            status=FindingStatus.FIXED,
            fixed_at=seen + timedelta(days=7),
        ),
    ]
    shift = timedelta(days=3, minutes=7)
    rebased = rebase_dates(Bundle(findings=findings), DEMO_REFERENCE, DEMO_REFERENCE + shift)
    for before, after in zip(findings, rebased.findings, strict=True):
        assert (after.first_seen, after.last_seen) == (before.first_seen + shift, before.last_seen + shift)
        assert after.fixed_at == (before.fixed_at + shift if before.fixed_at is not None else None)
