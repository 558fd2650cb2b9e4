"""A plain date where the API takes an instant: the start of that UTC day, on both stores."""

from __future__ import annotations

from datetime import timedelta

from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

COVERAGE = 'query($at: DateTime) { coverage(framework: "fw", asOf: $at) { asOf totals { covered partial } } }'
MISSING = 'query($at: DateTime) { missingEvidence(framework: "fw", asOf: $at) { asOf totalCount } }'


def seeded(store: GraphStore) -> None:
    # Collected at noon on 2026-06-01: not there at the day's start, there by its end.
    b = GraphBuilder().framework("fw").criterion("C1").asset("m")
    b.control("k", frequency="daily", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0) + timedelta(hours=12))
    store.write(b.bundle())


def test_a_plain_date_is_the_start_of_that_utc_day(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    start = live.data(COVERAGE, {"at": "2026-06-01"})["coverage"]
    assert start == live.data(COVERAGE, {"at": "2026-06-01T00:00:00Z"})["coverage"]
    assert start["asOf"] == "2026-06-01T00:00:00Z"
    assert start["totals"] == {"covered": 0, "partial": 1}  # the noon evidence is not collected yet
    assert live.data(COVERAGE, {"at": "2026-06-01T12:00:00Z"})["coverage"]["totals"]["covered"] == 1

    missing = live.data(MISSING, {"at": "2026-06-02"})["missingEvidence"]
    assert missing["asOf"] == "2026-06-02T00:00:00Z"
    assert missing["totalCount"] == 0  # valid for a day from noon: still valid at the next day's start


def test_a_plain_date_works_as_an_inline_literal_and_for_a_period(store: GraphStore, live: LiveServer) -> None:
    seeded(store)
    inline = live.data('{ coverage(framework: "fw", asOf: "2026-06-01") { asOf } }')["coverage"]
    assert inline["asOf"] == "2026-06-01T00:00:00Z"
    gaps = live.data('{ evidenceGaps(framework: "fw", start: "2026-06-01", end: "2026-06-03") { start end } }')
    assert gaps["evidenceGaps"] == {"start": "2026-06-01T00:00:00Z", "end": "2026-06-03T00:00:00Z"}


def test_a_time_without_an_offset_is_still_refused_naming_the_argument(served: LiveServer) -> None:
    error = served.error('{ coverage(framework: "fw", asOf: "2026-06-01T12:00") { asOf } }')
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "UTC offset" in error["message"]
