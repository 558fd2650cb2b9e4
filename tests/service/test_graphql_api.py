"""The GraphQL contract over real HTTP: queries, connections, mutations, batching."""

from __future__ import annotations

import hashlib

from graph import queries
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving
from tests.service.counting_store import CountingStore

AT = "2026-06-05T00:00:00Z"


def small_org() -> GraphBuilder:
    b = GraphBuilder().framework("fw").framework("other")
    b.criterion("C1").criterion("C2").criterion("C3").criterion("X1", "other")
    b.asset("data").asset("model").asset("api", kind="endpoint").asset("app", kind="service")
    b.depends("model", "data", "trained_on").depends("api", "model", "serves").depends("app", "api", "calls")
    b.control("k-access", satisfies=["fw:C1"], applies_to=["model", "api"])
    b.control("k-backup", satisfies=["fw:C1", "fw:C2"], applies_to=["data"])
    b.control("k-log", satisfies=["fw:C2"], applies_to=["data"])
    b.control("k-planned", status="planned", satisfies=["fw:C3"])
    b.evidence("k-access", day(0)).evidence("k-backup", day(-10))
    b.vendor("cloud", provides=["api"])
    b.maps("other:X1", "fw:C1", "equal")
    return b


def test_coverage_over_http_equals_the_direct_query(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    data = live.data(
        'query($at: DateTime) { coverage(framework: "fw", asOf: $at) {'
        " totals { total covered partial uncovered } criteria { criterionId status derived } } }",
        {"at": AT},
    )
    direct = queries.coverage(store, "fw", day(4))
    assert [(c["criterionId"], c["status"]) for c in data["coverage"]["criteria"]] == [
        (c.criterion_id, c.status.value) for c in direct.criteria
    ]
    assert data["coverage"]["totals"] == {"total": 3, "covered": 1, "partial": 1, "uncovered": 1}


def test_crosswalk_derived_status_and_reason_reach_the_client(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    data = live.data(
        'query($at: DateTime) { coverage(framework: "other", asOf: $at) {'
        " criteria { criterionId status derived reason via { criterionId relationship candidate } } } }",
        {"at": AT},
    )
    [row] = data["coverage"]["criteria"]
    assert row["derived"] is True
    assert row["via"] == [{"criterionId": "fw:C1", "relationship": "EQUAL", "candidate": "COVERED"}]
    assert "fw:C1" in row["reason"]


def test_connections_page_through_every_item_once(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    seen: list[str] = []
    after = None
    while True:
        data = live.data(
            "query($after: String) { assets(first: 3, after: $after) { totalCount"
            " edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["assets"]
        assert data["totalCount"] == 4
        seen += [e["node"]["id"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert seen == ["api", "app", "data", "model"]


def test_blast_radius_lists_dependents_with_distances(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    data = live.data(
        '{ blastRadius(asset: "data") { assets { edges { node { assetId distance } } }'
        " controlIds frameworkIds vendors { id } evidenceCount } }"
    )["blastRadius"]
    assert [(e["node"]["assetId"], e["node"]["distance"]) for e in data["assets"]["edges"]] == [
        ("data", 0),
        ("model", 1),
        ("api", 2),
        ("app", 3),
    ]
    assert data["controlIds"] == ["k-access", "k-backup", "k-log"]
    assert data["frameworkIds"] == ["fw"]
    assert data["vendors"] == [{"id": "cloud"}]
    assert data["evidenceCount"] == 2


def test_one_request_makes_one_store_call_per_relationship_not_per_item(store: GraphStore) -> None:
    builder = GraphBuilder().framework("fw").criterion("C1")
    for i in range(25):
        builder.asset(f"a{i:02}")
        builder.control(f"k{i:02}", satisfies=["fw:C1"], applies_to=[f"a{i:02}"])
    store.write(builder.bundle())
    counting = CountingStore(store)
    with serving(counting) as live:
        data = live.data("{ assets(first: 50) { edges { node { id controls { id criteria { id } } } } } }")
    assert len(data["assets"]["edges"]) == 25
    assert all(e["node"]["controls"][0]["criteria"] == [{"id": "fw:C1"}] for e in data["assets"]["edges"])
    # assets -> controls -> criteria: one related() call per hop, one get_nodes() per label.
    assert counting.calls["related"] == 2
    assert counting.calls["get_nodes"] == 2


def test_mutations_write_and_read_back(store: GraphStore, live: LiveServer) -> None:
    store.write(GraphBuilder().framework("fw").criterion("C1").bundle())
    live.data(
        'mutation { upsertAssets(assets: [{id: "m", kind: MODEL, name: "Model"},'
        ' {id: "d", kind: DATASET, name: "Data", changedAt: "2026-05-01T00:00:00+02:00"}]) { id } }'
    )
    linked = live.data(
        'mutation { linkAssets(links: [{source: "m", target: "d", kind: TRAINED_ON}]) { id dependsOn { id } } }'
    )
    assert linked["linkAssets"] == [{"id": "m", "dependsOn": [{"id": "d"}]}]
    live.data('mutation { upsertControls(controls: [{id: "k", title: "Access", frequency: MONTHLY}]) { id } }')
    mapped = live.data('mutation { mapControl(control: "k", criteria: ["fw:C1"]) { criteria { id } } }')
    assert mapped["mapControl"]["criteria"] == [{"id": "fw:C1"}]
    applied = live.data('mutation { applyControl(control: "k", assets: ["m"]) { assets { totalCount } } }')
    assert applied["applyControl"]["assets"]["totalCount"] == 1
    vendor = live.data(
        'mutation { upsertVendors(vendors: [{id: "v", name: "Cloud", provides: ["m"]}]) { id assets { id } } }'
    )
    assert vendor["upsertVendors"] == [{"id": "v", "assets": [{"id": "m"}]}]
    evidence = live.data(
        'mutation { recordEvidence(evidence: {id: "e", title: "Review", control: "k",'
        ' collectedAt: "2026-06-01T00:00:00Z", status: ACCEPTED, covers: ["m"], content: "review notes"})'
        " { id collectedAt sha256 control { id } covers { id } } }"
    )
    assert evidence["recordEvidence"] == {
        "id": "e",
        "collectedAt": "2026-06-01T00:00:00Z",
        "sha256": hashlib.sha256(b"review notes").hexdigest(),
        "control": {"id": "k"},
        "covers": [{"id": "m"}],
    }
    covered = live.data('{ coverage(framework: "fw", asOf: "2026-06-02T00:00:00Z") { totals { covered } } }')
    assert covered["coverage"]["totals"]["covered"] == 1
    change = live.data(
        'mutation { recordChange(change: {asset: "d", at: "2026-06-03T00:00:00Z"}) { recorded assetIds'
        " staleEvidence { evidenceId assetId } frameworks { frameworkId changes { criterionId before after } } } }"
    )["recordChange"]
    assert change["recorded"] is True
    assert change["assetIds"] == ["d", "m"]
    assert change["staleEvidence"] == [{"evidenceId": "e", "assetId": "m"}]
    assert change["frameworks"][0]["changes"] == [{"criterionId": "fw:C1", "before": "COVERED", "after": "PARTIAL"}]
    assert live.data('{ asset(id: "d") { changedAt } }')["asset"]["changedAt"] == "2026-06-03T00:00:00Z"
    deleted = live.data('mutation { deleteAsset(id: "d") { deleted } }')
    assert deleted["deleteAsset"]["deleted"] is True
    assert live.data('{ asset(id: "d") { id } }')["asset"] is None


def test_impact_answers_without_writing(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    before = store.export()
    data = live.data(
        '{ impact(change: {asset: "data", at: "2026-06-02T00:00:00Z"}) { recorded assetIds'
        " staleEvidence { evidenceId } frameworks { frameworkId before { covered } after { covered } } } }"
    )["impact"]
    assert data["recorded"] is False
    assert data["assetIds"] == ["api", "app", "data", "model"]
    assert data["staleEvidence"] == [{"evidenceId": "ev-1"}, {"evidenceId": "ev-1"}, {"evidenceId": "ev-2"}]
    assert store.export() == before


def test_probes_answer(live: LiveServer) -> None:
    assert live.client.get(f"{live.url}/healthz").json() == {"status": "ok"}
    ready = live.client.get(f"{live.url}/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_export_route_returns_the_whole_graph(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    response = live.client.get(f"{live.url}/api/export")
    assert response.status_code == 200
    body = response.json()
    assert {a["id"] for a in body["assets"]} == {"data", "model", "api", "app"}
    assert len(body["depends_on"]) == 3


def test_blast_radius_edges_and_impact_framework_names_resolve(store: GraphStore, live: LiveServer) -> None:
    store.write(small_org().bundle())
    edges = live.data('{ blastRadius(asset: "model") { edges { sourceId targetId } } }')["blastRadius"]["edges"]
    assert sorted((e["sourceId"], e["targetId"]) for e in edges) == [("api", "model"), ("app", "api")]
    impact = live.data(
        '{ impact(change: {asset: "data", at: "2026-06-02T00:00:00Z"})'
        " { frameworks { frameworkId framework { name } } } }"
    )["impact"]
    # `other` is reached through the crosswalk (other:X1 equals fw:C1), so it can move too.
    assert impact["frameworks"] == [
        {"frameworkId": "fw", "framework": {"name": "FW"}},
        {"frameworkId": "other", "framework": {"name": "OTHER"}},
    ]
