"""The demo is partly built by imports: its two Nessus scans of the GPU hosts load as evidence of
AGC-INF-07 and as findings, with exactly one finding past the control's finding_policy at the
demo's reference day (moved to the day it is loaded, like every demo date)."""

from __future__ import annotations

from datetime import timedelta

from graph.demo import load_demo
from graph.model import Control, Evidence, EvidenceStatus, Finding, FindingStatus, Label, Rel, now_utc
from graph.seeds import DEMO_REFERENCE, rebase_shift
from graph.stores.embedded import EmbeddedStore


def test_the_demo_loads_its_scans_with_one_overdue_finding() -> None:
    store = EmbeddedStore()
    try:
        today = now_utc()  # the demo is rebased onto the day it is loaded
        demo = load_demo(store, today)
        reference = DEMO_REFERENCE + rebase_shift(DEMO_REFERENCE, today)
        scans = [r for r in demo.imports if r.format.value == "nessus"]
        assert len(scans) == 2 and all(r.written and not r.unmatched for r in scans)
        assert scans[1].counts["findings_fixed"] == 1

        control = store.get_nodes(Label.CONTROL, ["AGC-INF-07"])["AGC-INF-07"]
        assert isinstance(control, Control) and control.finding_policy is not None
        for report in scans:
            assert report.evidence is not None
            evidence = store.get_nodes(Label.EVIDENCE, [report.evidence])[report.evidence]
            assert isinstance(evidence, Evidence) and evidence.kind == "vulnerability_scan"
            assert evidence.status is EvidenceStatus.ACCEPTED and evidence.collected_at < reference
            covered = store.related(Rel.COVERS, [evidence.id])[evidence.id]
            assert covered == ["inf-gpu-cluster", "inf-training-cluster"]

        findings = [f for f in store.list_nodes(Label.FINDING, first=100) if isinstance(f, Finding)]
        assert {f.asset for f in findings} == {"inf-gpu-cluster", "inf-training-cluster"}
        assert any(f.status is FindingStatus.FIXED for f in findings)
        overdue = [
            f
            for f in findings
            if f.first_seen <= reference
            and (f.fixed_at is None or f.fixed_at > reference)
            and f.severity in control.finding_policy
            and reference - f.first_seen > timedelta(days=control.finding_policy[f.severity])
        ]
        assert [(f.asset, f.severity.value, f.plugin) for f in overdue] == [("inf-gpu-cluster", "high", "206122")]
    finally:
        store.close()
