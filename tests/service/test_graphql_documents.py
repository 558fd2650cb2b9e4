"""Remembered documents: answered again correctly, still held to every limit, in bounded memory."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionResult

import service.graphql.documents as documents
from graph.access.keys import Role, parse_key
from graph.stores.embedded import EmbeddedStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.schema import CACHED_DOCUMENTS, AttestgraphSchema, build_schema
from service.settings import Settings
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")
COVERAGE = (
    'query { coverage(framework: "fw", asOf: "2026-06-02T00:00:00Z") {'
    " totals { total covered } criteria { criterionId status } } }"
)
PAGED = "query($n: Int) { assets(first: $n) { edges { node { controls { criteria { id } } } } } }"
TOO_DEEP = '{ criterion(id: "fw:C1") {' + " parent {" * 12 + " id" + " }" * 12 + " } }"


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    # The documents are remembered in front of the store: one backend is enough to exercise them.
    store = EmbeddedStore()
    b = GraphBuilder().framework("fw").criterion("C1").criterion("C2").asset("m")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0)).bundle())
    yield store
    store.close()


@pytest.fixture
def served(store: EmbeddedStore) -> Iterator[LiveServer]:
    with serving(store) as live:
        yield live


def run(
    schema: AttestgraphSchema,
    store: EmbeddedStore,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> ExecutionResult:
    context = Context(store, ADMIN)
    return asyncio.run(schema.execute(query, variables, context, operation_name=operation_name))


def codes(result: ExecutionResult) -> list[str]:
    return [(e.extensions or {}).get("code", "") for e in result.errors or []]


class Counting:
    """Wraps a function and counts its calls."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(*args, **kwargs)


def test_a_repeated_document_is_parsed_and_validated_once_and_answered_alike(store: EmbeddedStore) -> None:
    # Strawberry's caches are shared by every schema: count this text's misses and hits.
    parsed = ParserCache(maxsize=CACHED_DOCUMENTS).cached_parse_document
    validated = ValidationCache(maxsize=CACHED_DOCUMENTS).cached_validate_document
    schema = build_schema()
    text = COVERAGE + " # " + uuid.uuid4().hex  # a text no other test asked
    before = parsed.cache_info(), validated.cache_info()
    first, second = run(schema, store, text), run(schema, store, text)
    assert first.errors is None and second.errors is None
    assert first.data == second.data
    assert first.data["coverage"]["totals"] == {"total": 2, "covered": 1}  # type: ignore[index]
    after = parsed.cache_info(), validated.cache_info()
    assert [(a.misses - b.misses, a.hits - b.hits) for a, b in zip(after, before, strict=True)] == [(1, 1), (1, 1)]
    assert schema.documents.documents.get(text) is not None


def test_a_remembered_document_is_refused_when_its_variables_make_it_too_costly(served: LiveServer) -> None:
    for n in (10, 500, 10, 500, 499, 11):
        body = served.graphql(PAGED, {"n": n})
        if n < 100:
            assert body.get("errors") is None, body
        else:
            assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY", (n, body)
    # The same text asked first with a costly page, then a cheap one.
    spaced = PAGED.replace("{ edges", "{  edges")
    assert served.error(spaced, {"n": 500})["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert served.graphql(spaced, {"n": 10}).get("errors") is None


def test_the_cost_is_remembered_per_operation(store: EmbeddedStore) -> None:
    schema = build_schema()
    two = "query Cheap { me { actor } } query Dear($n: Int) { assets(first: $n) { edges { node { controls {" + (
        " criteria { id } } } } } }"
    )
    for _ in range(2):
        assert run(schema, store, two, operation_name="Cheap").errors is None
        assert codes(run(schema, store, two, {"n": 500}, operation_name="Dear")) == ["QUERY_TOO_COSTLY"]
        assert run(schema, store, two, {"n": 5}, operation_name="Dear").errors is None


def test_a_remembered_document_that_breaks_a_fixed_limit_is_refused_every_time(served: LiveServer) -> None:
    aliases = "{ " + " ".join(f"a{i}: me {{ actor }}" for i in range(40)) + " }"
    for _ in range(3):
        assert "depth" in served.error(TOO_DEEP)["message"].lower()
        assert "aliases" in served.error(aliases)["message"].lower()
        assert served.error("{ nosuch }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    with serving(EmbeddedStore(), Settings(rate_limit=0, environment="production")) as prod:
        for _ in range(3):
            assert "introspection" in prod.error("{ __schema { queryType { name } } }")["message"].lower()


def test_texts_that_do_not_parse_are_refused_and_never_remembered(store: EmbeddedStore) -> None:
    schema = build_schema()
    too_long = "{ " + "me { actor } " * 2000 + "}"
    for _ in range(2):
        result = run(schema, store, too_long)
        assert result.errors and "token" in result.errors[0].message.lower()
        assert run(schema, store, "{ me { actor ").errors
    assert len(schema.documents.documents) == 0


def test_the_memory_of_documents_and_of_their_costs_is_bounded(store: EmbeddedStore) -> None:
    schema = build_schema()
    schema.documents.documents.maxsize = 3
    texts = [f"{{ a{i}: me {{ actor }} }}" for i in range(5)]
    for text in texts:
        assert run(schema, store, text).errors is None
    assert len(schema.documents.documents) == 3
    assert schema.documents.documents.get(texts[0]) is None and schema.documents.documents.get(texts[-1]) is not None
    assert run(schema, store, texts[0]).data == {"a0": {"actor": "test"}}  # forgotten, so parsed again
    for n in range(documents.MAX_COST_VARIANTS + 10):
        assert run(schema, store, PAGED, {"n": n}).errors is None
    assert codes(run(schema, store, PAGED, {"n": 500})) == ["QUERY_TOO_COSTLY"]
    prepared = schema.documents.documents.get(PAGED)
    assert prepared is not None and len(prepared.costs) == documents.MAX_COST_VARIANTS
    held = len(schema.documents.documents)
    long_text = "{ me { actor } }" + " " * documents.MAX_TEXT
    assert run(schema, store, long_text).data == {"me": {"actor": "test"}}
    assert len(schema.documents.documents) == held and schema.documents.documents.get(long_text) is None


def test_the_remembered_texts_are_bounded_in_length_together() -> None:
    lru: documents.Lru[str, int] = documents.Lru(maxsize=10, max_weight=10)
    for key in "abc":
        lru.put(key, 1, weight=5)
    assert (len(lru), lru.weight, lru.get("a"), lru.get("c")) == (2, 10, None, 1)
    lru.put("c", 2, weight=1)  # replaced, not counted twice
    assert (len(lru), lru.weight, lru.get("c")) == (2, 6, 2)


def test_every_request_is_authenticated_and_authorised_even_for_a_remembered_document(served: LiveServer) -> None:
    keys = "{ apiKeys { id } }"
    assert served.data(keys)["apiKeys"]
    viewer = served.as_role(Role.VIEWER)
    for _ in range(2):
        assert viewer.error(keys)["extensions"]["code"] == "FORBIDDEN"
    denials = [e for e in served.store.access.audit_entries(first=100) if e.outcome == "denied: FORBIDDEN"]
    assert len(denials) == 2
    assert viewer.data("{ me { actor } }")["me"]["actor"].startswith("key:")
    anonymous = served.with_key(None)
    assert anonymous.client.post(f"{served.url}/graphql", json={"query": keys}).status_code == 401
    assert viewer.key is not None
    parsed = parse_key(viewer.key)
    assert parsed is not None
    served.data("mutation($id: ID!) { revokeApiKey(id: $id) { id } }", {"id": parsed[0]})
    assert viewer.client.post(f"{served.url}/graphql", json={"query": "{ me { actor } }"}).status_code == 401


def test_a_text_too_long_to_remember_is_still_held_to_every_limit(store: EmbeddedStore) -> None:
    schema = build_schema()
    pad = " " * documents.MAX_TEXT
    assert codes(run(schema, store, "{ nosuch }" + pad)) == ["GRAPHQL_VALIDATION_FAILED"]
    assert codes(run(schema, store, PAGED + pad, {"n": 500})) == ["QUERY_TOO_COSTLY"]
    assert "depth" in (run(schema, store, TOO_DEEP + pad).errors or [])[0].message
    assert run(schema, store, "{ me { actor } }" + pad).data == {"me": {"actor": "test"}}
    assert schema.documents.documents.get("{ nosuch }" + pad) is None
