"""Hypothesis against every loader: whatever the input, a clear `InvalidInputError` or a result;
never a crash, and a refused write leaves the store exactly as it was (both backends)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.bundle import NODE_LISTS, Bundle, parse_bundle, read_bundle_file
from graph.errors import AttestgraphError, InvalidInputError
from graph.seeds import read_seed_files
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day

IDS = st.sampled_from(["a", "b", "k", "fw", "fw:C1", "e1", "ghost", "", " x", "a" * 201])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), IDS, st.text(max_size=8))
TIMES = st.sampled_from(["2026-06-01T00:00:00Z", "2026-05-01T00:00:00+02:00", "2026-06-01", "never", None])
FIELDS = [
    "id",
    "name",
    "title",
    "kind",
    "control",
    "framework",
    "ref",
    "source",
    "target",
    "relationship",
    "strength",
    "rationale",
    "status",
    "frequency",
    "collected_at",
    "valid_until",
    "supersedes",
    "sha256",
]


def item() -> st.SearchStrategy[dict[str, Any]]:
    values = st.one_of(SCALARS, TIMES, st.sampled_from(["model", "accepted", "monthly", "equal", "calls"]))
    return st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


LIST_NAMES = [*NODE_LISTS, "satisfies", "applies_to", "depends_on", "covers", "mappings", "provided_by"]
DOCUMENTS = st.one_of(
    st.dictionaries(st.sampled_from([*LIST_NAMES, "format", "extra"]), st.lists(item(), max_size=4), max_size=5),
    st.lists(st.integers(), max_size=3),
    SCALARS,
)


@settings(max_examples=300, deadline=None)
@given(document=DOCUMENTS)
def test_parse_bundle_answers_every_document_with_a_bundle_or_named_problems(document: Any) -> None:
    try:
        parse_bundle(document)
    except InvalidInputError as error:
        assert all(p.field and p.reason for p in error.problems)


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(st.text(max_size=200), DOCUMENTS.map(json.dumps), DOCUMENTS.map(yaml.safe_dump)),
    suffix=st.sampled_from([".json", ".yaml", ".yml", ".txt"]),
)
def test_bundle_files_of_any_text_are_read_or_refused_naming_the_file(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"bundle{suffix}"
        path.write_text(text, encoding="utf-8")
        for read in (lambda: read_bundle_file(path), lambda: read_seed_files(path)):
            try:
                read()
            except InvalidInputError as error:
                assert any(str(path) in p.field for p in error.problems)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    document=st.dictionaries(st.sampled_from(LIST_NAMES), st.lists(item(), max_size=3), max_size=4),
    immutable=st.booleans(),
)
def test_a_refused_write_leaves_the_store_as_it_was(
    store: GraphStore, document: dict[str, Any], immutable: bool
) -> None:
    if not store.get_nodes(__import__("graph.model").model.Label.CONTROL, ["k"]):
        b = GraphBuilder().framework("fw").criterion("C1").asset("a").asset("b")
        store.write(b.control("k", satisfies=["fw:C1"], applies_to=["a"]).evidence("k", day(0), eid="e1").bundle())
    before = store.export()
    try:
        bundle = parse_bundle(document)
    except InvalidInputError:
        return
    try:
        store.write(bundle, immutable_evidence=immutable)
    except AttestgraphError:
        assert store.export() == before
    else:
        assert isinstance(bundle, Bundle)
