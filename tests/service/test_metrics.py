"""`GET /metrics` over real HTTP: who may scrape, and the series a few requests leave behind.

The metrics live in the test process (one registry per process), so each test compares a scrape
taken after its requests with one taken before them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.access.keys import Role
from graph.stores.embedded import EmbeddedStore
from service.observability.metrics import OperationNames, record_import
from service.settings import Settings
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving
from tests.service.scraping import delta, parse, scrape, value

AT = "2026-06-01T00:00:00Z"
DIGEST = "a" * 64
PAGED = "query Paged($n: Int) { assets(first: $n) { edges { node { controls { criteria { id } } } } } }"
TOO_DEEP = 'query Deep { criterion(id: "fw:C1") {' + " parent {" * 12 + " id" + " }" * 12 + " } }"


@pytest.fixture(scope="module")
def served() -> Iterator[LiveServer]:
    store = EmbeddedStore()
    b = GraphBuilder().framework("fw").criterion("C1").asset("m")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0)).bundle())
    with serving(store) as server:
        yield server
    store.close()


def test_an_unauthenticated_scrape_is_refused_and_only_the_reading_roles_may_scrape(served: LiveServer) -> None:
    refused = httpx.get(f"{served.url}/metrics")
    assert refused.status_code == 401 and refused.json()["code"] == "UNAUTHENTICATED"
    assert "attestgraph_" not in refused.text
    bad_key = httpx.get(f"{served.url}/metrics", headers={"Authorization": "Bearer ag_0123456789abcdef_" + "x" * 43})
    assert bad_key.status_code == 401
    collector = served.as_role(Role.EVIDENCE_COLLECTOR)
    assert collector.client.get(f"{served.url}/metrics").status_code == 403
    for role in (Role.VIEWER, Role.AUDITOR):
        assert "attestgraph_http_requests_total" in served.as_role(role).client.get(f"{served.url}/metrics").text


def test_requests_operations_refusals_and_store_calls_are_counted_with_bounded_labels(served: LiveServer) -> None:
    viewer = served.as_role(Role.VIEWER)
    before = scrape(served)
    assert viewer.data("query Names { assets(first: 5) { totalCount } }")["assets"]["totalCount"] == 1
    assert viewer.data("{ controls(first: 5) { totalCount } }")["controls"]["totalCount"] == 1
    assert viewer.error(PAGED, {"n": 500})["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert viewer.error(TOO_DEEP)["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    missing = served.client.get(f"{served.url}/api/engagements/NO-SUCH-ENGAGEMENT-42/package")
    assert missing.status_code == 404
    assert httpx.get(f"{served.url}/no/such/page-42").status_code == 401  # refused before any route
    after = scrape(served)

    requests = "attestgraph_http_requests_total"
    assert delta(before, after, requests, route="/graphql", method="POST", status="200", role="viewer") == 4
    template = "/api/engagements/{engagement_id}/package"
    assert delta(before, after, requests, route=template, method="GET", status="404", role="admin") == 1
    assert delta(before, after, requests, route="(unrouted)", method="GET", status="401", role="(none)") == 1
    text = served.client.get(f"{served.url}/metrics").text
    assert "NO-SUCH-ENGAGEMENT-42" not in text and "page-42" not in text  # never a raw path
    seconds = "attestgraph_http_request_duration_seconds_count"
    assert delta(before, after, seconds, route="/graphql", method="POST") >= 4

    operations = "attestgraph_graphql_operations_total"
    assert delta(before, after, operations, operation="Names", outcome="ok") == 1
    assert delta(before, after, operations, operation="anonymous", outcome="ok") == 1
    assert delta(before, after, operations, operation="Paged", outcome="refused") == 1
    assert delta(before, after, operations, operation="Deep", outcome="refused") == 1
    latency = "attestgraph_graphql_operation_duration_seconds"
    assert delta(before, after, f"{latency}_count", operation="Names") == 1
    assert delta(before, after, f"{latency}_sum", operation="Names") > 0
    assert delta(before, after, f"{latency}_bucket", operation="Names", le="+Inf") == 1

    assert delta(before, after, "attestgraph_refusals_total", code="QUERY_TOO_COSTLY") == 1
    assert delta(before, after, "attestgraph_refusals_total", code="QUERY_TOO_COMPLEX") == 1

    calls = {
        dict(labels)["question"]: count - before.get((name, labels), 0.0)
        for (name, labels), count in after.items()
        if name == "attestgraph_store_call_duration_seconds_count" and dict(labels)["store"] == "embedded"
    }
    asked = {question for question, count in calls.items() if count > 0}
    assert {"list_nodes", "access.audit_count"} <= asked, calls
    store = served.store
    for question in asked:  # the store protocols' method names, nothing a caller chose
        owner, _, method = question.rpartition(".")
        assert callable(getattr(store.access if owner == "access" else store, method)), question
    assert value(after, "attestgraph_store_calls_in_progress", store="embedded") == 0
    assert value(after, "attestgraph_audit_log_entries") == store.access.audit_count()


def record(caller: LiveServer, eid: str, control: str = "k") -> dict[str, Any]:
    return caller.graphql(
        f'mutation {{ recordEvidence(evidence: {{id: "{eid}", title: "t", control: "{control}", collectedAt: "{AT}",'
        f' sha256: "{DIGEST}"}}) {{ id status }} }}'
    )


def review(caller: LiveServer, eid: str) -> dict[str, Any]:
    return caller.graphql(f'mutation {{ reviewEvidence(id: "{eid}", decision: ACCEPTED, note: "ok") {{ id status }} }}')


def test_evidence_recorded_and_reviewed_is_counted_by_outcome(served: LiveServer) -> None:
    collector, editor = served.as_role(Role.EVIDENCE_COLLECTOR), served.as_role(Role.EDITOR)
    before = scrape(served)
    assert record(collector, "metrics-e1")["data"]["recordEvidence"]["status"] == "PENDING"
    assert record(collector, "metrics-e2", control="no-such-control").get("errors")
    assert review(collector, "metrics-e1")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert review(editor, "metrics-e1")["data"]["reviewEvidence"]["status"] == "ACCEPTED"
    after = scrape(served)

    recorded, reviews = "attestgraph_evidence_recorded_total", "attestgraph_evidence_reviews_total"
    assert delta(before, after, recorded, outcome="ok") == 1
    # Counters are per process and other tests of this worker count too: compare what moved here.
    moved = {
        dict(labels)["outcome"]: count - before.get((name, labels), 0.0)
        for (name, labels), count in after.items()
        if name == recorded and dict(labels)["outcome"] != "ok" and count != before.get((name, labels), 0.0)
    }
    assert sum(moved.values()) == 1 and all(outcome.startswith("error: ") for outcome in moved), moved
    assert delta(before, after, reviews, outcome="ok") == 1
    assert delta(before, after, reviews, outcome="denied: FORBIDDEN") == 1
    assert value(after, "attestgraph_audit_log_entries") == served.store.access.audit_count()


def test_rate_limited_requests_are_counted_as_refusals() -> None:
    store = EmbeddedStore()
    try:
        # One request per caller, then a wait of about 1000 s: the second is refused whatever the timing.
        with serving(store, Settings(rate_limit=0.001, rate_burst=1)) as limited:
            before = parse(limited.as_role(Role.VIEWER).client.get(f"{limited.url}/metrics").text)
            caller = limited.as_role(Role.VIEWER)
            assert caller.client.get(f"{limited.url}/api/schema/bundle.json").status_code == 200
            assert caller.client.get(f"{limited.url}/api/schema/bundle.json").status_code == 429
            after = parse(limited.as_role(Role.VIEWER).client.get(f"{limited.url}/metrics").text)
    finally:
        store.close()
    assert delta(before, after, "attestgraph_refusals_total", code="RATE_LIMITED") == 1
    # Refused by the gate, before any route: counted with the caller's role under "(unrouted)".
    requests = "attestgraph_http_requests_total"
    assert delta(before, after, requests, route="(unrouted)", method="GET", status="429", role="viewer") == 1


def test_record_import_counts_by_format_and_outcome_and_refuses_unbounded_labels(served: LiveServer) -> None:
    before = scrape(served)
    record_import("nessus", "ok")
    record_import("nessus", "ok")
    record_import("cyclonedx", "failed")
    after = scrape(served)
    assert delta(before, after, "attestgraph_imports_total", format="nessus", outcome="ok") == 2
    assert delta(before, after, "attestgraph_imports_total", format="cyclonedx", outcome="failed") == 1
    with pytest.raises(ValueError, match=r"^format: "):
        record_import("Nessus report from /tmp/x.nessus", "ok")
    with pytest.raises(ValueError, match=r"^outcome: must be one of ok, failed"):
        record_import("nessus", "partly")  # type: ignore[arg-type]


def test_operation_names_past_the_cap_fold_to_other_and_unnamed_ones_are_anonymous() -> None:
    names = OperationNames(limit=2)
    assert [names.label(n) for n in ("Coverage", "Assets", "Chosen1", None, "", "Coverage", "Chosen2")] == [
        "Coverage",
        "Assets",
        "other",
        "anonymous",
        "anonymous",
        "Coverage",
        "other",
    ]


def test_a_failed_store_call_is_counted_as_an_error_and_leaves_nothing_in_progress(served: LiveServer) -> None:
    before = scrape(served)
    gone = served.graphql('mutation { deleteAsset(id: "no-such-asset") { deleted } }')
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    after = scrape(served)
    errors = "attestgraph_store_call_errors_total"
    assert delta(before, after, errors, question="delete_asset", store="embedded") == 1
    assert (
        delta(before, after, "attestgraph_store_call_duration_seconds_count", question="delete_asset", store="embedded")
        == 1
    )
    assert value(after, "attestgraph_store_calls_in_progress", store="embedded") == 0
