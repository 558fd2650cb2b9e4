"""Who may call what, over real HTTP: every root field and route under every role, against the
one table of service/auth/roles.py; credentials (API keys, OIDC tokens) and their refusals."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from graph.access.keys import Role, new_key
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.auth.roles import PERMISSIONS, PUBLIC_ROUTES
from service.graphql.schema import build_schema
from service.settings import Settings
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving

AT = "2026-06-05T00:00:00Z"
DIGEST = "a" * 64

# One call per root field, selecting scalars only (so write-only roles may read their answer).
CALLS: dict[str, str] = {
    "Query.frameworks": "{ frameworks { totalCount } }",
    "Query.framework": '{ framework(id: "fw") { id } }',
    "Query.criterion": '{ criterion(id: "fw:C1") { id } }',
    "Query.controls": "{ controls { totalCount } }",
    "Query.control": '{ control(id: "k") { id } }',
    "Query.assets": "{ assets { totalCount } }",
    "Query.asset": '{ asset(id: "m") { id } }',
    "Query.assetsByIdentifier": '{ assetsByIdentifier(identifiers: [{kind: IP, value: "10.0.0.1"}]) { asset { id } } }',
    "Query.changes": '{ changes(asset: "m") { totalCount } }',
    "Query.findings": '{ findings(asset: "m") { totalCount } }',
    "Query.vendors": "{ vendors { totalCount } }",
    "Query.vendor": '{ vendor(id: "v") { id } }',
    "Query.evidence": '{ evidence(id: "e1") { id } }',
    "Query.threats": "{ threats { totalCount } }",
    "Query.coverage": '{ coverage(framework: "fw") { totals { total } } }',
    "Query.blastRadius": '{ blastRadius(asset: "m") { evidenceCount } }',
    "Query.missingEvidence": "{ missingEvidence { totalCount } }",
    "Query.evidenceGaps": f'{{ evidenceGaps(start: "2026-01-01T00:00:00Z", end: "{AT}") {{ totalGaps }} }}',
    "Query.controlPeriod": (
        f'{{ controlPeriod(control: "k", start: "2026-01-01T00:00:00Z", end: "{AT}") {{ gaps }} }}'
    ),
    "Query.crosswalk": '{ crosswalk(source: "fw", target: "fw") { rows { totalCount } } }',
    "Query.impact": f'{{ impact(change: {{asset: "m", at: "{AT}"}}) {{ recorded }} }}',
    "Query.vendorLapse": f'{{ vendorLapse(vendor: "v", asOf: "{AT}") {{ controlIds }} }}',
    "Query.threatView": '{ threatView(asset: "m") { total } }',
    "Query.engagements": "{ engagements { totalCount } }",
    "Query.engagement": '{ engagement(id: "g") { id } }',
    "Query.engagementPopulation": '{ engagementPopulation(engagement: "g", control: "k") { totalCount } }',
    "Query.auditExceptions": '{ auditExceptions(engagement: "g", open: true) { totalCount } }',
    "Query.auditLog": "{ auditLog(first: 1) { totalCount } }",
    "Query.auditLogVerification": "{ auditLogVerification { ok } }",
    "Query.apiKeys": "{ apiKeys { id } }",
    "Query.me": "{ me { actor } }",
    "Mutation.upsertAssets": 'mutation { upsertAssets(assets: [{id: "n", kind: MODEL, name: "N"}]) { id } }',
    "Mutation.deleteAsset": 'mutation { deleteAsset(id: "n") { deleted } }',
    "Mutation.linkAssets": 'mutation { linkAssets(links: [{source: "m", target: "d", kind: CALLS}]) { id } }',
    "Mutation.recordChange": f'mutation {{ recordChange(change: {{asset: "d", at: "{AT}"}}) {{ recorded }} }}',
    "Mutation.upsertControls": 'mutation { upsertControls(controls: [{id: "k2", title: "K2"}]) { id } }',
    "Mutation.mapControl": 'mutation { mapControl(control: "k", criteria: ["fw:C1"]) { id } }',
    "Mutation.applyControl": 'mutation { applyControl(control: "k", assets: ["m"]) { id } }',
    "Mutation.upsertVendors": 'mutation { upsertVendors(vendors: [{id: "v", name: "V"}]) { id } }',
    "Mutation.upsertEngagements": (
        'mutation { upsertEngagements(engagements: [{id: "g", name: "G", framework: "fw", kind: TYPE1,'
        f' asOf: "{AT}"}}]) {{ id }} }}'
    ),
    "Mutation.engagementSample": 'mutation { engagementSample(engagement: "g", control: "k", seed: "s") { id } }',
    "Mutation.recordEvidence": (
        'mutation { recordEvidence(evidence: {id: "e9", title: "t", control: "k",'
        f' collectedAt: "{AT}", sha256: "{DIGEST}"}}) {{ id sha256 }} }}'
    ),
    "Mutation.reviewEvidence": 'mutation { reviewEvidence(id: "e1", decision: ACCEPTED, note: "ok") { id status } }',
    "Mutation.recordException": (
        'mutation { recordException(exception: {id: "x9", engagement: "g", control: "k", description: "d",'
        f' severity: DEFICIENCY, foundAt: "{AT}"}}) {{ id }} }}'
    ),
    "Mutation.recordRemediation": (
        'mutation { recordRemediation(remediation: {id: "r9", exception: "x9", owner: "o", plan: "p",'
        f' status: OPEN, due: "{AT}"}}) {{ id }} }}'
    ),
    "Mutation.createApiKey": 'mutation { createApiKey(name: "made in the walk", role: VIEWER) { secret } }',
    "Mutation.revokeApiKey": 'mutation { revokeApiKey(id: "0000000000000000") { id } }',
}

ROUTES = [
    "GET /api/export",
    "GET /api/engagements/{engagement_id}/package",
    "GET /api/schema/bundle.json",
    "GET /openapi.json",
    "GET /metrics",
]


def seeded(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d").vendor("v", ["d"])
    b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0), eid="e1")
    store.write(b.bundle())


def root_fields() -> set[str]:
    schema = build_schema().documents.cost_schema  # the served schema, rebuilt from its SDL
    return {f"{t}.{name}" for t in ("Query", "Mutation") for name in schema.get_type(t).fields}  # type: ignore[union-attr]


def test_every_root_field_has_a_decision_in_the_table_and_a_call_in_the_walk() -> None:
    fields = root_fields()
    graphql_rules = {k for k in PERMISSIONS if k.startswith(("Query.", "Mutation."))}
    assert fields - graphql_rules == set(), "fields without a decision (denied to all): add them to roles.py"
    assert graphql_rules - fields == set(), "rules for fields that do not exist"
    assert set(CALLS) == fields


def test_every_rest_route_has_a_decision_in_the_table() -> None:
    from fastapi.routing import APIRoute

    from service.app import create_app

    app = create_app(Settings())
    routes = {f"{method} {r.path}" for r in app.routes if isinstance(r, APIRoute) for method in r.methods}
    assert routes - PUBLIC_ROUTES <= set(PERMISSIONS), routes - PUBLIC_ROUTES - set(PERMISSIONS)
    assert {r for r in routes if r.split(" ")[1].startswith("/api/")} <= set(ROUTES)


def forbidden(body: dict[str, Any]) -> bool:
    return any(e.get("extensions", {}).get("code") == "FORBIDDEN" for e in body.get("errors", []))


@pytest.fixture
def embedded_live() -> Iterator[LiveServer]:
    # Enforcement lives in the service layer, above the store: one backend walks the table.
    store = EmbeddedStore()
    with serving(store) as live:
        yield live
    store.close()


def test_every_field_and_route_under_every_role_is_allowed_or_denied_as_the_table_says(
    embedded_live: LiveServer,
) -> None:
    live, store = embedded_live, embedded_live.store
    seeded(store)
    callers = {role: live.as_role(role) for role in Role}
    for role, caller in callers.items():
        for operation, document in CALLS.items():
            body = caller.graphql(document)
            allowed = role in PERMISSIONS[operation]
            assert forbidden(body) != allowed, f"{role.value} {operation}: {body}"
        for route in ROUTES:
            status = caller.client.get(f"{live.url}{route.split(' ', 1)[1]}").status_code
            assert (status == 403) != (role in PERMISSIONS[route]), f"{role.value} {route}: {status}"
    denied = [e for e in store.access.audit_entries(first=10_000) if e.outcome == "denied: FORBIDDEN"]
    expected = sum(1 for role in Role for op in [*CALLS, *ROUTES] if role not in PERMISSIONS[op])
    assert len(denied) == expected  # every denial is on record


def test_a_write_only_role_cannot_read_the_graph_through_a_mutation_answer(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    sneaky = (
        'mutation { recordEvidence(evidence: {id: "e5", title: "t", control: "k",'
        f' collectedAt: "{AT}", sha256: "{DIGEST}"}}) {{ id control {{ title criteria {{ id }} }} }} }}'
    )
    assert collector.error(sneaky)["extensions"]["code"] == "FORBIDDEN"
    assert store.get_nodes(__import__("graph.model").model.Label.EVIDENCE, ["e5"]) == {}


# -- credentials ------------------------------------------------------------------------------------


def test_nothing_but_the_probes_answers_without_a_credential(live: LiveServer) -> None:
    anonymous = live.with_key(None)
    assert anonymous.client.get(f"{live.url}/healthz").status_code == 200
    assert anonymous.client.get(f"{live.url}/readyz").status_code == 200
    for method, path in [
        ("POST", "/graphql"),
        ("GET", "/graphql?query={me{actor}}"),
        ("GET", "/api/export"),
        ("GET", "/api/schema/bundle.json"),
        ("GET", "/openapi.json"),
        ("GET", "/metrics"),
        ("GET", "/docs"),
        ("GET", "/anything"),
    ]:
        response = anonymous.client.request(method, f"{live.url}{path}", json={"query": "{ me { actor } }"})
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "credential",
    ["Bearer nonsense", "Bearer ag_0123456789abcdef_" + "x" * 43, "Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer a.b.c"],
)
def test_invalid_credentials_are_refused_and_recorded(store: GraphStore, live: LiveServer, credential: str) -> None:
    response = httpx.post(
        f"{live.url}/graphql", json={"query": "{ me { actor } }"}, headers={"Authorization": credential}
    )
    assert response.status_code == 401 and response.json()["code"] == "UNAUTHENTICATED"
    if credential != "Bearer":  # a credential was presented: the attempt is on record
        assert store.access.audit_entries(first=10, newest_first=True)[0].outcome == "denied: UNAUTHENTICATED"


def test_a_key_works_in_either_header_and_a_wrong_secret_does_not(live: LiveServer) -> None:
    assert live.key is not None
    response = httpx.post(f"{live.url}/graphql", json={"query": "{ me { roles } }"}, headers={"X-API-Key": live.key})
    assert response.json() == {"data": {"me": {"roles": ["ADMIN"]}}}
    forged = live.key[:-2] + ("AA" if not live.key.endswith("AA") else "BB")
    assert (
        httpx.post(f"{live.url}/graphql", json={"query": "{ me { roles } }"}, headers={"X-API-Key": forged}).status_code
        == 401
    )


def test_keys_created_and_revoked_through_the_api(store: GraphStore, live: LiveServer) -> None:
    created = live.data('mutation { createApiKey(name: "dashboard", role: AUDITOR) { secret key { id role active } } }')
    secret = created["createApiKey"]["secret"]
    key_id = created["createApiKey"]["key"]["id"]
    assert created["createApiKey"]["key"]["role"] == "AUDITOR"
    auditor = live.with_key(secret)
    assert auditor.data("{ me { roles } }") == {"me": {"roles": ["AUDITOR"]}}
    listed = live.data("{ apiKeys { id name active } }")["apiKeys"]
    assert {"id": key_id, "name": "dashboard", "active": True} in listed
    assert secret not in json.dumps(listed)
    revoked = live.data(f'mutation {{ revokeApiKey(id: "{key_id}") {{ active revokedAt }} }}')["revokeApiKey"]
    assert revoked["active"] is False and revoked["revokedAt"]
    response = auditor.client.post(f"{live.url}/graphql", json={"query": "{ me { roles } }"})
    assert response.status_code == 401  # at once, in this process
    assert store.access.get_key(key_id).revoked_at is not None  # type: ignore[union-attr]
    ops = [e.operation for e in store.access.audit_entries(first=100)]
    assert "Mutation.createApiKey" in ops and "Mutation.revokeApiKey" in ops


def test_a_key_revoked_elsewhere_stops_working_within_the_cache_time(store: GraphStore) -> None:
    record, key = new_key(Role.VIEWER, "short-lived")
    store.access.put_key(record)
    with serving(store, Settings(rate_limit=0, key_cache_seconds=0.2)) as live:
        viewer = live.with_key(key)
        assert viewer.client.post(f"{live.url}/graphql", json={"query": "{ me { actor } }"}).status_code == 200
        store.access.revoke_key(record.id, day(0))  # as `attestgraph keys revoke` in another process would
        time.sleep(0.3)
        assert viewer.client.post(f"{live.url}/graphql", json={"query": "{ me { actor } }"}).status_code == 401


# -- OIDC -----------------------------------------------------------------------------------------------


ISSUER = "https://login.example.test/tenant"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """The issuer's key set, served on loopback as an identity provider would."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "test-key", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/keys"
    server.shutdown()


def token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "attestgraph", "sub": "alice", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(
        {k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256", headers={"kid": "test-key"}
    )


def test_oidc_tokens_from_the_configured_issuer_carry_their_roles(
    store: GraphStore, signing_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    settings = Settings(rate_limit=0, oidc_issuer=ISSUER, oidc_audience="attestgraph", oidc_jwks_url=jwks_url)
    seeded(store)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with serving(store, settings) as live:

        def ask(bearer: str, query: str = "{ me { actor roles } }") -> httpx.Response:
            return httpx.post(
                f"{live.url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {bearer}"}
            )

        good = ask(token(signing_key, roles=["auditor", "not-a-role"]))
        assert good.json() == {"data": {"me": {"actor": "oidc:alice", "roles": ["AUDITOR"]}}}
        assert (
            ask(token(signing_key, roles="viewer"), "{ auditLog { totalCount } }").json()["errors"][0]["extensions"][
                "code"
            ]
            == "FORBIDDEN"
        )
        refused = {
            "expired": token(signing_key, roles="admin", exp=int(time.time()) - 3600),
            "other issuer": token(signing_key, roles="admin", iss="https://evil.example.test"),
            "other audience": token(signing_key, roles="admin", aud="someone-else"),
            "no subject": token(signing_key, roles="admin", sub=None),
            "other signer": token(other_key, roles="admin"),
            "unsigned": jwt.encode(
                {"iss": ISSUER, "aud": "attestgraph", "sub": "x", "exp": int(time.time()) + 60, "roles": "admin"},
                None,
                algorithm="none",
            ),
        }
        for why, bad in refused.items():
            assert ask(bad).status_code == 401, why
