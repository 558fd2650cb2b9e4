"""Fragment bombs and other shapes: refused in work linear in the document, before anything expands them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import parse

import service.graphql.documents as documents
from graph.stores.embedded import EmbeddedStore
from service.graphql.complexity import DocumentShape, document_shape, expansion_refusal, limit_errors
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer, serving


def bomb(levels: int) -> str:
    """`levels` fragments, each spreading the next twice: 2^levels spreads once expanded."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    return "query Bomb { ...F0 }\n" + "\n".join(fragments) + f"\nfragment F{levels} on Query {{ __typename }}"


@pytest.fixture
def served() -> Iterator[LiveServer]:
    # The refusal sits in front of the store: one backend is enough to exercise it.
    store = EmbeddedStore()
    store.write(GraphBuilder().framework("fw").criterion("C1").asset("m").bundle())
    with serving(store) as live:
        yield live
    store.close()


class Recorder:
    """Wraps a function, keeping what it returned."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.results: list[Any] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.fn(*args, **kwargs)
        self.results.append(result)
        return result


@pytest.mark.parametrize("levels", [20, 24, 40])
def test_a_fragment_bomb_is_known_for_what_it_is_in_linear_work(levels: int) -> None:
    shape = document_shape(parse(bomb(levels)))
    assert shape.operations["Bomb"].spreads == 2 ** (levels + 1) - 1
    # Each spread node of the text is stepped over once, never expanded.
    assert shape.spreads_walked == 2 * levels + 1
    assert shape.nodes_walked == 2 * levels + 2
    refusal = expansion_refusal(shape)
    assert refusal is not None and (refusal.extensions or {})["code"] == "QUERY_TOO_COMPLEX"


def test_a_40_level_bomb_over_http_is_refused_unexpanded_while_healthz_answers(
    served: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = Recorder(documents.document_shape)
    costs = Recorder(documents.cost_error)
    monkeypatch.setattr(documents, "document_shape", shapes)
    monkeypatch.setattr(documents, "cost_error", costs)

    answers: list[dict[str, Any]] = []

    def send_bombs() -> None:
        with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {served.key}"}) as client:
            answers.extend(client.post(f"{served.url}/graphql", json={"query": bomb(40)}).json() for _ in range(5))

    sender = threading.Thread(target=send_bombs)
    sender.start()
    health = [served.client.get(f"{served.url}/healthz").status_code for _ in range(5)]
    sender.join(timeout=60)
    health.append(served.client.get(f"{served.url}/healthz").status_code)

    assert health == [200] * 6
    assert len(answers) == 5
    for body in answers:
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]
        assert "fragment spreads" in body["errors"][0]["message"]
    # The shape was read once per text (then remembered), walking 81 spreads, not 2^41.
    walked: list[DocumentShape] = shapes.results
    assert [s.spreads_walked for s in walked] == [81]
    # The cost estimate never ran; depth and aliases come from the shape. (graphql-core's own
    # rules, run before, visit each fragment once: none of them expands a spread.)
    assert costs.results == []


def test_fragment_cycles_are_refused_cleanly(served: LiveServer) -> None:
    cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { me { actor } ...A }"
    error = served.error(cycle)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "A -> B -> A" in error["message"]


def test_depth_and_aliases_count_through_fragments_without_expanding_them() -> None:
    # Depth 13 split over three fragments; 31 aliases spread over one fragment used 31 times.
    deep = (
        '{ criterion(id: "x") { ...D1 } } '
        "fragment D1 on Criterion { parent { parent { parent { parent { ...D2 } } } } } "
        "fragment D2 on Criterion { parent { parent { parent { parent { ...D3 } } } } } "
        "fragment D3 on Criterion { parent { parent { parent { parent { id } } } } }"
    )
    shape = document_shape(parse(deep))
    assert shape.operations["anonymous"].depth == 13
    assert ["exceeds maximum operation depth of 12" in e.message for e in limit_errors(shape)] == [True]
    many = (
        "{ "
        + " ".join(f"...A{i}" for i in range(31))
        + " } "
        + " ".join(f"fragment A{i} on Query {{ a{i}: me {{ actor }} }}" for i in range(31))
    )
    assert ["31 aliases found" in e.message for e in limit_errors(document_shape(parse(many)))] == [True]
    shallow = '{ criterion(id: "x") { ...D1 } } fragment D1 on Criterion { parent { parent { id } } }'
    assert document_shape(parse(shallow)).operations["anonymous"].depth == 3
    assert limit_errors(document_shape(parse(shallow))) == []


def test_ordinary_fragments_pass_every_limit(served: LiveServer) -> None:
    query = "query { ...Me ...Me } fragment Me on Query { me { ...Who } } fragment Who on Me { actor }"
    assert served.data(query)["me"]["actor"]
