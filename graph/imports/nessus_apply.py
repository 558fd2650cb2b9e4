"""`import_nessus`: one Nessus scan into the graph in one all-or-nothing write.

The scan's hosts are matched to assets by identifiers (a host name from `host-fqdn` or the
ReportHost name when it is a name; an IP from `host-ip` or the name when it is an IP; the first
that an asset holds wins), or, with `create_assets`, made as new infrastructure assets carrying
both. The file becomes one evidence item of the chosen control (`kind: vulnerability_scan`,
collected at the scan's last HOST_END, the file's SHA-256, an id derived from that hash and the
control, so importing the same file again is the same item) that `COVERS` the scanned assets the
control applies to; scanned assets outside its scope are listed in the report, not covered. Its
status is what the recording role may record: admin and a control's own automation
(`automated: true`) record it accepted, an evidence-collector otherwise pending review (DESIGN.md
"Evidence review"). Each ReportItem becomes or moves a `Finding` (graph/imports/finding_lifecycle.py).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from graph.access.audit import pending_audit
from graph.access.keys import Role
from graph.bundle import Bundle
from graph.checks.write_rules import may_record_accepted
from graph.errors import ConflictError, InvalidInputError
from graph.imports.finding_lifecycle import Reported, first_ids, plan_findings
from graph.imports.matching import planned_asset
from graph.imports.nessus import NessusHost, NessusScan, parse_nessus
from graph.imports.registry import ImportFormat, ImportOptions, ImportReport, file_sha256
from graph.model import (
    Asset,
    AssetIdentifier,
    Control,
    Evidence,
    EvidenceStatus,
    Finding,
    IdentifierKind,
    Label,
    Link,
    Rel,
)
from graph.store import GraphStore

EVIDENCE_KIND = "vulnerability_scan"


@dataclass
class PlacedHosts:
    """Where each host of the scan is in the graph (by its position in the scan)."""

    asset_of: dict[int, str] = field(default_factory=dict)
    created: list[Asset] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # identifier keys of hosts no asset holds


def import_nessus(store: GraphStore, data: bytes, options: ImportOptions) -> ImportReport:
    """Import a `.nessus` v2 file as evidence of `options.control` and findings of its hosts."""
    if not options.control:
        raise InvalidInputError.one("control", "is required: a scan is recorded as evidence of a control (--control)")
    scan = parse_nessus(data, options.shift)
    control = store.get_nodes(Label.CONTROL, [options.control]).get(options.control)
    if not isinstance(control, Control):
        raise InvalidInputError.one("control", f"'{options.control[:200]}' is not a control")
    placed = place_hosts(store, scan.hosts, create=options.create_assets)
    scanned = sorted(set(placed.asset_of.values()))
    scope = set(store.related(Rel.APPLIES_TO, [control.id]).get(control.id, []))
    covered = [a for a in scanned if a in scope]
    outside = [a for a in scanned if a not in scope] if scope else []

    evidence = _scan_evidence(scan, data, control, options.source_name)
    # Never speak for assets outside the control's scope: a scan of none of them is no evidence of it.
    speaks = bool(covered) or not scope
    on_record = speaks and bool(store.get_nodes(Label.EVIDENCE, [evidence.id]))  # this file, imported before
    record_evidence = speaks and not on_record

    scanned_at, reported = _reported(scan, placed)
    stored = _stored_findings(store, scanned)
    candidates = sorted(first_ids(reported) - {f.id for f in stored})
    taken = set(store.get_nodes(Label.FINDING, candidates)) if candidates else set()
    plan = plan_findings(scanned_at, reported, stored, taken)
    bundle = Bundle(
        assets=placed.created,
        evidence=[evidence] if record_evidence else [],
        covers=[Link(source=evidence.id, target=a) for a in covered] if record_evidence else [],
        findings=plan.findings,
    )
    written = bool(bundle.assets or bundle.evidence or bundle.findings)
    if written:
        store.write(bundle, immutable_evidence=True)
    skipped = sum(len(host.items) for i, host in enumerate(scan.hosts) if i not in placed.asset_of)
    made = {a.id for a in placed.created}
    created_hosts = sum(1 for asset in placed.asset_of.values() if asset in made)
    counts = {
        **plan.counts,
        "hosts": len(scan.hosts),
        "hosts_matched": len(placed.asset_of) - created_hosts,
        "hosts_created": created_hosts,
        "hosts_unmatched": len(scan.hosts) - len(placed.asset_of),
        "hosts_outside_control_scope": len(outside),
        "findings_skipped_unmatched_host": skipped,
    }
    return ImportReport(
        format=ImportFormat.NESSUS,
        counts=counts,
        unmatched=placed.unmatched,
        created_assets=[a.id for a in placed.created],
        evidence=evidence.id if speaks else None,
        written=written,
        not_covered=outside,
    )


def host_identifiers(host: NessusHost, where: str) -> list[AssetIdentifier]:
    """What a host is known by, its DNS name first (the stronger match), then its IP."""
    found = []
    for kind, value in ((IdentifierKind.HOSTNAME, host.hostname), (IdentifierKind.IP, host.address)):
        if value is None:
            continue
        try:
            found.append(AssetIdentifier(kind=kind, value=value))
        except ValidationError as error:
            reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            raise InvalidInputError.one(where, f"'{value[:100]}' is not a {kind.value}: {reason}") from None
    return found


def place_hosts(store: GraphStore, hosts: tuple[NessusHost, ...], *, create: bool) -> PlacedHosts:
    """Match every host to an asset (one lookup for all); with `create`, plan an asset for each
    host none matches (written by the caller's single write)."""
    identifiers = [host_identifiers(h, f"file.Report.ReportHost[{i}].name") for i, h in enumerate(hosts)]
    holders = store.assets_by_identifiers(sorted({i.key for ids in identifiers for i in ids}))
    placed = PlacedHosts()
    planned: dict[str, Asset] = {}
    for index, (host, ids) in enumerate(zip(hosts, identifiers, strict=True)):
        holder = next((holders[i.key] for i in ids if i.key in holders), None)
        if holder is not None:
            placed.asset_of[index] = holder
        elif create:
            asset = planned_asset(ids, host.fqdn or host.name, f"file.Report.ReportHost[{index}].name")
            placed.asset_of[index] = planned.setdefault(asset.id, asset).id
        else:
            placed.unmatched.extend(i.key for i in ids if i.key not in placed.unmatched)
    placed.created = list(planned.values())
    taken = store.get_nodes(Label.ASSET, list(planned)) if planned else {}
    if taken:  # an asset with that id holds other identifiers: never overwrite it
        raise ConflictError(f"assets: ids {', '.join(sorted(taken))} exist already; their identifiers differ")
    return placed


def _reported(scan: NessusScan, placed: PlacedHosts) -> tuple[dict[str, datetime], dict[str, list[Reported]]]:
    scanned: dict[str, datetime] = {}
    reported: dict[str, list[Reported]] = defaultdict(list)
    for index, host in enumerate(scan.hosts):
        asset = placed.asset_of.get(index)
        if asset is None:
            continue
        scanned[asset] = max(scanned.get(asset, host.ended_at), host.ended_at)
        reported[asset].extend(Reported(host, item) for item in host.items)
    return scanned, reported


def _stored_findings(store: GraphStore, assets: list[str]) -> list[Finding]:
    if not assets:
        return []
    ids = sorted({f for found in store.related(Rel.AFFECTS, assets, reverse=True).values() for f in found})
    nodes = store.get_nodes(Label.FINDING, ids) if ids else {}
    return [n for n in nodes.values() if isinstance(n, Finding)]


def _scan_evidence(scan: NessusScan, data: bytes, control: Control, source_name: str) -> Evidence:
    sha256 = file_sha256(data)
    control_tag = hashlib.sha256(control.id.encode()).hexdigest()[:8]
    collected_at = scan.ended_at
    label = scan.report or source_name or "scan"
    return Evidence(
        id=f"ev-nessus-{sha256[:16]}-{control_tag}",
        title=f"Nessus scan {label[:300]}: {len(scan.hosts)} hosts ({collected_at:%Y-%m-%d})",
        control=control.id,
        kind=EVIDENCE_KIND,
        collected_at=collected_at,
        status=EvidenceStatus.ACCEPTED if _may_record_accepted(control) else EvidenceStatus.PENDING,
        sha256=sha256,
    )


def _may_record_accepted(control: Control) -> bool:
    # recordEvidence's rule, for the role of the audited write that records the scan.
    pending = pending_audit()
    roles = set(pending.draft.role.split(",")) if pending is not None else set()
    return may_record_accepted(Role.ADMIN.value in roles, control)
