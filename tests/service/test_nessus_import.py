"""`attestgraph import --nessus` and `POST /api/imports/nessus` on both stores: a scan becomes one
evidence item (covering only the scanned assets in the control's scope) and findings; a repeat
changes nothing; a later scan moves last_seen and fixes what it no longer reports; an older scan
moves nothing back; a finding back after its fix is a new finding; bad files are refused naming
the reason, with the graph exactly as it was."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.access.keys import Role
from graph.imports.finding_lifecycle import recurrence_id
from graph.model import AssetIdentifier, Evidence, EvidenceStatus, FindingStatus, Label, Rel, derived_finding_id
from graph.store import GraphStore
from tests.service.cli_imports import cli_graph
from tests.service.conftest import LiveServer
from tests.service.nessus_lab import FIRST_SCAN, LAB, SCANS, SECOND_SCAN, findings_by_plugin

T1_GPU = datetime(2026, 11, 2, 9, 14, 41, tzinfo=UTC)
T1_LAST = datetime(2026, 11, 2, 9, 40, tzinfo=UTC)  # the training node's HOST_END_TIMESTAMP (its text says 10:40)
T2_GPU = datetime(2026, 11, 16, 9, 12, 30, tzinfo=UTC)
T3_GPU = datetime(2026, 11, 23, 9, 14, 41, tzinfo=UTC)


def _report(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


def _evidence(store: GraphStore, evidence_id: str) -> Evidence:
    found = store.get_nodes(Label.EVIDENCE, [evidence_id])[evidence_id]
    assert isinstance(found, Evidence)
    return found


def test_scans_through_the_cli_record_evidence_and_move_findings(
    store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = cli_graph(store, request, tmp_path, monkeypatch)
    with graph.opened() as opened:
        opened.write(LAB)
    first = _report(graph.run("--nessus", str(FIRST_SCAN), "--control", "CTL-VULN", "--json"))
    assert first["counts"] == {
        "findings_fixed": 0,
        "findings_new": 10,
        "findings_reopened": 0,
        "findings_seen_again": 0,
        "findings_skipped_unmatched_host": 1,
        "findings_unchanged": 0,
        "hosts": 4,
        "hosts_created": 0,
        "hosts_matched": 3,
        "hosts_outside_control_scope": 1,
        "hosts_unmatched": 1,
    }
    assert first["unmatched"] == [AssetIdentifier(kind="ip", value="10.0.5.99").key]
    assert first["not_covered"] == ["srv-train"] and first["written"] is True
    with graph.opened() as opened:
        evidence = _evidence(opened, first["evidence"])
        assert evidence.kind == "vulnerability_scan" and evidence.control == "CTL-VULN"
        assert evidence.collected_at == T1_LAST  # the last HOST_END, the epoch tag preferred
        assert evidence.sha256 == hashlib.sha256(FIRST_SCAN.read_bytes()).hexdigest()
        assert evidence.status is EvidenceStatus.ACCEPTED  # the CLI records as admin
        assert opened.related(Rel.COVERS, [evidence.id])[evidence.id] == ["srv-gpu", "srv-web"]
        found = findings_by_plugin(opened)
        [nvidia] = found[("srv-gpu", "200514")]
        assert nvidia.id == derived_finding_id("gpu-node-01.lab.example", "200514", 0, "tcp")
        assert (nvidia.severity.value, nvidia.port, nvidia.cvss3) == ("critical", 0, 9.8)
        assert nvidia.cves == ["CVE-2024-0126", "CVE-2024-0131", "CVE-2024-0147", "CVE-2024-0149"]
        assert nvidia.first_seen == nvidia.last_seen == T1_GPU and nvidia.status is FindingStatus.OPEN
        [sweet32] = found[("srv-web", "42873")]
        assert sweet32.id == derived_finding_id("10.0.5.12", "42873", 443, "tcp")  # the IP-only host
        assert (sweet32.severity.value, sweet32.cves, sweet32.cvss3) == ("medium", ["CVE-2016-2183"], 7.5)
        assert found[("srv-web", "11219")][0].severity.value == "info"
        assert found[("srv-train", "57582")][0].protocol == "udp"  # outside the scope, its findings kept
        entries = opened.access.audit_entries(first=10, newest_first=True)
        assert entries[0].operation == "cli:import --nessus" and entries[0].role == "admin"
    after_first = graph.export()

    repeat = _report(graph.run("--nessus", str(FIRST_SCAN), "--control", "CTL-VULN", "--json"))
    assert repeat["written"] is False and repeat["evidence"] == first["evidence"]
    assert graph.export() == after_first

    second = _report(graph.run("--nessus", str(SECOND_SCAN), "--control", "CTL-VULN", "--json"))
    assert {k: second["counts"][k] for k in ("findings_new", "findings_seen_again", "findings_fixed")} == {
        "findings_new": 1,
        "findings_seen_again": 7,
        "findings_fixed": 1,
    }
    with graph.opened() as opened:
        found = findings_by_plugin(opened)
        [nvidia] = found[("srv-gpu", "200514")]
        assert nvidia.status is FindingStatus.FIXED and nvidia.fixed_at == T2_GPU and nvidia.last_seen == T1_GPU
        assert found[("srv-gpu", "187201")][0].last_seen == T2_GPU
        assert found[("srv-train", "156860")][0].status is FindingStatus.OPEN  # not in this scan: untouched
    after_second = graph.export()

    late = _report(graph.run("--nessus", str(FIRST_SCAN), "--control", "CTL-VULN", "--json"))
    assert late["written"] is False  # the older scan again: nothing moves back, nothing seen later is fixed
    assert graph.export() == after_second

    third_file = tmp_path / "lab-scan-2026-11-23.nessus"
    third_file.write_bytes(FIRST_SCAN.read_bytes().replace(b"Nov  2", b"Nov 23"))
    third = _report(graph.run("--nessus", str(third_file), "--control", "CTL-VULN", "--json"))
    assert third["counts"]["findings_reopened"] == 1 and third["counts"]["findings_fixed"] == 1
    with graph.opened() as opened:
        fixed, back = findings_by_plugin(opened)[("srv-gpu", "200514")]
        assert fixed == nvidia  # the past stays as it was
        assert back.id == recurrence_id(nvidia.id, T3_GPU) and back.first_seen == T3_GPU
        assert back.status is FindingStatus.OPEN
        [weak_mac] = findings_by_plugin(opened)[("srv-gpu", "71049")]
        assert weak_mac.fixed_at == T3_GPU


BAD_FILES = {
    "bad-billion-laughs.nessus": "declares the entity 'lol'",
    "bad-external-entity.nessus": "declares the external entity 'host'",
    "bad-v1-root.nessus": "root element is <NessusClientData>, not <NessusClientData_v2>",
    "bad-truncated.nessus": "is not well-formed XML",
    "bad-not-xml.nessus": "is not well-formed XML",
}


def test_bad_files_and_options_are_refused_through_the_cli_changing_nothing(
    store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = cli_graph(store, request, tmp_path, monkeypatch)
    with graph.opened() as opened:
        opened.write(LAB)
        audited = opened.access.audit_count()
    before = graph.export()
    bad_severity = tmp_path / "bad-severity.nessus"
    bad_severity.write_bytes(SECOND_SCAN.read_bytes().replace(b'severity="3"', b'severity="7"'))
    cases = {**{str(SCANS / name): ("file", reason) for name, reason in BAD_FILES.items()}}
    cases[str(bad_severity)] = ("Report.ReportHost[1].ReportItem[3].severity", "'7' is not a whole number from 0 to 4")
    for path, (field, reason) in cases.items():
        result = graph.run("--nessus", path, "--control", "CTL-VULN")
        assert result.exit_code != 0 and f"{field}: {reason}" in result.output, (path, result.output)
    no_control = graph.run("--nessus", str(FIRST_SCAN))
    assert no_control.exit_code != 0 and "control: is required" in no_control.output
    unknown = graph.run("--nessus", str(FIRST_SCAN), "--control", "CTL-NOPE")
    assert unknown.exit_code != 0 and "control: 'CTL-NOPE' is not a control" in unknown.output
    assert graph.export() == before
    with graph.opened() as opened:
        assert opened.access.audit_count() == audited


def test_an_evidence_collector_uploads_a_scan_over_http(store: GraphStore, live: LiveServer) -> None:
    store.write(LAB)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    url = f"{live.url}/api/imports/nessus"
    params = {"control": "CTL-VULN", "create_assets": "true", "name": FIRST_SCAN.name}
    assert live.as_role(Role.VIEWER).client.post(url, params=params, content=FIRST_SCAN.read_bytes()).status_code == 403

    before = store.export()
    bad = collector.client.post(url, params=params, content=(SCANS / "bad-billion-laughs.nessus").read_bytes())
    assert bad.status_code == 422 and "declares the entity 'lol'" in bad.text
    no_control = collector.client.post(url, params={"create_assets": "true"}, content=FIRST_SCAN.read_bytes())
    assert no_control.status_code == 422 and "control" in no_control.text
    assert store.export() == before

    answer = collector.client.post(url, params=params, content=FIRST_SCAN.read_bytes())
    assert answer.status_code == 200, answer.text
    report = answer.json()
    [created] = report["created_assets"]
    assert report["counts"]["hosts_created"] == 1 and report["counts"]["findings_new"] == 11
    assert report["unmatched"] == [] and sorted(report["not_covered"]) == sorted(["srv-train", created])
    made = store.get_nodes(Label.ASSET, [created])[created]
    assert made.model_dump()["kind"] == "infrastructure"
    assert [i.key for i in made.identifiers] == [AssetIdentifier(kind="ip", value="10.0.5.99").key]  # type: ignore[attr-defined]
    evidence = _evidence(store, report["evidence"])
    assert evidence.status is EvidenceStatus.PENDING  # a collector's evidence waits for review
    [entry] = store.access.audit_entries(first=1, newest_first=True)
    assert entry.operation == "POST /api/imports/nessus" and entry.role == "evidence-collector"

    automated = collector.client.post(url, params={"control": "CTL-AUTO"}, content=SECOND_SCAN.read_bytes()).json()
    assert automated["not_covered"] == ["srv-web"]  # CTL-AUTO applies to the GPU node only
    scan_evidence = _evidence(store, automated["evidence"])
    assert scan_evidence.status is EvidenceStatus.ACCEPTED  # the control's own automation records it accepted
    assert store.related(Rel.COVERS, [scan_evidence.id])[scan_evidence.id] == ["srv-gpu"]
