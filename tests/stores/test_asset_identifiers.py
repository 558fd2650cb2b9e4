"""Asset identifiers on both stores: normalised when written, found by one lookup, unique across
assets (a refused write leaves the graph as it was), released by a rewrite or a delete, carried
through export and load exactly; and `match_assets` for the importers, with and without creation."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from graph.access.audit import AuditDraft, digest
from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError
from graph.imports.matching import match_assets, parse_identifiers
from graph.model import Asset, AssetKind, Label
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.stores.conftest import cypher


def asset(asset_id: str, *identifiers: tuple[str, str], kind: str = "infrastructure") -> dict[str, Any]:
    return {
        "id": asset_id,
        "kind": kind,
        "name": asset_id,
        "identifiers": [{"kind": k, "value": v} for k, v in identifiers],
    }


def write(store: GraphStore, *assets: dict[str, Any]) -> None:
    store.write(Bundle.model_validate({"assets": list(assets)}), immutable_evidence=True)


def test_identifiers_are_stored_normalised_and_found_by_one_lookup(store: GraphStore) -> None:
    write(
        store,
        asset("gpu", ("hostname", "GPU-01.Example.com."), ("ip", "2001:DB8::0:1")),
        asset("api", ("url", "HTTPS://Api.Example.com"), kind="endpoint"),
    )
    [gpu] = store.get_nodes(Label.ASSET, ["gpu"]).values()
    assert isinstance(gpu, Asset)
    assert [i.key for i in gpu.identifiers] == ["hostname:gpu-01.example.com", "ip:2001:db8::1"]
    keys = ["ip:2001:db8::1", "url:https://api.example.com/", "hostname:gpu-01.example.com", "ip:10.9.9.9"]
    assert store.assets_by_identifiers(keys) == {
        "ip:2001:db8::1": "gpu",
        "url:https://api.example.com/": "api",
        "hostname:gpu-01.example.com": "gpu",
    }


def test_a_second_asset_claiming_an_identifier_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    write(store, asset("gpu", ("ip", "10.0.0.1")))
    before = store.export()
    with pytest.raises(InvalidInputError) as refused:
        write(
            store, asset("new", ("hostname", "new.example")), asset("other", ("ip", "10.000.0.1".replace("000", "0")))
        )
    [problem] = refused.value.problems
    assert problem.field == "assets[1].identifiers[0]"
    assert "'ip:10.0.0.1'" in problem.reason and "'gpu'" in problem.reason and "'other'" in problem.reason
    # Within one bundle too, and listed twice for one asset.
    with pytest.raises(InvalidInputError) as twice:
        write(store, asset("x", ("ip", "10.0.0.2")), asset("y", ("ip", "10.0.0.2"), ("ip", "10.0.0.2")))
    assert [p.field for p in twice.value.problems] == ["assets[1].identifiers[0]", "assets[1].identifiers[1]"]
    assert store.export() == before
    assert store.assets_by_identifiers(["hostname:new.example", "ip:10.0.0.2"]) == {}


def test_a_rewrite_or_a_delete_releases_identifiers_and_one_may_move_in_a_bundle(store: GraphStore) -> None:
    write(store, asset("a", ("ip", "10.0.0.1"), ("hostname", "a.example")), asset("b"))
    # Moved from a to b in one bundle: a drops it, b claims it.
    write(store, asset("a", ("hostname", "a.example")), asset("b", ("ip", "10.0.0.1")))
    assert store.assets_by_identifiers(["ip:10.0.0.1", "hostname:a.example"]) == {
        "ip:10.0.0.1": "b",
        "hostname:a.example": "a",
    }
    store.delete_asset("a")
    assert store.assets_by_identifiers(["hostname:a.example"]) == {}
    write(store, asset("c", ("hostname", "a.example")))  # free again
    assert store.assets_by_identifiers(["hostname:a.example"]) == {"hostname:a.example": "c"}


def test_export_and_load_round_trip_identifiers_exactly(store: GraphStore) -> None:
    write(
        store,
        asset("m", ("purl", "pkg:huggingface/acme/fraud-bert@a1b2"), ("bom_ref", "model-1"), kind="model"),
        asset("d", ("openlineage", "s3://lake#raw/events"), ("arn", "arn:aws:s3:::lake"), kind="dataset"),
        asset("plain"),
    )
    exported = store.export()
    again = EmbeddedStore()
    try:
        again.write(exported)
        assert again.export() == exported
        assert again.assets_by_identifiers(["bom_ref:model-1"]) == {"bom_ref:model-1": "m"}
    finally:
        again.close()
    assert {a.id: [i.key for i in a.identifiers] for a in exported.assets} == {
        "d": ["openlineage:s3://lake#raw/events", "arn:arn:aws:s3:::lake"],
        "m": ["purl:pkg:huggingface/acme/fraud-bert@a1b2", "bom_ref:model-1"],
        "plain": [],
    }


def _draft() -> AuditDraft:
    return AuditDraft(actor="test:importer", role="admin", operation="import:test", input_digest=digest({}))


def test_match_without_creating_reports_what_it_could_not_match_and_writes_nothing(store: GraphStore) -> None:
    write(store, asset("gpu", ("hostname", "gpu-01.example.com")))
    observed = parse_identifiers(
        [{"kind": "hostname", "value": "GPU-01.example.com"}, {"kind": "ip", "value": "10.1.1.1"}]
    )
    result = match_assets(store, observed)
    assert result.matched == {"hostname:gpu-01.example.com": "gpu"}
    assert [i.key for i in result.unmatched] == ["ip:10.1.1.1"]
    assert result.created == []
    assert store.count_nodes(Label.ASSET) == 1
    assert store.access.audit_count() == 0


def test_match_creating_makes_the_missing_assets_in_one_audited_write(store: GraphStore) -> None:
    write(store, asset("gpu", ("hostname", "gpu-01.example.com")))
    observed = parse_identifiers(
        [
            {"kind": "hostname", "value": "gpu-01.example.com"},
            {"kind": "ip", "value": "10.1.1.1"},
            {"kind": "purl", "value": "pkg:huggingface/acme/bert"},
            {"kind": "openlineage", "value": "airflow#train_job"},
        ]
    )
    result = match_assets(
        store, observed, create=True, kinds={"openlineage:airflow#train_job": AssetKind.PIPELINE}, audit=_draft()
    )
    assert result.unmatched == []
    created = {a.identifiers[0].key: a for a in result.created}
    assert {k: a.kind for k, a in created.items()} == {
        "ip:10.1.1.1": AssetKind.INFRASTRUCTURE,
        "purl:pkg:huggingface/acme/bert": AssetKind.MODEL,
        "openlineage:airflow#train_job": AssetKind.PIPELINE,
    }
    assert store.assets_by_identifiers([i.key for i in observed]) == result.matched
    assert result.matched["hostname:gpu-01.example.com"] == "gpu"
    [entry] = store.access.audit_entries(first=10)
    assert entry.operation == "import:test"
    # Idempotent: the same observation again matches what was created.
    repeat = match_assets(store, observed, create=True, audit=_draft())
    assert repeat.created == [] and repeat.matched == result.matched
    assert store.access.audit_count() == 1


def test_creating_an_asset_whose_kind_cannot_be_inferred_is_refused_whole(store: GraphStore) -> None:
    observed = parse_identifiers([{"kind": "ip", "value": "10.1.1.1"}, {"kind": "bom_ref", "value": "component-7"}])
    with pytest.raises(InvalidInputError) as refused:
        match_assets(store, observed, create=True, audit=_draft())
    [problem] = refused.value.problems
    assert problem.field == "identifiers[1].kind"
    assert store.count_nodes(Label.ASSET) == 0
    assert store.access.audit_count() == 0


def test_concurrent_claims_of_one_identifier_leave_exactly_one_holder(store: GraphStore) -> None:
    # Each round, two writers claim a fresh key at once: one wins, the other is refused whole.
    outcomes: list[str] = []
    for round_ in range(5):
        key_value = f"10.9.0.{round_}"
        barrier = threading.Barrier(2)

        def claim(asset_id: str, value: str = key_value, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                write(store, asset(asset_id, ("ip", value)))
                outcomes.append("ok")
            except (InvalidInputError, ConflictError):
                outcomes.append("refused")

        threads = [threading.Thread(target=claim, args=(f"r{round_}-{side}",)) for side in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        [holder] = store.assets_by_identifiers([f"ip:{key_value}"]).values()
        loser = {f"r{round_}-a", f"r{round_}-b"} - {holder}
        assert store.get_nodes(Label.ASSET, loser) == {}
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"] * 5
    if isinstance(store, Neo4jStore):  # one Identifier node per key, one asset per node
        rows = cypher(
            store.connection.driver,
            "MATCH (i:Identifier)<-[r:IDENTIFIED_BY]-() WITH i, count(r) AS n RETURN max(n) AS most, count(i) AS keys",
        )
        assert rows == [{"most": 1, "keys": 5}]
