"""Reading OpenLineage events: the three input shapes, the client's classes, the model rule, and
refusals that name the field (no store: the reader writes nothing)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openlineage.client.event_v2 import RunEvent, RunState

from graph.errors import InvalidInputError
from graph.imports.openlineage_events import is_model_output, read_events

FILES = Path(__file__).parents[1] / "data" / "imports"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
RETRAIN: dict[str, Any] = json.loads((FILES / "openlineage-fraud-retrain.json").read_text())


def encoded(value: Any) -> bytes:
    return json.dumps(value).encode()


def test_one_event_an_array_and_json_lines_read_alike_as_the_clients_run_events() -> None:
    lines = (FILES / "openlineage-fraud-runs.jsonl").read_bytes()
    read = read_events(lines, NOW)
    assert [e.eventType for e in read.runs] == [RunState.FAIL, RunState.COMPLETE, RunState.START, RunState.COMPLETE]
    assert read.static == 1  # the DatasetEvent: no run
    assert all(isinstance(e, RunEvent) for e in read.runs)
    single = read_events(encoded(RETRAIN), NOW).runs
    array = read_events(encoded([RETRAIN]), NOW).runs
    assert single == array == [read.runs[3]]
    assert single[0].eventTime == "2026-10-14T12:58:40.007000+00:00"


def test_an_output_is_a_model_by_its_dataset_type_facet() -> None:
    event = read_events(encoded(RETRAIN), NOW).runs[0]
    assert [is_model_output(o) for o in event.outputs or []] == [True]
    table = json.loads(json.dumps(RETRAIN))
    table["outputs"][0]["facets"]["datasetType"]["datasetType"] = "TABLE"
    assert not is_model_output((read_events(encoded(table), NOW).runs[0].outputs or [])[0])


def test_the_shift_moves_every_event_time() -> None:
    event = read_events(encoded(RETRAIN), NOW, timedelta(days=10)).runs[0]
    assert event.eventTime.startswith("2026-10-24T12:58:40")


def changed(path: str, value: Any) -> dict[str, Any]:
    event = json.loads(json.dumps(RETRAIN))
    *parents, last = path.split(".")
    target = event
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return event


DELETE = object()

REFUSED = {
    "missing eventTime": (changed("eventTime", DELETE), "events[0].eventTime", "is required"),
    "eventTime without a zone": (changed("eventTime", "2026-10-14T12:58:40"), "events[0].eventTime", "time zone"),
    "eventTime not a time": (changed("eventTime", "last tuesday"), "events[0].eventTime", "date-time"),
    "future eventTime": (changed("eventTime", "2026-11-30T12:06:00Z"), "events[0].eventTime", "future"),
    "unknown eventType": (changed("eventType", "DONE"), "events[0].eventType", "COMPLETE"),
    "runId not a UUID": (changed("run.runId", "run-17"), "events[0].run.runId", "UUID"),
    "job without name": (changed("job.name", DELETE), "events[0].job.name", "is required"),
    "outputs not a list": (changed("outputs", {"name": "x"}), "events[0].outputs", "list"),
    "output without namespace": (changed("outputs.0.namespace", DELETE), "events[0].outputs[0].namespace", "required"),
    "namespace with #": (changed("inputs.1.namespace", "s3://a#b"), "events[0].inputs[1].namespace", "'#'"),
    "facet not an object": (changed("run.facets", {"nominalTime": 3}), "events[0].run.facets.nominalTime", "dict"),
    "unknown spec version": (
        changed("schemaURL", "https://openlineage.io/spec/3-0-0/OpenLineage.json#/$defs/RunEvent"),
        "events[0].schemaURL",
        "3-0-0 is unknown",
    ),
    "no spec version": (changed("schemaURL", "https://example.com/event.json"), "events[0].schemaURL", "spec version"),
    "missing producer": (changed("producer", DELETE), "events[0].producer", "is required"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_event_is_refused_naming_the_field(case: str) -> None:
    event, field, reason = REFUSED[case]
    with pytest.raises(InvalidInputError) as raised:
        read_events(encoded([RETRAIN, event]), NOW)  # the good first event does not save the batch
    problems = {p.field.replace("events[1]", "events[0]"): p.reason for p in raised.value.problems}
    assert field in problems, problems
    assert reason in problems[field]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<xml/>", "is not JSON"),
        (b"\xff\xfe{", "is not UTF-8"),
        (b"[]", "no events"),
        (b'{"eventType": "COMPLETE",\n', "is not JSON"),
        (encoded(RETRAIN) + b"\n{oops}\n", "is not JSON lines: line 2"),
    ],
)
def test_a_file_that_is_not_events_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        read_events(data, NOW)
    assert raised.value.problems[0].field == "file"
    assert reason in raised.value.problems[0].reason


def test_an_item_that_is_not_an_object_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInputError) as raised:
        read_events(encoded([RETRAIN, 7]), NOW)
    assert str(raised.value) == "events[1]: is a number: an event is a JSON object"


def test_a_static_event_is_ignored_but_checked_like_any_event() -> None:
    static = json.loads((FILES / "openlineage-fraud-runs.jsonl").read_text().splitlines()[-1])
    assert "dataset" in static and "run" not in static
    assert read_events(encoded(static), NOW).static == 1
    static["eventTime"] = "2026-10-14"
    with pytest.raises(InvalidInputError) as raised:
        read_events(encoded(static), NOW)
    assert [p.field for p in raised.value.problems] == ["events[0].eventTime"]
