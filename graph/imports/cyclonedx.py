"""`attestgraph import --cyclonedx BOM.json`: a CycloneDX ML-BOM (1.5-1.7) as assets, dependencies,
model cards and, with a control, one evidence item, in one all-or-nothing write.

- components of type `machine-learning-model` are models, `data` datasets, `application` (and the
  metadata component) services; services are endpoints when they list endpoints, else services;
  nested components and services count like top-level ones; other component types (libraries,
  frameworks, files, ...) are not assets and are skipped.
- each one's bom-ref and purl (a service's endpoint URLs too) are identifiers: the asset holding
  any of them is the item's (its missing identifiers are added to it); an item no asset holds is
  created with `create_assets` (kind as above, name from the BOM), else reported unmatched.
- `dependencies` become DEPENDS_ON: `trained_on` when the target is among the source model card's
  `modelParameters.datasets` (by ref), `calls` otherwise; an edge already there keeps its kind.
- a model's card is kept on its asset (graph/model/model_cards.py), datasets given by ref naming
  the asset they matched.
- with `control`, the file itself is one evidence item of kind `ml_bom` (id from its SHA-256,
  collected at metadata.timestamp, else now), pending review as `recordEvidence` records it for
  an evidence-collector, covering the BOM's assets the control applies to.

A repeated import finds everything in place and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.access.audit import pending_audit
from graph.bundle import Bundle
from graph.errors import ConflictError, FieldProblem, InvalidInputError
from graph.imports.cyclonedx_bom import BomItem, ReadBom, model_card, read_bom
from graph.imports.matching import match_assets, new_asset_id
from graph.imports.registry import ImportFormat, ImportOptions, ImportReport, file_sha256
from graph.model import (
    Asset,
    AssetIdentifier,
    AssetKind,
    Dependency,
    DependencyKind,
    Evidence,
    EvidenceStatus,
    Label,
    Link,
    Rel,
    now_utc,
)
from graph.store import GraphStore

EVIDENCE_KIND = "ml_bom"


@dataclass
class _Placed:
    """The BOM's items on assets: stored ones (updated where the BOM adds to them) and new ones."""

    asset_of_ref: dict[str, str]  # bom-ref -> asset id
    assets: dict[str, Asset]  # asset id -> the asset as it should be after the import
    stored: dict[str, Asset]  # asset id -> as stored (matched ones only)
    created: list[str]
    unmatched: list[str]
    without_identifier: int


def import_cyclonedx(store: GraphStore, data: bytes, options: ImportOptions) -> ImportReport:
    """Import one CycloneDX JSON BOM (see the module's docstring) in at most one write."""
    bom = read_bom(data)
    if options.control is not None and not store.get_nodes(Label.CONTROL, [options.control]):
        raise InvalidInputError.one("control", f"no control '{options.control}' exists")
    placed = _place(store, bom, options.create_assets)
    _add_model_cards(bom, placed)
    changed = [a for a_id, a in placed.assets.items() if placed.stored.get(a_id) != a]
    edges = _new_dependencies(store, bom, placed)
    sha256 = file_sha256(data)
    evidence, covers = _evidence(store, sha256, bom, placed, options)
    bundle = Bundle(assets=changed, depends_on=edges, evidence=evidence, covers=covers)
    written = not bundle.is_empty()
    if written:
        store.write(bundle, immutable_evidence=True)
    counts = {
        "assets_created": len(placed.created),
        "assets_updated": len(changed) - len(placed.created),
        "dependencies_added": len(edges),
        "model_cards": sum(1 for a in placed.assets.values() if a.model_card is not None),
        "components_skipped": bom.skipped + placed.without_identifier,
    }
    return ImportReport(
        format=ImportFormat.CYCLONEDX,
        counts={name: value for name, value in counts.items() if value},
        unmatched=placed.unmatched,
        created_assets=placed.created,
        evidence=_evidence_id(sha256) if options.control is not None else None,
        written=written,
    )


def _place(store: GraphStore, bom: ReadBom, create: bool) -> _Placed:
    items = [item for item in bom.items if item.identifiers]
    match = match_assets(store, [i for item in items for i in item.identifiers])  # a lookup: no write
    found = store.get_nodes(Label.ASSET, set(match.matched.values())).values()
    stored = {a.id: a for a in found if isinstance(a, Asset)}
    placed = _Placed({}, {}, {}, [], [], len(bom.items) - len(items))
    new: list[tuple[BomItem, Asset]] = []
    problems = []
    for item in items:
        holders = sorted({match.matched[i.key] for i in item.identifiers if i.key in match.matched})
        if len(holders) > 1:
            reason = f"its identifiers are held by different assets ({', '.join(holders)}): one item, one asset"
            problems.append(FieldProblem(item.where, reason))
            continue
        if holders:
            asset = placed.assets.get(holders[0]) or stored[holders[0]]
            placed.stored[asset.id] = stored[holders[0]]
            placed.assets[asset.id] = _with_identifiers(asset, item.identifiers)
        elif create:
            asset = Asset(
                id=_new_id(item.identifiers), kind=item.kind, name=item.name[:500], identifiers=item.identifiers
            )
            if asset.id in placed.assets:  # two items of one BOM with the same identifiers: one asset
                asset = _with_identifiers(placed.assets[asset.id], item.identifiers)
            placed.assets[asset.id] = asset
            new.append((item, asset))
        else:
            placed.unmatched.extend(i.key for i in item.identifiers)
            continue
        if item.ref is not None:
            placed.asset_of_ref[item.ref] = asset.id
    if problems:
        raise InvalidInputError(problems)
    placed.created = list(dict.fromkeys(asset.id for _, asset in new))
    placed.unmatched = list(dict.fromkeys(placed.unmatched))  # items may share an identifier
    taken = store.get_nodes(Label.ASSET, placed.created)
    if taken:  # an asset with that id holds other identifiers: never overwrite it
        raise ConflictError(f"assets: ids {', '.join(sorted(taken))} exist already; their identifiers differ")
    return placed


def _with_identifiers(asset: Asset, identifiers: list[AssetIdentifier]) -> Asset:
    held = {i.key for i in asset.identifiers}
    missing = [i for i in identifiers if i.key not in held]
    return asset.model_copy(update={"identifiers": [*asset.identifiers, *missing]}) if missing else asset


def _new_id(identifiers: list[AssetIdentifier]) -> str:
    # Named after its most telling identifier: a purl or URL over an opaque bom-ref.
    return new_asset_id(sorted(identifiers, key=lambda i: i.kind.value == "bom_ref")[0])


def _add_model_cards(bom: ReadBom, placed: _Placed) -> None:
    names = {item.ref: item.name for item in bom.items if item.ref is not None}
    datasets = {
        item.ref: placed.asset_of_ref[item.ref]
        for item in bom.items
        if item.kind is AssetKind.DATASET and item.ref in placed.asset_of_ref
    }
    for item in bom.items:
        asset_id = placed.asset_of_ref.get(item.ref or "")
        if item.card is None or asset_id is None:
            continue
        card = model_card(item.card, datasets, names)
        placed.assets[asset_id] = placed.assets[asset_id].model_copy(update={"model_card": card})


def _new_dependencies(store: GraphStore, bom: ReadBom, placed: _Placed) -> list[Dependency]:
    trained_on: dict[str, set[str]] = {}
    for item in bom.items:
        asset_id = placed.asset_of_ref.get(item.ref or "")
        card = placed.assets[asset_id].model_card if item.card is not None and asset_id is not None else None
        if item.ref is not None and card is not None:
            trained_on[item.ref] = {d.ref for d in card.datasets if d.ref}
    edges: dict[tuple[str, str], Dependency] = {}
    for source_ref, target_ref in bom.dependencies:
        source, target = placed.asset_of_ref.get(source_ref), placed.asset_of_ref.get(target_ref)
        if source is None or target is None or source == target:
            continue  # a library, an unmatched item, or two items of one asset
        kind = DependencyKind.TRAINED_ON if target_ref in trained_on.get(source_ref, set()) else DependencyKind.CALLS
        edges.setdefault((source, target), Dependency(source=source, target=target, kind=kind))
    existing = store.related(Rel.DEPENDS_ON, {source for source, _ in edges})
    return [edge for (source, target), edge in edges.items() if target not in existing.get(source, [])]


def _evidence_id(sha256: str) -> str:
    return f"EV-ml-bom-{sha256[:20]}"


def _evidence(
    store: GraphStore, sha256: str, bom: ReadBom, placed: _Placed, options: ImportOptions
) -> tuple[list[Evidence], list[Link]]:
    if options.control is None:
        return [], []
    evidence_id = _evidence_id(sha256)
    if store.get_nodes(Label.EVIDENCE, [evidence_id]):
        return [], []  # recorded by an earlier import of the same file
    pending = pending_audit()
    now = now_utc()
    title = f"CycloneDX {bom.spec_version} ML-BOM {options.source_name or bom.title}".strip()
    item = Evidence(
        id=evidence_id,
        title=title[:500],
        control=options.control,
        kind=EVIDENCE_KIND,
        collected_at=bom.timestamp + options.shift if bom.timestamp is not None else now,
        status=EvidenceStatus.PENDING,
        sha256=sha256,
        recorded_by=pending.draft.actor if pending is not None else None,
        recorded_at=now,
    )
    # COVERS only what the control applies to (DESIGN.md "Evidence scope").
    scope = set(store.related(Rel.APPLIES_TO, [options.control]).get(options.control, []))
    covered = sorted(a for a in set(placed.asset_of_ref.values()) if a in scope)
    return [item], [Link(source=evidence_id, target=a) for a in covered]
