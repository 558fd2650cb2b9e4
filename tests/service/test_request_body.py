"""Malformed GraphQL requests over real HTTP: 400 with a code in the GraphQL error shape, never an
internal error with a traceback in the log (issue 11, item 8)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.stores.embedded import EmbeddedStore
from service.request_body import MAX_JSON_DEPTH
from tests.service.conftest import LiveServer, serving

DEEP = 1_500


@pytest.fixture
def served() -> Iterator[LiveServer]:
    # The check sits in front of the store: one backend is enough.
    store = EmbeddedStore()
    with serving(store) as live:
        yield live
    store.close()


def refused(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "Traceback" not in response.text
    return error


def post(live: LiveServer, body: bytes) -> httpx.Response:
    return live.client.post(f"{live.url}/graphql", content=body, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"null", "null"), (b"42", "a number"), (b'"x"', "a string"), (b"[]", "an array"), (b"true", "a boolean")],
)
def test_a_body_that_is_not_a_json_object_is_a_bad_request(
    served: LiveServer, body: bytes, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        error = refused(post(served, body))
    assert error["extensions"]["fields"] == [
        {"field": "body", "reason": f'must be a JSON object such as {{"query": "..."}}, not {kind}'}
    ]
    assert not [r for r in caplog.records if r.exc_info], "a malformed body must not log a traceback"


@pytest.mark.parametrize("body", [b'{"query": "{ me { actor } }", "x": "\xff\xfe"}', b"\xff\xfe{\x00}\x00"])
def test_a_body_that_is_not_utf8_is_a_bad_request(
    served: LiveServer, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        error = refused(post(served, body))
    assert "UTF-8" in error["message"]
    assert not [r for r in caplog.records if r.exc_info]


def test_json_nested_too_deeply_is_a_bad_request(served: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    nested = b"[" * DEEP + b"]" * DEEP
    with caplog.at_level(logging.ERROR):
        assert "nested too deeply" in refused(post(served, nested))["message"]
        in_variables = b'{"query": "{ me { actor } }", "variables": {"v": ' + nested + b"}}"
        assert "nested too deeply" in refused(post(served, in_variables))["message"]
        just_over = (
            b'{"query": "{ me { actor } }", "variables": '
            + b'{"v": ' * MAX_JSON_DEPTH
            + b"1"
            + b"}" * (MAX_JSON_DEPTH + 1)
        )
        assert "nested too deeply" in refused(post(served, just_over))["message"]
        as_parameter = served.client.get(
            f"{served.url}/graphql", params={"query": "{ me { actor } }", "variables": "[" * DEEP + "]" * DEEP}
        )
        assert refused(as_parameter)["extensions"]["fields"][0]["field"] == "variables"
    assert not [r for r in caplog.records if r.exc_info]


def test_fields_of_the_wrong_type_and_other_media_types_are_bad_requests(served: LiveServer) -> None:
    assert refused(post(served, b'{"query": 5}'))["extensions"]["fields"][0]["field"] == "query"
    bad_variables = post(served, b'{"query": "{ me { actor } }", "variables": [1]}')
    assert refused(bad_variables)["extensions"]["fields"][0]["field"] == "variables"
    as_text = served.client.post(
        f"{served.url}/graphql", content=b'{"query": "{ me { actor } }"}', headers={"Content-Type": "text/plain"}
    )
    assert refused(as_text)["extensions"]["fields"][0]["field"] == "Content-Type"


def test_well_formed_requests_still_run(served: LiveServer) -> None:
    nested_ok = b'{"query": "{ me { actor } }", "variables": ' + b'{"v": ' * 10 + b"1" + b"}" * 11
    response = post(served, nested_ok)
    assert response.status_code == 200 and response.json()["data"]["me"]["actor"].startswith("key:")
    assert served.data("{ me { actor } }")["me"]["actor"].startswith("key:")
    by_get = served.client.get(f"{served.url}/graphql", params={"query": "{ me { actor } }", "variables": "{}"})
    assert by_get.status_code == 200 and by_get.json()["data"]["me"]["actor"].startswith("key:")
