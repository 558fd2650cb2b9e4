"""OpenLineage run events through the CLI, `POST /api/imports/openlineage` and the OpenLineage
HTTP transport endpoint (`POST /api/v1/lineage`, driven by the real openlineage-python client),
on both stores: dependencies and changes written once, a retrain making evidence stale with no
human in the loop, repeats writing nothing, bad input refused naming the field."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.generated.dataset_type_dataset import DatasetTypeDatasetFacet
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport

from graph.access.keys import Role
from graph.bundle import Bundle
from graph.imports.registry import MAX_IMPORT_BYTES
from graph.queries.missing_evidence import missing_evidence
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.service.cli_imports import CliGraph, cli_graph
from tests.service.conftest import LiveServer
from tests.service.scraping import delta, scrape

FILES = Path(__file__).parents[1] / "data" / "imports"
RUNS = FILES / "openlineage-fraud-runs.jsonl"
RETRAIN = FILES / "openlineage-fraud-retrain.json"
BEFORE_RUNS = datetime(2026, 10, 1, tzinfo=UTC)
AFTER_RUNS = datetime(2026, 11, 1, tzinfo=UTC)
MODEL_KEY = "openlineage:mlflow://registry.example#models/fraud-scorer"
UNMATCHED = [
    "openlineage:airflow://ml-scheduler#fraud_features.build_training_set",
    "openlineage:airflow://ml-scheduler#fraud_training.train_model",
    "openlineage:postgres://payments-db.internal:5432#payments.public.transactions",
    "openlineage:s3://lake#fraud/merchant_risk_features",
    "openlineage:s3://lake#labels/fraud",
]


def fraud_graph() -> Bundle:
    """A dataset and a model the events name (by identifier), an endpoint serving the model, and
    a control on each with evidence collected before the runs."""
    b = GraphBuilder().framework("fw").criterion("C1").criterion("C2").criterion("C3")
    b.asset("ds-tx", kind="dataset").asset("mdl-fraud", kind="model").asset("ep-score", kind="endpoint")
    b.depends("ep-score", "mdl-fraud", "serves")
    for control, asset, criterion in (
        ("k-data", "ds-tx", "C1"),
        ("k-model", "mdl-fraud", "C2"),
        ("k-ep", "ep-score", "C3"),
    ):
        b.control(control, frequency="annual", satisfies=[f"fw:{criterion}"], applies_to=[asset])
        b.evidence(control, BEFORE_RUNS, eid=f"ev-{asset}")
    identifiers = {
        "ds-tx": "s3://lake#fraud/transactions_labelled",
        "mdl-fraud": MODEL_KEY.removeprefix("openlineage:"),
    }
    for row in b.data["assets"]:
        if row["id"] in identifiers:
            row["identifiers"] = [{"kind": "openlineage", "value": identifiers[row["id"]]}]
    return b.bundle()


def stale(store: GraphStore) -> set[tuple[str, str | None]]:
    rows = missing_evidence(store, AFTER_RUNS).rows
    return {(r.control_id, r.asset_id) for r in rows if r.reason.value == "STALE"}


def assert_runs_recorded(store: GraphStore) -> None:
    exported = store.export()
    assert {(d.source, d.target, d.kind.value) for d in exported.depends_on} == {
        ("ep-score", "mdl-fraud", "serves"),
        ("mdl-fraud", "ds-tx", "trained_on"),
    }
    changes = {(c.asset, c.at.isoformat(), c.kind.value, c.propagated_from) for c in exported.changes}
    assert changes == {
        ("ds-tx", "2026-10-13T20:15:03+00:00", "data", None),  # 22:15:03+02:00; a data change propagates not
        ("mdl-fraud", "2026-10-14T12:58:40.007000+00:00", "retrain", None),
        ("ep-score", "2026-10-14T12:58:40.007000+00:00", "retrain", "mdl-fraud"),  # the model's blast radius
    }
    # No human recorded a change: the retrain made the model's and its endpoint's evidence stale.
    assert stale(store) == {("k-data", "ds-tx"), ("k-model", "mdl-fraud"), ("k-ep", "ep-score")}


@pytest.fixture
def cli(store: GraphStore, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> CliGraph:
    return cli_graph(store, request, tmp_path, monkeypatch)


def cli_import(cli: CliGraph, path: Path, *extra: str) -> dict[str, Any]:
    result = cli.run("--openlineage", str(path), "--json", *extra)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


def test_the_cli_records_runs_once_and_creates_what_it_is_asked_to(store: GraphStore, cli: CliGraph) -> None:
    with cli.opened() as target:
        target.write(fraud_graph())
        assert stale(target) == set()
    report = cli_import(cli, RUNS)
    assert report["counts"] == {
        "changes_new": 2,
        "changes_propagated": 1,
        "dependencies_new": 1,
        "events_ignored": 3,  # a FAIL, a START, a static DatasetEvent
        "runs_complete": 2,
    }
    assert report["unmatched"] == UNMATCHED and report["written"] is True
    with cli.opened() as target:
        assert_runs_recorded(target)
        before, audited = target.export(), len(target.access.audit_entries(first=1000))
    assert cli_import(cli, RUNS)["written"] is False  # the same runs again: nothing new
    with cli.opened() as target:
        assert target.export() == before
        assert len(target.access.audit_entries(first=1000)) == audited

    report = cli_import(cli, RUNS, "--create-assets")
    assert report["counts"]["changes_new"] == 0 and report["counts"]["dependencies_new"] == 5
    with cli.opened() as target:
        created = {a.id: a for a in target.export().assets if a.id not in {"ds-tx", "mdl-fraud", "ep-score"}}
        kinds = sorted((a.identifiers[0].key, a.kind.value) for a in created.values())
        assert kinds == sorted(zip(UNMATCHED, ["pipeline", "pipeline", "dataset", "dataset", "dataset"], strict=True))
        job = next(a.id for a in created.values() if a.name == "fraud_training.train_model")
        edges = {(d.source, d.target, d.kind.value) for d in target.export().depends_on}
        assert ("mdl-fraud", job, "derived_from") in edges  # the output depends on its job's pipeline
        features = next(a.id for a in created.values() if a.name == "fraud/merchant_risk_features")
        assert ("mdl-fraud", features, "trained_on") in edges


def test_an_unknown_model_is_created_as_a_model_by_its_facet(store: GraphStore, cli: CliGraph) -> None:
    report = cli_import(cli, RETRAIN, "--create-assets")
    assert report["counts"]["changes_new"] == 1 and report["counts"]["dependencies_new"] == 3
    with cli.opened() as target:
        exported = target.export()
        kinds = {a.identifiers[0].key: a.kind.value for a in exported.assets}
        assert kinds[MODEL_KEY] == "model"
        assert [c.kind.value for c in exported.changes] == ["retrain"]


def test_a_bad_file_is_refused_by_the_cli_naming_the_field_and_writes_nothing(
    store: GraphStore, cli: CliGraph, tmp_path: Path
) -> None:
    with cli.opened() as target:
        target.write(fraud_graph())
        before = target.export()
    future = json.loads(RETRAIN.read_text())
    future["eventTime"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    bad = tmp_path / "events.jsonl"
    bad.write_text(RUNS.read_text() + json.dumps(future) + "\n")
    result = cli.run("--openlineage", str(bad))
    assert result.exit_code != 0
    assert "events[5].eventTime" in result.output and "lies in the future" in result.output
    with cli.opened() as target:
        assert target.export() == before


def client_for(live: LiveServer, key: str, compression: HttpCompression | None = None) -> OpenLineageClient:
    """The real client's HTTP transport, as a Marquez user would configure it: url + api key."""
    auth = ApiKeyTokenProvider({"api_key": key})
    config = HttpConfig(url=live.url, auth=auth, compression=compression, timeout=30, retry={"total": 0})
    return OpenLineageClient(transport=HttpTransport(config))


def retrain_event(run_id: str, at: datetime) -> RunEvent:
    model: dict[str, Any] = {"datasetType": DatasetTypeDatasetFacet(datasetType="MODEL")}
    return RunEvent(
        eventType=RunState.COMPLETE,
        eventTime=at.isoformat(),
        run=Run(runId=run_id),
        job=Job(namespace="airflow://ml-scheduler", name="fraud_training.train_model"),
        inputs=[InputDataset(namespace="s3://lake", name="fraud/transactions_labelled")],
        outputs=[OutputDataset(namespace="mlflow://registry.example", name="models/fraud-scorer", facets=model)],
    )


def test_the_upload_route_and_the_transport_endpoint_feed_the_graph(store: GraphStore, live: LiveServer) -> None:
    store.write(fraud_graph())
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    answer = collector.client.post(f"{live.url}/api/imports/openlineage", content=RUNS.read_bytes())
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"]["changes_new"] == 2
    assert_runs_recorded(store)

    # A later retrain, emitted by the openlineage-python client over its HTTP transport.
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    event = retrain_event(str(uuid.uuid4()), at)
    assert collector.key is not None
    client_for(live, collector.key, HttpCompression.GZIP).emit(event)
    history = store.asset_changes("mdl-fraud", 10)
    assert (history[0].at, history[0].kind.value) == (at, "retrain")
    assert history[0].recorded_by is not None and "(test evidence-collector)" in history[0].recorded_by
    assert store.asset_changes("ep-score", 1)[0].propagated_from == "mdl-fraud"
    entries = store.access.audit_entries(first=1000)
    assert [e.operation for e in entries if e.operation.startswith("POST /api/")][-2:] == [
        "POST /api/imports/openlineage",
        "POST /api/v1/lineage",
    ]

    after = store.export()
    client_for(live, collector.key).emit(event)  # delivered twice (a retrying client), plain: nothing new
    viewer = live.as_role(Role.VIEWER)
    assert viewer.key is not None
    with pytest.raises(requests.HTTPError) as refused:
        client_for(live, viewer.key).emit(retrain_event(str(uuid.uuid4()), at))
    assert refused.value.response.status_code == 403
    assert store.export() == after


BAD_BODIES: dict[str, tuple[bytes, str]] = {
    "not JSON": (b"<run/>", "body"),
    "a list": (b"[]", "body"),
    "wrong shape": (json.dumps({"eventType": "COMPLETE", "run": [], "job": {}}).encode(), "events[0].run"),
    "missing eventTime": (b"", "events[0].eventTime"),
    "future eventTime": (b"", "events[0].eventTime"),
    "unknown eventType": (b"", "events[0].eventType"),
}


def bad_body(case: str) -> bytes:
    body, _ = BAD_BODIES[case]
    if body:
        return body
    event = json.loads(RETRAIN.read_text())
    if case == "missing eventTime":
        del event["eventTime"]
    elif case == "future eventTime":
        event["eventTime"] = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    else:
        event["eventType"] = "FINISHED"
    return json.dumps(event).encode()


def test_bad_events_are_refused_naming_the_field_and_write_nothing(store: GraphStore, live: LiveServer) -> None:
    store.write(fraud_graph())
    before = store.export()
    for case in BAD_BODIES:
        _, field = BAD_BODIES[case]
        answer = live.client.post(f"{live.url}/api/v1/lineage", content=bad_body(case))
        assert answer.status_code == 422, (case, answer.text)
        assert field in [f["field"] for f in answer.json()["fields"]], (case, answer.json())
    encodings = {
        "br": (b"{}", "Content-Encoding", "is not accepted"),
        "gzip": (gzip.compress(b" " * (MAX_IMPORT_BYTES + 1)), "body", "inflates past"),  # a gzip bomb
        "GZIP": (gzip.compress(RETRAIN.read_bytes())[:-20], "body", "truncated"),
    }
    for encoding, (body, field, reason) in encodings.items():
        headers = {"Content-Encoding": encoding}
        answer = live.client.post(f"{live.url}/api/v1/lineage", content=body, headers=headers)
        assert answer.status_code == 422, (encoding, answer.text)
        assert answer.json()["fields"][0]["field"] == field and reason in answer.json()["message"]
    # A batch with one bad event among good ones: all or nothing.
    batch = RUNS.read_bytes() + bad_body("unknown eventType") + b"\n"
    counted = scrape(live)
    answer = live.client.post(f"{live.url}/api/imports/openlineage", content=batch)
    assert answer.status_code == 422
    assert answer.json()["fields"][0]["field"] == "events[5].eventType"
    assert store.export() == before
    # ... and /metrics counts it as a failed import of its format.
    assert delta(counted, scrape(live), "attestgraph_imports_total", format="openlineage", outcome="failed") == 1
