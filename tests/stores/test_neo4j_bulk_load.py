"""`attestgraph load --bulk` (graph/stores/neo4j/bulk_import.py) gives the database the online load
gives: the synthetic XS org and the demo org (with awkward strings, empty lists, reviews and
change histories beside them) loaded both ways through the CLI, the raw databases compared node
by node and relationship by relationship, and a few answers. Bad input and a database holding a
graph are refused before anything is written.

One private server of tools/neo4j is imported into once and started once (the online side is
the session's server); the bad-input test needs no server at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from bench.synthetic import REFERENCE, SyntheticOrg, write_documents
from graph import queries
from graph.bundle import Bundle, parse_bundle
from graph.errors import ConflictError, InvalidInputError
from graph.model import Control, Label, Threat
from graph.seeds import SEEDS_DIR
from graph.store import FindingFilter
from graph.stores.neo4j import Neo4jStore
from graph.stores.neo4j.bulk_import import LocalServer, bulk_load
from service.cli import app
from tests.stores.neo4j_launcher import DEFAULT_PASSWORD, Neo4jServer, free_port
from tests.stores.raw_neo4j import SCRATCH_LABEL, differences, raw_graph

pytestmark = pytest.mark.neo4j

# What each write stamps for itself: the graph version (a random epoch, one count per write) and
# the audit entry's instant, operation ("cli:load" / "cli:load --bulk") and so its hash.
STAMPS = {
    "GraphVersion": {"epoch", "n"},
    # The revision of a control's accepted items: random, renewed by each write that moves them
    # (graph/stores/neo4j/accepted.py); the bulk path leaves none, the online one one per control.
    "Control": {"_items"},
    "AuditEntry": {"at", "operation", "hash"},
    "AuditHead": {"hash"},
    # Appended records are stamped with the instant their write runs at.
    "Change": {"recorded_at"},
    "AuditException": {"recorded_at"},
    "Remediation": {"recorded_at"},
}
AT = REFERENCE - timedelta(days=3)

# Beside the two orgs: strings the CSV files must carry exactly, lists that are empty, a review
# repeated exactly (appended once) and one overruling it, an asset changed twice, findings (open
# with CVEs and a CVSS score, fixed without either) and their AFFECTS edges.
AWKWARD: dict[str, Any] = {
    "controls": [
        {
            "id": "ctl-awkward",
            "title": 'Quotes "inside", commas, and a trailing backslash \\',
            "description": "Line one\nline two\r\nand\ttabs; semicolons; ünïcödé ✓ \"q\" ''",
            "owner": "",
            "expected_evidence": [],
        },
        {"id": "ctl-lists", "title": "Lists", "expected_evidence": ["a;b", 'c "d"', "e,f", " padded "]},
    ],
    "threats": [{"id": "AML.T9999", "name": "Nothing in scope", "asset_kinds": []}],
    "assets": [{"id": "asset-awkward", "kind": "model", "name": 'Ünïcödé, "quoted"\nname'}],
    "applies_to": [{"source": "ctl-awkward", "target": "asset-awkward"}],
    "changes": [
        {"asset": "asset-awkward", "at": "2026-10-01T00:00:00Z", "kind": "retrain", "note": 'first, "quoted"'},
        {"asset": "asset-awkward", "at": "2026-11-01T00:00:00.000001Z", "kind": "config"},
    ],
    "evidence": [
        {
            "id": "ev-awkward",
            "title": "Awaiting review",
            "control": "ctl-awkward",
            "collected_at": "2026-11-02T00:00:00Z",
            "status": "pending",
            "sha256": "a" * 64,
        }
    ],
    "findings": [
        {
            "id": "fnd-awkward-open",
            "asset": "asset-awkward",
            "severity": "critical",
            "plugin": "156032",
            "name": 'Apache Log4j < 2.15.0 "Log4Shell", RCE',
            "port": 8443,
            "protocol": "tcp",
            "cves": ["CVE-2021-44228", "CVE-2021-45046"],
            "cvss3": 10.0,
            "first_seen": "2026-10-15T00:00:00Z",
            "last_seen": "2026-11-01T00:00:00.000001Z",
        },
        {
            "id": "fnd-awkward-fixed",
            "asset": "asset-awkward",
            "severity": "info",
            "plugin": "19506",
            "name": "Nessus Scan Information",
            "cves": [],
            "first_seen": "2026-10-15T00:00:00Z",
            "last_seen": "2026-10-15T00:00:00Z",
            "status": "fixed",
            "fixed_at": "2026-11-01T00:00:00Z",
        },
    ],
    "reviews": [
        {
            "evidence": "ev-awkward",
            "decision": "rejected",
            "note": "blurry",
            "reviewer": "r1",
            "at": "2026-11-03T00:00:00Z",
        },
        {
            "evidence": "ev-awkward",
            "decision": "rejected",
            "note": "blurry",
            "reviewer": "r1",
            "at": "2026-11-03T00:00:00Z",
        },
        {"evidence": "ev-awkward", "decision": "accepted", "note": "", "reviewer": "r2", "at": "2026-11-04T00:00:00Z"},
    ],
}


def _env(
    monkeypatch: pytest.MonkeyPatch, uri: str, password: str, user: str = "neo4j", database: str | None = None
) -> None:
    monkeypatch.setenv("ATTESTGRAPH_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    if database is None:
        monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    else:
        monkeypatch.setenv("NEO4J_DATABASE", database)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The XS org as bundle files, the demo org and its catalog (seeds/), and the awkward items."""
    folder = tmp_path_factory.mktemp("bulk-inputs")
    org = folder / "xs"
    write_documents(SyntheticOrg("XS", seed=5), org, chunk=2_000)
    (org / "99999-awkward.json").write_text(json.dumps(AWKWARD))
    # The demo org without a second copy of the catalog the XS files carry.
    return [org, SEEDS_DIR / "demo"]


@pytest.fixture(scope="module")
def loaded(
    inputs: list[Path], neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LocalServer, Neo4jServer]]:
    """The inputs loaded online into the session's server and by bulk into a private one."""
    runner = CliRunner()
    bulk = LocalServer(tmp_path_factory.mktemp("bulk-neo4j"), free_port(), DEFAULT_PASSWORD)
    online = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    online.clear()
    if neo4j_server.origin == "NEO4J_URI":  # keep the tests' mark on a database they were given
        online.connection.driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=neo4j_server.database)
    online.close()
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            _env(monkeypatch, neo4j_server.uri, neo4j_server.password, neo4j_server.user, neo4j_server.database)
            result = runner.invoke(app, ["load", *map(str, inputs)])
            assert result.exit_code == 0, result.output
            _env(monkeypatch, bulk.uri, bulk.password)
            result = runner.invoke(app, ["load", "--bulk", "--neo4j-home", str(bulk.home), *map(str, inputs)])
            assert result.exit_code == 0, result.output
            assert "by bulk import" in result.output and bulk.running()
        yield bulk, neo4j_server
    finally:
        bulk.run("stop.sh")


def test_both_paths_leave_the_same_database(loaded: tuple[LocalServer, Neo4jServer]) -> None:
    bulk, online = loaded
    with (
        GraphDatabase.driver(online.uri, auth=(online.user, online.password)) as left,
        GraphDatabase.driver(bulk.uri, auth=("neo4j", bulk.password)) as right,
    ):
        online_nodes, online_rels = raw_graph(left, online.database, STAMPS)
        bulk_nodes, bulk_rels = raw_graph(right, None, STAMPS)
    assert len(online_nodes) > 3_000 and len(online_rels) > 6_000  # both orgs are in
    assert differences(online_nodes, bulk_nodes) == []
    assert differences(online_rels, bulk_rels) == []


def test_both_paths_answer_alike(loaded: tuple[LocalServer, Neo4jServer]) -> None:
    bulk, online = loaded
    stores = [
        Neo4jStore(online.uri, online.user, online.password, online.database),
        Neo4jStore(bulk.uri, "neo4j", bulk.password),
    ]
    try:
        answers = [
            (
                queries.coverage(store, "soc2-tsc-2017", AT),
                queries.missing_evidence(store, AT).rows,
                queries.blast_radius(store, "inf-gpu-cluster"),
                store.evidence_reviews(["ev-awkward"]),
                store.get_nodes(Label.CONTROL, ["ctl-awkward", "ctl-lists"]),
                store.get_nodes(Label.THREAT, ["AML.T9999"]),
                store.findings(FindingFilter(assets=("asset-awkward",)), 10),
            )
            for store in stores
        ]
    finally:
        for store in stores:
            store.close()
    assert answers[0] == answers[1]
    coverage, missing, radius, reviews, controls, threats, found = answers[1]
    assert [f.id for f in found.findings] == ["fnd-awkward-fixed", "fnd-awkward-open"]
    assert coverage.totals.covered > 0 and missing and radius is not None and len(radius.assets) > 1
    assert [r.decision.value for r in reviews["ev-awkward"]] == ["rejected", "accepted"]
    awkward, lists = controls["ctl-awkward"], controls["ctl-lists"]
    assert isinstance(awkward, Control) and isinstance(lists, Control) and isinstance(threats["AML.T9999"], Threat)
    assert (awkward.title, awkward.description, awkward.owner, awkward.expected_evidence) == (
        AWKWARD["controls"][0]["title"],
        AWKWARD["controls"][0]["description"],
        "",
        [],
    )
    assert lists.expected_evidence == AWKWARD["controls"][1]["expected_evidence"]
    assert threats["AML.T9999"].asset_kinds == []


def test_a_database_holding_a_graph_is_refused(loaded: tuple[LocalServer, Neo4jServer]) -> None:
    bulk, _online = loaded
    before = bulk.node_count()
    with pytest.raises(ConflictError, match=rf"holds {before} nodes.*only into an empty database"):
        bulk_load([Bundle.model_validate({"frameworks": [{"id": "fw-more", "name": "More"}]})], bulk)
    assert bulk.running() and bulk.node_count() == before


def test_bad_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    never_started = LocalServer(tmp_path / "neo4j", free_port())
    bundle = parse_bundle(
        {
            "controls": [{"id": "c1", "title": "C"}],
            "assets": [{"id": "a1", "kind": "model", "name": "A"}, {"id": "a2", "kind": "model", "name": "B"}],
            "applies_to": [{"source": "c1", "target": "a1"}],
            "evidence": [{"id": "e1", "title": "E", "control": "c1", "collected_at": "2026-01-01T00:00:00Z"}],
            "covers": [{"source": "e1", "target": "a2"}],  # an asset the control does not apply to
        }
    )
    with pytest.raises(InvalidInputError) as refused:
        bulk_load([bundle], never_started)
    assert [p.field for p in refused.value.problems] == ["covers[0]"]
    assert not never_started.running() and not never_started.has_database()
    assert list(never_started.home.iterdir()) == []  # no CSV file left behind either


@pytest.mark.parametrize(
    ("store", "uri", "reason"),
    [
        ("embedded", "bolt://127.0.0.1:7687", "imports into Neo4j only"),
        ("neo4j", "neo4j+s://graph.example.org:7687", "load a remote server without --bulk"),
    ],
)
def test_the_bulk_path_is_for_the_local_server_only(
    store: str, uri: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, uri, DEFAULT_PASSWORD)
    monkeypatch.setenv("ATTESTGRAPH_STORE", store)
    result = CliRunner().invoke(app, ["load", "--bulk", "--neo4j-home", str(tmp_path), str(SEEDS_DIR / "demo")])
    assert result.exit_code == 2 and "error: --bulk: " in result.output and reason in result.output
    assert list(tmp_path.iterdir()) == []
