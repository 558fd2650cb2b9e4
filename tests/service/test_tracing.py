"""OpenTelemetry traces, as an operator turns them on: `attestgraph serve` in a subprocess with
OTEL_TRACES_EXPORTER=console prints the spans of a request (HTTP, GraphQL operation, store call)
in one trace; its stderr is JSON lines throughout. Without the variables nothing of the SDK loads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.access.keys import Role, new_key
from graph.errors import InvalidInputError
from service.observability.tracing import configured_tracing, tracing_requested
from tests.service.conftest import free_port


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTESTGRAPH_", "OTEL_", "NEO4J_"))}
    return {**env, **extra}


def spans(text: str) -> list[dict[str, Any]]:
    """The console exporter's output: JSON objects one after the other (each over several lines)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (start := text.find("{", at)) != -1:
        span, at = decoder.raw_decode(text, start)
        found.append(span)
    return found


def test_console_traces_show_the_http_call_the_graphql_operation_and_the_store_call(tmp_path: Path) -> None:
    key = new_key(Role.ADMIN, "ops")[1]
    port = free_port()
    env = clean_env(
        OTEL_TRACES_EXPORTER="console",
        ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY=key,
        ATTESTGRAPH_RATE_LIMIT="0",
    )
    command = [sys.executable, "-m", "service", "serve", "--port", str(port), "--data-dir", str(tmp_path)]
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, err.read_text()
            assert time.monotonic() < deadline, err.read_text()
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        answer = httpx.post(
            f"{url}/graphql",
            json={"query": "query Traced { assets(first: 1) { totalCount } }"},
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert answer.json() == {"data": {"assets": {"totalCount": 0}}}
    finally:
        process.send_signal(signal.SIGTERM)  # a clean stop: the app's shutdown flushes the batched spans
        assert process.wait(timeout=60) in (0, -signal.SIGTERM), err.read_text()  # uvicorn re-raises it

    found = spans(out.read_text())
    http = [s for s in found if s["name"] == "POST /graphql" and s["kind"] == "SpanKind.SERVER"]
    operation = [s for s in found if s["name"] == "GraphQL Query: Traced"]
    store = [s for s in found if s["name"] == "store list_nodes"]
    assert http and operation and store, [s["name"] for s in found]
    trace_id = http[0]["context"]["trace_id"]
    assert operation[0]["context"]["trace_id"] == trace_id and store[0]["context"]["trace_id"] == trace_id
    assert store[0]["attributes"]["db.system"] == "embedded"
    assert not [s for s in found if s["name"].startswith("GET /readyz")]  # probes are not traced
    assert all(s["resource"]["attributes"]["service.name"] == "attestgraph" for s in found)

    # The same run's logs: every line JSON, uvicorn's included, and the request's line with its id.
    lines = [json.loads(line) for line in err.read_text().splitlines() if line.strip()]
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    [request] = [line for line in lines if line.get("request_id") == answer.headers["x-request-id"]]
    assert (request["route"], request["status"], request["role"]) == ("/graphql", 200, "admin")
    assert key not in err.read_text() and key not in out.read_text()


PROBE = """
import os, sys
from service.app import create_app
from service.settings import Settings

def loaded():
    prefixes = ("opentelemetry.sdk", "opentelemetry.instrumentation", "strawberry.extensions.tracing")
    return sorted(m for m in sys.modules if m.startswith(prefixes))

create_app(Settings())
print(loaded())
os.environ.update(OTEL_TRACES_EXPORTER="console", OTEL_SDK_DISABLED="true")
create_app(Settings())
print(loaded())
"""


def test_without_the_variables_nothing_of_the_sdk_is_imported() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], env=clean_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "[]"]  # unset; then asked for but disabled


def test_the_variables_are_read_as_the_standard_says_and_a_bad_exporter_is_named() -> None:
    assert not tracing_requested({})
    assert not tracing_requested({"OTEL_TRACES_EXPORTER": "none"})
    assert not tracing_requested({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "TRUE"})
    assert tracing_requested({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "false"})
    with pytest.raises(InvalidInputError) as refused:
        configured_tracing({"OTEL_TRACES_EXPORTER": "zipkin"})
    [problem] = refused.value.problems
    assert problem.field == "OTEL_TRACES_EXPORTER" and "'zipkin' is not an exporter here" in problem.reason
