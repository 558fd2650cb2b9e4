"""Bad input is refused with the path of the offending field, and a refused write writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from graph.bundle import Bundle, parse_bundle
from graph.checks.references import check_bundle, edge_references
from graph.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError
from graph.model import Label, Rel
from graph.store import GraphStore
from tests.graphs import T0, GraphBuilder, changes_at, day, sample_graph


def base(store: GraphStore) -> Bundle:
    """Fill the store with the sample graph; return its export, to compare after a failure."""
    store.write(sample_graph().bundle())
    return store.export()


def problems(error: pytest.ExceptionInfo[InvalidInputError]) -> dict[str, str]:
    return {p.field: p.reason for p in error.value.problems}


def with_new_asset(data: dict[str, Any]) -> dict[str, Any]:
    """Add a valid new node to a bad document: all or nothing means it is not written either."""
    return {**data, "assets": [*data.get("assets", []), {"id": "brand-new", "kind": "model", "name": "new"}]}


# (bundle document, field path that must be named, words the reason must contain)
BAD_REFERENCES: dict[str, tuple[dict[str, Any], str, str]] = {
    "evidence-of-unknown-control": (
        {"evidence": [{"id": "e-x", "title": "x", "control": "nope", "collected_at": "2026-06-01T00:00:00Z"}]},
        "evidence[0].control",
        "Control 'nope' does not exist",
    ),
    "criterion-of-unknown-framework": (
        {"criteria": [{"id": "x:1", "ref": "1", "title": "t", "framework": "nope"}]},
        "criteria[0].framework",
        "Framework 'nope' does not exist",
    ),
    "criterion-with-unknown-parent": (
        {"criteria": [{"id": "fw:9", "ref": "9", "title": "t", "framework": "fw", "parent": "fw:nope"}]},
        "criteria[0].parent",
        "Criterion 'fw:nope' does not exist",
    ),
    "applies-to-unknown-asset": (
        {"applies_to": [{"source": "ctl-access", "target": "nope"}]},
        "applies_to[0].target",
        "Asset 'nope' does not exist",
    ),
    "applies-from-unknown-control": (
        {"applies_to": [{"source": "nope", "target": "model"}]},
        "applies_to[0].source",
        "Control 'nope' does not exist",
    ),
    "satisfies-from-a-criterion-not-a-control": (
        {"satisfies": [{"source": "fw:CC6.1", "target": "fw:CC7.1"}]},
        "satisfies[0].source",
        "Control 'fw:CC6.1' does not exist",
    ),
    "covers-unknown-asset": (
        {"covers": [{"source": "ev-policy", "target": "nope"}]},
        "covers[0].target",
        "Asset 'nope' does not exist",
    ),
    "depends-on-unknown-asset": (
        {"depends_on": [{"source": "model", "target": "nope", "kind": "calls"}]},
        "depends_on[0].target",
        "Asset 'nope' does not exist",
    ),
    "provided-by-unknown-vendor": (
        {"provided_by": [{"source": "model", "target": "nope"}]},
        "provided_by[0].target",
        "Vendor 'nope' does not exist",
    ),
    "relies-on-unknown-vendor": (
        {"relies_on": [{"source": "ctl-access", "target": "nope"}]},
        "relies_on[0].target",
        "Vendor 'nope' does not exist",
    ),
    "mitigates-unknown-threat": (
        {"mitigates": [{"source": "ctl-access", "target": "AML.T9999"}]},
        "mitigates[0].target",
        "Threat 'AML.T9999' does not exist",
    ),
    "mapping-to-unknown-criterion": (
        {
            "mappings": [
                {"source": "fw:CC7.1", "target": "iso:nope", "relationship": "equal", "strength": 5, "rationale": "r"}
            ]
        },
        "mappings[0].target",
        "Criterion 'iso:nope' does not exist",
    ),
    "duplicate-id": (
        {"assets": [{"id": "dup", "kind": "model", "name": "1"}, {"id": "dup", "kind": "dataset", "name": "2"}]},
        "assets[1].id",
        "duplicate id 'dup' (also at assets[0])",
    ),
    "self-dependency": (
        {"depends_on": [{"source": "model", "target": "model", "kind": "calls"}]},
        "depends_on[0]",
        "cannot be linked to itself",
    ),
    "self-mapping": (
        {
            "mappings": [
                {"source": "fw:CC7.1", "target": "fw:CC7.1", "relationship": "equal", "strength": 5, "rationale": "r"}
            ]
        },
        "mappings[0]",
        "cannot be linked to itself",
    ),
    "own-parent": (
        {"criteria": [{"id": "fw:X", "ref": "X", "title": "t", "framework": "fw", "parent": "fw:X"}]},
        "criteria[0].parent",
        "cannot be linked to itself",
    ),
}


@pytest.mark.parametrize("case", list(BAD_REFERENCES))
def test_bad_reference_is_refused_naming_the_field_and_nothing_is_written(store: GraphStore, case: str) -> None:
    before = base(store)
    data, field, reason = BAD_REFERENCES[case]
    with pytest.raises(InvalidInputError) as error:
        store.write(parse_bundle(with_new_asset(data)))
    found = problems(error)
    assert field in found, found
    assert reason in found[field]
    assert store.export() == before
    assert store.get_nodes(Label.ASSET, ["brand-new"]) == {}


# Documents that fail before reaching the store: the loading path is parse, then write.
BAD_DOCUMENTS: dict[str, tuple[dict[str, Any], str]] = {
    "string-date": (
        {"evidence": [{"id": "e-x", "title": "x", "control": "ctl-policy", "collected_at": "last tuesday"}]},
        "evidence[0].collected_at",
    ),
    "naive-datetime": (
        {"evidence": [{"id": "e-x", "title": "x", "control": "ctl-policy", "collected_at": "2026-06-01T00:00:00"}]},
        "evidence[0].collected_at",
    ),
    "unknown-field": ({"controls": [{"id": "ctl-x", "title": "x", "colour": "red"}]}, "controls[0].colour"),
    "valid-until-before-collected-at": (
        {
            "evidence": [
                {
                    "id": "e-x",
                    "title": "x",
                    "control": "ctl-policy",
                    "collected_at": "2026-06-01T00:00:00Z",
                    "valid_until": "2026-06-01T00:00:00Z",
                }
            ]
        },
        "evidence[0].valid_until",
    ),
}


def load(store: GraphStore, data: object) -> None:
    store.write(parse_bundle(data))


@pytest.mark.parametrize("case", list(BAD_DOCUMENTS))
def test_bad_document_is_refused_naming_the_field_and_nothing_is_written(store: GraphStore, case: str) -> None:
    before = base(store)
    data, field = BAD_DOCUMENTS[case]
    with pytest.raises(InvalidInputError) as error:
        load(store, with_new_asset(data))
    assert field in problems(error)
    assert store.export() == before


def test_every_bad_reference_is_reported_at_once(store: GraphStore) -> None:
    before = base(store)
    bad = {
        "applies_to": [{"source": "ctl-access", "target": "nope-1"}, {"source": "ctl-access", "target": "model"}],
        "covers": [{"source": "nope-2", "target": "nope-3"}],
    }
    with pytest.raises(InvalidInputError) as error:
        load(store, bad)
    assert set(problems(error)) == {"applies_to[0].target", "covers[0].source", "covers[0].target"}
    assert store.export() == before
    assert "model" in store.related(Rel.APPLIES_TO, ["ctl-access"])["ctl-access"]  # was there before


def test_references_resolve_within_the_bundle(store: GraphStore) -> None:
    store.write(
        GraphBuilder()
        .framework("fw")
        .criterion("1")
        .control("c", satisfies=["fw:1"], applies_to=["a"])
        .asset("a")
        .evidence("c", T0, covers=["a"])
        .bundle()
    )
    assert store.related(Rel.SATISFIES, ["c"]) == {"c": ["fw:1"]}


def test_references_resolve_against_the_store(store: GraphStore) -> None:
    base(store)
    store.write(GraphBuilder().control("c-new", satisfies=["fw:CC7.1"], applies_to=["gpu"]).bundle())
    assert store.related(Rel.SATISFIES, ["c-new"]) == {"c-new": ["fw:CC7.1"]}
    assert "c-new" in store.related(Rel.APPLIES_TO, ["gpu"], reverse=True)["gpu"]


def test_an_id_is_unique_per_label_not_across_labels(store: GraphStore) -> None:
    store.write(GraphBuilder().asset("same").control("same", applies_to=["same"]).bundle())
    assert store.related(Rel.APPLIES_TO, ["same"]) == {"same": ["same"]}


def test_writing_an_existing_id_again_is_an_update_not_a_duplicate(store: GraphStore) -> None:
    before = base(store)
    store.write(GraphBuilder().asset("model", kind="model").bundle())
    assert store.count_nodes(Label.ASSET) == len(before.assets)


# -- check_bundle on its own --------------------------------------------------------------------


def nothing_exists(label: Label, ids: set[str]) -> set[str]:
    return set()


def test_check_bundle_asks_the_store_only_about_ids_outside_the_bundle() -> None:
    asked: list[tuple[Label, set[str]]] = []

    def existing(label: Label, ids: set[str]) -> set[str]:
        asked.append((label, set(ids)))
        return ids

    bundle = GraphBuilder().asset("a").control("c", applies_to=["a", "b"]).bundle()
    check_bundle(bundle, existing)
    assert asked == [(Label.ASSET, {"b"})]


def test_check_bundle_lists_problems_in_document_order() -> None:
    bundle = parse_bundle(
        {
            "assets": [{"id": "a", "kind": "model", "name": "a"}, {"id": "a", "kind": "model", "name": "b"}],
            "depends_on": [{"source": "a", "target": "a", "kind": "calls"}],
            "applies_to": [{"source": "c", "target": "a"}],
        }
    )
    with pytest.raises(InvalidInputError) as error:
        check_bundle(bundle, nothing_exists)
    assert error.value.problems == [
        FieldProblem("assets[1].id", "duplicate id 'a' (also at assets[0])"),
        FieldProblem("applies_to[0].source", "Control 'c' does not exist"),
        FieldProblem("depends_on[0]", "'a' cannot be linked to itself by DEPENDS_ON"),
    ]


def test_edge_references_cover_every_relationship_of_the_bundle() -> None:
    bundle = sample_graph().bundle()
    refs = list(edge_references(bundle))
    assert {rel for _path, rel, _s, _t in refs} == set(Rel)
    assert len(refs) == sum(1 for _ in bundle.edges())


# -- deletes and changes -------------------------------------------------------------------------


def test_deleting_an_unknown_asset_is_not_found_and_changes_nothing(store: GraphStore) -> None:
    before = base(store)
    with pytest.raises(NotFoundError) as error:
        store.delete_asset("nope")
    assert error.value.node_id == "nope"
    assert store.export() == before


def test_deleting_an_asset_covered_by_evidence_is_a_conflict_and_changes_nothing(store: GraphStore) -> None:
    before = base(store)
    with pytest.raises(ConflictError) as error:
        store.delete_asset("model")  # ev-access-model covers it
    assert "ev-access-model" in str(error.value)
    assert store.export() == before


def test_deleting_an_asset_removes_it_and_all_its_relationships(store: GraphStore) -> None:
    before = base(store)
    store.delete_asset("gpu")  # hosted "model", provided by "cloud"
    after = store.export()
    assert [a.id for a in after.assets] == sorted(a.id for a in before.assets if a.id != "gpu")
    assert not any("gpu" in (e.source, e.target) for e in after.edges())
    assert [v.id for v in after.vendors] == ["cloud"]  # the vendor stays
    assert store.get_nodes(Label.ASSET, ["gpu"]) == {}
    assert store.related(Rel.DEPENDS_ON, ["model"]) == {"model": ["dataset"]}
    # Every other relationship is untouched.
    gone = {(e.type, e.source, e.target) for e in before.edges() if "gpu" in (e.source, e.target)}
    assert {(e.type, e.source, e.target) for e in after.edges()} == {
        (e.type, e.source, e.target) for e in before.edges()
    } - gone


def test_a_deleted_asset_can_be_written_again(store: GraphStore) -> None:
    base(store)
    store.delete_asset("gpu")
    store.write(GraphBuilder().asset("gpu", kind="infrastructure").bundle())
    assert store.related(Rel.DEPENDS_ON, ["gpu"], reverse=True) == {"gpu": []}


def test_a_change_of_an_unknown_asset_records_nothing(store: GraphStore) -> None:
    before = base(store)
    with pytest.raises(InvalidInputError, match=r"changes\[1\]\.asset"):
        store.write(changes_at(["dataset", "nope"], day(1)))
    assert store.export() == before


def test_changes_are_recorded_for_every_given_asset(store: GraphStore) -> None:
    base(store)
    store.write(changes_at(["dataset", "gpu"], day(1)))
    assert store.latest_changes(["dataset", "gpu", "model"], day(2)) == {
        "dataset": day(1),
        "gpu": day(1),
        "model": day(-3),
    }
