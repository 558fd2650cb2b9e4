"""CONFLICT answers name the field that clashes, but quote what is stored only to callers who may
read it: an evidence-collector records evidence without being able to read it back (issue 11,
item 9)."""

from __future__ import annotations

from typing import Any

from graph.access.keys import Role
from graph.store import GraphStore
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer

AT = "2026-06-01T00:00:00Z"
STORED = {
    "title": "Pentest of the payroll model",
    "uri": "s3://restricted-bucket/pentest-2026.pdf",
    "sha256": "a" * 64,
}
SCOPE = "payroll-db"
CORRECTION = "ev-fix-restricted"


def record(live: LiveServer, id: str, **fields: Any) -> dict[str, Any]:
    values = {**STORED, **fields}
    covers = values.pop("covers", [SCOPE])
    extra = ", ".join(f'{name}: "{value}"' for name, value in values.items())
    listed = ", ".join(f'"{c}"' for c in covers)
    return live.graphql(
        f'mutation {{ recordEvidence(evidence: {{id: "{id}", control: "k", collectedAt: "{AT}", {extra}, '
        f"covers: [{listed}]}}) {{ id }} }}"
    )


def conflict(live: LiveServer, id: str, **fields: Any) -> str:
    error = record(live, id, **fields)["errors"][0]
    assert error["extensions"]["code"] == "CONFLICT", error
    message: str = error["message"]
    return message


def seeded(store: GraphStore, live: LiveServer) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").asset(SCOPE).asset("other")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=[SCOPE, "other"]).bundle())
    assert "errors" not in record(live, "e1")
    assert "errors" not in record(live, CORRECTION, supersedes="e1", sha256="b" * 64)


def test_conflicts_do_not_show_an_evidence_collector_what_is_stored(store: GraphStore, live: LiveServer) -> None:
    seeded(store, live)
    collector = live.as_role(Role.EVIDENCE_COLLECTOR)
    changed = {
        "title": conflict(collector, "e1", title="Something else"),
        "uri": conflict(collector, "e1", uri="https://elsewhere.test/x"),
        "sha256": conflict(collector, "e1", sha256="c" * 64),
        "covers": conflict(collector, "e1", covers=["other"]),
        "supersedes": conflict(collector, "e9", supersedes="e1", sha256="c" * 64),
    }
    for field, message in changed.items():
        # The field is named and the way out is given ...
        assert field in message and "supersede" in message, message
        # ... but nothing the collector could not read.
        for secret in [*STORED.values(), SCOPE, CORRECTION]:
            assert secret not in message, (field, message)


def test_readers_still_see_the_stored_value_that_clashes(store: GraphStore, live: LiveServer) -> None:
    seeded(store, live)
    assert STORED["title"] in conflict(live, "e1", title="Something else")  # admin
    assert SCOPE in conflict(live, "e1", covers=["other"])
    assert CORRECTION in conflict(live, "e9", supersedes="e1", sha256="c" * 64)
