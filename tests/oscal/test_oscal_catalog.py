"""OSCAL catalogs: export each framework, import NIST's SP 800-53 catalog, round trips reproduce a framework.

Exported catalogs are validated with compliance-trestle's OSCAL models (trestle 5.2, OSCAL 1.2.1).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal import OSCAL_VERSION as TRESTLE_OSCAL_VERSION
from trestle.oscal.catalog import Catalog as TrestleCatalog

from graph.bundle import Bundle
from graph.errors import InvalidInputError
from graph.model import Criterion, Framework, Label
from graph.oscal import NS, OSCAL_VERSION, export_oscal, import_oscal, read_oscal
from graph.oscal.catalog import framework_catalog, oscal_ids, read_catalog
from graph.seeds import SEEDS_DIR, load_seed_bundle
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder

# tests/oscal/this file -> the project root is parents[2]; shared/ sits beside it.
OSCAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"
NIST_MODERATE = OSCAL_DATA / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
NIST_ID = "nist-sp-800-53-rev5-moderate"


@pytest.fixture(scope="module")
def nist_catalog() -> Path:
    if not NIST_MODERATE.is_file():
        pytest.fail(
            f"NIST's SP 800-53 rev5 MODERATE OSCAL catalog is missing at {NIST_MODERATE}: the OSCAL import is "
            "tested against it (shared/data/oscal/ beside the project)",
            pytrace=False,
        )
    return NIST_MODERATE


@pytest.fixture(scope="module")
def catalog_seeds() -> Bundle:
    """The shipped frameworks, their criteria and crosswalks: what OSCAL carries."""
    seeds = load_seed_bundle(SEEDS_DIR)
    return Bundle(frameworks=seeds.frameworks, criteria=seeds.criteria, mappings=seeds.mappings)


def catalog_part(bundle: Bundle) -> tuple[list[Framework], list[Criterion]]:
    return sorted(bundle.frameworks, key=lambda f: f.id), sorted(bundle.criteria, key=lambda c: c.id)


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def props(item: dict[str, Any], *, ours: bool) -> dict[str, str]:
    return {p["name"]: p["value"] for p in item.get("props", []) if (p.get("ns") == NS) == ours}


# ------------------------------------------------------------------------------ NIST SP 800-53


def test_nist_moderate_imports_with_18_families_and_287_controls(store: GraphStore, nist_catalog: Path) -> None:
    summary = import_oscal(store, nist_catalog, NIST_ID)
    assert (summary.kind, summary.framework, summary.criteria) == ("catalog", NIST_ID, 18 + 287)

    framework = store.get_nodes(Label.FRAMEWORK, [NIST_ID])[NIST_ID]
    assert isinstance(framework, Framework)
    assert framework.name == "NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE"
    assert (framework.version, framework.publisher) == ("5.1.1+u4", "Joint Task Force, Transformation Initiative")

    criteria = {c.id: c for c in store.framework_criteria(NIST_ID)}
    families = [c for c in criteria.values() if c.parent is None]
    controls = [c for c in criteria.values() if c.parent is not None]
    assert len(families) == 18 and len(controls) == 287
    assert sorted(f.ref for f in families)[:3] == ["ac", "at", "au"]
    assert {f.title for f in families} >= {"Access Control", "Supply Chain Risk Management"}

    ac2, ac2_1 = criteria[f"{NIST_ID}:AC-2"], criteria[f"{NIST_ID}:AC-2(1)"]
    assert (ac2.title, ac2.parent, ac2.category) == ("Account Management", f"{NIST_ID}:ac", "Access Control")
    assert ac2_1.parent == ac2.id, "an enhancement is a child of its control"
    assert ac2.description.startswith("a. Define and document the types of accounts")
    assert "  1. Authorized users of the system;" in ac2.description, "sub-items are indented under their item"
    assert "[Assignment: prerequisites and criteria]" in ac2.description, "the label as the catalog gives it"
    assert "{{" not in "".join(c.description for c in criteria.values()), "every parameter is rendered"
    # Per family: AC has the most controls of the MODERATE baseline.
    per_family = Counter(_family(c, criteria) for c in controls)
    assert sum(per_family.values()) == 287 and per_family.most_common(1)[0][0] == f"{NIST_ID}:ac"


def _family(c: Criterion, criteria: dict[str, Criterion]) -> str:
    while c.parent is not None:
        c = criteria[c.parent]
    return c.id


def test_without_a_framework_id_it_is_short_and_derived_from_the_catalog_title(nist_catalog: Path) -> None:
    imported = read_oscal(nist_catalog)
    (framework,) = imported.bundle.frameworks
    assert framework.id == "nist-sp-800-53-rev5-moderate"
    assert framework.version == "5.1.1+u4", "the full version stays on the framework"
    assert all(c.id.startswith(f"{framework.id}:") for c in imported.bundle.criteria)


# ------------------------------------------------------------------------------ export


def test_export_writes_one_trestle_valid_catalog_per_framework(tmp_path: Path, catalog_seeds: Bundle) -> None:
    store = EmbeddedStore()
    store.write(catalog_seeds)
    summary = export_oscal(store, tmp_path, now=NOW)
    assert sorted(p.name for p in summary.catalogs) == sorted(f"{f.id}.catalog.json" for f in catalog_seeds.frameworks)
    assert OSCAL_VERSION == TRESTLE_OSCAL_VERSION == "1.2.1"
    for path in summary.catalogs:
        document = read(path)
        TrestleCatalog.model_validate(document["catalog"])  # raises on any departure from OSCAL 1.2.1
        assert document["catalog"]["metadata"]["oscal-version"] == "1.2.1"


def test_parents_become_groups_and_leaves_controls(tmp_path: Path, catalog_seeds: Bundle) -> None:
    store = EmbeddedStore()
    store.write(catalog_seeds)
    export_oscal(store, tmp_path, now=NOW)

    soc2 = read(tmp_path / "soc2-tsc-2017.catalog.json")["catalog"]
    assert "groups" not in soc2 and len(soc2["controls"]) == 61
    cc61 = next(c for c in soc2["controls"] if props(c, ours=False)["label"] == "CC6.1")
    assert cc61["id"] == "CC6.1"
    assert props(cc61, ours=True) == {"criterion-id": "soc2-tsc-2017:CC6.1", "category": "Security"}
    seed = next(c for c in catalog_seeds.criteria if c.id == "soc2-tsc-2017:CC6.1")
    assert cc61["title"] == seed.title
    assert cc61["parts"] == [{"id": "CC6.1_smt", "name": "statement", "prose": seed.description}]
    assert props(soc2["metadata"], ours=True) == {"framework-id": "soc2-tsc-2017"}

    iso = read(tmp_path / "iso-iec-27001-2022.catalog.json")["catalog"]
    assert "controls" not in iso
    assert {g["id"]: len(g["controls"]) for g in iso["groups"]} == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}

    rmf = read(tmp_path / "nist-ai-rmf-1.0.catalog.json")["catalog"]
    govern = next(g for g in rmf["groups"] if props(g, ours=False)["label"] == "GOVERN")
    assert govern["id"] == "GOVERN"
    assert "GOVERN_1.1" in {c["id"] for g in govern["groups"] for c in g["controls"]}, "spaces become _ in ids"


def test_oscal_ids_are_tokens_made_unique() -> None:
    criteria = [
        Criterion(id=f"fw:{ref}", ref=ref, title="t", framework="fw") for ref in ("A 1", "A_1", "1.2", "Art.9", "x/y")
    ]
    assert oscal_ids(criteria) == {
        "fw:1.2": "_1.2",
        "fw:A 1": "A_1",
        "fw:A_1": "A_1_2",
        "fw:Art.9": "Art.9",
        "fw:x/y": "x_y",
    }


def test_values_oscal_cannot_hold_are_refused_by_name() -> None:
    framework = Framework(id="fw", name="Two\nlines")
    criteria = [Criterion(id="fw:1", ref=" 1", title="t", framework="fw")]
    with pytest.raises(InvalidInputError) as raised:
        framework_catalog(framework, criteria, last_modified=NOW)
    fields = {p.field for p in raised.value.problems}
    assert fields == {"framework fw.name", "criterion fw:1.ref"}


def test_a_child_of_cycle_is_refused_on_export(store: GraphStore, tmp_path: Path) -> None:
    GraphBuilder().framework("fw").criterion("A").criterion("B", parent="fw:A").write_to(store)
    GraphBuilder().criterion("A", parent="fw:B").write_to(store)  # each is now the other's parent
    with pytest.raises(InvalidInputError) as raised:
        export_oscal(store, tmp_path / "out", now=NOW)
    assert {p.field for p in raised.value.problems} == {"criterion fw:A.parent", "criterion fw:B.parent"}
    assert not (tmp_path / "out").exists(), "nothing is written"


# ------------------------------------------------------------------------------ round trips


def test_seed_frameworks_exported_from_each_backend_import_back_exactly(
    store: GraphStore, tmp_path: Path, catalog_seeds: Bundle
) -> None:
    store.write(catalog_seeds)
    summary = export_oscal(store, tmp_path, now=NOW)
    fresh = EmbeddedStore()
    for path in summary.catalogs:
        import_oscal(fresh, path)
    assert catalog_part(fresh.export()) == catalog_part(store.export()) == catalog_part(catalog_seeds)


def test_seed_frameworks_import_into_each_backend_exactly(
    store: GraphStore, tmp_path: Path, catalog_seeds: Bundle
) -> None:
    source = EmbeddedStore()
    source.write(catalog_seeds)
    summary = export_oscal(source, tmp_path, now=NOW)
    for path in summary.catalogs:
        import_oscal(store, path)
    assert catalog_part(store.export()) == catalog_part(catalog_seeds)


def test_round_trip_keeps_empty_version_publisher_and_odd_ids(tmp_path: Path) -> None:
    framework = Framework(id="fw.x", name="Odd", license_note="line one\n\nline two")
    criteria = [
        Criterion(id="fw.x:G", ref="G", title="Group", framework="fw.x", description="About the group\n- a\n- b"),
        Criterion(id="custom-id", ref="G 1", title="Leaf", framework="fw.x", parent="fw.x:G", category="Cat"),
        Criterion(id="fw.x:9", ref="9", title="Top leaf", framework="fw.x"),
    ]
    document = framework_catalog(framework, criteria, last_modified=NOW)
    TrestleCatalog.model_validate(document["catalog"])
    imported = read_catalog(document, "odd.json")
    assert imported.framework == framework
    assert sorted(imported.imported.bundle.criteria, key=lambda c: c.id) == sorted(criteria, key=lambda c: c.id)
    assert imported.criterion_of == {"G": "fw.x:G", "G_1": "custom-id", "_9": "fw.x:9"}


def test_a_given_framework_id_renames_the_framework_and_its_criteria(tmp_path: Path) -> None:
    framework = Framework(id="fw", name="F", version="1")
    criteria = [Criterion(id="fw:1", ref="1", title="One", framework="fw", category="C")]
    imported = read_catalog(framework_catalog(framework, criteria, last_modified=NOW), "f.json", "copy")
    assert imported.framework.id == "copy"
    (criterion,) = imported.imported.bundle.criteria
    assert (criterion.id, criterion.framework) == ("copy:1", "copy")


# ------------------------------------------------------------------------------ bad input

BASE: dict[str, Any] = {
    "catalog": {
        "uuid": "9b1c3c7e-8f0e-4a3e-9d55-6f1f0c7f4a11",
        "metadata": {
            "title": "Tiny",
            "last-modified": "2026-01-01T00:00:00Z",
            "version": "1",
            "oscal-version": "1.2.1",
        },
        "groups": [
            {
                "id": "g",
                "title": "Group",
                "controls": [
                    {"id": "c-1", "title": "One", "props": [{"name": "label", "value": "C-1"}]},
                    {"id": "c-2", "title": "Two"},
                ],
            }
        ],
    }
}


def _bad(change: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(BASE))
    catalog = document["catalog"]
    controls = catalog["groups"][0]["controls"]
    if change == "control without title":
        del controls[1]["title"]
    elif change == "duplicate OSCAL id":
        controls[1]["id"] = "c-1"
    elif change == "label that is not an id":
        controls[0]["props"][0]["value"] = "C[1]"
    elif change == "two controls with one label":
        controls[1]["props"] = [{"name": "label", "value": "C-1"}]
    elif change == "id that is not a token":
        controls[1]["id"] = "2 two"
    elif change == "metadata without version":
        del catalog["metadata"]["version"]
    elif change == "groups not a list":
        catalog["groups"] = {"id": "g"}
    return document


BAD_CATALOGS = {
    "control without title": ("catalog.groups[0].controls[1].title", "Field required"),
    "duplicate OSCAL id": ("catalog.groups[0].controls[1].id", "duplicate OSCAL id 'c-1'"),
    "label that is not an id": ("catalog.groups[0].controls[0].props[0].value", "id: String should match pattern"),
    "two controls with one label": (
        "catalog.groups[0].controls[1].props[0].value",
        "duplicate criterion id 'tiny:C-1'",
    ),
    "id that is not a token": ("catalog.groups[0].controls[1].id", "String should match pattern"),
    "metadata without version": ("catalog.metadata.version", "Field required"),
    "groups not a list": ("catalog.groups", "list"),
}


@pytest.mark.parametrize("case", sorted(BAD_CATALOGS))
def test_a_bad_catalog_names_the_json_path_and_writes_nothing(store: GraphStore, tmp_path: Path, case: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad(case)))
    field, reason = BAD_CATALOGS[case]
    with pytest.raises(InvalidInputError) as raised:
        import_oscal(store, path)
    assert any(p.field == f"{path}: {field}" and reason in p.reason for p in raised.value.problems), raised.value
    assert store.export().is_empty()


def test_the_good_base_catalog_imports(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(BASE))
    import_oscal(store, path)
    found = sorted((c.id, c.parent, c.category) for c in store.framework_criteria("tiny"))
    assert found == [("tiny:C-1", "tiny:g", "Group"), ("tiny:c-2", "tiny:g", "Group"), ("tiny:g", None, "Group")]


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("{not json", "bad.json:1", "invalid JSON"),
        ("[]", "bad.json: (document)", "found list"),
        ('{"profile": {}}', "bad.json: (document)", "found profile"),
        ('{"catalog": {}, "mapping-collection": {}}', "bad.json: (document)", "one root"),
    ],
)
def test_a_file_that_is_not_a_catalog_or_mapping_is_refused(tmp_path: Path, text: str, field: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InvalidInputError) as raised:
        read_oscal(path)
    (problem,) = raised.value.problems
    assert problem.field == str(tmp_path / field) and reason in problem.reason


def test_a_framework_id_that_is_not_an_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(BASE))
    with pytest.raises(InvalidInputError) as raised:
        read_oscal(path, "not an id!")
    assert raised.value.problems[0].field == "--framework-id"
