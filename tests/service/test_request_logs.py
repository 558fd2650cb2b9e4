"""One JSON log line per request with its request id, the same id in the `X-Request-ID` answer
header and in the request's audit entries; no secret in any log line; and an audit log holding
entries from before request ids still verifies."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from graph.access.audit import GENESIS_HASH, canonical_json
from graph.access.keys import Role
from graph.stores.embedded import EmbeddedStore
from service.cli import app as cli
from service.observability.logging_setup import ServiceJsonFormatter
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer, serving

UPSERT = 'mutation { upsertAssets(assets: [{id: "logged", kind: DATASET, name: "Logged"}]) { id } }'
HEX32 = re.compile(r"[0-9a-f]{32}")


@dataclass
class Captured:
    stream: io.StringIO

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]  # each line is JSON

    def requests(self, request_id: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("request_id") == request_id]


@pytest.fixture(scope="module")
def captured() -> Iterator[Captured]:
    """Everything any logger writes while the module runs, through the service's JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ServiceJsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield Captured(stream)
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="module")
def served(captured: Captured) -> Iterator[LiveServer]:
    store = EmbeddedStore()
    store.write(GraphBuilder().framework("fw").criterion("C1").asset("m").bundle())
    with serving(store) as server:
        yield server
    store.close()


def newest_entry(server: LiveServer) -> Any:
    return server.store.access.audit_entries(first=1, newest_first=True)[0]


def test_each_request_logs_one_json_line_with_the_request_id_its_answer_and_audit_entry_carry(
    served: LiveServer, captured: Captured
) -> None:
    answer = served.client.post(f"{served.url}/graphql", json={"query": UPSERT})
    assert answer.status_code == 200 and "errors" not in answer.json()
    request_id = answer.headers["x-request-id"]
    assert HEX32.fullmatch(request_id)  # none was sent: one was made
    [line] = captured.requests(request_id)
    key_id = served.key.split("_")[1] if served.key else ""
    assert line["logger"] == "attestgraph.requests" and line["level"] == "INFO"
    assert {k: line[k] for k in ("method", "route", "status", "role", "actor")} == {
        "method": "POST",
        "route": "/graphql",
        "status": 200,
        "role": "admin",
        "actor": f"key:{key_id}",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0 and line["time"]
    entry = newest_entry(served)
    assert (entry.operation, entry.outcome, entry.request_id) == ("Mutation.upsertAssets", "ok", request_id)
    shown = served.data("{ auditLog(first: 1) { edges { node { operation requestId } } } }")
    assert shown["auditLog"]["edges"][0]["node"] == {"operation": "Mutation.upsertAssets", "requestId": request_id}


def test_a_well_formed_incoming_request_id_is_kept_and_reaches_a_denials_audit_entry(
    served: LiveServer, captured: Captured
) -> None:
    viewer = served.as_role(Role.VIEWER)
    sent = "edge-7f3a.2026:01_x"
    denied = viewer.client.post(f"{served.url}/graphql", json={"query": UPSERT}, headers={"X-Request-ID": sent})
    assert denied.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert denied.headers["x-request-id"] == sent
    entry = newest_entry(served)
    assert (entry.outcome, entry.role, entry.request_id) == ("denied: FORBIDDEN", "viewer", sent)
    [line] = captured.requests(sent)
    assert (line["status"], line["role"]) == (200, "viewer")
    # Refused at the gate, with no route: still one line, and the id in the header.
    refused = httpx.get(f"{served.url}/api/export", headers={"X-Request-ID": "gate-1"})
    assert refused.status_code == 401 and refused.headers["x-request-id"] == "gate-1"
    [line] = captured.requests("gate-1")
    assert (line["status"], line["route"], line["role"], line["actor"]) == (401, "(unrouted)", "(none)", None)


@pytest.mark.parametrize("sent", ["two words", "x" * 129, "-leading-dash", "ünïcode".encode(), ""])
def test_a_malformed_incoming_request_id_is_replaced(served: LiveServer, captured: Captured, sent: str | bytes) -> None:
    answer = served.client.get(f"{served.url}/healthz", headers={"X-Request-ID": sent})
    request_id = answer.headers["x-request-id"]
    assert HEX32.fullmatch(request_id) and request_id != sent
    assert len(captured.requests(request_id)) == 1
    text = sent.decode("latin-1") if isinstance(sent, bytes) else sent
    assert not text or text not in captured.stream.getvalue()


def test_no_secret_appears_in_any_log_line(served: LiveServer, captured: Captured) -> None:
    other = served.as_role(Role.EDITOR)
    assert other.key and served.key
    password = "hunter2-Pa55word-never-logged"
    wrong_key = served.key[:-6] + "WRONG0"  # a real key id, a wrong secret
    secrets = [served.key, other.key, served.key.split("_", 2)[2], other.key.split("_", 2)[2], password, wrong_key]
    with_variable = {
        "query": 'mutation($p: String!) { upsertAssets(assets: [{id: "pw", kind: DATASET, name: $p}]) { id } }',
        "variables": {"p": password, "password": password},
    }
    both = {"Authorization": f"Bearer {served.key}", "X-API-Key": other.key}
    assert httpx.post(f"{served.url}/graphql", json=with_variable, headers=both).status_code == 200
    bad_password = {"query": "{ assets(first: 1) { totalCount } }", "variables": {"password": password}}
    assert httpx.post(f"{served.url}/graphql", json=bad_password, headers=both).status_code == 200
    assert httpx.post(f"{served.url}/graphql", json=with_variable, headers={"X-API-Key": other.key}).status_code == 200
    for credential in (f"Bearer {wrong_key}", f"Basic {password}", f"Bearer {password}"):
        failed = httpx.post(f"{served.url}/graphql", json=with_variable, headers={"Authorization": credential})
        assert failed.status_code == 401
    assert httpx.get(f"{served.url}/api/export?key={wrong_key}", headers={"X-API-Key": wrong_key}).status_code == 401
    output = captured.stream.getvalue()
    assert output.count('"route": "/graphql"') >= 6  # the requests were logged ...
    for secret in secrets:
        assert secret not in output  # ... and none of what they carried


def test_the_formatter_redacts_an_api_key_whatever_logs_it() -> None:
    key = "ag_0123456789abcdef_" + "S" * 43
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "a key %s slipped in", (key,), None)
    line = json.loads(ServiceJsonFormatter().format(record))
    assert line["message"] == "a key ag_0123456789abcdef_[redacted] slipped in"


def old_entry(seq: int, prev_hash: str) -> dict[str, Any]:
    """An entry as written before request ids: no such field, and a hash over the fields it has."""
    body = {
        "at": "2026-01-02T03:04:05.123456Z",  # as the model writes its times
        "actor": "cli:ops",
        "role": "admin",
        "operation": "keys.create",
        "input_digest": "b" * 64,
        "outcome": "ok",
        "seq": seq,
        "prev_hash": prev_hash,
    }
    return {**body, "hash": hashlib.sha256(canonical_json(body).encode()).hexdigest()}


def test_a_log_with_entries_from_before_request_ids_and_after_verifies(tmp_path: Path) -> None:
    path = tmp_path / "attestgraph.sqlite3"
    EmbeddedStore(path).close()
    first = old_entry(1, GENESIS_HASH)
    second = old_entry(2, first["hash"])
    with sqlite3.connect(path) as db:
        for entry in (first, second):
            db.execute(
                "INSERT INTO audit_log (seq, hash, data) VALUES (?, ?, ?)",
                (entry["seq"], entry["hash"], json.dumps(entry)),
            )
    store = EmbeddedStore(path)
    try:
        with serving(store) as server:
            answer = server.client.post(f"{server.url}/graphql", json={"query": UPSERT})
            assert answer.status_code == 200 and "errors" not in answer.json()
        newest = store.access.audit_entries(first=1, newest_first=True)[0]
        assert newest.seq == 3 and newest.prev_hash == second["hash"]
        assert newest.request_id == answer.headers["x-request-id"]
    finally:
        store.close()
    runner = CliRunner()
    verified = runner.invoke(cli, ["audit", "verify", "--data-dir", str(tmp_path)])
    assert verified.exit_code == 0 and "ok: 3 entries" in verified.output, verified.output
    exported = tmp_path / "audit.jsonl"
    assert runner.invoke(cli, ["audit", "export", str(exported), "--data-dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(cli, ["audit", "verify", "--file", str(exported)]).exit_code == 0
    # The request id is part of what the hash covers: an edited id is caught.
    lines = exported.read_text().splitlines()
    edited = json.loads(lines[2]) | {"request_id": "someone-else"}
    exported.write_text("\n".join([*lines[:2], json.dumps(edited)]) + "\n")
    tampered = runner.invoke(cli, ["audit", "verify", "--file", str(exported)])
    assert tampered.exit_code == 1 and "entry 3 was edited" in tampered.output, tampered.output
