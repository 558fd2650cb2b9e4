"""Change history through GraphQL: recordChange appends records (kind, note, the caller), the
`changes` connection pages newest first, Asset.changedAt is batched, a future `at` is refused."""

from __future__ import annotations

from datetime import timedelta

from graph.access.keys import Role
from graph.model import now_utc
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer, serving
from tests.service.counting_store import CountingStore

HISTORY = (
    "edges { node { id asset at kind note propagatedFrom recordedBy } cursor } pageInfo { hasNextPage } totalCount"
)


def estate() -> GraphBuilder:
    return GraphBuilder().asset("d").asset("m").depends("m", "d", "trained_on")


def test_record_change_appends_one_record_per_touched_asset(store: GraphStore, live: LiveServer) -> None:
    store.write(estate().bundle())
    editor = live.as_role(Role.EDITOR, "ml team")
    for at in ("2026-06-03T00:00:00Z", "2026-06-01T00:00:00Z"):  # the second is back-dated
        editor.data(
            f'mutation {{ recordChange(change: {{asset: "d", at: "{at}", kind: RETRAIN, note: "new data"}}) '
            "{ recorded } }"
        )
    page = live.data(f'{{ changes(asset: "m", first: 1) {{ {HISTORY} }} }}')["changes"]
    assert page["totalCount"] == 2
    actor = editor.data("{ me { actor } }")["me"]["actor"]
    assert actor.endswith("(ml team)")
    [node] = [e["node"] for e in page["edges"]]
    assert node.pop("id").startswith("chg-")  # made by the server, unique per record
    assert [node] == [
        {
            "asset": "m",
            "at": "2026-06-03T00:00:00Z",
            "kind": "RETRAIN",
            "note": "new data",
            "propagatedFrom": "d",
            "recordedBy": actor,
        }
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    cursor = page["edges"][0]["cursor"]
    rest = live.data(f'{{ changes(asset: "m", first: 5, after: "{cursor}") {{ {HISTORY} }} }}')["changes"]
    assert [e["node"]["at"] for e in rest["edges"]] == ["2026-06-01T00:00:00Z"]
    assert rest["pageInfo"]["hasNextPage"] is False
    own = live.data('{ asset(id: "d") { changedAt changes { edges { node { propagatedFrom } } } } }')["asset"]
    assert own == {"changedAt": "2026-06-03T00:00:00Z", "changes": {"edges": [{"node": {"propagatedFrom": None}}] * 2}}


def test_a_change_in_the_future_is_invalid_input_naming_change_at(store: GraphStore, live: LiveServer) -> None:
    store.write(estate().bundle())
    later = (now_utc() + timedelta(minutes=6)).isoformat()
    error = live.error(f'mutation {{ recordChange(change: {{asset: "d", at: "{later}"}}) {{ recorded }} }}')
    assert error["extensions"]["code"] == "BAD_USER_INPUT"  # the API's code of invalid input
    assert [f["field"] for f in error["extensions"]["fields"]] == ["change.at"]
    assert live.data('{ changes(asset: "d") { totalCount } }')["changes"]["totalCount"] == 0


def test_upsert_assets_never_clears_the_history(store: GraphStore, live: LiveServer) -> None:
    store.write(estate().bundle())
    live.data('mutation { recordChange(change: {asset: "m", at: "2026-06-03T00:00:00Z"}) { recorded } }')
    live.data('mutation { upsertAssets(assets: [{id: "m", changedAt: null, name: "renamed"}]) { id } }')
    assert live.data('{ asset(id: "m") { changedAt } }')["asset"]["changedAt"] == "2026-06-03T00:00:00Z"


def test_changed_at_of_a_page_of_assets_is_one_store_call(store: GraphStore) -> None:
    b = GraphBuilder()
    for i in range(20):
        b.asset(f"a{i}", changed_at=now_utc() - timedelta(days=i + 1))
    store.write(b.bundle())
    counting = CountingStore(store)
    with serving(counting) as live:
        data = live.data("{ assets(first: 50) { edges { node { id changedAt } } } }")
    assert all(e["node"]["changedAt"] is not None for e in data["assets"]["edges"])
    assert counting.calls["latest_changes"] == 1
