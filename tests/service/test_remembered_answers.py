"""Remembered answers (service/graphql/remembered.py): a repeated read at an explicit instant is
served from memory, and never when the graph moved (through any store instance), when it read
"now", or for another role or other variables; every limit still applies to every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import graphql
import pytest

from graph.access.keys import Role
from graph.model import Label
from graph.store import GraphStore
from service.graphql.remembered import NEVER_REMEMBERED, REMEMBERED_FIELDS
from service.graphql.schema import build_schema
from service.settings import Settings
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving
from tests.service.counting_store import CountingStore

AT = "2026-06-05T00:00:00Z"
COVERAGE = (
    "query Cov($fw: ID!, $at: DateTime) { coverage(framework: $fw, asOf: $at) {"
    " frameworkId asOf totals { total covered partial uncovered } criteria: criteriaRows } }"
)
# The store reads a coverage answer makes (graph_version is the remembered path's only call).
READS = ("framework_criteria", "satisfying_controls", "control_verdicts", "mappings_touching", "get_nodes")


def org() -> GraphBuilder:
    b = GraphBuilder().framework("fw").framework("other")
    b.criterion("C1").criterion("C2").criterion("X1", "other")
    b.asset("data").asset("model")
    b.control("k-a", satisfies=["fw:C1"], applies_to=["model"])
    b.control("k-b", satisfies=["fw:C2", "other:X1"], applies_to=["data"])
    b.evidence("k-a", day(0))
    return b


@pytest.fixture
def counted(store: GraphStore) -> Iterator[tuple[CountingStore, LiveServer]]:
    store.write(org().bundle())
    counting = CountingStore(store)
    with serving(counting) as live:
        yield counting, live


def reads(counting: CountingStore) -> int:
    return sum(counting.calls[name] for name in READS)


def ask(live: LiveServer, at: str | None = AT, fw: str = "fw") -> dict[str, Any]:
    answer: dict[str, Any] = live.data(COVERAGE, {"fw": fw, "at": at})["coverage"]
    return answer


def other_instance(store: GraphStore, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """Another store on the same data: Neo4j, a second client (as another process would be); the
    embedded store has one writer per data dir (graph/stores/data_dir_lock.py), so itself."""
    if store.graph_version_in_memory:
        yield store
        return
    from graph.stores.neo4j import Neo4jStore

    server = request.getfixturevalue("neo4j_server")
    other = Neo4jStore(server.uri, server.user, server.password, server.database)
    try:
        yield other
    finally:
        other.close()


def test_a_repeated_read_at_an_explicit_instant_is_answered_from_memory(
    counted: tuple[CountingStore, LiveServer],
) -> None:
    counting, live = counted
    first = ask(live)
    after_first = reads(counting)
    assert after_first > 0
    assert ask(live) == first
    assert reads(counting) == after_first  # no store read but the version
    assert counting.calls["graph_version"] >= 2


def test_a_write_through_another_store_instance_is_seen_at_once(
    store: GraphStore, request: pytest.FixtureRequest, counted: tuple[CountingStore, LiveServer]
) -> None:
    _, live = counted
    before = ask(live)
    assert before["totals"]["covered"] == 1
    for writer in other_instance(store, request):
        writer.write(GraphBuilder().evidence("k-b", day(1), eid="ev-later").bundle(), immutable_evidence=True)
    after = ask(live)
    assert after["totals"]["covered"] == 2
    assert [r["status"] for r in after["criteria"]] != [r["status"] for r in before["criteria"]]


def test_a_write_through_the_api_is_seen_at_once(counted: tuple[CountingStore, LiveServer]) -> None:
    _, live = counted
    assert [r["ref"] for r in ask(live)["criteria"]] == ["C1", "C2"]
    live.data('mutation { upsertControls(controls: [{id: "k-b", title: "B", status: PLANNED}]) { id } }')
    assert [r["status"] for r in ask(live)["criteria"]] == ["COVERED", "UNCOVERED"]


def test_now_is_never_remembered(counted: tuple[CountingStore, LiveServer]) -> None:
    counting, live = counted
    instants = set()
    for at in (None, None, None):
        before = reads(counting)
        instants.add(ask(live, at)["asOf"])
        assert reads(counting) > before  # computed afresh each time
    assert len(instants) == 3  # each at its own "now"
    # Left out of the variables altogether, too.
    for _ in range(2):
        before = reads(counting)
        live.data(COVERAGE, {"fw": "fw"})
        assert reads(counting) > before


def test_other_variables_never_see_another_answer(counted: tuple[CountingStore, LiveServer]) -> None:
    _, live = counted
    fw, other = ask(live, fw="fw"), ask(live, fw="other")
    assert (fw["frameworkId"], other["frameworkId"]) == ("fw", "other")
    early = ask(live, at="2020-01-01T00:00:00Z")
    assert early["asOf"].startswith("2020-01-01") and early["totals"]["covered"] == 0
    assert ask(live, fw="fw") == fw and ask(live, fw="other") == other


def test_another_role_is_checked_and_a_denial_is_audited_every_time(
    store: GraphStore, counted: tuple[CountingStore, LiveServer]
) -> None:
    _, live = counted
    admin = ask(live)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    for _ in range(2):
        error = collector.error(COVERAGE, {"fw": "fw", "at": AT})
        assert error["extensions"]["code"] == "FORBIDDEN"
    denials = [e for e in store.access.audit_entries(first=100) if e.outcome == "denied: FORBIDDEN"]
    assert [(e.operation, e.role) for e in denials] == [("Query.coverage", "evidence-collector")] * 2
    # A reading role gets the same answer, computed for it (never an error remembered for another).
    assert live.as_role(Role.VIEWER).data(COVERAGE, {"fw": "fw", "at": AT})["coverage"] == admin


def test_the_audit_log_and_the_caller_are_never_remembered(counted: tuple[CountingStore, LiveServer]) -> None:
    _, live = counted
    count = "{ auditLog(first: 1) { totalCount } }"
    first = live.data(count)["auditLog"]["totalCount"]
    live.data('mutation { upsertAssets(assets: [{id: "x", kind: MODEL, name: "X"}]) { id } }')
    assert live.data(count)["auditLog"]["totalCount"] == first + 1
    viewer = live.as_role(Role.VIEWER, "someone else")
    assert live.data("{ me { actor } }") != viewer.data("{ me { actor } }")


def test_limits_apply_to_a_request_whose_text_was_remembered(store: GraphStore) -> None:
    store.write(org().bundle())
    with serving(store, Settings(rate_limit=1, rate_burst=3)) as live:
        body = {"query": COVERAGE, "variables": {"fw": "fw", "at": AT}}
        statuses = [live.client.post(f"{live.url}/graphql", json=body) for _ in range(5)]
        assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
        assert statuses[-1].status_code == 429
    paged = "query($n: Int) { controls(first: $n) { edges { node { id } } } }"
    with serving(store, Settings(rate_limit=0, max_query_cost=50)) as live:
        assert len(live.data(paged, {"n": 2})["controls"]["edges"]) == 2
        assert len(live.data(paged, {"n": 2})["controls"]["edges"]) == 2
        refused = live.error(paged, {"n": 10_000})
        assert refused["extensions"]["code"] != "FORBIDDEN" and "cost" in refused["message"].lower()


def test_a_store_without_a_version_remembers_nothing(store: GraphStore) -> None:
    store.write(org().bundle())

    class Unversioned(CountingStore):
        graph_version_in_memory = True

        def graph_version(self) -> None:
            return None

    counting = Unversioned(store)
    with serving(counting) as live:
        ask(live)
        before = reads(counting)
        ask(live)
        assert reads(counting) > before


def test_every_query_field_is_remembered_or_not_by_decision() -> None:
    served = graphql.build_schema(build_schema().as_str())
    assert served.query_type is not None
    fields = set(served.query_type.fields)
    assert fields == (REMEMBERED_FIELDS | NEVER_REMEMBERED) - {"__typename"}
    assert not REMEMBERED_FIELDS & NEVER_REMEMBERED


def test_a_write_that_fails_leaves_the_remembered_answer_right(counted: tuple[CountingStore, LiveServer]) -> None:
    counting, live = counted
    before = ask(live)
    assert live.error('mutation { deleteAsset(id: "nope") { deleted } }')["extensions"]["code"] == "NOT_FOUND"
    assert ask(live) == before
    assert counting.get_nodes(Label.ASSET, ["data", "model"]).keys() == {"data", "model"}


def test_the_memory_is_bounded_per_answer_and_in_total() -> None:
    from service.graphql.remembered import RememberedAnswers

    memory = RememberedAnswers(maxsize=10, max_bytes=100, max_answer=40)
    memory.remember(("big",), {"x": "y" * 50})
    assert len(memory.answers) == 0  # over max_answer: never kept
    for i in range(10):
        memory.remember((i,), {"x": "y" * 20})  # 28 bytes of JSON each
    assert len(memory.answers) == 3 and memory.answers.weight <= 100
    assert memory.answers.get((9,)) == {"x": "y" * 20} and memory.answers.get((0,)) is None
