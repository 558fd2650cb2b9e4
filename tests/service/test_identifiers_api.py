"""Asset identifiers through GraphQL on both stores: upsertAssets sets them (kept when left out,
cleared by null), Asset.identifiers shows them normalised, assetsByIdentifier answers a batch in
the order asked, and a malformed or already-held identifier is refused naming the field, with
nothing written."""

from __future__ import annotations

from graph.access.keys import Role
from graph.store import GraphStore
from tests.service.conftest import LiveServer

UPSERT = "mutation($assets: [AssetInput!]!) { upsertAssets(assets: $assets) { id owner identifiers { kind value } } }"
LOOKUP = (
    "query($ids: [AssetIdentifierInput!]!) { assetsByIdentifier(identifiers: $ids) "
    "{ identifier { kind value } asset { id name } } }"
)


def test_upsert_sets_keeps_and_clears_identifiers_and_the_lookup_finds_them(
    store: GraphStore, live: LiveServer
) -> None:
    editor = live.as_role(Role.EDITOR)
    gpu = {"id": "gpu", "kind": "INFRASTRUCTURE", "name": "GPU host"}
    ids = [{"kind": "HOSTNAME", "value": "GPU-01.Example.com."}, {"kind": "IP", "value": "10.0.0.7"}]
    [made] = editor.data(UPSERT, {"assets": [{**gpu, "identifiers": ids}]})["upsertAssets"]
    assert made["identifiers"] == [
        {"kind": "HOSTNAME", "value": "gpu-01.example.com"},
        {"kind": "IP", "value": "10.0.0.7"},
    ]
    [kept] = editor.data(UPSERT, {"assets": [{"id": "gpu", "owner": "infra"}]})["upsertAssets"]
    assert kept["owner"] == "infra" and kept["identifiers"] == made["identifiers"]

    asked = [{"kind": "IP", "value": "10.0.0.7"}, {"kind": "URL", "value": "https://nobody.example"}]
    found = live.data(LOOKUP, {"ids": asked})["assetsByIdentifier"]
    assert found == [
        {"identifier": {"kind": "IP", "value": "10.0.0.7"}, "asset": {"id": "gpu", "name": "GPU host"}},
        {"identifier": {"kind": "URL", "value": "https://nobody.example/"}, "asset": None},
    ]

    [cleared] = editor.data(UPSERT, {"assets": [{"id": "gpu", "identifiers": None}]})["upsertAssets"]
    assert cleared["identifiers"] == [] and cleared["owner"] == "infra"
    assert live.data(LOOKUP, {"ids": asked[:1]})["assetsByIdentifier"][0]["asset"] is None


def test_malformed_or_held_identifiers_are_refused_naming_the_field(store: GraphStore, live: LiveServer) -> None:
    editor = live.as_role(Role.EDITOR)
    editor.data(
        UPSERT,
        {
            "assets": [
                {
                    "id": "a",
                    "kind": "ENDPOINT",
                    "name": "A",
                    "identifiers": [{"kind": "URL", "value": "https://api.example.com/v1"}],
                }
            ]
        },
    )
    bad = editor.error(
        UPSERT,
        {
            "assets": [
                {"id": "b", "kind": "MODEL", "name": "B", "identifiers": [{"kind": "PURL", "value": "not-a-purl"}]}
            ]
        },
    )
    assert bad["extensions"]["code"] == "BAD_USER_INPUT"
    assert "assets[0].identifiers[0]" in bad["message"] and "not a package URL" in bad["message"]
    held = editor.error(
        UPSERT,
        {
            "assets": [
                {
                    "id": "b",
                    "kind": "ENDPOINT",
                    "name": "B",
                    "identifiers": [{"kind": "URL", "value": "HTTPS://API.example.com:443/v1"}],
                }
            ]
        },
    )
    assert "'a'" in held["message"] and "'b'" in held["message"] and "url:https://api.example.com/v1" in held["message"]
    assert live.data('{ asset(id: "b") { id } }')["asset"] is None
    lookup = live.error(LOOKUP, {"ids": [{"kind": "IP", "value": "10.0.0.300"}]})
    assert lookup["extensions"]["code"] == "BAD_USER_INPUT" and "identifiers[0]" in lookup["message"]
