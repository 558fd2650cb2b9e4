"""Threat view: the MITRE ATLAS techniques that threaten an asset (or the organisation), and
which of them the controls mitigate at T.

Rules:
- A technique is relevant to an asset when the asset's kind is among the technique's
  `asset_kinds`; a technique with no kinds is tied to none and relevant to no asset.
- A control mitigates a technique when it MITIGATES it or, for a sub-technique (ATLAS id
  `<technique id>.<digits>`, e.g. AML.T0051.000 under AML.T0051), its parent technique: ATLAS
  lists mitigations per technique, and a sub-technique is one way of performing it.
- A control is in an asset's scope when it APPLIES_TO the asset, or when it applies to no asset
  at all (an organisation-wide control: docs/design.md reads evidence without scope the same way).
- For an asset X at T, a relevant technique is
  - MITIGATED when at least one control that MITIGATES it is in X's scope and is effective at T
    (docs/design.md: implemented, with valid evidence that is not stale for every asset it applies to);
  - PARTIAL when none is effective but at least one in X's scope is implemented (the safeguard
    exists; its evidence does not hold at T);
  - UNMITIGATED otherwise: no mitigating control in X's scope, or only planned or
    not-applicable ones.
- For the whole organisation (no asset), each technique is judged over every asset of the kinds
  it targets: MITIGATED if it is mitigated for all of them, UNMITIGATED if for none of them
  (every one UNMITIGATED), PARTIAL otherwise. Techniques whose kinds no asset has are not listed.

Techniques are listed in id order. Reads only through the GraphStore protocol: every threat (a
catalog of ~170), the assets viewed, one batched MITIGATES and one APPLIES_TO lookup, and the
verdicts of the mitigating controls.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from graph.errors import NotFoundError
from graph.model import Asset, AssetKind, Control, Label, NodeModel, Rel, Threat, natural_key
from graph.queries.results import (
    AssetExposure,
    ControlVerdict,
    MitigatingControl,
    MitigationStatus,
    TechniqueExposure,
    ThreatView,
)
from graph.store import GraphStore

PAGE = 1000


def threat_view(store: GraphStore, at: datetime, asset_id: str | None = None) -> ThreatView:
    """The ATLAS techniques aimed at an asset (or at every asset) and how they are held at an instant.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    at : datetime
        The instant the mitigating controls are judged at.
    asset_id : str or None
        One asset (unknown: `NotFoundError`, field `asset`); None: the whole organisation.

    Returns
    -------
    ThreatView
        Per relevant technique (id order): its status, the mitigating controls in scope and,
        per asset judged, its status there; and the count of each status.

    Examples
    --------
    >>> view = threat_view(store, at, "ep-chat")
    >>> [(t.threat_id, t.status.value, [c.control_id for c in t.controls]) for t in view.techniques]
    [('AML.T0024', 'PARTIAL', ['MON-02'])]
    """
    threats: list[Threat] = [t for t in _every(store, Label.THREAT) if isinstance(t, Threat)]
    if asset_id is not None:
        found = store.get_nodes(Label.ASSET, [asset_id]).get(asset_id)
        if not isinstance(found, Asset):
            raise NotFoundError(Label.ASSET.value, asset_id, "asset")
        assets = [found]
    else:
        kinds = sorted({kind for t in threats for kind in t.asset_kinds})
        assets = [a for kind in kinds for a in _every(store, Label.ASSET, {"kind": kind.value}) if isinstance(a, Asset)]
    by_kind: dict[AssetKind, list[Asset]] = defaultdict(list)
    for asset in sorted(assets, key=lambda a: natural_key(a.id)):
        by_kind[asset.kind].append(asset)

    relevant = [t for t in threats if any(by_kind.get(kind) for kind in t.asset_kinds)]
    parent = _parents({t.id for t in threats})
    asked = sorted({t.id for t in relevant} | {parent[t.id] for t in relevant if t.id in parent})
    mitigators = store.related(Rel.MITIGATES, asked, reverse=True) if asked else {}
    control_ids = sorted({c for ids in mitigators.values() for c in ids}, key=natural_key)
    scope = {c: set(a) for c, a in store.related(Rel.APPLIES_TO, control_ids).items()} if control_ids else {}
    controls = {c.id: c for c in store.get_nodes(Label.CONTROL, control_ids).values() if isinstance(c, Control)}
    verdicts = store.control_verdicts(control_ids, at) if control_ids else {}

    techniques = []
    for threat in sorted(relevant, key=lambda t: natural_key(t.id)):
        through: dict[str, str] = {}  # control id -> the technique its MITIGATES edge names
        for technique in [threat.id, *([parent[threat.id]] if threat.id in parent else [])]:
            for c in mitigators.get(technique, []):
                through.setdefault(c, technique)
        mitigating = [controls[c] for c in through if c in controls]
        targeted = sorted(
            (a for kind in threat.asset_kinds for a in by_kind.get(kind, [])), key=lambda a: natural_key(a.id)
        )
        exposures = [_exposure(asset, mitigating, scope, verdicts) for asset in targeted]
        in_scope = {c for e in exposures for c in e.controls}
        techniques.append(
            TechniqueExposure(
                threat_id=threat.id,
                name=threat.name,
                tactic=threat.tactic,
                asset_kinds=threat.asset_kinds,
                status=_overall([e.status for e in exposures]),
                controls=[
                    MitigatingControl(
                        control_id=c.id,
                        title=c.title,
                        status=c.status,
                        effective=verdicts[c.id].effective,
                        organisation_wide=not scope.get(c.id),
                        mitigates=through[c.id],
                    )
                    for c in _effective_first(mitigating, verdicts)
                    if c.id in in_scope
                ],
                assets=exposures,
            )
        )
    return ThreatView(
        asset_id=asset_id,
        as_of=at,
        techniques=techniques,
        mitigated=sum(t.status is MitigationStatus.MITIGATED for t in techniques),
        partial=sum(t.status is MitigationStatus.PARTIAL for t in techniques),
        unmitigated=sum(t.status is MitigationStatus.UNMITIGATED for t in techniques),
    )


def _exposure(
    asset: Asset, mitigating: list[Control], scope: dict[str, set[str]], verdicts: dict[str, ControlVerdict]
) -> AssetExposure:
    in_scope = [c for c in mitigating if not scope.get(c.id) or asset.id in scope[c.id]]
    if any(verdicts[c.id].effective for c in in_scope):
        status = MitigationStatus.MITIGATED
    elif any(c.status.counts_as_implemented for c in in_scope):  # carved out counts as implemented
        status = MitigationStatus.PARTIAL
    else:
        status = MitigationStatus.UNMITIGATED
    return AssetExposure(
        asset_id=asset.id,
        kind=asset.kind,
        status=status,
        controls=[c.id for c in _effective_first(in_scope, verdicts)],
    )


def _parents(threat_ids: set[str]) -> dict[str, str]:
    """Sub-technique id -> technique id, for ids of the form `<technique id>.<digits>`."""
    found = {}
    for threat_id in threat_ids:
        head, _, tail = threat_id.rpartition(".")
        if tail.isdigit() and head in threat_ids:
            found[threat_id] = head
    return found


def _overall(statuses: list[MitigationStatus]) -> MitigationStatus:
    if all(s is MitigationStatus.MITIGATED for s in statuses):
        return MitigationStatus.MITIGATED
    if all(s is MitigationStatus.UNMITIGATED for s in statuses):
        return MitigationStatus.UNMITIGATED
    return MitigationStatus.PARTIAL


def _effective_first(controls: list[Control], verdicts: dict[str, ControlVerdict]) -> list[Control]:
    return sorted(controls, key=lambda c: (not verdicts[c.id].effective, natural_key(c.id)))


def _every(store: GraphStore, label: Label, where: dict[str, str] | None = None) -> list[NodeModel]:
    found: list[NodeModel] = []
    after: str | None = None
    while True:
        page = store.list_nodes(label, first=PAGE, after=after, where=where)
        found.extend(page)
        if len(page) < PAGE:
            return found
        after = page[-1].id
