"""CycloneDX ML-BOM imports through real HTTP and the CLI, on both stores, with a BOM written from
the 1.6 specification (tests/data/imports/credit-risk-mlbom-1.6.json: an application as the
metadata component, a model with nested data components and a model card with datasets, metrics
and considerations, a library, two services, purls and dependencies).

They prove: stored assets are matched first (by purl, by bom-ref) and given the identifiers they
lacked, the rest created with `create_assets` (kinds from the component types) or reported;
dependencies become DEPENDS_ON, `trained_on` exactly for the card's datasets; the card is kept on
the model and read back through GraphQL; the BOM is pending `ml_bom` evidence for the control,
covering what the control applies to; a repeat writes nothing; the same BOM as 1.5 and 1.7 imports
alike."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.access.audit import AuditDraft
from graph.access.keys import Role
from graph.bundle import Bundle
from graph.demo import load_demo
from graph.imports.registry import ImportFormat, ImportOptions, run_import
from graph.model import Asset, DependencyKind, Evidence, Label
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer

BOM_FILE = Path(__file__).parent.parent / "data" / "imports" / "credit-risk-mlbom-1.6.json"
BOM = BOM_FILE.read_bytes()
MODEL_PURL = "pkg:huggingface/acme/credit-risk-classifier@a1b2c3d"
CARD = """{ asset(id: "mdl-credit") { identifiers { kind value } dependsOn { id kind }
  modelCard { approach task architectureFamily inputs outputs datasets { name ref asset }
    performanceMetrics { type value slice lowerBound upperBound } users useCases technicalLimitations
    ethicalConsiderations { name mitigationStrategy }
    fairnessAssessments { groupAtRisk harms mitigationStrategy } } } }"""


def base_graph() -> Bundle:
    """A model the BOM names by purl, a dataset it names by bom-ref, and an AI documentation
    control applying to both."""
    b = GraphBuilder().framework("fw").criterion("C1")
    b.asset("mdl-credit").asset("ds-loans", kind="dataset").asset("other", kind="service")
    b.control("AI-DOC", satisfies=["fw:C1"], applies_to=["mdl-credit", "ds-loans"])
    identifiers = {
        "mdl-credit": [{"kind": "purl", "value": MODEL_PURL}],
        "ds-loans": [{"kind": "bom_ref", "value": "ds-loan-history"}],
    }
    for row in b.data["assets"]:
        row["identifiers"] = identifiers.get(row["id"], [])
    return b.bundle()


def post(client: LiveServer, query: str, body: bytes = BOM) -> tuple[int, dict[str, object]]:
    response = client.client.post(f"{client.url}/api/imports/cyclonedx?{query}", content=body)
    return response.status_code, response.json()


def check_imported(store: GraphStore) -> None:
    """What the BOM's import leaves in a store holding `base_graph()`."""
    graph = store.export()
    assets = {a.id: a for a in graph.assets}
    model = assets["mdl-credit"]
    assert {i.key for i in model.identifiers} == {f"purl:{MODEL_PURL}", "bom_ref:mdl-credit-risk"}
    assert model.model_card is not None and model.model_card.task == "classification"
    created = {a.name: a for a in graph.assets if a.id not in {"mdl-credit", "ds-loans", "other"}}
    assert {name: a.kind.value for name, a in created.items()} == {
        "Credit decisioning platform": "service",
        "Holdout applications Q1 2026": "dataset",
        "Credit score API": "endpoint",
        "Decision explanation service": "service",
    }  # the library (xgboost) is not an asset
    api = created["Credit score API"]
    assert {i.key for i in api.identifiers} == {"bom_ref:svc-score-api", "url:https://score.acme.example/v1/score"}
    edges = {(d.source, d.target): d.kind for d in graph.depends_on}
    holdout = created["Holdout applications Q1 2026"].id
    assert edges[("mdl-credit", "ds-loans")] is DependencyKind.TRAINED_ON  # in the card's datasets
    assert edges[("mdl-credit", holdout)] is DependencyKind.CALLS  # a dependency, not a card dataset
    assert edges[(api.id, "mdl-credit")] is DependencyKind.CALLS
    assert edges[(created["Credit decisioning platform"].id, api.id)] is DependencyKind.CALLS
    assert len(edges) == 6
    (evidence,) = graph.evidence
    assert isinstance(evidence, Evidence)
    assert (evidence.kind, evidence.control, evidence.status.value) == ("ml_bom", "AI-DOC", "pending")
    assert evidence.recorded_by  # the importing actor, as recordEvidence stamps it
    assert evidence.sha256 == hashlib.sha256(BOM).hexdigest()
    assert evidence.collected_at.isoformat() == "2026-05-04T10:15:00+00:00"  # metadata.timestamp
    assert {(c.source, c.target) for c in graph.covers} == {(evidence.id, "mdl-credit"), (evidence.id, "ds-loans")}


def test_http_import_matches_creates_links_keeps_the_card_and_repeats_as_nothing(
    store: GraphStore, live: LiveServer
) -> None:
    store.write(base_graph())
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    status, report = post(collector, "control=AI-DOC&create_assets=true&name=credit-risk.cdx.json")
    assert status == 200, report
    assert report["written"] is True and report["unmatched"] == []
    (entry,) = store.access.audit_entries(first=1, newest_first=True)
    assert (entry.operation, entry.role) == ("POST /api/imports/cyclonedx", "evidence-collector")
    assert report["counts"] == {
        "assets_created": 4,
        "assets_updated": 1,  # the model (its card, its bom-ref); ds-loans had its bom-ref already
        "components_skipped": 1,  # the library
        "dependencies_added": 6,
        "model_cards": 1,
    }
    check_imported(store)

    card = live.data(CARD)["asset"]["modelCard"]
    assert card["approach"] == "supervised" and card["architectureFamily"] == "gradient-boosted trees"
    assert card["datasets"] == [
        {"name": "Loan history 2019-2025", "ref": "ds-loan-history", "asset": "ds-loans"},
        {"name": "Bureau score snapshot (inline)", "ref": "", "asset": None},
    ]
    assert card["performanceMetrics"][0] == {
        "type": "AUC",
        "value": "0.87",
        "slice": "",
        "lowerBound": "0.86",
        "upperBound": "0.88",
    }
    assert card["ethicalConsiderations"][0]["name"] == "Proxy discrimination through postcode"
    assert card["fairnessAssessments"][0]["groupAtRisk"] == "Applicants under 25"
    assert card["technicalLimitations"] == ["Not calibrated for business loans", "Degrades on thin-file applicants"]

    before = store.export()
    status, again = post(collector, "control=AI-DOC&create_assets=true")
    assert status == 200 and again["written"] is False and again["created_assets"] == []
    assert again["evidence"] == report["evidence"]
    assert store.export() == before


def test_without_create_assets_the_unmatched_are_reported_and_only_matched_assets_linked(
    store: GraphStore, live: LiveServer
) -> None:
    store.write(base_graph())
    status, report = post(live, "")
    assert status == 200, report
    assert report["created_assets"] == [] and report["evidence"] is None
    assert (
        "bom_ref:svc-score-api" in report["unmatched"]
        and "url:https://score.acme.example/v1/score" in report["unmatched"]
    )
    graph = store.export()
    assert {a.id for a in graph.assets} == {"mdl-credit", "ds-loans", "other"}
    assert [(d.source, d.target, d.kind) for d in graph.depends_on] == [
        ("mdl-credit", "ds-loans", DependencyKind.TRAINED_ON)
    ]


@pytest.mark.parametrize("version", ["1.5", "1.7"])
def test_the_same_bom_as_other_supported_versions_imports_alike(version: str) -> None:
    store = EmbeddedStore()
    store.write(base_graph())
    document = json.loads(BOM)
    document["specVersion"] = version
    document["$schema"] = f"http://cyclonedx.org/schema/bom-{version}.schema.json"
    body = json.dumps(document).encode()
    draft = AuditDraft(actor="test", role="admin", operation="import", input_digest="0" * 64)
    report = run_import(store, ImportFormat.CYCLONEDX, body, ImportOptions(create_assets=True), draft)
    assert report.counts["assets_created"] == 4 and report.counts["dependencies_added"] == 6
    model = store.get_nodes(Label.ASSET, ["mdl-credit"])["mdl-credit"]
    assert isinstance(model, Asset) and model.model_card is not None
    store.close()


def test_cli_import_on_both_stores(store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    runner = CliRunner()
    if isinstance(store, EmbeddedStore):
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        target = EmbeddedStore(data_dir / "attestgraph.sqlite3")
        target.write(base_graph())
        target.close()
        env = {"ATTESTGRAPH_STORE": "embedded", "ATTESTGRAPH_DATA_DIR": str(data_dir)}
    else:
        store.write(base_graph())
        server = request.getfixturevalue("neo4j_server")
        env = {
            "ATTESTGRAPH_STORE": "neo4j",
            "NEO4J_URI": server.uri,
            "NEO4J_USER": server.user,
            "NEO4J_PASSWORD": server.password,
            "NEO4J_DATABASE": server.database or "",
        }
    args = ["import", "--cyclonedx", str(BOM_FILE), "--control", "AI-DOC", "--create-assets", "--json"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["written"] is True
    repeated = runner.invoke(app, args, env=env)
    assert repeated.exit_code == 0 and json.loads(repeated.output)["written"] is False

    refused = runner.invoke(app, ["import", "--cyclonedx", str(BOM_FILE), "--control", "NOPE"], env=env)
    assert refused.exit_code != 0 and "control" in refused.output and "NOPE" in refused.output

    if isinstance(store, EmbeddedStore):
        reopened = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
        check_imported(reopened)
        reopened.close()
    else:
        check_imported(store)


def test_the_demo_ml_bom_matches_the_demo_assets_and_documents_the_fraud_scorer() -> None:
    store = EmbeddedStore()
    loaded = load_demo(store, datetime(2026, 11, 30, tzinfo=UTC))
    (report,) = [r for r in loaded.imports if r.format is ImportFormat.CYCLONEDX]
    assert report.unmatched == [] and report.created_assets == []  # every item is a demo asset
    scorer = store.get_nodes(Label.ASSET, ["mdl-fraud-scorer"])["mdl-fraud-scorer"]
    assert isinstance(scorer, Asset) and scorer.model_card is not None
    assert [d.asset for d in scorer.model_card.datasets] == ["ds-fraud-transactions"]
    evidence = store.get_nodes(Label.EVIDENCE, [report.evidence or ""])[report.evidence or ""]
    assert isinstance(evidence, Evidence) and (evidence.control, evidence.kind) == ("AGC-OV-05", "ml_bom")
    store.close()
