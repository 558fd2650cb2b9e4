"""How one scan's reports move the findings already stored for the assets it scanned.

A finding on an asset is known by (plugin, port, protocol). For each one the scan reports at
instant t (its host's HOST_END):

- no finding of that key yet: a new finding, open, first_seen = last_seen = t, id
  `derived_finding_id(host, plugin, port, protocol)` (host as the scan names it; when a finding
  of another asset holds that id, a host name that moved, it is derived as a recurrence's);
- t falls in a stored occurrence's open span (`first_seen <= t`, not fixed by t): its
  `last_seen` moves to t when t is later; nothing else of it changes (severity, name, CVEs stay
  as first recorded, so an answer about the past keeps its finding as it was then);
- every occurrence was fixed at or before t: the finding came back. The fixed one stays fixed
  (past answers must not change) and the recurrence is a new finding whose id is derived from
  the first one's and its own first_seen (`recurrence_id`), so importing the file again finds it;
- t lies before what is stored (an older scan imported late): nothing moves, neither
  first_seen (a fact once recorded) nor last_seen backwards.

Every open finding of a scanned asset that the scan does not report is fixed at that asset's
scan time, unless it was last seen at or after that time (again: an older scan fixes nothing
seen later). Assets the scan did not reach are left alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from graph.imports.nessus import NessusHost, NessusItem
from graph.model import Finding, FindingStatus, derived_finding_id

FindingKey = tuple[str, int, str]  # plugin, port, protocol


@dataclass(frozen=True)
class Reported:
    """One item a scan reported for an asset, and when (its host's HOST_END)."""

    host: NessusHost
    item: NessusItem

    @property
    def at(self) -> datetime:
        return self.host.ended_at

    @property
    def key(self) -> FindingKey:
        return (self.item.plugin, self.item.port, self.item.protocol)


@dataclass
class FindingPlan:
    """The findings to write (new or changed) and what happened to each reported item."""

    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("findings_new", "findings_reopened", "findings_seen_again", "findings_fixed", "findings_unchanged"), 0
        )
    )


def recurrence_id(first_id: str, first_seen: datetime) -> str:
    """The id of a finding reported again after it was fixed: stable for the same occurrence."""
    key = f"{first_id}\x00{first_seen.isoformat()}"
    return "fnd-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def first_ids(reported: Mapping[str, Iterable[Reported]]) -> set[str]:
    """The ids the reported items' first occurrences have: to ask the store which are taken."""
    return {derived_finding_id(r.host.name, *r.key) for items in reported.values() for r in items}


def plan_findings(
    scanned: Mapping[str, datetime],
    reported: Mapping[str, Iterable[Reported]],
    stored: Iterable[Finding],
    taken: Collection[str] = (),
) -> FindingPlan:
    """What a scan does to the `stored` findings of the assets it `scanned` (asset id -> its
    latest HOST_END in the scan), given the items it `reported` per asset. `taken`: finding ids
    held by findings of other assets (a host name that moved to another asset): a new finding
    never takes one of them over."""
    by_key: dict[tuple[str, FindingKey], list[Finding]] = defaultdict(list)
    for finding in stored:
        by_key[(finding.asset, (finding.plugin, finding.port, finding.protocol))].append(finding)
    plan = FindingPlan()
    for asset, scanned_at in sorted(scanned.items()):
        latest = _latest_per_key(reported.get(asset, ()))
        for key, report in sorted(latest.items()):
            occurrences = sorted(by_key.get((asset, key), []), key=lambda f: f.first_seen)
            _apply_report(plan, asset, report, occurrences, taken)
        for (owner, key), occurrences in sorted(by_key.items()):
            if owner != asset or key in latest:
                continue
            for finding in occurrences:
                if finding.status is FindingStatus.OPEN and finding.last_seen < scanned_at:
                    fixed = {"status": FindingStatus.FIXED, "fixed_at": scanned_at}
                    plan.findings.append(finding.model_copy(update=fixed))
                    plan.counts["findings_fixed"] += 1
    return plan


def _latest_per_key(items: Iterable[Reported]) -> dict[FindingKey, Reported]:
    # Two hosts of one scan may be one asset (its name and its IP scanned apart): the later report wins.
    latest: dict[FindingKey, Reported] = {}
    for report in items:
        known = latest.get(report.key)
        if known is None or report.at > known.at:
            latest[report.key] = report
    return latest


def _apply_report(
    plan: FindingPlan, asset: str, report: Reported, occurrences: list[Finding], taken: Collection[str]
) -> None:
    at = report.at
    for finding in occurrences:
        if finding.first_seen <= at and (finding.fixed_at is None or at < finding.fixed_at):
            if at > finding.last_seen:
                plan.findings.append(finding.model_copy(update={"last_seen": at}))
                plan.counts["findings_seen_again"] += 1
            else:
                plan.counts["findings_unchanged"] += 1
            return
    if not occurrences:
        first_id = derived_finding_id(report.host.name, *report.key)
        finding_id = recurrence_id(first_id, at) if first_id in taken else first_id
        plan.findings.append(_new_finding(finding_id, asset, report))
        plan.counts["findings_new"] += 1
        return
    last = occurrences[-1]
    if last.fixed_at is not None and at >= last.fixed_at:
        plan.findings.append(_new_finding(recurrence_id(occurrences[0].id, at), asset, report))
        plan.counts["findings_reopened"] += 1
        return
    plan.counts["findings_unchanged"] += 1  # older than what is stored: nothing moves back


def _new_finding(finding_id: str, asset: str, report: Reported) -> Finding:
    item = report.item
    return Finding(
        id=finding_id,
        asset=asset,
        severity=item.severity,
        plugin=item.plugin,
        name=item.name,
        port=item.port,
        protocol=item.protocol,
        cves=list(item.cves),
        cvss3=item.cvss3,
        first_seen=report.at,
        last_seen=report.at,
    )
