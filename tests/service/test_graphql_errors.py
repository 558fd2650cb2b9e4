"""Bad input on every GraphQL path: a clear error naming the field, and the store untouched."""

from __future__ import annotations

import pytest

from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer


def seeded(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d")
    b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0), eid="e1")
    store.write(b.bundle())


DIGEST = "a" * 64

BAD_MUTATIONS = [
    # (document, expected code, text the message must contain)
    (
        'mutation { upsertAssets(assets: [{id: "x", kind: MODEL, name: ""}]) { id } }',
        "BAD_USER_INPUT",
        "assets[0].name",
    ),
    (
        'mutation { upsertAssets(assets: [{id: " bad id", kind: MODEL, name: "n"}]) { id } }',
        "BAD_USER_INPUT",
        "assets[0].id",
    ),
    (
        'mutation { upsertAssets(assets: [{id: "x", kind: MODEL, name: "n", changedAt: "2026-01-01T09:00"}]) { id } }',
        "BAD_USER_INPUT",
        "UTC offset",
    ),
    (
        'mutation { upsertAssets(assets: [{id: "x", kind: ROBOT, name: "n"}]) { id } }',
        "GRAPHQL_VALIDATION_FAILED",
        "ROBOT",
    ),
    ("mutation { upsertAssets(assets: []) { id } }", "BAD_USER_INPUT", "assets"),
    (
        'mutation { linkAssets(links: [{source: "m", target: "ghost", kind: CALLS}]) { id } }',
        "BAD_USER_INPUT",
        "depends_on[0].target",
    ),
    ('mutation { linkAssets(links: [{source: "m", target: "m", kind: CALLS}]) { id } }', "BAD_USER_INPUT", "itself"),
    ('mutation { mapControl(control: "k", criteria: ["fw:NOPE"]) { id } }', "BAD_USER_INPUT", "fw:NOPE"),
    ('mutation { applyControl(control: "ghost", assets: ["m"]) { id } }', "BAD_USER_INPUT", "applies_to[0].source"),
    (
        'mutation { upsertControls(controls: [{id: "k2", title: "t", satisfies: ["fw:C1", "fw:GONE"]}]) { id } }',
        "BAD_USER_INPUT",
        "fw:GONE",
    ),
    (
        'mutation { recordEvidence(evidence: {id: "e2", title: "t", control: "ghost",'
        f' collectedAt: "2026-06-01T00:00:00Z", sha256: "{DIGEST}"}}) {{ id }} }}',
        "BAD_USER_INPUT",
        "evidence[0].control",
    ),
    (
        'mutation { recordEvidence(evidence: {id: "e2", title: "t", control: "k", collectedAt: "2026-06-01T00:00:00Z",'
        f' validUntil: "2026-05-01T00:00:00Z", sha256: "{DIGEST}"}}) {{ id }} }}',
        "BAD_USER_INPUT",
        "evidence[0].validUntil",
    ),
    (
        'mutation { recordEvidence(evidence: {id: "e2", title: "t", control: "k", collectedAt: "2026-06-01T00:00:00Z",'
        ' sha256: "not-a-digest"}) { id } }',
        "BAD_USER_INPUT",
        "evidence[0].sha256",
    ),
    (
        'mutation { recordEvidence(evidence: {id: "e2", title: "t", control: "k", collectedAt: "yesterday"}) { id } }',
        "BAD_USER_INPUT",
        "yesterday",
    ),
    ('mutation { deleteAsset(id: "ghost") { deleted } }', "NOT_FOUND", "ghost"),
    (
        'mutation { recordChange(change: {asset: "ghost", at: "2026-06-01T00:00:00Z"}) { recorded } }',
        "NOT_FOUND",
        "ghost",
    ),
]


@pytest.mark.parametrize(("document", "code", "mentions"), BAD_MUTATIONS)
def test_bad_mutation_input_is_refused_and_changes_nothing(
    store: GraphStore, live: LiveServer, document: str, code: str, mentions: str
) -> None:
    seeded(store)
    before = store.export()
    error = live.error(document)
    assert error["extensions"]["code"] == code
    assert mentions in error["message"]
    assert store.export() == before


def test_deleting_an_asset_that_scopes_evidence_is_a_conflict(store: GraphStore, live: LiveServer) -> None:
    b = GraphBuilder().asset("m").control("k", applies_to=["m"]).evidence("k", day(0), covers=["m"])
    store.write(b.bundle())
    before = store.export()
    error = live.error('mutation { deleteAsset(id: "m") { deleted } }')
    assert error["extensions"]["code"] == "CONFLICT"
    assert store.export() == before


BAD_QUERIES = [
    ('{ coverage(framework: "nope") { totals { total } } }', "NOT_FOUND", "framework"),
    ('{ coverage(framework: "fw", asOf: "2026-06-01T12:00") { totals { total } } }', "BAD_USER_INPUT", "UTC offset"),
    ('{ coverage(framework: "fw", asOf: "garbage") { totals { total } } }', "BAD_USER_INPUT", "garbage"),
    ('{ blastRadius(asset: "ghost") { evidenceCount } }', "NOT_FOUND", "ghost"),
    ('{ blastRadius(asset: "m", maxDepth: -1) { evidenceCount } }', "BAD_USER_INPUT", "maxDepth"),
    ('{ missingEvidence(framework: "nope") { totalCount } }', "NOT_FOUND", "nope"),
    (
        '{ evidenceGaps(start: "2026-06-01T00:00:00Z", end: "2026-01-01T00:00:00Z") { totalGaps } }',
        "BAD_USER_INPUT",
        "end",
    ),
    ('{ crosswalk(source: "fw", target: "nope") { rows { totalCount } } }', "NOT_FOUND", "target"),
    ("{ assets(first: 100000) { totalCount } }", "BAD_USER_INPUT", "first"),
    ("{ assets(first: -1) { totalCount } }", "BAD_USER_INPUT", "first"),
    ('{ assets(after: "not-a-cursor") { totalCount } }', "BAD_USER_INPUT", "after"),
    ("{ controls(status: SOMETIMES) { totalCount } }", "GRAPHQL_VALIDATION_FAILED", "SOMETIMES"),
    ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED", "nosuchfield"),
    ('{ coverage(framework: "fw" { totals }', "GRAPHQL_VALIDATION_FAILED", "Syntax Error"),
]


@pytest.mark.parametrize(("document", "code", "mentions"), BAD_QUERIES)
def test_bad_query_arguments_get_a_coded_error_naming_the_field(
    store: GraphStore, live: LiveServer, document: str, code: str, mentions: str
) -> None:
    seeded(store)
    error = live.error(document)
    assert error["extensions"]["code"] == code
    assert mentions in error["message"]
    assert "Traceback" not in error["message"]


def test_deep_queries_are_refused(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    nested = "id " + "controls { criteria { controls { criteria { " * 4 + "id" + " } } } }" * 4
    error = live.error('{ asset(id: "m") { ' + nested + " } }")
    assert "depth" in error["message"]
