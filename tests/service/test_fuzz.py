"""Fuzzing the API with schemathesis: every GraphQL root field and every REST route, with
generated inputs. No answer is a 500 or carries a trace, and a mutation that fails writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st

from graph.stores.embedded import EmbeddedStore
from service.app import create_app
from service.graphql.schema import build_schema
from service.settings import Settings
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving

EXAMPLES = 12

schemathesis.graphql.scalar(
    "DateTime",
    st.sampled_from(["2026-06-01T00:00:00Z", "2026-01-01T12:30:00+02:00", "2026-06-01", "not a time", ""]).map(
        lambda text: __import__("graphql").StringValueNode(value=text)
    ),
)

# Introspected synchronously, so without the answer memory (its hook is async); the same types.
graphql_schema = schemathesis.graphql.from_dict({"data": build_schema(remember_answers=False).introspect()})
openapi_schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[LiveServer]:
    store = EmbeddedStore()
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d").depends("m", "d")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0), eid="e1").bundle())
    with serving(store) as live:
        yield live
    store.close()


def assert_sound(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    text = response.text
    assert "Traceback" not in text and 'File "' not in text and "MATCH (" not in text


@graphql_schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_graphql_fields_never_fail_the_server(case: Any, fuzzed: LiveServer) -> None:
    store = fuzzed.store
    before = store.export()
    audit_before = store.access.audit_count()
    response = case.call(base_url=f"{fuzzed.url}/graphql", headers={"Authorization": f"Bearer {fuzzed.key}"})
    assert_sound(response)
    body = response.json()
    if case.operation.label.startswith("Mutation.") and body.get("errors") and not body.get("data"):
        assert store.export() == before, "a failed mutation wrote part of its change"
        executed = any(error.get("path") for error in body["errors"])  # else the document was refused whole
        assert store.access.audit_count() == audit_before + executed  # a failure that ran is on record, once


@openapi_schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_rest_routes_never_fail_the_server(case: Any, fuzzed: LiveServer) -> None:
    response = case.call(base_url=fuzzed.url, headers={"Authorization": f"Bearer {fuzzed.key}"})
    assert_sound(response)
    anonymous = case.call(base_url=fuzzed.url)
    if case.path not in ("/healthz", "/readyz"):
        assert anonymous.status_code == 401, (case.method, case.path, anonymous.status_code)
