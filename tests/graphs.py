"""A small vocabulary for building test graphs as bundles, so tests read like the rules they check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.bundle import Bundle

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    """T0 plus n days: tests speak in days around one fixed instant."""
    return T0 + timedelta(days=n)


class GraphBuilder:
    """Collects nodes and edges, then yields one `Bundle`."""

    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {}
        self._evidence = 0

    def _add(self, name: str, item: dict[str, Any]) -> None:
        self.data.setdefault(name, []).append(item)

    def framework(self, fid: str = "fw") -> GraphBuilder:
        self._add("frameworks", {"id": fid, "name": fid.upper()})
        return self

    def criterion(
        self,
        cid: str,
        fw: str = "fw",
        *,
        parent: str | None = None,
        category: str = "",
        assessable: bool | None = None,
    ) -> GraphBuilder:
        row: dict[str, Any] = {
            "id": f"{fw}:{cid}",
            "ref": cid,
            "title": f"Criterion {cid}",
            "framework": fw,
            "parent": parent,
            "category": category,
        }
        if assessable is not None:
            row["assessable"] = assessable
        self._add("criteria", row)
        return self

    def control(
        self,
        cid: str,
        *,
        status: str = "implemented",
        frequency: str = "monthly",
        satisfies: list[str] = (),  # type: ignore[assignment]
        applies_to: list[str] = (),  # type: ignore[assignment]
    ) -> GraphBuilder:
        self._add("controls", {"id": cid, "title": f"Control {cid}", "status": status, "frequency": frequency})
        for criterion in satisfies:
            self._add("satisfies", {"source": cid, "target": criterion})
        for asset in applies_to:
            self._add("applies_to", {"source": cid, "target": asset})
        return self

    def asset(self, aid: str, *, kind: str = "model", changed_at: datetime | None = None) -> GraphBuilder:
        self._add("assets", {"id": aid, "kind": kind, "name": aid, "changed_at": changed_at})
        return self

    def change(self, aid: str, at: datetime, *, kind: str = "other", cid: str | None = None) -> GraphBuilder:
        """One more record in the asset's change history (`cid` None: the derived id)."""
        self._add("changes", {"id": cid, "asset": aid, "at": at, "kind": kind})
        return self

    def depends(self, source: str, target: str, kind: str = "calls") -> GraphBuilder:
        self._add("depends_on", {"source": source, "target": target, "kind": kind})
        return self

    def vendor(
        self,
        vid: str,
        provides: list[str] = (),  # type: ignore[assignment]
        *,
        report_valid_until: datetime | None = None,
        report_kind: str | None = None,
    ) -> GraphBuilder:
        self._add(
            "vendors",
            {"id": vid, "name": vid, "report_valid_until": report_valid_until, "report_kind": report_kind},
        )
        for asset in provides:
            self._add("provided_by", {"source": asset, "target": vid})
        return self

    def evidence(
        self,
        control: str,
        collected_at: datetime,
        *,
        status: str = "accepted",
        valid_until: datetime | None = None,
        covers: list[str] = (),
        eid: str | None = None,  # type: ignore[assignment]
    ) -> GraphBuilder:
        self._evidence += 1
        eid = eid or f"ev-{self._evidence}"
        self._add(
            "evidence",
            {
                "id": eid,
                "title": eid,
                "control": control,
                "collected_at": collected_at,
                "status": status,
                "valid_until": valid_until,
            },
        )
        for asset in covers:
            self._add("covers", {"source": eid, "target": asset})
        return self

    def maps(self, source: str, target: str, relationship: str, strength: int = 5) -> GraphBuilder:
        self._add(
            "mappings",
            {
                "source": source,
                "target": target,
                "relationship": relationship,
                "strength": strength,
                "rationale": "test mapping",
            },
        )
        return self

    def bundle(self) -> Bundle:
        return Bundle.model_validate(self.data)

    # -- conveniences added for the query tests (the API above is unchanged) ------------------
    def threat(self, tid: str, *, mitigated_by: list[str] = ()) -> GraphBuilder:  # type: ignore[assignment]
        self._add("threats", {"id": tid, "name": tid, "tactic": "ml-attack-staging"})
        for control in mitigated_by:
            self._add("mitigates", {"source": control, "target": tid})
        return self

    def relies_on(self, control: str, vendor: str) -> GraphBuilder:
        self._add("relies_on", {"source": control, "target": vendor})
        return self

    def policy(self, control: str, **days: int) -> GraphBuilder:
        """The control's finding policy: most days open per severity (`critical=15, high=30`)."""
        [row] = [c for c in self.data["controls"] if c["id"] == control]
        row["finding_policy"] = days
        return self

    def engagement(self, gid: str, fw: str = "fw", **fields: Any) -> GraphBuilder:
        """An engagement (DESIGN.md "Engagement"); `fields`: kind, as_of, period_*, categories, assets."""
        self._add("engagements", {"id": gid, "name": gid, "framework": fw, "kind": "type1", **fields})
        return self

    def finding(
        self,
        fid: str,
        asset: str,
        first_seen: datetime | None = None,
        *,
        severity: str = "high",
        fixed_at: datetime | None = None,
        last_seen: datetime | None = None,
        **fields: Any,
    ) -> GraphBuilder:
        """A scanner finding on `asset`, open since `first_seen` (default day(-20), then last seen
        day(-1)), fixed at `fixed_at` if given (last seen just before it); `fields` override."""
        first = first_seen or day(-20)
        if last_seen is None:
            last_seen = max(first, fixed_at - EPS) if fixed_at is not None else first if first_seen else day(-1)
        self._add(
            "findings",
            {
                "id": fid,
                "asset": asset,
                "severity": severity,
                "plugin": "10001",
                "name": fid,
                "first_seen": first,
                "last_seen": last_seen,
                "status": "open" if fixed_at is None else "fixed",
                "fixed_at": fixed_at,
                **fields,
            },
        )
        return self

    def write_to(self, store: Any) -> Any:
        """Write the bundle into `store` (any `GraphStore`) and return the store."""
        store.write(self.bundle())
        return store


EPS = timedelta(microseconds=1)
"""The smallest step tests take around a boundary: `t - EPS` is "just before t"."""


def just_before(t: datetime) -> datetime:
    return t - EPS


def statuses(report: Any) -> dict[str, str]:
    """criterion id -> status value of a `CoverageReport`."""
    return {row.criterion_id: row.status.value for row in report.criteria}


def rows_of(report: Any) -> set[tuple[str, str | None, str, datetime | None]]:
    """(control, asset, reason, since) of a `MissingEvidenceReport`, as a set (order-free)."""
    return {(r.control_id, r.asset_id, r.reason.value, r.since) for r in report.rows}


def sample_graph() -> GraphBuilder:
    """A small graph that uses every node label, every relationship and every optional field."""
    from datetime import timezone

    plus_two = timezone(timedelta(hours=2))
    b = (
        GraphBuilder()
        .framework("fw")
        .framework("iso")
        .criterion("CC6", category="Logical access")
        .criterion("CC6.1", parent="fw:CC6", category="Logical access")
        .criterion("CC6.2", parent="fw:CC6", category="Logical access")
        .criterion("CC7.1", category="Operations")
        .criterion("A.5.1", fw="iso", category="Organizational")
        .criterion("A.8.2", fw="iso", category="Technological")
        .asset("model", changed_at=day(-3))
        .asset("dataset", kind="dataset")
        .asset("endpoint", kind="endpoint", changed_at=datetime(2026, 5, 20, 12, tzinfo=plus_two))
        .asset("gpu", kind="infrastructure")
        .depends("model", "dataset", "trained_on")
        .depends("endpoint", "model", "serves")
        .depends("model", "gpu", "hosted_on")
        .vendor("cloud", provides=["gpu"])
        .control(
            "ctl-access", frequency="quarterly", satisfies=["fw:CC6.1", "fw:CC6.2"], applies_to=["model", "endpoint"]
        )
        .control("ctl-monitor", frequency="daily", satisfies=["fw:CC7.1"], applies_to=["endpoint"])
        .control("ctl-policy", frequency="annual", satisfies=["fw:CC7.1"])
        .control("ctl-planned", status="planned", satisfies=["iso:A.8.2"])
        .control("ctl-na", status="not_applicable", satisfies=["iso:A.8.2"])
        .relies_on("ctl-monitor", "cloud")
        .threat("AML.T0024", mitigated_by=["ctl-access"])
        .evidence("ctl-access", day(-10), covers=["model"], eid="ev-access-model")
        .evidence("ctl-access", day(-5), valid_until=day(200), eid="ev-access-all")
        .evidence("ctl-monitor", day(-1), status="pending", eid="ev-monitor-pending")
        .evidence("ctl-monitor", day(-2), status="rejected", eid="ev-monitor-rejected")
        .evidence("ctl-policy", datetime(2026, 1, 1, 8, tzinfo=plus_two), eid="ev-policy")
        .maps("fw:CC6.1", "iso:A.5.1", "subset_of", strength=7)
        .maps("iso:A.8.2", "fw:CC7.1", "intersects_with", strength=3)
    )
    b.evidence("ctl-monitor", day(-1), status="pending", eid="ev-monitor-recheck")
    b.data["evidence"][-1]["supersedes"] = "ev-monitor-rejected"  # a correction keeps the old item on record
    b.data["evidence"][0].update(kind="report", uri="https://example.test/ev", sha256="a" * 64)
    b.data["controls"][0].update(description="MFA for model access", owner="sec", kind="detective", automated=True)
    b.data["frameworks"][0].update(version="2017", publisher="AICPA")
    b.data["vendors"][0].update(service="GPU hosting", risk_tier="high", report_valid_until=day(90))
    b.finding(
        "fnd-endpoint-log4j",
        "endpoint",
        severity="critical",
        port=8443,
        protocol="tcp",
        cves=["CVE-2021-44228"],
        cvss3=10.0,
        plugin="156032",
    )
    b.finding("fnd-endpoint-tls", "endpoint", severity="medium", last_seen=day(-8), fixed_at=day(-4), plugin="156032")
    return b


def changes_at(asset_ids: list[str], at: datetime) -> Bundle:
    """A change of each asset at `at`, as `recordChange` writes them (ids derived here)."""
    return Bundle.model_validate({"changes": [{"asset": a, "at": at} for a in asset_ids]})


def changed_at(store: Any, asset_id: str, at: datetime | None = None) -> datetime | None:
    """changed_at(a, T) as the store answers it (T None: far in the future, i.e. the latest)."""
    moment = at if at is not None else datetime(9999, 1, 1, tzinfo=UTC)
    return store.latest_changes([asset_id], moment).get(asset_id)  # type: ignore[no-any-return]


def unstamped(bundle: Bundle) -> Bundle:
    """The bundle with its changes' `recorded_at` / `recorded_by` (stamped at write time) left out."""
    changes = [c.model_copy(update={"recorded_at": None, "recorded_by": None}) for c in bundle.changes]
    return bundle.model_copy(update={"changes": changes})


def comparable(bundle: Bundle) -> Bundle:
    """`unstamped`, and the changes' ids left out too (`recordChange` makes fresh ones per store)."""
    changes = sorted(
        (c.model_copy(update={"id": None}) for c in unstamped(bundle).changes),
        key=lambda c: (c.asset, c.at, c.propagated_from or "", c.kind.value, c.note or ""),
    )
    return bundle.model_copy(update={"changes": changes})
