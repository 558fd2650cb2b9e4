"""`list_nodes`/`count_nodes` filters compare scalar properties only, the same on every backend."""

from __future__ import annotations

import pytest

from graph.errors import InvalidInputError
from graph.model import Label
from graph.store import GraphStore
from tests.graphs import GraphBuilder


@pytest.mark.parametrize("key", ["expected_evidence", "id", "colour"])
def test_filters_on_lists_ids_and_unknown_properties_are_refused(store: GraphStore, key: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        store.list_nodes(Label.CONTROL, first=10, where={key: "x"})
    assert error.value.problems[0].field == f"where.{key}"


def test_a_scalar_filter_selects_the_matching_nodes(store: GraphStore) -> None:
    store.write(GraphBuilder().control("a").control("b", status="planned").control("c").bundle())
    assert [c.id for c in store.list_nodes(Label.CONTROL, first=10, where={"status": "implemented"})] == ["a", "c"]
    assert store.count_nodes(Label.CONTROL, {"status": "planned"}) == 1
