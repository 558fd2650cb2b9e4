"""Hostile values in a document or its variables: refused as the caller's mistake, naming the argument."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from graph.stores.embedded import EmbeddedStore
from service.settings import Settings
from tests.service.conftest import LiveServer, serving

COVERAGE = 'query($at: DateTime) { coverage(framework: "fw", asOf: $at) { totals { total } } }'


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def bad_input(error: dict[str, Any], field: str) -> None:
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert [f["field"] for f in error["extensions"]["fields"]] == [field], error
    assert error["message"].startswith(f"{field}: "), error


def test_a_datetime_before_year_one_in_utc_is_bad_input_as_a_literal_and_as_a_variable(served: LiveServer) -> None:
    early = "0001-01-01T00:00:00+01:00"
    literal = served.error(f'{{ coverage(framework: "fw", asOf: "{early}") {{ totals {{ total }} }} }}')
    bad_input(literal, "asOf")
    assert "outside the years" in literal["message"]
    bad_input(served.error(COVERAGE, {"at": early}), "asOf")


@pytest.mark.parametrize(
    "text", ["2026-01-01T00:00:00Z\x00garbage", "2026-01-01\x00T00:00:00Z", "2026-01-01T00:00:00Z\n"]
)
def test_a_datetime_with_a_nul_or_trailing_text_is_refused(served: LiveServer, text: str) -> None:
    error = served.error(COVERAGE, {"at": text})
    bad_input(error, "asOf")
    assert "is not an ISO-8601 date-time" in error["message"]


@pytest.mark.parametrize("text", ["seq:²", "seq:" + "9" * 30, "seq:٣", "o:" + "9" * 5000, "seq:" + "1" * 2000])
def test_a_cursor_that_is_not_a_small_ascii_position_is_bad_input(served: LiveServer, text: str) -> None:
    query = "query($after: String) { auditLog(after: $after) { totalCount } }"
    bad_input(served.error(query, {"after": cursor(text)}), "after")


def test_an_offset_cursor_too_long_for_an_int_is_bad_input(served: LiveServer) -> None:
    query = 'query($after: String) { missingEvidence(framework: "fw") { rows(after: $after) { totalCount } } }'
    bad_input(served.error(query, {"after": cursor("o:" + "9" * 5000)}), "after")
    assert served.data(query, {"after": cursor("o:0")})["missingEvidence"]["rows"]["totalCount"] >= 0


def test_two_operations_without_an_operation_name_are_refused_not_the_first_run(served: LiveServer) -> None:
    two = "query A { me { actor } } query B { me { roles } }"
    error = served.error(two)
    bad_input(error, "operationName")
    assert "(A, B)" in error["message"]
    body = served.client.post(f"{served.url}/graphql", json={"query": two, "operationName": "B"}).json()
    assert body == {"data": {"me": {"roles": ["ADMIN"]}}}


def test_production_answers_a_misspelt_field_without_suggestions() -> None:
    misspelt = "{ assts { totalCount } }"
    with serving(EmbeddedStore(), Settings(rate_limit=0)) as development:
        assert "Did you mean" in development.error(misspelt)["message"]
    with serving(EmbeddedStore(), Settings(rate_limit=0, environment="production")) as production:
        for document in (misspelt, "{ me { actr } }", '{ coverage(framework: "fw", asOff: "x") { asOf } }'):
            error = production.error(document)
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            assert "Did you mean" not in error["message"] and "?" not in error["message"], error
