"""Findings on both stores (DESIGN.md "Findings"; graph/checks/finding_rules.py): a later write
moves a finding only forward (each refusal names its field and leaves the graph as it was), an
asset with findings is kept like an asset that evidence covers, export -> load round-trips, and
the finding reads (pages by asset, severity and status; open counts by severity) answer alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from neo4j import Driver, Record

from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError
from graph.model import Finding, FindingStatus, Label, Severity, now_utc
from graph.queries.findings import asset_findings, findings, open_finding_counts
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from graph.stores.neo4j import findings as neo4j_findings
from tests.graphs import day

ASSETS = [
    {"id": "gpu-1", "kind": "infrastructure", "name": "GPU host 1"},
    {"id": "gpu-2", "kind": "infrastructure", "name": "GPU host 2"},
    {"id": "ep-chat", "kind": "endpoint", "name": "Chat API"},
]


def finding(fid: str, asset: str = "gpu-1", severity: str = "high", **fields: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "asset": asset,
        "severity": severity,
        "plugin": "156032",
        "name": "Apache Log4j < 2.15.0 Remote Code Execution",
        "port": 8443,
        "protocol": "tcp",
        "cves": ["CVE-2021-44228", "CVE-2021-45046"],
        "cvss3": 10.0,
        "first_seen": day(-10),
        "last_seen": day(-5),
        **fields,
    }


def scanned(store: GraphStore, *found: dict[str, Any]) -> None:
    store.write(Bundle.model_validate({"assets": ASSETS, "findings": list(found)}))


def refused(store: GraphStore, *found: dict[str, Any]) -> list[str]:
    """The fields named by refusing a write of `found`; the graph is exactly as it was."""
    before = store.export()
    with pytest.raises(InvalidInputError) as error:
        store.write(Bundle.model_validate({"findings": list(found)}))
    assert store.export() == before
    return [p.field for p in error.value.problems]


# -- write rules --------------------------------------------------------------------------------


def test_a_finding_needs_an_existing_asset_named_by_its_field(store: GraphStore) -> None:
    scanned(store)
    assert refused(store, finding("f1", asset="no-such-host")) == ["findings[0].asset"]


def test_a_later_scan_moves_a_finding_only_forward(store: GraphStore) -> None:
    scanned(store, finding("f1"), finding("f2", severity="critical"))
    moved_first = finding("f1", first_seen=day(-11))
    backwards = finding("f2", severity="critical", last_seen=day(-6))
    assert refused(store, moved_first, backwards) == ["findings[0].first_seen", "findings[1].last_seen"]
    assert refused(store, finding("f1", asset="gpu-2")) == ["findings[0].asset"]

    # Seen again later, then no longer reported: last_seen moves on, then it is fixed.
    scanned(store, finding("f1", last_seen=day(-2)))
    scanned(store, finding("f1", last_seen=day(-2), status="fixed", fixed_at=day(-1)))
    stored = store.get_nodes(Label.FINDING, ["f1"])["f1"]
    assert isinstance(stored, Finding)
    assert (stored.first_seen, stored.last_seen, stored.status, stored.fixed_at) == (
        day(-10),
        day(-2),
        FindingStatus.FIXED,
        day(-1),
    )
    # Written again exactly (an import repeated): nothing moves, nothing is refused.
    scanned(store, finding("f1", last_seen=day(-2), status="fixed", fixed_at=day(-1)))

    reopened = finding("f1", last_seen=day(0))
    moved_fix = finding("f1", last_seen=day(-2), status="fixed", fixed_at=day(0))
    assert refused(store, reopened) == ["findings[0].status"]
    assert refused(store, moved_fix) == ["findings[0].fixed_at"]


def test_a_finding_seen_in_the_future_is_refused(store: GraphStore) -> None:
    scanned(store)
    later = now_utc() + timedelta(hours=1)
    assert refused(store, finding("f1", last_seen=later)) == ["findings[0].last_seen"]
    fixed_later = finding("f1", status="fixed", fixed_at=later)
    assert refused(store, fixed_later) == ["findings[0].fixed_at"]


def test_an_asset_with_findings_is_kept_like_one_that_evidence_covers(store: GraphStore) -> None:
    scanned(store, finding("f1"), finding("f2", severity="low", port=22))
    before = store.export()
    with pytest.raises(ConflictError, match=r"asset: 'gpu-1' is affected by findings f1, f2; findings are kept"):
        store.delete_asset("gpu-1")
    assert store.export() == before
    store.delete_asset("gpu-2")  # no finding: deleted as before
    assert not store.get_nodes(Label.ASSET, ["gpu-2"])


def test_export_then_load_round_trips_findings(store: GraphStore) -> None:
    scanned(
        store,
        finding("f1"),
        finding("f2", asset="ep-chat", severity="info", cves=[], cvss3=None, port=0, protocol=""),
        finding("f3", severity="medium", last_seen=day(-4), status="fixed", fixed_at=day(-3)),
    )
    exported = store.export()
    assert [f.id for f in exported.findings] == ["f1", "f2", "f3"]
    again = EmbeddedStore()
    try:
        again.write(Bundle.model_validate_json(exported.model_dump_json()))
        assert again.export() == exported
    finally:
        again.close()
    store.write(exported)  # loaded back into itself: the same graph
    assert store.export() == exported


# -- reads ---------------------------------------------------------------------------------------


def test_finding_pages_by_asset_severity_and_status_and_open_counts(store: GraphStore) -> None:
    # Ids in natural order: f2 < f10, which a plain string sort would not give.
    scanned(
        store,
        finding("f10", severity="critical"),
        finding("f2", severity="high"),
        finding("f3", asset="gpu-2", severity="critical"),
        finding("f4", asset="gpu-2", severity="low", last_seen=day(-4), status="fixed", fixed_at=day(-3)),
        finding("f5", asset="ep-chat", severity="medium"),
    )

    def ids(page: Any) -> tuple[list[str], int]:
        return [f.id for f in page.findings], page.total

    assert ids(findings(store)) == (["f2", "f3", "f4", "f5", "f10"], 5)
    assert ids(findings(store, first=2)) == (["f2", "f3"], 5)
    assert ids(findings(store, first=2, after="f3")) == (["f4", "f5"], 5)
    assert ids(findings(store, first=2, after="f5")) == (["f10"], 5)
    assert ids(findings(store, asset="gpu-1")) == (["f2", "f10"], 2)
    assert ids(findings(store, asset="gpu-2", status=FindingStatus.OPEN)) == (["f3"], 1)
    critical = findings(store, severity=[Severity.CRITICAL])
    assert ids(critical) == (["f3", "f10"], 2)
    assert ids(findings(store, severity=[Severity.CRITICAL, Severity.MEDIUM], first=1, after="f3")) == (["f5"], 3)
    assert ids(findings(store, status=FindingStatus.FIXED)) == (["f4"], 1)
    assert ids(findings(store, asset="ep-chat", severity=[Severity.LOW])) == ([], 0)

    full = findings(store, asset="gpu-1", first=1, after="f2").findings[0]
    assert full == Finding.model_validate(finding("f10", severity="critical"))

    pages = asset_findings(store, ["gpu-2", "gpu-1", "ep-chat", "nothing"], first=1)
    assert {a: ids(p) for a, p in pages.items()} == {
        "gpu-2": (["f3"], 2),
        "gpu-1": (["f2"], 2),
        "ep-chat": (["f5"], 1),
        "nothing": ([], 0),
    }
    open_only = asset_findings(store, ["gpu-2"], status=FindingStatus.OPEN, after="f3")
    assert ids(open_only["gpu-2"]) == ([], 1)

    counts = open_finding_counts(store, ["gpu-1", "gpu-2"])
    assert [(s.value, n) for s, n in counts] == [("critical", 2), ("high", 1), ("medium", 0), ("low", 0), ("info", 0)]
    assert all(n == 0 for _s, n in open_finding_counts(store, []))


def test_finding_reads_name_a_bad_argument(store: GraphStore) -> None:
    scanned(store, finding("f1"))
    assert findings(store, asset="gpu-2").total == 0  # an asset without findings: an empty page
    with pytest.raises(Exception, match=r"asset: Asset 'nope' does not exist"):
        findings(store, asset="nope")
    with pytest.raises(InvalidInputError, match=r"first: must be between 0 and 500"):
        findings(store, first=501)
    assert findings(store, first=0).findings == [] and findings(store, first=0).total == 1


# -- Neo4j: one statement each, the asset lookups an index seek -------------------------------------


def _node_reads(plan: dict[str, Any]) -> list[str]:
    """How the plan finds nodes: each leaf operator with its details."""
    children = plan.get("children", [])
    if not children:
        return [f"{plan['operatorType']} {plan['args'].get('Details', '')}"]
    return [read for child in children for read in _node_reads(child)]


@pytest.mark.neo4j
def test_neo4j_answers_each_finding_read_in_one_statement_seeking_the_asset_index(
    neo4j: Neo4jStore, raw: Driver
) -> None:
    scanned(neo4j, finding("f1"), finding("f2", asset="gpu-2", severity="critical"))
    sent: list[str] = []
    real = neo4j.connection.read

    def read(query: str, **params: Any) -> list[Record]:
        sent.append(query)
        return real(query, **params)

    neo4j.connection.read = read  # type: ignore[method-assign]
    assert findings(neo4j, asset="gpu-1").total == 1
    assert findings(neo4j, severity=[Severity.CRITICAL]).total == 1
    assert asset_findings(neo4j, ["gpu-1", "gpu-2", "ep-chat"])["gpu-2"].total == 1
    assert dict(open_finding_counts(neo4j, ["gpu-1", "gpu-2"]))[Severity.HIGH] == 1
    assert len(sent) == 4
    params = {"assets": ["gpu-1"], "severities": [], "status": None, "after": "", "first": 10}
    # Every node read of the asset-filtered statements seeks the asset index: never a label scan,
    # nor a walk of the order index filtered by asset (which would read other assets' findings).
    for statement in (neo4j_findings.PAGE_OF_ASSETS, neo4j_findings.PAGE_PER_ASSET, neo4j_findings.OPEN_COUNTS):
        _records, summary, _keys = raw.execute_query(f"EXPLAIN {statement}", params)
        assert summary.plan is not None
        reads = [r for r in _node_reads(summary.plan) if not r.startswith("Unwind")]
        assert reads and all(r.startswith("NodeIndexSeek@") and "Finding(asset)" in r for r in reads), reads
