"""A crosswalk as an OSCAL 1.2 mapping collection, and a mapping collection as crosswalk edges.

Export: the MAPS_TO edges between two frameworks make one mapping collection with one `mapping`
per direction in which edges are stored (source catalog -> target catalog), so an edge keeps its
direction; edges within one framework make a collection of their own (source = target catalog).
Each edge is one `map` with one source and one target control:

- relationship (NIST IR 8477 set theory, "source is rel target"): `equal` -> `equivalent-to`
  (our crosswalks relate effective requirements, not identical wording), `subset_of` ->
  `subset-of`, `superset_of` -> `superset-of`, `intersects_with` -> `intersects-with`;
- `confidence-score.category` from our strength (1-10): 8-10 `high`, 5-7 `medium`, 1-4 `low`;
- our exact strength and rationale as properties `strength` and `rationale` in our namespace
  (a rationale that is not one trimmed line goes in the map's `remarks` instead);
- each side's criterion id as a `criterion-id` property, each resource's framework id as a
  `framework-id` property, so the collection reads back without its catalogs.

Import: `equivalent-to` and `equal-to` read as `equal`; `no-relationship` maps are skipped (there
is no edge to make) and counted; any other value, a relationship in another namespace, a map of
several sources or targets, or a `statement` item is refused (Attestgraph maps one criterion to
one criterion). A side without our properties is resolved through the catalog its `href` names
(read from beside the mapping file), else as `<framework id>:<id-ref>`. Without our strength
the strength comes from the confidence score (percentage x 10, or high 8 / medium 5 / low 2,
none 5); without our rationale it is the map's remarks, else a note naming the collection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from graph.bundle import Bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.model import Framework, Mapping, MappingRelationship
from graph.oscal.common import (
    NS,
    OSCAL_NS,
    OSCAL_VERSION,
    OscalImport,
    duplicate_problems,
    find_prop,
    is_prop_value,
    our_prop,
    stable_uuid,
    validation_problems,
)
from graph.oscal.models import Map, MappingDocument, MappingItem, ResourceReference

ROOT = "mapping-collection"

TO_OSCAL: dict[MappingRelationship, str] = {
    MappingRelationship.EQUAL: "equivalent-to",
    MappingRelationship.SUBSET_OF: "subset-of",
    MappingRelationship.SUPERSET_OF: "superset-of",
    MappingRelationship.INTERSECTS_WITH: "intersects-with",
}
FROM_OSCAL: dict[str, MappingRelationship] = {
    "equivalent-to": MappingRelationship.EQUAL,
    "equal-to": MappingRelationship.EQUAL,
    "subset-of": MappingRelationship.SUBSET_OF,
    "superset-of": MappingRelationship.SUPERSET_OF,
    "intersects-with": MappingRelationship.INTERSECTS_WITH,
}
NO_RELATIONSHIP = "no-relationship"
CATEGORY_STRENGTH = {"high": 8, "medium": 5, "low": 2, "unspecified": 5}
DEFAULT_STRENGTH = 5
MAX_RATIONALE = 2000


def confidence_category(strength: int) -> str:
    return "high" if strength >= 8 else "medium" if strength >= 5 else "low"


# ------------------------------------------------------------------------------------ export


@dataclass(frozen=True)
class CatalogRef:
    """How a mapping collection points at one framework's exported catalog."""

    framework: Framework
    href: str
    # criterion id -> OSCAL control/group id in that catalog
    oscal_ids: dict[str, str]


def crosswalk_collection(
    a: CatalogRef, b: CatalogRef, mappings: list[Mapping], *, last_modified: datetime
) -> dict[str, Any]:
    """The mapping collection (JSON-ready) of the MAPS_TO edges between frameworks `a` and `b`."""
    directions: list[tuple[CatalogRef, CatalogRef, list[Mapping]]] = []
    for source, target in ((a, b), (b, a)) if a.framework.id != b.framework.id else ((a, a),):
        edges = [m for m in mappings if m.source in source.oscal_ids and m.target in target.oscal_ids]
        if edges:
            directions.append((source, target, sorted(edges, key=lambda m: (m.source, m.target))))
    fa, fb = a.framework, b.framework
    return {
        ROOT: {
            "uuid": stable_uuid("mapping-collection", fa.id, fb.id, last_modified.isoformat()),
            "metadata": {
                "title": f"Attestgraph crosswalk: {fa.name} and {fb.name}"
                if fa.id != fb.id
                else f"Attestgraph crosswalk within {fa.name}",
                "last-modified": last_modified.isoformat().replace("+00:00", "Z"),
                "version": "1",
                "oscal-version": OSCAL_VERSION,
                "props": [our_prop("framework-id", fa.id), our_prop("framework-id", fb.id)],
            },
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "complete",
                "mapping-description": (
                    f"Set-theory relationships (NIST IR 8477) between the requirements of {fa.name} and "
                    f"{fb.name}, written by Attestgraph with a rationale for each. Strength (1-10) and "
                    f"rationale are properties in the {NS} namespace."
                ),
            },
            "mappings": [_mapping(source, target, edges) for source, target, edges in directions],
        }
    }


def _mapping(source: CatalogRef, target: CatalogRef, edges: list[Mapping]) -> dict[str, Any]:
    return {
        "uuid": stable_uuid("mapping", source.framework.id, target.framework.id),
        "source-resource": _resource(source),
        "target-resource": _resource(target),
        "maps": [_map(m, source, target) for m in edges],
    }


def _resource(ref: CatalogRef) -> dict[str, Any]:
    return {"type": "catalog", "href": ref.href, "props": [our_prop("framework-id", ref.framework.id)]}


def _map(m: Mapping, source: CatalogRef, target: CatalogRef) -> dict[str, Any]:
    props = [our_prop("strength", str(m.strength))]
    entry: dict[str, Any] = {
        "uuid": stable_uuid("map", m.source, m.target),
        "relationship": TO_OSCAL[m.relationship],
        "sources": [_item(m.source, source)],
        "targets": [_item(m.target, target)],
        "confidence-score": {"category": confidence_category(m.strength)},
        "props": props,
    }
    if is_prop_value(m.rationale):
        props.append(our_prop("rationale", m.rationale))
    else:
        entry["remarks"] = m.rationale
    return entry


def _item(criterion_id: str, ref: CatalogRef) -> dict[str, Any]:
    return {"type": "control", "id-ref": ref.oscal_ids[criterion_id], "props": [our_prop("criterion-id", criterion_id)]}


# ------------------------------------------------------------------------------------ import


@dataclass(frozen=True)
class ResolvedCatalog:
    """What reading the catalog a resource's href names tells about that side."""

    framework_id: str
    # OSCAL control/group id -> criterion id
    criterion_of: dict[str, str]


# Reads the catalog at a resource's href (relative to the mapping file); None if there is none.
CatalogResolver = Callable[[str], ResolvedCatalog | None]


def read_mapping_collection(data: object, source: str, resolve: CatalogResolver) -> OscalImport:
    """Read an OSCAL mapping collection as crosswalk edges; `InvalidInputError` names the JSON
    path and reason of every problem. Whether the criteria exist is the store write's check
    (its problems are located back to these JSON paths by `OscalImport.locate`)."""
    prefix = f"{source}: "
    # OSCAL allows one mapping object instead of a list: paths then name it as written.
    single = (
        isinstance(data, dict) and isinstance(data.get(ROOT), dict) and isinstance(data[ROOT].get("mappings"), dict)
    )
    try:
        collection = MappingDocument.model_validate(data).mapping_collection
    except ValidationError as error:
        found = validation_problems(error, prefix)
        if single:
            found = [FieldProblem(p.field.replace(f"{ROOT}.mappings[0]", f"{ROOT}.mappings"), p.reason) for p in found]
        raise InvalidInputError(found) from None

    problems: list[FieldProblem] = []
    edges: list[Mapping] = []
    origins: list[dict[str, str]] = []
    skipped: list[str] = []
    frameworks: dict[str, str] = {}
    for i, mapping in enumerate(collection.mappings):
        path = f"{ROOT}.mappings" if single else f"{ROOT}.mappings[{i}]"
        source_side = _side(mapping.source_resource, f"{path}.source-resource", resolve, prefix, problems)
        target_side = _side(mapping.target_resource, f"{path}.target-resource", resolve, prefix, problems)
        if source_side is None or target_side is None:
            continue
        frameworks.setdefault(source_side.framework_id, f"{path}.source-resource")
        frameworks.setdefault(target_side.framework_id, f"{path}.target-resource")
        for j, entry in enumerate(mapping.maps):
            map_path = f"{path}.maps[{j}]"
            if entry.relationship == NO_RELATIONSHIP and entry.ns in (None, OSCAL_NS):
                skipped.append(map_path)
                continue
            read = _edge(entry, map_path, (source_side, target_side), collection.metadata.title, prefix, problems)
            if read is not None:
                edges.append(read[0])
                origins.append(read[1])
    keys = [(f"{e.source} -> {e.target}", o[""]) for e, o in zip(edges, origins, strict=True)]
    problems += duplicate_problems(keys, "map", source)
    if problems:
        raise InvalidInputError(problems)
    return OscalImport(
        kind="mapping-collection",
        source=source,
        bundle=Bundle(mappings=edges),
        origins={"mappings": origins},
        skipped=skipped,
        frameworks=frameworks,
    )


def _edge(
    entry: Map, path: str, sides: tuple[_Side, _Side], title: str, prefix: str, problems: list[FieldProblem]
) -> tuple[Mapping, dict[str, str]] | None:
    """One map as one crosswalk edge, with the JSON paths of its ends."""
    relationship = _relationship(entry, path, prefix, problems)
    source = _single(entry.sources, f"{path}.sources", sides[0], prefix, problems)
    target = _single(entry.targets, f"{path}.targets", sides[1], prefix, problems)
    strength = _strength(entry, path, prefix, problems)
    if relationship is None or source is None or target is None or strength is None:
        return None
    if source[0] == target[0]:
        problems.append(FieldProblem(f"{prefix}{path}", f"maps '{source[0]}' to itself"))
        return None
    try:
        edge = Mapping(
            source=source[0],
            target=target[0],
            relationship=relationship,
            strength=strength,
            rationale=_rationale(entry, title),
        )
    except ValidationError as error:
        problems += [FieldProblem(f"{prefix}{path}", f"{e['loc'][0]}: {e['msg']}") for e in error.errors()]
        return None
    return edge, {"": path, ".source": source[1], ".target": target[1]}


@dataclass(frozen=True)
class _Side:
    framework_id: str
    criterion_of: dict[str, str] | None


def _side(
    resource: ResourceReference, path: str, resolve: CatalogResolver, prefix: str, problems: list[FieldProblem]
) -> _Side | None:
    own = find_prop(resource.props, "framework-id", ours=True)
    catalog = resolve(resource.href)
    if own is not None:
        same = catalog is not None and catalog.framework_id == own[1].value
        return _Side(own[1].value, catalog.criterion_of if same and catalog is not None else None)
    if catalog is not None:
        return _Side(catalog.framework_id, catalog.criterion_of)
    problems.append(
        FieldProblem(
            f"{prefix}{path}.href",
            f"cannot tell which framework '{resource.href}' is: it is not an OSCAL catalog beside this file, and the "
            f"resource has no framework-id property in the {NS} namespace",
        )
    )
    return None


def _relationship(entry: Map, path: str, prefix: str, problems: list[FieldProblem]) -> MappingRelationship | None:
    if entry.ns not in (None, OSCAL_NS):
        problems.append(
            FieldProblem(f"{prefix}{path}.ns", f"relationships in namespace '{entry.ns}' have no meaning here")
        )
        return None
    found = FROM_OSCAL.get(entry.relationship)
    if found is None:
        allowed = ", ".join([*FROM_OSCAL, NO_RELATIONSHIP])
        problems.append(FieldProblem(f"{prefix}{path}.relationship", f"'{entry.relationship}' is not one of {allowed}"))
    return found


def _single(
    items: list[MappingItem], path: str, side: _Side, prefix: str, problems: list[FieldProblem]
) -> tuple[str, str] | None:
    """(criterion id, JSON path) of a map's only source or target."""
    if len(items) != 1:
        problems.append(
            FieldProblem(
                f"{prefix}{path}",
                f"has {len(items)} members; Attestgraph maps one criterion to one criterion: split this map",
            )
        )
        return None
    item, item_path = items[0], f"{path}[0]"
    if item.type != "control":
        problems.append(
            FieldProblem(f"{prefix}{item_path}.type", f"'{item.type}' items are not mapped; only whole controls")
        )
        return None
    own = find_prop(item.props, "criterion-id", ours=True)
    if own is not None:
        return own[1].value, f"{item_path}.props[{own[0]}].value"
    if side.criterion_of is not None:
        found = side.criterion_of.get(item.id_ref)
        if found is None:
            problems.append(
                FieldProblem(f"{prefix}{item_path}.id-ref", f"'{item.id_ref}' is not a control of the catalog")
            )
            return None
        return found, f"{item_path}.id-ref"
    return f"{side.framework_id}:{item.id_ref}", f"{item_path}.id-ref"


def _strength(entry: Map, path: str, prefix: str, problems: list[FieldProblem]) -> int | None:
    own = find_prop(entry.props, "strength", ours=True)
    if own is not None:
        index, prop = own
        if not prop.value.isdigit() or not 1 <= int(prop.value) <= 10:
            problems.append(
                FieldProblem(f"{prefix}{path}.props[{index}].value", "strength must be a whole number 1-10")
            )
            return None
        return int(prop.value)
    score = entry.confidence_score
    if score is not None and score.percentage is not None:
        return max(1, min(10, round(score.percentage * 10)))
    if score is not None and score.category is not None:
        return CATEGORY_STRENGTH.get(score.category, DEFAULT_STRENGTH)
    return DEFAULT_STRENGTH


def _rationale(entry: Map, title: str) -> str:
    own = find_prop(entry.props, "rationale", ours=True)
    if own is not None:
        return own[1].value
    if entry.remarks and entry.remarks.strip():
        text = entry.remarks
    else:
        text = f"Imported from the OSCAL mapping collection '{title}' without a rationale."
    return text if len(text) <= MAX_RATIONALE else text[: MAX_RATIONALE - 1] + "…"


__all__ = [
    "FROM_OSCAL",
    "TO_OSCAL",
    "CatalogRef",
    "ResolvedCatalog",
    "confidence_category",
    "crosswalk_collection",
    "read_mapping_collection",
]
