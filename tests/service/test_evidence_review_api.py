"""Evidence review and the write rules through the API, on both backends (issue 11, items 3-7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graph.access.keys import Role
from graph.bundle import Bundle
from graph.model import Label, now_utc
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer

AT = "2026-06-01T00:00:00Z"
DIGEST = "a" * 64


def seeded(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d")
    b.control("k", satisfies=["fw:C1"], applies_to=["m"]).control("k2", applies_to=["d"])
    store.write(b.bundle())
    store.write(Bundle.model_validate({"controls": [{"id": "auto", "title": "Automated scan", "automated": True}]}))


def record(caller: LiveServer, eid: str, extra: str = "", control: str = "k", at: str = AT) -> dict[str, Any]:
    return caller.graphql(
        f'mutation {{ recordEvidence(evidence: {{id: "{eid}", title: "t", control: "{control}", collectedAt: "{at}",'
        f' sha256: "{DIGEST}" {extra}}}) {{ id status }} }}'
    )


def review(caller: LiveServer, eid: str, decision: str, note: str = "") -> dict[str, Any]:
    return caller.graphql(
        f'mutation {{ reviewEvidence(id: "{eid}", decision: {decision}, note: "{note}") {{ id status }} }}'
    )


EVIDENCE = '{ evidence(id: "e1") { status recordedBy recordedAt reviews { decision note reviewer at } } }'


def code(body: dict[str, Any]) -> str:
    code_: str = body["errors"][0]["extensions"]["code"]
    return code_


def test_collected_evidence_is_pending_until_an_editor_reviews_it(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    collector, editor = live.as_role(Role.EVIDENCE_COLLECTOR, "c"), live.as_role(Role.EDITOR, "ed")
    assert record(collector, "e1")["data"]["recordEvidence"] == {"id": "e1", "status": "PENDING"}
    shown = live.data(EVIDENCE)["evidence"]
    assert shown["status"] == "PENDING" and shown["reviews"] == []
    assert shown["recordedBy"].startswith("key:") and "(c)" in shown["recordedBy"] and shown["recordedAt"]

    assert code(review(collector, "e1", "ACCEPTED")) == "FORBIDDEN"  # collectors do not review
    assert review(editor, "e1", "REJECTED", "unreadable")["data"]["reviewEvidence"]["status"] == "REJECTED"
    assert review(live, "e1", "ACCEPTED", "rescanned")["data"]["reviewEvidence"]["status"] == "ACCEPTED"
    shown = live.data(EVIDENCE)["evidence"]
    assert shown["status"] == "ACCEPTED"
    assert [(r["decision"], r["note"]) for r in shown["reviews"]] == [
        ("REJECTED", "unreadable"),
        ("ACCEPTED", "rescanned"),
    ]
    assert "(ed)" in shown["reviews"][0]["reviewer"] and "(test admin)" in shown["reviews"][1]["reviewer"]
    assert shown["reviews"][0]["at"] <= shown["reviews"][1]["at"]
    # Every review is on the audit log, by whom.
    log = live.data("{ auditLog(first: 50) { edges { node { actor operation outcome } } } }")["auditLog"]
    rows = [(e["node"]["operation"], e["node"]["outcome"], e["node"]["actor"]) for e in log["edges"]]
    reviews = [(outcome, actor) for operation, outcome, actor in rows if operation == "Mutation.reviewEvidence"]
    assert [outcome for outcome, _ in reviews] == ["denied: FORBIDDEN", "ok", "ok"]
    assert "(ed)" in reviews[1][1] and "(test admin)" in reviews[2][1]


def test_the_recorder_never_reviews_their_own_evidence(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    assert record(live, "e1")["data"]["recordEvidence"]["status"] == "PENDING"
    body = review(live, "e1", "ACCEPTED")
    assert code(body) == "FORBIDDEN" and "recorded" in body["errors"][0]["message"]
    assert live.data(EVIDENCE)["evidence"]["reviews"] == []
    assert code(review(live, "nope", "ACCEPTED")) == "NOT_FOUND"
    log = live.data("{ auditLog(first: 50) { edges { node { operation outcome } } } }")["auditLog"]
    outcomes = [e["node"]["outcome"] for e in log["edges"] if e["node"]["operation"] == "Mutation.reviewEvidence"]
    assert outcomes == ["error: FORBIDDEN", "error: NOT_FOUND"]


def test_a_collector_records_accepted_only_for_an_automated_control(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    for eid, status, control in [("e1", "ACCEPTED", "k"), ("e2", "REJECTED", "k"), ("e3", "REJECTED", "auto")]:
        body = record(collector, eid, f"status: {status}", control=control)
        assert code(body) == "BAD_USER_INPUT"
        assert body["errors"][0]["extensions"]["fields"][0]["field"] == "evidence.status"
    assert record(collector, "e4", "status: ACCEPTED", control="auto")["data"]["recordEvidence"]["status"] == "ACCEPTED"
    assert store.get_nodes(Label.EVIDENCE, ["e1", "e2", "e3"]) == {}


def test_evidence_collected_in_the_future_is_refused(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    later = (now_utc() + timedelta(minutes=10)).isoformat()
    body = record(live, "e1", at=later)
    assert code(body) == "BAD_USER_INPUT"
    [problem] = body["errors"][0]["extensions"]["fields"]
    assert problem["field"] == "evidence[0].collected_at" and "future" in problem["reason"]
    soon = (now_utc() + timedelta(minutes=1)).isoformat()
    assert record(live, "e2", at=soon)["data"]["recordEvidence"]["id"] == "e2"


def test_supersedes_and_covers_rules_through_the_api(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    record(live, "e1")
    body = record(live, "e2", 'supersedes: "e1"', control="k2")
    assert code(body) == "BAD_USER_INPUT"
    [problem] = body["errors"][0]["extensions"]["fields"]
    assert problem["field"] == "evidence[0].supersedes" and "'k'" in problem["reason"] and "'k2'" in problem["reason"]
    body = record(live, "e3", 'covers: ["d"]')
    [problem] = body["errors"][0]["extensions"]["fields"]
    assert problem["field"] == "covers[0]"
    assert all(f"'{name}'" in problem["reason"] for name in ("e3", "d", "k"))


def test_a_partial_asset_upsert_keeps_what_it_leaves_out(store: GraphStore, live: LiveServer) -> None:
    select = "{ id kind name owner environment criticality changedAt }"
    live.data(
        'mutation { upsertAssets(assets: [{id: "a", kind: MODEL, name: "A", owner: "ml", environment: "prod",'
        f' criticality: "high", changedAt: "2026-06-05T00:00:00Z"}}]) {select} }}'
    )
    [asset] = live.data(f'mutation {{ upsertAssets(assets: [{{id: "a", name: "A2"}}]) {select} }}')["upsertAssets"]
    assert asset == {
        "id": "a",
        "kind": "MODEL",
        "name": "A2",
        "owner": "ml",
        "environment": "prod",
        "criticality": "high",
        "changedAt": "2026-06-05T00:00:00Z",
    }
    older = 'changedAt: "2026-06-01T00:00:00Z"'
    [asset] = live.data(f'mutation {{ upsertAssets(assets: [{{id: "a", owner: null, {older}}}]) {select} }}')[
        "upsertAssets"
    ]
    assert asset["owner"] == "" and asset["changedAt"] == "2026-06-05T00:00:00Z" and asset["name"] == "A2"
    body = live.graphql(f'mutation {{ upsertAssets(assets: [{{id: "new", name: "N"}}]) {select} }}')
    assert code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["fields"][0]["field"] == "assets[0].kind"
