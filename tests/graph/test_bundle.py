"""The bundle: parsing and validation, files (YAML/JSON) and the export round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graph.bundle import Bundle, bundle_from_graph, dump_bundle, parse_bundle, read_bundle_file
from graph.checks.change_history import normalized
from graph.errors import InvalidInputError
from graph.model import Evidence, Label, Rel
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import T0, GraphBuilder, day, sample_graph, unstamped


def canonical(bundle: Bundle) -> Bundle:
    """What a store that keeps the bundle exactly must export for it (stamps left out: `unstamped`);
    an asset's `changed_at` comes back as the change it stands for."""
    kept = normalized(bundle, T0)
    return unstamped(bundle_from_graph(kept.nodes(), kept.edges(), (), kept.changes))


def problems(error: pytest.ExceptionInfo[InvalidInputError]) -> dict[str, str]:
    return {p.field: p.reason for p in error.value.problems}


ASSET = {"id": "a", "kind": "model", "name": "a"}
EVIDENCE = {"id": "e", "title": "e", "control": "c", "collected_at": "2026-06-01T00:00:00Z"}


# -- parsing and validation ---------------------------------------------------------------


def test_empty_document_is_an_empty_bundle() -> None:
    assert parse_bundle({}).is_empty()


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_bundle(["assets"], "seed.json")
    assert problems(error) == {"seed.json: (document)": "a bundle must be a mapping of lists"}


@pytest.mark.parametrize(
    ("data", "field", "reason_part"),
    [
        ({"assets": [{**ASSET, "colour": "red"}]}, "assets[0].colour", "Extra inputs"),
        ({"bogus": []}, "bogus", "Extra inputs"),
        ({"format": "attestgraph-bundle/2"}, "format", "attestgraph-bundle/1"),
        ({"evidence": [{**EVIDENCE, "collected_at": "yesterday"}]}, "evidence[0].collected_at", "datetime"),
        ({"evidence": [{**EVIDENCE, "collected_at": "2026-06-01T00:00:00"}]}, "evidence[0].collected_at", "timezone"),
        (
            {"assets": [ASSET, {**ASSET, "id": "b", "changed_at": "2026-06-01T10:00"}]},
            "assets[1].changed_at",
            "timezone",
        ),
        ({"controls": [{"id": "c", "title": "t", "status": "done"}]}, "controls[0].status", "implemented"),
        ({"controls": [{"id": "c", "title": "t", "frequency": "hourly"}]}, "controls[0].frequency", "monthly"),
        ({"assets": [{**ASSET, "id": " a"}]}, "assets[0].id", "pattern"),
        ({"assets": [{**ASSET, "id": ""}]}, "assets[0].id", "at least 1"),
        ({"assets": [{**ASSET, "kind": "toaster"}]}, "assets[0].kind", "model"),
        ({"evidence": [{**EVIDENCE, "sha256": "ABC"}]}, "evidence[0].sha256", "pattern"),
        ({"evidence": [{**EVIDENCE, "status": "approved"}]}, "evidence[0].status", "accepted"),
        (
            {"mappings": [{"source": "x", "target": "y", "relationship": "equal", "strength": 11, "rationale": "r"}]},
            "mappings[0].strength",
            "10",
        ),
        (
            {"mappings": [{"source": "x", "target": "y", "relationship": "same", "strength": 1, "rationale": "r"}]},
            "mappings[0].relationship",
            "equal",
        ),
        ({"depends_on": [{"source": "x", "target": "y", "kind": "likes"}]}, "depends_on[0].kind", "trained_on"),
        ({"assets": {"id": "a"}}, "assets", "list"),
    ],
)
def test_bad_input_names_the_field_path(data: dict[str, Any], field: str, reason_part: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_bundle(data, "in.json")
    found = problems(error)
    assert f"in.json: {field}" in found, found
    assert reason_part in found[f"in.json: {field}"]


@pytest.mark.parametrize(
    "valid_until",
    ["2026-06-01T00:00:00Z", "2026-05-31T00:00:00Z", "2026-06-01T02:00:00+02:00"],
    ids=["equal", "earlier", "equal-instant-other-offset"],
)
def test_valid_until_not_after_collected_at_is_refused_naming_valid_until(valid_until: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_bundle({"evidence": [{**EVIDENCE, "valid_until": valid_until}]})
    found = problems(error)
    assert list(found) == ["evidence[0].valid_until"]
    assert "later than collected_at" in found["evidence[0].valid_until"]


def test_a_bad_collected_at_is_reported_without_a_spurious_valid_until_problem() -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_bundle({"evidence": [{**EVIDENCE, "collected_at": "soon", "valid_until": "2026-06-01T00:00:00Z"}]})
    assert list(problems(error)) == ["evidence[0].collected_at"]


def test_valid_until_just_after_collected_at_is_accepted() -> None:
    bundle = parse_bundle({"evidence": [{**EVIDENCE, "valid_until": "2026-06-01T00:00:00.000001Z"}]})
    assert bundle.evidence[0].valid_until == T0 + timedelta(microseconds=1)


def test_every_problem_is_reported_at_once() -> None:
    data = {"assets": [{**ASSET, "kind": "toaster"}], "evidence": [{**EVIDENCE, "collected_at": "soon"}]}
    with pytest.raises(InvalidInputError) as error:
        parse_bundle(data)
    assert {"assets[0].kind", "evidence[0].collected_at"} <= set(problems(error))


def test_times_are_converted_to_utc() -> None:
    bundle = parse_bundle({"evidence": [{**EVIDENCE, "collected_at": "2026-06-01T09:30:00+09:30"}]})
    assert bundle.evidence[0].collected_at == T0
    assert bundle.evidence[0].collected_at.tzinfo == UTC


def test_node_edge_fields_become_edges() -> None:
    bundle = sample_graph().bundle()
    keys = {(e.type.value, e.source, e.target) for e in bundle.edges()}
    assert ("PART_OF", "fw:CC6.1", "fw") in keys
    assert ("CHILD_OF", "fw:CC6.1", "fw:CC6") in keys
    assert ("EVIDENCES", "ev-policy", "ctl-policy") in keys
    assert ("COVERS", "ev-access-model", "model") in keys
    assert ("CHILD_OF", "fw:CC6", "fw:CC6") not in keys  # a top-level criterion has no parent edge


def test_merged_bundle_concatenates_lists() -> None:
    a = GraphBuilder().framework("a").bundle()
    b = GraphBuilder().framework("b").asset("x").bundle()
    merged = a.merged(b)
    assert [f.id for f in merged.frameworks] == ["a", "b"]
    assert [x.id for x in merged.assets] == ["x"]


# -- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_dump_then_read_reproduces_the_bundle(tmp_path: Path, suffix: str) -> None:
    bundle = canonical(sample_graph().bundle())
    path = tmp_path / f"graph{suffix}"
    dump_bundle(bundle, path)
    assert read_bundle_file(path) == bundle


def test_yaml_validation_error_names_file_and_line_of_the_item(tmp_path: Path) -> None:
    path = tmp_path / "assets.yaml"
    path.write_text(
        "assets:\n"
        "  - id: a\n"
        "    kind: model\n"
        "    name: a\n"
        "  - id: b\n"  # line 5: the second item starts here
        "    kind: model\n"
        "    name: b\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    assert problems(error) == {f"{path}:5: assets[1].colour": "Extra inputs are not permitted"}


def test_yaml_naive_datetime_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(
        "evidence:\n"
        "  - id: e1\n"
        "    title: e1\n"
        "    control: c\n"
        "    collected_at: 2026-06-01T00:00:00Z\n"
        "  - id: e2\n"
        "    title: e2\n"
        "    control: c\n"
        "    collected_at: 2026-06-01 00:00:00\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    [(field, reason)] = problems(error).items()
    assert field == f"{path}:6: evidence[1].collected_at"
    assert "timezone" in reason


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("assets:\n  - id: a\n    kind: [model\n    name: a\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    [(field, reason)] = problems(error).items()
    assert field.startswith(f"{path}:")
    assert field.rsplit(":", 1)[1].isdigit()
    assert reason.startswith("invalid YAML")


def test_json_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"assets": [\n  {"id": "a",,\n', encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    [(field, reason)] = problems(error).items()
    assert field == f"{path}:2"
    assert reason.startswith("invalid JSON")


def test_json_validation_error_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "assets.json"
    path.write_text(json.dumps({"assets": [{**ASSET, "colour": "red"}]}), encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    assert problems(error) == {f"{path}: assets[0].colour": "Extra inputs are not permitted"}


def test_empty_yaml_file_is_an_empty_bundle(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert read_bundle_file(path).is_empty()


def test_yaml_list_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(path)
    assert problems(error) == {f"{path}: (document)": "a bundle must be a mapping of lists"}


def test_unknown_suffix_and_missing_file_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "graph.txt"
    text.write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(text)
    assert list(problems(error)) == [str(text)]
    with pytest.raises(InvalidInputError) as error:
        read_bundle_file(tmp_path / "absent.yaml")
    assert "cannot be read" in problems(error)[str(tmp_path / "absent.yaml")]


# -- the round trip through a store ----------------------------------------------------------


def test_export_of_an_empty_store_is_empty(store: GraphStore) -> None:
    assert store.export().is_empty()


def test_export_reproduces_what_was_written(store: GraphStore) -> None:
    bundle = sample_graph().bundle()
    store.write(bundle)
    assert unstamped(store.export()) == canonical(bundle)


def test_export_written_into_a_fresh_store_exports_equal(store: GraphStore) -> None:
    store.write(sample_graph().bundle())
    exported = store.export()
    fresh = EmbeddedStore()
    try:
        fresh.write(exported)
        assert fresh.export() == exported
    finally:
        fresh.close()


def test_export_from_a_fresh_store_written_into_this_one_exports_equal(store: GraphStore) -> None:
    fresh = EmbeddedStore()
    try:
        fresh.write(sample_graph().bundle())
        exported = fresh.export()
    finally:
        fresh.close()
    store.write(exported)
    assert store.export() == exported


def test_export_through_json_text_round_trips(store: GraphStore) -> None:
    store.write(sample_graph().bundle())
    exported = store.export()
    text = exported.model_dump_json()
    assert parse_bundle(json.loads(text)) == exported


def test_writing_the_export_again_changes_nothing(store: GraphStore) -> None:
    store.write(sample_graph().bundle())
    exported = store.export()
    store.write(exported)
    assert store.export() == exported


def test_times_keep_their_instant_and_come_back_in_utc(store: GraphStore) -> None:
    plus_two = timezone(timedelta(hours=2))
    store.write(
        GraphBuilder()
        .control("c")
        .asset("a", changed_at=datetime(2026, 6, 1, 2, 0, 0, 123456, tzinfo=plus_two))
        .evidence("c", datetime(2026, 6, 1, 2, tzinfo=plus_two), valid_until=day(3), eid="e")
        .bundle()
    )
    exported = store.export()
    assert exported.assets[0].changed_at is None  # the shorthand is kept as a change
    assert exported.changes[0].at == T0 + timedelta(microseconds=123456)
    assert exported.changes[0].at.utcoffset() == timedelta(0)
    assert exported.evidence[0].collected_at == T0
    assert exported.evidence[0].valid_until == day(3)


def test_write_is_an_upsert_of_node_properties(store: GraphStore) -> None:
    store.write(GraphBuilder().control("c").asset("a").bundle())
    store.write(GraphBuilder().control("c", status="planned", frequency="weekly").bundle())
    [control] = store.get_nodes(Label.CONTROL, ["c"]).values()
    assert control.status.value == "planned"  # type: ignore[union-attr]
    assert control.frequency.value == "weekly"  # type: ignore[union-attr]
    assert store.count_nodes(Label.CONTROL) == 1
    assert [a.id for a in store.export().assets] == ["a"]


def test_rewriting_a_node_moves_its_single_valued_edges(store: GraphStore) -> None:
    store.write(GraphBuilder().framework("fw").framework("other").criterion("P").criterion("C", parent="fw:P").bundle())
    # The criterion has no parent and moves to another framework. (Evidence, the other node with
    # single-valued edges, never moves: it is immutable once recorded, tests/graph/test_sqlite_evidence_guards.py.)
    moved = GraphBuilder()
    moved.data["criteria"] = [{"id": "fw:C", "ref": "C", "title": "C", "framework": "other"}]
    store.write(moved.bundle())
    assert store.related(Rel.PART_OF, ["fw:C"]) == {"fw:C": ["other"]}
    assert store.related(Rel.CHILD_OF, ["fw:C"]) == {"fw:C": []}
    assert [c.id for c in store.framework_criteria("other")] == ["fw:C"]
    assert [c.id for c in store.framework_criteria("fw")] == ["fw:P"]
    exported = store.export()
    [criterion] = [c for c in exported.criteria if c.id == "fw:C"]
    assert criterion.parent is None
    assert criterion.framework == "other"
    keys = {(e.type.value, e.source, e.target) for e in exported.edges()}
    assert ("CHILD_OF", "fw:C", "fw:P") not in keys
    assert ("PART_OF", "fw:C", "fw") not in keys


def test_rewriting_a_node_without_an_optional_field_clears_it(store: GraphStore) -> None:
    # (Not evidence: recorded evidence is never rewritten, tests/graph/test_sqlite_evidence_guards.py;
    # and not an asset's changed_at, which never moves back: tests/graph/test_write_rules.py.)
    first = GraphBuilder().control("c").asset("a").vendor("v")
    first.data["vendors"][-1]["report_valid_until"] = day(9)
    store.write(first.bundle())
    store.write(GraphBuilder().asset("a").vendor("v").bundle())
    assert store.export().vendors[0].report_valid_until is None


def test_rewriting_a_relationship_updates_its_properties(store: GraphStore) -> None:
    store.write(GraphBuilder().asset("a").asset("b").depends("a", "b", "calls").bundle())
    store.write(GraphBuilder().depends("a", "b", "trained_on").bundle())
    assert [(d.source, d.target, d.kind.value) for d in store.export().depends_on] == [("a", "b", "trained_on")]


def test_a_relationship_listed_twice_is_stored_once(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").control("c", applies_to=["a"])
    b.data["applies_to"].append({"source": "c", "target": "a"})
    store.write(b.bundle())
    assert [(x.source, x.target) for x in store.export().applies_to] == [("c", "a")]
    assert store.related(Rel.APPLIES_TO, ["c"]) == {"c": ["a"]}


# -- observation periods ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "reason_part"),
    [
        ({"period_start": "2026-05-01T00:00:00Z"}, "required when period_start is given"),
        ({"period_end": "2026-05-01T00:00:00Z"}, "needs period_start"),
        ({"period_start": "2026-05-01T00:00:00Z", "period_end": "2026-05-01T00:00:00Z"}, "later than period_start"),
        ({"period_start": "2026-05-02T00:00:00Z", "period_end": "2026-05-01T00:00:00Z"}, "later than period_start"),
        ({"period_start": "2026-05-01T00:00:00Z", "period_end": "2026-06-01T00:05:00.000001Z"}, "5 minutes past"),
    ],
    ids=["start-only", "end-only", "empty", "backwards", "past-collection-and-skew"],
)
def test_a_bad_observation_period_is_refused_naming_period_end(period: dict[str, str], reason_part: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_bundle({"evidence": [{**EVIDENCE, **period}]})
    found = problems(error)
    assert list(found) == ["evidence[0].period_end"]
    assert reason_part in found["evidence[0].period_end"]


def test_an_observation_period_may_end_at_collection_plus_the_skew_and_round_trips(store: GraphStore) -> None:
    period = {"period_start": "2025-06-01T00:00:00Z", "period_end": "2026-06-01T00:05:00Z"}
    bundle = parse_bundle({"evidence": [{**EVIDENCE, **period}], "controls": [{"id": "c", "title": "c"}]})
    assert bundle.evidence[0].period_end == T0 + timedelta(minutes=5)
    store.write(bundle)
    stored = store.get_nodes(Label.EVIDENCE, ["e"])["e"]
    assert isinstance(stored, Evidence)
    assert (stored.period_start, stored.period_end) == (T0 - timedelta(days=365), T0 + timedelta(minutes=5))
    assert unstamped(store.export()) == canonical(bundle)
