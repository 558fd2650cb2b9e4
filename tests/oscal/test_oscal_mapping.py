"""OSCAL 1.2 mapping collections: each crosswalk out, edges back in, bad maps refused by JSON path.

Exported collections are validated with compliance-trestle's OSCAL 1.2.1 `mapping` model. Trestle
types `relationship`, provenance `method`, `matching-rationale` and `status` as free tokens, so
their OSCAL allowed values are checked here as well (from the OSCAL 1.2 mapping metaschema).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.mapping import MappingCollection as TrestleMappingCollection

from graph.bundle import Bundle
from graph.errors import InvalidInputError
from graph.model import Mapping
from graph.oscal import NS, export_oscal, import_oscal, read_oscal
from graph.seeds import SEEDS_DIR, load_seed_bundle
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OSCAL_RELATIONSHIPS = {"equivalent-to", "equal-to", "subset-of", "superset-of", "intersects-with", "no-relationship"}
OSCAL_METHODS = {"human", "automation", "hybrid"}
OSCAL_RATIONALES = {"syntactic", "semantic", "functional"}
OSCAL_STATUSES = {"complete", "not-complete", "draft", "deprecated", "superseded"}
OSCAL_CONFIDENCE = {"high", "medium", "low", "unspecified"}


@pytest.fixture(scope="module")
def catalog_seeds() -> Bundle:
    seeds = load_seed_bundle(SEEDS_DIR)
    return Bundle(frameworks=seeds.frameworks, criteria=seeds.criteria, mappings=seeds.mappings)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, catalog_seeds: Bundle) -> Path:
    folder = tmp_path_factory.mktemp("oscal")
    store = EmbeddedStore()
    store.write(catalog_seeds)
    export_oscal(store, folder, now=NOW)
    return folder


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def ours(item: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in item.get("props", []) if p.get("ns") == NS}


def sorted_mappings(mappings: list[Mapping]) -> list[Mapping]:
    return sorted(mappings, key=lambda m: (m.source, m.target))


def test_one_trestle_valid_collection_per_crosswalk(exported: Path, catalog_seeds: Bundle) -> None:
    files = sorted(exported.glob("*.mapping.json"))
    assert [f.name for f in files] == [
        "eu-ai-act-2024--iso-iec-42001-2023.mapping.json",
        "iso-iec-27001-2022--soc2-tsc-2017.mapping.json",
        "iso-iec-42001-2023--nist-ai-rmf-1.0.mapping.json",
        "iso-iec-42001-2023--soc2-tsc-2017.mapping.json",
        "nist-csf-2.0--soc2-tsc-2017.mapping.json",
    ]
    total = 0
    for path in files:
        collection = read(path)["mapping-collection"]
        TrestleMappingCollection.model_validate(collection)  # the OSCAL 1.2.1 model
        assert collection["metadata"]["oscal-version"] == "1.2.1"
        provenance = collection["provenance"]
        assert provenance["method"] in OSCAL_METHODS and provenance["matching-rationale"] in OSCAL_RATIONALES
        assert provenance["status"] in OSCAL_STATUSES and provenance["mapping-description"]
        for mapping in collection["mappings"]:
            assert mapping["source-resource"]["type"] == mapping["target-resource"]["type"] == "catalog"
            assert (exported / mapping["source-resource"]["href"]).is_file(), "the href names the exported catalog"
            for entry in mapping["maps"]:
                assert entry["relationship"] in OSCAL_RELATIONSHIPS
                assert entry["confidence-score"]["category"] in OSCAL_CONFIDENCE
                assert len(entry["sources"]) == len(entry["targets"]) == 1
                total += 1
    assert total == len(catalog_seeds.mappings), "every crosswalk edge is one map"


def test_a_map_carries_relationship_confidence_strength_and_rationale(exported: Path, catalog_seeds: Bundle) -> None:
    edge = next(m for m in catalog_seeds.mappings if m.relationship.value == "subset_of")
    maps = [
        (mapping, entry)
        for path in exported.glob("*.mapping.json")
        for mapping in read(path)["mapping-collection"]["mappings"]
        for entry in mapping["maps"]
    ]
    mapping, entry = next(
        (mp, e)
        for mp, e in maps
        if ours(e["sources"][0])["criterion-id"] == edge.source and ours(e["targets"][0])["criterion-id"] == edge.target
    )
    assert entry["relationship"] == "subset-of"
    assert ours(entry) == {"strength": str(edge.strength), "rationale": edge.rationale}
    expected = "high" if edge.strength >= 8 else "medium" if edge.strength >= 5 else "low"
    assert entry["confidence-score"] == {"category": expected}
    assert ours(mapping["source-resource"]) == {"framework-id": edge.source.split(":")[0]}
    assert entry["sources"][0]["type"] == "control"
    relationships = {e["relationship"] for _, e in maps}
    assert relationships == {"equivalent-to", "subset-of", "superset-of", "intersects-with"}


def test_each_stored_direction_is_its_own_mapping(tmp_path: Path) -> None:
    b = GraphBuilder().framework("a").framework("b")
    for n in ("1", "2"):
        b.criterion(n, fw="a").criterion(n, fw="b")
    b.maps("a:1", "b:1", "subset_of", strength=9).maps("b:2", "a:2", "equal", strength=3)
    store = EmbeddedStore()
    b.write_to(store)
    export_oscal(store, tmp_path, now=NOW)
    collection = read(tmp_path / "a--b.mapping.json")["mapping-collection"]
    directions = [
        (ours(m["source-resource"])["framework-id"], ours(m["target-resource"])["framework-id"])
        for m in collection["mappings"]
    ]
    assert directions == [("a", "b"), ("b", "a")]
    fresh = EmbeddedStore()
    for name in ("a.catalog.json", "b.catalog.json", "a--b.mapping.json"):
        import_oscal(fresh, tmp_path / name)
    assert sorted_mappings(fresh.export().mappings) == sorted_mappings(store.export().mappings)


def test_a_crosswalk_within_one_framework_is_its_own_collection(store: GraphStore, tmp_path: Path) -> None:
    b = (
        GraphBuilder()
        .framework("a")
        .framework("b")
        .criterion("1", fw="a")
        .criterion("2", fw="a")
        .criterion("1", fw="b")
    )
    b.maps("a:2", "a:1", "superset_of", strength=6).maps("a:1", "b:1", "equal")
    b.write_to(store)
    summary = export_oscal(store, tmp_path, now=NOW)
    assert [p.name for p in summary.collections] == ["a--a.mapping.json", "a--b.mapping.json"]
    within = read(tmp_path / "a--a.mapping.json")["mapping-collection"]
    TrestleMappingCollection.model_validate(within)
    assert len(within["mappings"]) == 1 and within["mappings"][0]["maps"][0]["relationship"] == "superset-of"
    fresh = EmbeddedStore()
    for path in [*summary.catalogs, *summary.collections]:
        import_oscal(fresh, path)
    assert sorted_mappings(fresh.export().mappings) == sorted_mappings(store.export().mappings)


def test_crosswalks_round_trip_exactly_on_each_backend(
    store: GraphStore, exported: Path, catalog_seeds: Bundle
) -> None:
    for path in sorted(exported.glob("*.catalog.json")):
        import_oscal(store, path)
    imported = 0
    for path in sorted(exported.glob("*.mapping.json")):
        summary = import_oscal(store, path)
        assert summary.kind == "mapping-collection" and summary.skipped == 0
        imported += summary.mappings
    assert imported == len(catalog_seeds.mappings)
    assert sorted_mappings(store.export().mappings) == sorted_mappings(catalog_seeds.mappings)


def test_crosswalks_exported_from_each_backend_are_complete(
    store: GraphStore, tmp_path: Path, catalog_seeds: Bundle
) -> None:
    store.write(catalog_seeds)
    summary = export_oscal(store, tmp_path, now=NOW)
    fresh = EmbeddedStore()
    for path in [*summary.catalogs, *summary.collections]:
        import_oscal(fresh, path)
    assert sorted_mappings(fresh.export().mappings) == sorted_mappings(catalog_seeds.mappings)


# ------------------------------------------------------------------------------ foreign collections

FOREIGN_CATALOG: dict[str, Any] = {
    "catalog": {
        "uuid": "0f5f3c1e-1d2a-4a9b-8c3d-2e4f5a6b7c8d",
        "metadata": {
            "title": "Foreign Baseline",
            "last-modified": "2026-01-01T00:00:00Z",
            "version": "2",
            "oscal-version": "1.2.0",
        },
        "controls": [
            {"id": "fb-1", "title": "First", "props": [{"name": "label", "value": "FB 1"}]},
            {"id": "fb-2", "title": "Second", "props": [{"name": "label", "value": "FB 2"}]},
        ],
    }
}


def foreign_collection(maps: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mapping-collection": {
            "uuid": "5a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
            "metadata": {
                "title": "Foreign to ours",
                "last-modified": "2026-01-01T00:00:00Z",
                "version": "1",
                "oscal-version": "1.2.0",
            },
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "draft",
                "mapping-description": "Test.",
            },
            "mappings": {
                "uuid": "6b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
                "source-resource": {"type": "catalog", "href": "foreign.json"},
                "target-resource": {
                    "type": "catalog",
                    "href": "https://example.org/ours.json",
                    "props": [{"name": "framework-id", "ns": NS, "value": "ours"}],
                },
                "maps": maps,
            },
        }
    }


def one_map(relationship: str, source: str = "fb-1", target: str = "O1", **extra: Any) -> dict[str, Any]:
    return {
        "uuid": "7c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
        "relationship": relationship,
        "sources": [{"type": "control", "id-ref": source}],
        "targets": [{"type": "control", "id-ref": target}],
        **extra,
    }


@pytest.fixture
def foreign(store: GraphStore, tmp_path: Path) -> tuple[GraphStore, Path]:
    """A foreign catalog beside the collection (imported), and our framework 'ours' in the store."""
    (tmp_path / "foreign.json").write_text(json.dumps(FOREIGN_CATALOG))
    import_oscal(store, tmp_path / "foreign.json")
    GraphBuilder().framework("ours").criterion("O1", fw="ours").criterion("O2", fw="ours").write_to(store)
    return store, tmp_path


def test_a_foreign_collection_resolves_ids_through_the_catalog_beside_it(foreign: tuple[GraphStore, Path]) -> None:
    store, folder = foreign
    path = folder / "collection.json"
    maps = [
        one_map("equal-to") | {"confidence-score": {"percentage": 0.74}},
        one_map("superset-of", "fb-2", "O2") | {"remarks": "Second covers more than O2."},
        one_map("no-relationship", "fb-1", "O2"),
    ]
    maps[1]["uuid"] = "8d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a"
    path.write_text(json.dumps(foreign_collection(maps)))
    summary = import_oscal(store, path)
    assert (summary.mappings, summary.skipped) == (2, 1)
    found = {(m.source, m.target): m for m in store.export().mappings}
    first = found[("foreign-baseline:FB 1", "ours:O1")]
    assert (first.relationship.value, first.strength) == ("equal", 7)
    assert "without a rationale" in first.rationale
    second = found[("foreign-baseline:FB 2", "ours:O2")]
    assert (second.relationship.value, second.strength, second.rationale) == (
        "superset_of",
        5,
        "Second covers more than O2.",
    )


BAD_MAPS: dict[str, tuple[dict[str, Any], str, str]] = {
    "unknown relationship": (one_map("kind-of"), "maps[0].relationship", "'kind-of' is not one of"),
    "relationship of another namespace": (
        one_map("subset-of", ns="https://example.org/ns"),
        "maps[0].ns",
        "have no meaning here",
    ),
    "two sources": (
        one_map("subset-of")
        | {"sources": [{"type": "control", "id-ref": "fb-1"}, {"type": "control", "id-ref": "fb-2"}]},
        "maps[0].sources",
        "split this map",
    ),
    "a statement": (
        one_map("subset-of") | {"sources": [{"type": "statement", "id-ref": "fb-1_smt"}]},
        "maps[0].sources[0].type",
        "only whole controls",
    ),
    "id not in the catalog": (
        one_map("subset-of", "fb-9"),
        "maps[0].sources[0].id-ref",
        "not a control of the catalog",
    ),
    "criterion not in the store": (
        one_map("subset-of", "fb-1", "O9"),
        "maps[0].targets[0].id-ref",
        "'ours:O9' does not exist",
    ),
    "strength out of range": (
        one_map("subset-of") | {"props": [{"name": "strength", "ns": NS, "value": "11"}]},
        "maps[0].props[0].value",
        "1-10",
    ),
    "no targets": (one_map("subset-of") | {"targets": []}, "maps[0].targets", "at least 1 item"),
}


@pytest.mark.parametrize("case", sorted(BAD_MAPS))
def test_a_bad_map_names_the_json_path_and_writes_nothing(foreign: tuple[GraphStore, Path], case: str) -> None:
    store, folder = foreign
    entry, field, reason = BAD_MAPS[case]
    good = one_map("equivalent-to", "fb-2", "O2") | {"uuid": "9e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b"}
    path = folder / "collection.json"
    path.write_text(json.dumps(foreign_collection([entry, good])))
    before = store.export()
    with pytest.raises(InvalidInputError) as raised:
        import_oscal(store, path)
    where = f"{path}: mapping-collection.mappings.{field}"
    assert any(p.field == where and reason in p.reason for p in raised.value.problems), raised.value
    assert store.export() == before, "the good map is not written either"


def test_a_side_that_cannot_be_resolved_is_named(tmp_path: Path) -> None:
    document = foreign_collection([one_map("subset-of")])
    document["mapping-collection"]["mappings"]["source-resource"]["href"] = "missing.json"
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InvalidInputError) as raised:
        read_oscal(path)
    (problem,) = raised.value.problems
    assert problem.field == f"{path}: mapping-collection.mappings.source-resource.href"
    assert "cannot tell which framework" in problem.reason


def test_framework_id_is_for_catalogs_only(exported: Path) -> None:
    with pytest.raises(InvalidInputError) as raised:
        read_oscal(exported / "nist-csf-2.0--soc2-tsc-2017.mapping.json", "x")
    assert raised.value.problems[0].field == "--framework-id"
