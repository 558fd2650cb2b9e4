"""threatView over real HTTP: the same answer as the query, filters, connections and errors."""

from __future__ import annotations

from graph import queries
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

AT = "2026-06-02T00:00:00Z"  # day(1)


def org() -> GraphBuilder:
    b = GraphBuilder().asset("api", kind="endpoint").asset("model").asset("data", kind="dataset")
    b.control("k-guard", applies_to=["api"]).evidence("k-guard", day(0))
    b.control("k-rate", applies_to=["api"])  # implemented, never evidenced
    b.control("k-org").evidence("k-org", day(0))  # organisation-wide
    threats = [
        ("AML.T0051", ["endpoint"], ["k-guard"]),
        ("AML.T0051.000", ["endpoint"], []),
        ("AML.T0029", ["endpoint"], ["k-rate"]),
        ("AML.T0024", ["endpoint", "model"], ["k-org"]),
        ("AML.T0020", ["dataset", "model"], []),
    ]
    for tid, kinds, controls in threats:
        b.data.setdefault("threats", []).append(
            {"id": tid, "name": tid, "tactic": "Execution; Impact", "asset_kinds": kinds}
        )
        for control in controls:
            b.data.setdefault("mitigates", []).append({"source": control, "target": tid})
    return b


QUERY = """
query($asset: ID, $at: DateTime, $status: MitigationStatus) {
  threatView(asset: $asset, asOf: $at) {
    assetId asOf total mitigated partial unmitigated
    asset { id kind }
    techniques(status: $status, first: 20) {
      totalCount
      edges { node {
        threatId name tactic assetKinds status assetCount
        threat { id assetKinds mitigatedBy { id } }
        controls { controlId status effective organisationWide mitigatesId control { id } }
        assets(first: 5) { edges { node { assetId kind status controlIds asset { id } } } }
      } }
    }
  }
}
"""


def test_the_asset_view_over_http_equals_the_direct_query(store: GraphStore, live: LiveServer) -> None:
    org().write_to(store)
    view = live.data(QUERY, {"asset": "api", "at": AT})["threatView"]
    direct = queries.threat_view(store, day(1), "api")
    assert (view["assetId"], view["asset"]) == ("api", {"id": "api", "kind": "ENDPOINT"})
    assert (view["total"], view["mitigated"], view["partial"], view["unmitigated"]) == (
        len(direct.techniques),
        direct.mitigated,
        direct.partial,
        direct.unmitigated,
    )
    nodes = [e["node"] for e in view["techniques"]["edges"]]
    assert [(n["threatId"], n["status"]) for n in nodes] == [(t.threat_id, t.status.value) for t in direct.techniques]
    assert {n["threatId"]: n["status"] for n in nodes} == {
        "AML.T0024": "MITIGATED",
        "AML.T0029": "PARTIAL",
        "AML.T0051": "MITIGATED",
        "AML.T0051.000": "MITIGATED",
    }
    sub = next(n for n in nodes if n["threatId"] == "AML.T0051.000")
    assert sub["controls"] == [
        {
            "controlId": "k-guard",
            "status": "IMPLEMENTED",
            "effective": True,
            "organisationWide": False,
            "mitigatesId": "AML.T0051",
            "control": {"id": "k-guard"},
        }
    ]
    assert sub["threat"] == {"id": "AML.T0051.000", "assetKinds": ["ENDPOINT"], "mitigatedBy": []}
    assert sub["assets"]["edges"][0]["node"] == {
        "assetId": "api",
        "kind": "ENDPOINT",
        "status": "MITIGATED",
        "controlIds": ["k-guard"],
        "asset": {"id": "api"},
    }


def test_the_organisation_view_and_a_status_filter(store: GraphStore, live: LiveServer) -> None:
    org().write_to(store)
    view = live.data(QUERY, {"at": AT})["threatView"]
    assert view["assetId"] is None and view["asset"] is None
    statuses = {e["node"]["threatId"]: e["node"]["status"] for e in view["techniques"]["edges"]}
    assert statuses["AML.T0024"] == "MITIGATED"  # api and model, by the organisation-wide control
    assert statuses["AML.T0020"] == "UNMITIGATED"
    unmitigated = live.data(QUERY, {"at": AT, "status": "UNMITIGATED"})["threatView"]["techniques"]
    assert [e["node"]["threatId"] for e in unmitigated["edges"]] == ["AML.T0020"]
    t0020 = unmitigated["edges"][0]["node"]
    assert t0020["assetCount"] == 2 and t0020["assetKinds"] == ["DATASET", "MODEL"]


def test_an_unknown_asset_is_not_found(store: GraphStore, live: LiveServer) -> None:
    org().write_to(store)
    error = live.error('{ threatView(asset: "ghost") { total } }')
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "ghost" in error["message"]
