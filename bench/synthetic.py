"""A synthetic AI organisation at a chosen scale, deterministic by seed.

The catalog is real: the seed frameworks, criteria, crosswalks, ATLAS threats and the 69 library
controls (`seeds/`, less the demo org). The organisation is generated:

- **Assets** of every kind. Infrastructure hubs (GPU clusters, Kubernetes clusters, object
  stores) that everything is hosted on or stored in; repositories; raw datasets and datasets
  derived from them (chains); pipelines; models trained on datasets (fan-in), fine-tuned from
  base models, served by endpoints (fan-out); consumer services calling endpoints and each other.
  Targets are drawn by preferential attachment, so a few datasets, models and endpoints are
  popular, and a few feedback loops (dataset derived from an endpoint's logs) close cycles.
- **Scope**: every library control but a handful of organisation-wide ones applies to a share of
  the assets of the kinds its domain is about, so 60+ controls apply to hundreds (S) to tens of
  thousands (L) of assets.
- **Evidence** over the 12 months before the reference instant, at each control's frequency:
  per asset (a COVERS edge) or one report for the whole scope, chosen per control so the total
  lands near the scale's target. Daily controls file a daily export; continuous controls file a
  weekly automated export valid for 8 days (`valid_until`). About half of the controls are
  "noisy": skipped intervals, abandoned pairs (EXPIRED), pairs whose first item is still pending
  or was rejected, rejected items resubmitted days later, a few corrections that supersede an
  item, and assets changed in the last weeks after their evidence (STALE).

Everything is drawn from one `random.Random(seed)` in a fixed order, so a scale and a seed give
the same documents, byte for byte. `documents()` yields bundle documents (JSON-ready dicts, as
`attestgraph load` would read them) in dependency order, in chunks, so the largest scale is
never held whole in memory.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from graph.bundle import Bundle
from graph.model import FREQUENCY_DAYS, AssetKind, Control, ControlStatus, Frequency
from graph.seeds import SEEDS_DIR, load_seed_bundle

REFERENCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # "now" of every synthetic org
WINDOW_DAYS = 365


@dataclass(frozen=True)
class Scale:
    name: str
    assets: int
    evidence: int


SCALES: dict[str, Scale] = {
    "XS": Scale("XS", 150, 1_500),  # tests and smoke runs only
    "S": Scale("S", 1_000, 10_000),
    "M": Scale("M", 10_000, 200_000),
    "L": Scale("L", 100_000, 2_000_000),
}

# Share of the assets per kind (infrastructure hubs are counted apart).
KIND_SHARES: list[tuple[AssetKind, float]] = [
    (AssetKind.REPOSITORY, 0.03),
    (AssetKind.DATASET, 0.25),
    (AssetKind.PIPELINE, 0.05),
    (AssetKind.MODEL, 0.14),
    (AssetKind.ENDPOINT, 0.15),
    (AssetKind.SERVICE, 0.38),
]
PREFIX = {
    AssetKind.INFRASTRUCTURE: "inf",
    AssetKind.REPOSITORY: "repo",
    AssetKind.DATASET: "ds",
    AssetKind.PIPELINE: "pl",
    AssetKind.MODEL: "mdl",
    AssetKind.ENDPOINT: "ep",
    AssetKind.SERVICE: "svc",
}
# The asset kinds a control of each library domain is about.
DOMAIN_KINDS: dict[str, tuple[AssetKind, ...]] = {
    "GOV": (AssetKind.MODEL, AssetKind.DATASET),
    "IAM": (AssetKind.INFRASTRUCTURE, AssetKind.REPOSITORY, AssetKind.SERVICE, AssetKind.ENDPOINT),
    "CHG": (AssetKind.SERVICE, AssetKind.ENDPOINT, AssetKind.PIPELINE, AssetKind.REPOSITORY),
    "IR": (AssetKind.SERVICE, AssetKind.ENDPOINT),
    "VEN": (AssetKind.INFRASTRUCTURE, AssetKind.MODEL),
    "PRV": (AssetKind.DATASET, AssetKind.SERVICE),
    "MS": (AssetKind.MODEL, AssetKind.REPOSITORY),
    "DP": (AssetKind.DATASET,),
    "INF": (AssetKind.INFRASTRUCTURE, AssetKind.SERVICE, AssetKind.ENDPOINT, AssetKind.PIPELINE),
    "OV": (AssetKind.MODEL, AssetKind.ENDPOINT),
    "LC": (AssetKind.MODEL, AssetKind.DATASET, AssetKind.PIPELINE),
}
# Organisation-wide controls (no APPLIES_TO): conduct, board, roles, IR plan, vendor programme, privacy notice.
ORG_WIDE = {"AGC-GOV-01", "AGC-GOV-02", "AGC-GOV-03", "AGC-IR-01", "AGC-VEN-01", "AGC-PRV-01"}
HUB_KINDS = ("gpu-cluster", "k8s-cluster", "object-store")


def catalog_bundle() -> Bundle:
    """The real catalog: frameworks, criteria, library controls, crosswalks, ATLAS threats."""
    return load_seed_bundle(*(SEEDS_DIR / part for part in ("frameworks", "controls", "crosswalks", "atlas")))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class OrgShape:
    """What was generated, for reports and tests (counts, and the assets the bench queries)."""

    assets_by_kind: dict[str, int] = field(default_factory=dict)
    depends_on: int = 0
    applies_to: int = 0
    controls_scoped: int = 0
    evidence: int = 0
    covers: int = 0
    evidence_by_status: dict[str, int] = field(default_factory=dict)
    supersedes: int = 0
    changed_assets: int = 0
    leaf_dataset: str = ""
    hub: str = ""


class SyntheticOrg:
    """One organisation: call `documents()` once (it draws the evidence as it goes)."""

    def __init__(self, scale: Scale | str, seed: int = 7, catalog: Bundle | None = None) -> None:
        self.scale = SCALES[scale] if isinstance(scale, str) else scale
        self.seed = seed
        self.rng = random.Random(f"attestgraph-synthetic/{self.scale.name}/{seed}")
        self.catalog = catalog if catalog is not None else catalog_bundle()
        self.shape = OrgShape()
        self.controls: list[Control] = sorted(self.catalog.controls, key=lambda c: c.id)
        self._ids: dict[AssetKind, list[str]] = {}
        self.assets: list[dict[str, Any]] = []
        self.changed_at: dict[str, datetime] = {}
        self.depends: list[tuple[str, str, str]] = []
        self.vendors: list[dict[str, Any]] = []
        self.provided_by: list[tuple[str, str]] = []
        self.relies_on: list[tuple[str, str]] = []
        self.scope: dict[str, list[str]] = {}
        self.per_asset: set[str] = set()
        self.noisy: set[str] = set()
        self._build_assets()
        self._build_dependencies()
        self._build_vendors()
        self._build_scope()

    # -- assets and their dependencies ------------------------------------------------------
    def _new_assets(self, kind: AssetKind, count: int, names: list[str] | None = None) -> list[str]:
        ids = []
        existing = self._ids.setdefault(kind, [])
        for _ in range(count):
            asset_id = f"{PREFIX[kind]}-{len(existing) + 1:06d}"
            existing.append(asset_id)
            ids.append(asset_id)
            label = names[len(existing) % len(names)] if names else kind.value
            record: dict[str, Any] = {
                "id": asset_id,
                "kind": kind.value,
                "name": f"{label} {len(existing)}",
                "owner": f"team-{self.rng.randrange(1, 41):02d}",
                "environment": "production" if self.rng.random() < 0.7 else "staging",
                "classification": self.rng.choice(("internal", "confidential", "restricted", "public")),
                "criticality": self.rng.choice(("low", "medium", "high", "high", "critical")),
            }
            if self.rng.random() < 0.03:  # changed in the last three weeks: evidence before it is stale
                moment = REFERENCE - timedelta(days=self.rng.uniform(0.5, 20))
                record["changed_at"] = _iso(moment)
                self.changed_at[asset_id] = datetime.fromisoformat(record["changed_at"])
            self.assets.append(record)
        return ids

    def _build_assets(self) -> None:
        total = self.scale.assets
        hubs = max(6, total // 200)
        self._new_assets(AssetKind.INFRASTRUCTURE, hubs, list(HUB_KINDS))
        remaining = total - hubs
        counts = [max(1, int(remaining * share)) for _, share in KIND_SHARES]
        counts[-1] += remaining - sum(counts)  # services take the rounding
        for (kind, _), count in zip(KIND_SHARES, counts, strict=True):
            self._new_assets(kind, count)
        self.shape.assets_by_kind = {kind.value: len(ids) for kind, ids in self._ids.items()}
        self.shape.changed_assets = len(self.changed_at)

    def _popular(self, ids: list[str], upto: int | None = None) -> str:
        """A target by preferential attachment: low indices (older, popular) far more likely."""
        n = len(ids) if upto is None else max(1, min(upto, len(ids)))
        return ids[min(n - 1, int(n * self.rng.random() ** 2.2))]

    def _hub(self, kind: str) -> str:
        hubs = [h for i, h in enumerate(self._ids[AssetKind.INFRASTRUCTURE]) if HUB_KINDS[(i + 1) % 3] == kind]
        return self._popular(hubs)

    def _dep(self, source: str, target: str, kind: str) -> None:
        if source != target:
            self.depends.append((source, target, kind))

    def _build_dependencies(self) -> None:
        ids = self._ids
        repos, datasets, pipelines = ids[AssetKind.REPOSITORY], ids[AssetKind.DATASET], ids[AssetKind.PIPELINE]
        models, endpoints, services = ids[AssetKind.MODEL], ids[AssetKind.ENDPOINT], ids[AssetKind.SERVICE]
        raw = set(datasets[: int(len(datasets) * 0.4)])  # raw datasets: depend only on their storage
        self.raw_datasets = sorted(raw)
        for repo in repos:
            self._dep(repo, self._hub("object-store"), "stores")
        for i, ds in enumerate(datasets):
            self._dep(ds, self._hub("object-store"), "stores")
            if ds not in raw:  # derived datasets: chains of one to three earlier datasets
                for _ in range(self.rng.choice((1, 1, 2, 3))):
                    self._dep(ds, self._popular(datasets, i), "derived_from")
        for pl in pipelines:
            self._dep(pl, self._popular(repos), "derived_from")
            self._dep(pl, self._hub("k8s-cluster"), "hosted_on")
        for i, mdl in enumerate(models):
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                self._dep(mdl, self._popular(datasets), "trained_on")
            self._dep(mdl, self._hub("gpu-cluster"), "hosted_on")
            self._dep(mdl, self._hub("object-store"), "stores")
            if i and self.rng.random() < 0.25:
                self._dep(mdl, self._popular(models, i), "derived_from")  # fine-tuned from a base model
            if self.rng.random() < 0.3:
                self._dep(mdl, self._popular(pipelines), "derived_from")
        for i, ep in enumerate(endpoints):
            # The first endpoints serve one model each, the rest fan out over popular models.
            self._dep(ep, models[i] if i < len(models) else self._popular(models), "serves")
            self._dep(ep, self._hub("k8s-cluster"), "hosted_on")
        for i, svc in enumerate(services):
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                self._dep(svc, self._popular(endpoints), "calls")
            if i and self.rng.random() < 0.4:
                for _ in range(self.rng.choice((1, 2))):
                    self._dep(svc, self._popular(services, i), "calls")  # consumer chains
            self._dep(svc, self._hub("k8s-cluster"), "hosted_on")
        # Feedback loops: a few derived datasets are built from an endpoint's logs (cycles).
        derived = [d for d in datasets if d not in raw]
        for ds in self.rng.sample(derived, max(1, len(derived) // 100)):
            self._dep(ds, self._popular(endpoints), "derived_from")
        self.depends = sorted(set(self.depends))
        self.shape.depends_on = len(self.depends)
        used = {t for _, t, _ in self.depends}
        fan_in: dict[str, int] = {}
        for _, target, _ in self.depends:
            fan_in[target] = fan_in.get(target, 0) + 1
        # A typical source dataset: the median one by direct dependents among those used at all.
        used_raw = sorted((fan_in[d], d) for d in self.raw_datasets if d in used)
        self.shape.leaf_dataset = used_raw[len(used_raw) // 2][1]
        self.shape.hub = max(ids[AssetKind.INFRASTRUCTURE], key=lambda h: (fan_in.get(h, 0), h))

    def _build_vendors(self) -> None:
        count = max(5, self.scale.assets // 2000)
        kinds = ["cloud AI provider", "foundation model provider", "labelling firm", "log platform", "data broker"]
        for i in range(count):
            service = kinds[i % len(kinds)]
            self.vendors.append(
                {
                    "id": f"ven-{i + 1:04d}",
                    "name": f"Vendor {i + 1}",
                    "service": service,
                    "risk_tier": self.rng.choice(("low", "medium", "high")),
                    "report_valid_until": _iso(REFERENCE + timedelta(days=self.rng.randrange(-60, 300))),
                }
            )
        by_service: dict[str, list[str]] = {}
        for v in self.vendors:
            by_service.setdefault(v["service"], []).append(v["id"])
        for hub in self._ids[AssetKind.INFRASTRUCTURE]:
            self.provided_by.append((hub, self.rng.choice(by_service["cloud AI provider"])))
        for mdl in self._ids[AssetKind.MODEL]:
            if self.rng.random() < 0.05:
                self.provided_by.append((mdl, self.rng.choice(by_service["foundation model provider"])))
        for ds in self._ids[AssetKind.DATASET]:
            if self.rng.random() < 0.1:
                self.provided_by.append((ds, self.rng.choice(by_service["labelling firm"] + by_service["data broker"])))
        for control in self.controls:
            if control.id.startswith("AGC-VEN") or control.id == "AGC-INF-06":
                for vendor in self.rng.sample(self.vendors, min(3, len(self.vendors))):
                    self.relies_on.append((control.id, vendor["id"]))
        self.provided_by.sort()
        self.relies_on.sort()

    # -- scope and how each control collects evidence ----------------------------------------
    @staticmethod
    def _domain(control_id: str) -> str:
        return control_id.split("-")[1]

    @staticmethod
    def _per_year(frequency: Frequency) -> int:
        if frequency is Frequency.CONTINUOUS:
            return 52  # a weekly automated export, valid for 8 days
        return math.ceil(WINDOW_DAYS / FREQUENCY_DAYS[frequency])

    def _build_scope(self) -> None:
        for control in self.controls:
            if control.id in ORG_WIDE:
                self.scope[control.id] = []
                continue
            eligible = [a for kind in DOMAIN_KINDS[self._domain(control.id)] for a in self._ids.get(kind, [])]
            share = self.rng.uniform(0.2, 0.9)
            chosen = [a for a in eligible if self.rng.random() < share]
            if control.id == "AGC-INF-06":  # physical security: the hubs only (the cloud provider's)
                chosen = list(self._ids[AssetKind.INFRASTRUCTURE])
            self.scope[control.id] = sorted(chosen)
            if self.rng.random() < 0.55:
                self.noisy.add(control.id)
        for control in self.controls:
            if control.id in ORG_WIDE and self.rng.random() < 0.5:
                self.noisy.add(control.id)
        self.shape.applies_to = sum(len(a) for a in self.scope.values())
        self.shape.controls_scoped = sum(1 for a in self.scope.values() if a)
        # Per-asset evidence for as many periodic controls as the evidence target allows.
        live = [c for c in self.controls if c.status is ControlStatus.IMPLEMENTED]
        budget = self.scale.evidence * 1.03 - sum(self._per_year(c.frequency) for c in live)
        candidates = [
            c
            for c in live
            if self.scope[c.id] and c.frequency not in (Frequency.CONTINUOUS, Frequency.DAILY, Frequency.WEEKLY)
        ]
        self.rng.shuffle(candidates)
        for control in candidates:
            cost = len(self.scope[control.id]) * self._per_year(control.frequency)
            if cost <= budget:
                self.per_asset.add(control.id)
                budget -= cost - self._per_year(control.frequency)

    # -- documents -----------------------------------------------------------------------------
    def catalog_document(self) -> dict[str, Any]:
        data: dict[str, Any] = self.catalog.model_dump(mode="json", exclude_defaults=True)
        return data

    def documents(self, chunk: int = 50_000) -> Iterator[dict[str, Any]]:
        """Bundle documents in dependency order: vendors, the catalog (with the RELIES_ON links of
        its carved-out controls, which may not be written without them), assets, relationships,
        then evidence (each item with its COVERS edges, never split across documents)."""
        carved_out = {c.id for c in self.controls if c.status is ControlStatus.CARVED_OUT}
        yield {"vendors": self.vendors}
        yield {
            **self.catalog_document(),
            "relies_on": [{"source": s, "target": t} for s, t in self.relies_on if s in carved_out],
        }
        for start in range(0, len(self.assets), chunk):
            yield {"assets": self.assets[start : start + chunk]}
        links: list[tuple[str, dict[str, Any]]] = [
            *(("depends_on", {"source": s, "target": t, "kind": k}) for s, t, k in self.depends),
            *(("provided_by", {"source": s, "target": t}) for s, t in self.provided_by),
            *(("relies_on", {"source": s, "target": t}) for s, t in self.relies_on if s not in carved_out),
            *(("applies_to", {"source": c, "target": a}) for c in sorted(self.scope) for a in self.scope[c]),
        ]
        for start in range(0, len(links), chunk):
            doc: dict[str, list[dict[str, Any]]] = {}
            for name, row in links[start : start + chunk]:
                doc.setdefault(name, []).append(row)
            yield doc
        evidence: list[dict[str, Any]] = []
        covers: list[dict[str, str]] = []
        for item, scope in self._evidence():
            evidence.append(item)
            if scope is not None:
                covers.append({"source": item["id"], "target": scope})
            if len(evidence) + len(covers) >= chunk:
                yield {"evidence": evidence, "covers": covers}
                evidence, covers = [], []
        if evidence:
            yield {"evidence": evidence, "covers": covers}

    def _evidence(self) -> Iterator[tuple[dict[str, Any], str | None]]:
        counter = 0
        shape = self.shape
        statuses: dict[str, int] = {}

        def item(
            control: Control, at: datetime, status: str, scope: str | None, **extra: Any
        ) -> tuple[dict[str, Any], str | None]:
            nonlocal counter
            counter += 1
            at = min(at, REFERENCE - timedelta(minutes=1))
            record = {
                "id": f"EV-{counter:08d}",
                "title": f"{control.id} {at.date().isoformat()}",
                "control": control.id,
                "kind": "automated export" if control.automated else "report",
                "collected_at": _iso(at),
                "status": status,
                "uri": f"evidence://{control.id}/{counter}",
                # `attestgraph load` requires a digest, as the API does; there is no file, so the uri's.
                "sha256": hashlib.sha256(f"evidence://{control.id}/{counter}".encode()).hexdigest(),
                **extra,
            }
            statuses[status] = statuses.get(status, 0) + 1
            shape.evidence += 1
            shape.covers += scope is not None
            return record, scope

        start = REFERENCE - timedelta(days=WINDOW_DAYS)
        for control in self.controls:
            if control.status is not ControlStatus.IMPLEMENTED:
                continue  # planned and not-applicable controls file nothing
            noisy = control.id in self.noisy
            if control.frequency in (Frequency.CONTINUOUS, Frequency.DAILY):
                step = timedelta(days=7 if control.frequency is Frequency.CONTINUOUS else 1)
                extra: dict[str, str | None] = {"valid_until": None}
                for i in range(self._per_year(control.frequency)):
                    at = start + i * step + timedelta(hours=self.rng.uniform(0, 6))
                    if noisy and self.rng.random() < 0.03:
                        continue  # a missed export: a gap
                    if control.frequency is Frequency.CONTINUOUS:
                        extra["valid_until"] = _iso(at + timedelta(days=8))
                    status = "rejected" if noisy and self.rng.random() < 0.01 else "accepted"
                    yield item(control, at, status, None, **extra)
                continue
            scopes: list[str | None] = list(self.scope[control.id]) if control.id in self.per_asset else [None]
            days = FREQUENCY_DAYS[control.frequency]
            count = self._per_year(control.frequency)
            for scope in scopes:
                yield from self._history(item, control, scope, start, days, count, noisy)
            if not noisy and control.id not in self.per_asset and self.scope[control.id]:
                # A clean control refreshes its report after the latest changes of its assets.
                yield item(control, REFERENCE - timedelta(hours=6), "accepted", None)
        shape.evidence_by_status = dict(sorted(statuses.items()))

    def _history(
        self,
        item: Any,
        control: Control,
        scope: str | None,
        start: datetime,
        days: int,
        count: int,
        noisy: bool,
    ) -> Iterator[tuple[dict[str, Any], str | None]]:
        rng = self.rng
        roll = rng.random() if noisy else 1.0
        if roll < 0.02:
            return  # never collected
        if roll < 0.05:  # a new pair: its first item awaits review or was rejected
            at = REFERENCE - timedelta(days=rng.uniform(1, min(days, 30)))
            yield item(control, at, "pending" if roll < 0.04 else "rejected", scope)
            return
        stop = rng.randrange(1, count) if roll < 0.08 and count > 1 else count  # abandoned: expires
        last: dict[str, Any] | None = None
        for i in range(stop):
            if noisy and rng.random() < 0.04:
                continue  # a skipped interval: a Type II gap
            at = start + timedelta(days=i * days + rng.uniform(0, days / 3))
            if noisy and rng.random() < 0.03:
                yield item(control, at, "rejected", scope)  # rejected, then resubmitted
                at += timedelta(days=rng.uniform(1, 5))
            last_status = "pending" if noisy and i == stop - 1 and rng.random() < 0.03 else "accepted"
            record, covered = item(control, at, last_status, scope)
            yield record, covered
            last = record
            if noisy and last_status == "accepted" and rng.random() < 0.002:
                # A correction: the item is superseded by a corrected one a day later.
                self.shape.supersedes += 1
                yield item(control, at + timedelta(days=1), "accepted", scope, supersedes=record["id"])
        changed = self.changed_at.get(scope) if scope is not None else None
        if not noisy and changed is not None and last is not None and last["collected_at"] < _iso(changed):
            # A clean control re-collects evidence after the asset changed.
            yield item(control, changed + timedelta(hours=rng.uniform(1, 12)), "accepted", scope)


def write_documents(org: SyntheticOrg, folder: Path, chunk: int = 50_000) -> list[Path]:
    """Write the org's documents as numbered JSON bundle files (for `attestgraph load`)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, doc in enumerate(org.documents(chunk)):
        path = folder / f"{index:05d}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(path)
    return paths
