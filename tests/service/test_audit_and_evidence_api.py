"""The audit log and evidence integrity through the API, on both backends."""

from __future__ import annotations

import base64
import hashlib

from graph.access.audit import digest, verify
from graph.access.keys import Role
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer

AT = "2026-06-01T00:00:00Z"


def seeded(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=["m"]).bundle())


def record(live: LiveServer, fields: str, select: str = "id sha256") -> dict:  # type: ignore[type-arg]
    return live.graphql(
        f'mutation {{ recordEvidence(evidence: {{control: "k", title: "Review", collectedAt: "{AT}", {fields}}})'
        f" {{ {select} }} }}"
    )


def test_mutations_and_denials_are_on_record_and_the_chain_verifies(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    live.data('mutation { upsertAssets(assets: [{id: "n", kind: MODEL, name: "N"}]) { id } }')
    failed = live.error('mutation { upsertAssets(assets: [{id: "x", kind: MODEL, name: ""}]) { id } }')
    assert failed["extensions"]["code"] == "BAD_USER_INPUT"
    viewer = live.as_role(Role.VIEWER)
    assert viewer.error('mutation { deleteAsset(id: "m") { deleted } }')["extensions"]["code"] == "FORBIDDEN"
    log = live.data(
        "{ auditLog(first: 10) { totalCount edges { node { seq actor role operation inputDigest outcome"
        " prevHash hash } } } }"
    )["auditLog"]
    rows = [e["node"] for e in log["edges"]]
    assert [(r["operation"], r["outcome"]) for r in rows] == [
        ("Mutation.upsertAssets", "ok"),
        ("Mutation.upsertAssets", "error: BAD_USER_INPUT"),
        ("Mutation.deleteAsset", "denied: FORBIDDEN"),
    ]
    assert rows[0]["role"] == "admin" and rows[0]["actor"].startswith("key:")
    assert rows[2]["role"] == "viewer"
    assert rows[2]["inputDigest"] == digest({"id": "m"})
    assert rows[1]["prevHash"] == rows[0]["hash"]
    assert verify(store.access.audit_entries(first=100)).ok
    assert live.data("{ auditLogVerification { ok entries headSeq } }")["auditLogVerification"] == {
        "ok": True,
        "entries": 3,
        "headSeq": 3,
    }
    assert store.get_nodes(__import__("graph.model").model.Label.ASSET, ["m"])  # the denied delete did nothing


def test_the_audit_log_pages_both_ways(store: GraphStore, live: LiveServer) -> None:
    for i in range(5):
        live.data(f'mutation {{ upsertAssets(assets: [{{id: "a{i}", kind: MODEL, name: "A"}}]) {{ id }} }}')
    newest = live.data("{ auditLog(first: 2, newestFirst: true) { edges { node { seq } } pageInfo { endCursor } } }")
    seqs = [e["node"]["seq"] for e in newest["auditLog"]["edges"]]
    assert seqs == [5, 4]
    after = newest["auditLog"]["pageInfo"]["endCursor"]
    older = live.data(
        "query($a: String) { auditLog(first: 5, after: $a, newestFirst: true) { edges { node { seq } } } }",
        {"a": after},
    )
    assert [e["node"]["seq"] for e in older["auditLog"]["edges"]] == [3, 2, 1]


def test_evidence_carries_the_digest_of_its_content_and_rejects_a_mismatch(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    text_digest = hashlib.sha256(b"the report").hexdigest()
    body = record(live, 'id: "e1", content: "the report"')
    assert body["data"]["recordEvidence"] == {"id": "e1", "sha256": text_digest}
    blob = bytes(range(256))
    encoded = base64.b64encode(blob).decode()
    body = record(live, f'id: "e2", contentBase64: "{encoded}", sha256: "{hashlib.sha256(blob).hexdigest()}"')
    assert body["data"]["recordEvidence"]["sha256"] == hashlib.sha256(blob).hexdigest()
    mismatch = record(live, f'id: "e3", content: "the report", sha256: "{"0" * 64}"')["errors"][0]
    assert mismatch["extensions"]["code"] == "BAD_USER_INPUT" and "evidence.sha256" in mismatch["message"]
    missing = record(live, 'id: "e4"')["errors"][0]
    assert missing["extensions"]["fields"][0]["field"] == "evidence.sha256"
    assert record(live, 'id: "e5", contentBase64: "***"')["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(store.get_nodes(__import__("graph.model").model.Label.EVIDENCE, ["e3", "e4", "e5"])) == set()


def test_recorded_evidence_is_immutable_and_corrections_supersede_it(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    digest_a = "a" * 64
    assert "errors" not in record(live, f'id: "e1", status: ACCEPTED, sha256: "{digest_a}"')
    assert "errors" not in record(live, f'id: "e1", status: ACCEPTED, sha256: "{digest_a}"')  # a retry
    conflict = record(live, f'id: "e1", status: REJECTED, sha256: "{digest_a}"')["errors"][0]
    assert conflict["extensions"]["code"] == "CONFLICT"
    assert conflict["message"].startswith("evidence[0].status:") and "supersedes" in conflict["message"]
    correction = record(
        live,
        f'id: "e2", status: REJECTED, sha256: "{digest_a}", supersedes: "e1"',
        "id supersedes { id status }",
    )
    assert correction["data"]["recordEvidence"] == {"id": "e2", "supersedes": {"id": "e1", "status": "ACCEPTED"}}
    old = live.data('{ evidence(id: "e1") { status supersededBy { id } } }')["evidence"]
    assert old == {"status": "ACCEPTED", "supersededBy": {"id": "e2"}}
    twice = record(live, f'id: "e3", sha256: "{digest_a}", supersedes: "e1"')["errors"][0]
    assert twice["extensions"]["code"] == "CONFLICT" and "'e2'" in twice["message"]
    outcomes = [e.outcome for e in store.access.audit_entries(first=100)]
    assert outcomes == ["ok", "ok", "error: CONFLICT", "ok", "error: CONFLICT"]


def test_an_evidence_collector_records_evidence_and_nothing_else(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    assert record(collector, 'id: "e1", content: "scan output"')["data"]["recordEvidence"]["id"] == "e1"
    assert collector.error('{ control(id: "k") { id } }')["extensions"]["code"] == "FORBIDDEN"
    assert (
        collector.error('mutation { upsertControls(controls: [{id: "k", title: "x"}]) { id } }')["extensions"]["code"]
        == "FORBIDDEN"
    )


def test_evidence_records_and_answers_its_observation_period(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    fields = (
        'id: "e1", content: "monitor export", periodStart: "2026-05-01T00:00:00Z", periodEnd: "2026-06-01T00:00:00Z"'
    )
    assert record(live, fields, "id periodStart periodEnd")["data"]["recordEvidence"] == {
        "id": "e1",
        "periodStart": "2026-05-01T00:00:00Z",
        "periodEnd": "2026-06-01T00:00:00Z",
    }
    refused = record(live, 'id: "e2", content: "x", periodStart: "2026-05-01T00:00:00Z"')["errors"][0]
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and refused["message"].startswith("evidence[0].periodEnd:")
    assert set(store.get_nodes(__import__("graph.model").model.Label.EVIDENCE, ["e2"])) == set()
