"""How a scan's reports move stored findings (graph/imports/finding_lifecycle.py), on plain values:
the cases the lab scans do not reach."""

from __future__ import annotations

from datetime import UTC, datetime

from graph.imports.finding_lifecycle import Reported, plan_findings, recurrence_id
from graph.imports.nessus import NessusHost, NessusItem
from graph.model import Finding, FindingStatus, Severity, derived_finding_id

MAY, JUNE, JULY, AUGUST = (datetime(2026, month, 1, tzinfo=UTC) for month in (5, 6, 7, 8))
ITEM = NessusItem("42873", "SWEET32", 443, "tcp", "www", Severity.MEDIUM, ("CVE-2016-2183",), 7.5)
FIRST_ID = derived_finding_id("web.example", "42873", 443, "tcp")


def _seen(at: datetime) -> dict[str, list[Reported]]:
    return {"web": [Reported(NessusHost("web.example", None, None, None, None, at, (ITEM,)), ITEM)]}


def _finding(first: datetime, last: datetime, fixed: datetime | None = None, fid: str = FIRST_ID) -> Finding:
    status = FindingStatus.FIXED if fixed else FindingStatus.OPEN
    return Finding(
        id=fid, asset="web", severity=Severity.MEDIUM, plugin="42873", name="SWEET32", port=443, protocol="tcp",
        first_seen=first, last_seen=last, status=status, fixed_at=fixed,
    )  # fmt: skip


def test_a_scan_older_than_the_first_sighting_moves_nothing() -> None:
    plan = plan_findings({"web": MAY}, _seen(MAY), [_finding(JUNE, JULY)])
    assert plan.findings == [] and plan.counts["findings_unchanged"] == 1


def test_a_scan_between_a_fix_and_the_recurrence_moves_nothing() -> None:
    stored = [_finding(MAY, MAY, fixed=JUNE), _finding(AUGUST, AUGUST, fid=recurrence_id(FIRST_ID, AUGUST))]
    plan = plan_findings({"web": JULY}, _seen(JULY), stored)
    assert plan.findings == [] and plan.counts["findings_unchanged"] == 1


def test_a_second_recurrence_gets_an_id_of_its_own() -> None:
    second = _finding(JUNE, JUNE, fixed=JULY, fid=recurrence_id(FIRST_ID, JUNE))
    plan = plan_findings({"web": AUGUST}, _seen(AUGUST), [_finding(MAY, MAY, fixed=JUNE), second])
    [back] = plan.findings
    assert back.id == recurrence_id(FIRST_ID, AUGUST) and back.first_seen == AUGUST


def test_a_new_finding_never_takes_over_the_id_another_asset_holds() -> None:
    plan = plan_findings({"web": MAY}, _seen(MAY), [], taken={FIRST_ID})
    [new] = plan.findings
    assert new.id == recurrence_id(FIRST_ID, MAY) and new.asset == "web"


def test_a_host_scanned_without_items_has_its_open_findings_fixed() -> None:
    plan = plan_findings({"web": JULY}, {}, [_finding(MAY, JUNE)])
    [fixed] = plan.findings
    assert fixed.status is FindingStatus.FIXED and fixed.fixed_at == JULY and fixed.last_seen == JUNE
