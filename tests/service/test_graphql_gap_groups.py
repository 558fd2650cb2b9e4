"""Period gaps asked a group of controls at a time (the Type II page's domains), over real HTTP on
both stores: `controls(controlIds:)` keeps exactly those controls, and `intervalCount` is the
length of the intervals' list, so a summary needs no intervals."""

from __future__ import annotations

from typing import Any

from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

GAPS = """query($ids: [ID!], $gapsOnly: Boolean!, $start: DateTime!, $end: DateTime!) {
  evidenceGaps(start: $start, end: $end) {
    controls(controlIds: $ids, withGapsOnly: $gapsOnly) {
      totalCount edges { node { controlId gaps intervalCount intervals { isGap } } }
    }
  }
}"""


def test_controls_of_a_group_and_their_interval_counts(store: GraphStore, live: LiveServer) -> None:
    (
        GraphBuilder()
        .control("weekly", frequency="weekly")
        .control("monthly", frequency="monthly")
        .control("daily", frequency="daily")
        .evidence("monthly", day(0))
        .evidence("monthly", day(31))
        .write_to(store)
    )
    period = {"start": day(0).isoformat(), "end": day(60).isoformat()}

    def ask(ids: list[str] | None, gaps_only: bool) -> dict[str, Any]:
        found: dict[str, Any] = live.data(GAPS, {"ids": ids, "gapsOnly": gaps_only, **period})["evidenceGaps"]
        controls: dict[str, Any] = found["controls"]
        return controls

    every = ask(None, False)
    nodes = {e["node"]["controlId"]: e["node"] for e in every["edges"]}
    assert set(nodes) == {"weekly", "monthly", "daily"}
    assert nodes["monthly"]["gaps"] == 0 and nodes["daily"]["gaps"] > 0
    for node in nodes.values():
        assert node["intervalCount"] == len(node["intervals"]) > 0
        assert node["gaps"] == sum(i["isGap"] for i in node["intervals"])

    group = ask(["daily", "weekly", "no-such-control"], False)
    # The report's order, not the list's; an unknown id is no row.
    assert [e["node"]["controlId"] for e in group["edges"]] == [c for c in nodes if c in {"daily", "weekly"}]
    assert group["totalCount"] == 2
    assert ask([], False)["totalCount"] == 0

    # Both filters at once: of the group, those with gaps.
    assert [e["node"]["controlId"] for e in ask(["monthly", "daily"], True)["edges"]] == ["daily"]
