"""Populations and samples through the API (real server, both stores): who may draw, the
recorded sample and its items with their evidence, CONFLICT on another seed, redraw with a
reason, the population connection, sampleSizes refusals, and the audit log entry."""

from __future__ import annotations

from graph.access.keys import Role
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

SAMPLE = """mutation($c: ID!, $s: String!, $r: Boolean! = false, $why: String) {
  engagementSample(engagement: "audit", control: $c, seed: $s, redraw: $r, reason: $why) {
    id seed size populationSize drawnBy redrawOf reason
    items { key intervalStart intervalEnd collectedAt evidence { id } }
  }
}"""
POPULATION = """query($after: String) {
  engagementPopulation(engagement: "audit", control: "k", first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { key intervalStart evidence { id } } }
  }
}"""
SAMPLES = '{ engagement(id: "audit") { sampleSizes samples { id seed items { key } } } }'


def small(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1").asset("mdl-a")
    b.control("k", frequency="weekly", satisfies=["fw:C1"], applies_to=["mdl-a"])
    for i in range(8):
        b.evidence("k", day(i * 7 + 1), eid=f"e-{i}")
    b.engagement("audit", kind="type2", period_start=day(0), period_end=day(60), sample_sizes={"weekly": 3})
    store.write(b.bundle())


def test_auditors_and_admins_draw_others_may_not(store: GraphStore, live: LiveServer) -> None:
    small(store)
    for role in (Role.VIEWER, Role.EDITOR, Role.EVIDENCE_COLLECTOR):
        refused = live.as_role(role).error(SAMPLE, {"c": "k", "s": "x"})
        assert refused["extensions"]["code"] == "FORBIDDEN", role
    assert live.as_role(Role.VIEWER).data(SAMPLES)["engagement"]["samples"] == []
    drawn = live.as_role(Role.AUDITOR, "ann").data(SAMPLE, {"c": "k", "s": "alpha"})["engagementSample"]
    assert (drawn["size"], drawn["populationSize"], drawn["seed"]) == (3, 8, "alpha")
    assert drawn["drawnBy"]  # the caller, stamped by the server
    assert [i["evidence"]["id"] for i in drawn["items"]] == [i["key"] for i in drawn["items"]]
    assert all(i["intervalStart"] is None for i in drawn["items"])
    admin = live.as_role(Role.ADMIN)
    assert admin.data(SAMPLE, {"c": "k", "s": "alpha"})["engagementSample"] == drawn  # idempotent
    conflict = admin.error(SAMPLE, {"c": "k", "s": "beta"})
    assert conflict["extensions"]["code"] == "CONFLICT" and conflict["message"].startswith("seed:")
    no_reason = admin.error(SAMPLE, {"c": "k", "s": "beta", "r": True})
    assert "reason" in no_reason["message"]
    again = admin.data(SAMPLE, {"c": "k", "s": "beta", "r": True, "why": "unit e-3 was mislabelled"})
    assert again["engagementSample"]["redrawOf"] == drawn["id"]
    listed = live.as_role(Role.VIEWER).data(SAMPLES)["engagement"]
    assert [s["seed"] for s in listed["samples"]] == ["alpha", "beta"]
    assert listed["sampleSizes"] == {"weekly": 3}
    log = admin.data("{ auditLog(first: 50, newestFirst: true) { edges { node { operation outcome } } } }")
    operations = [e["node"]["operation"] for e in log["auditLog"]["edges"]]
    assert sum("engagementSample" in op for op in operations) >= 2, operations


def test_population_pages_and_refusals_name_fields(store: GraphStore, live: LiveServer) -> None:
    small(store)
    viewer = live.as_role(Role.VIEWER)
    first = viewer.data(POPULATION)["engagementPopulation"]
    assert first["totalCount"] == 8 and first["pageInfo"]["hasNextPage"]
    assert [e["node"]["key"] for e in first["edges"]] == ["e-0", "e-1"]
    after = viewer.data(POPULATION, {"after": first["pageInfo"]["endCursor"]})["engagementPopulation"]
    assert [e["node"]["evidence"]["id"] for e in after["edges"]] == ["e-2", "e-3"]
    missing = viewer.error('{ engagementPopulation(engagement: "nope", control: "k") { totalCount } }')
    assert missing["message"].startswith("engagement:")
    upsert = """mutation($g: [EngagementInput!]!) { upsertEngagements(engagements: $g) { id } }"""
    bad = {
        "id": "g2",
        "name": "G",
        "framework": "fw",
        "kind": "TYPE2",
        "periodStart": day(0).isoformat(),
        "periodEnd": day(30).isoformat(),
        "sampleSizes": {"weekly": 0},
    }
    refused = live.as_role(Role.EDITOR).error(upsert, {"g": [bad]})
    assert "engagements[0].sampleSizes.weekly" in refused["message"], refused


def test_samples_and_their_items_load_in_batches(store: GraphStore) -> None:
    from graph.queries.sampling import SampleRequest, record_sample
    from tests.service.conftest import serving
    from tests.service.counting_store import CountingStore

    b = GraphBuilder().framework().criterion("C1").asset("mdl-a")
    for c in ("k1", "k2", "k3"):
        b.control(c, frequency="weekly", satisfies=["fw:C1"], applies_to=["mdl-a"])
        for i in range(6):
            b.evidence(c, day(i * 7 + 1), eid=f"{c}-e{i}")
    b.engagement("audit", kind="type2", period_start=day(0), period_end=day(60))
    store.write(b.bundle())
    for c in ("k1", "k2", "k3"):
        record_sample(store, SampleRequest("audit", c, "s", "auditor:ann"))
    counting = CountingStore(store)
    with serving(counting) as live:
        found = live.data('{ engagement(id: "audit") { samples { control items { key evidence { id title } } } } }')
    samples = found["engagement"]["samples"]
    assert [len(s["items"]) for s in samples] == [5, 5, 5]
    assert all(i["evidence"]["id"] == i["key"] for s in samples for i in s["items"])
    # One read of the samples, then one per label (engagement, control, evidence), however many items.
    assert counting.calls["list_nodes"] == 1
    assert counting.calls["get_nodes"] <= 3, counting.calls
