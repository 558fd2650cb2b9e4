"""How domain failures look to a client is decided at the edge, in one table (service/error_codes.py)."""

from __future__ import annotations

import inspect

import graph.errors
from graph.errors import AttestgraphError, ConflictError, InvalidInputError, StoreUnavailableError
from service.error_codes import ANSWERS, UNAVAILABLE_MESSAGE, ErrorAnswer, answer_for, field_problems, message_of


def domain_errors() -> list[type[AttestgraphError]]:
    return [
        cls
        for _, cls in inspect.getmembers(graph.errors, inspect.isclass)
        if issubclass(cls, AttestgraphError) and cls.__module__ == graph.errors.__name__
    ]


def test_graph_errors_say_nothing_of_http_or_wire_codes() -> None:
    for cls in domain_errors():
        assert not hasattr(cls, "http_status"), cls
        assert not hasattr(cls, "code"), cls


def test_every_domain_error_has_its_own_row_in_the_table() -> None:
    assert set(domain_errors()) == set(ANSWERS)


def test_the_table_answers_as_the_api_always_has() -> None:
    assert {cls.__name__: (a.code, a.http_status) for cls, a in ANSWERS.items()} == {
        "AttestgraphError": ("INTERNAL", 500),
        "NotFoundError": ("NOT_FOUND", 404),
        "InvalidInputError": ("BAD_USER_INPUT", 422),
        "ConflictError": ("CONFLICT", 409),
        "StoreUnavailableError": ("STORE_UNAVAILABLE", 503),
        "ForbiddenError": ("FORBIDDEN", 403),
    }


def test_an_unlisted_subclass_answers_as_its_nearest_listed_ancestor() -> None:
    class ReadOnly(ConflictError):
        pass

    assert answer_for(ReadOnly("x")) == ErrorAnswer("CONFLICT", 409)


def test_an_unavailable_store_is_answered_without_its_internals() -> None:
    error = StoreUnavailableError("Neo4j at bolt://10.0.0.7:7687 cannot answer: auth failed")
    assert message_of(error) == UNAVAILABLE_MESSAGE
    assert message_of(ConflictError("key: taken")) == "key: taken"


def test_field_problems_only_for_invalid_input() -> None:
    assert field_problems(InvalidInputError.one("assets[0].name", "must not be empty")) == [
        {"field": "assets[0].name", "reason": "must not be empty"}
    ]
    assert field_problems(ConflictError("x")) is None
