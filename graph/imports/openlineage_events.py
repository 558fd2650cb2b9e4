"""OpenLineage run events read from a file or a request body, as the openlineage-python client's
classes (`openlineage.client.event_v2`).

The client builds and emits events but has no parser from JSON, so each object is first checked
against the spec's structure here with pydantic (BaseEvent requires `eventTime`, `producer`,
`schemaURL`; a RunEvent `run{runId}` and `job{namespace, name}`; each dataset `namespace` and
`name`), then built as the client's `RunEvent`, whose own validators check the run id is a UUID
and the event time a date-time. Input is one event (a JSON object), a JSON array of events, or
JSON lines. Spec versions 1 and 2 are read (from `schemaURL`, `.../spec/<major>-<minor>-<patch>/`).
A static `DatasetEvent` or `JobEvent` (no `run`) is accepted and ignored: it carries no run.

Every refusal names the field (`events[i].eventTime`, `events[i].outputs[j].namespace`) and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.generated.dataset_type_dataset import DatasetTypeDatasetFacet
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from graph.errors import FieldProblem, InvalidInputError
from graph.model import MAX_CLOCK_SKEW

SPEC_MAJORS = (1, 2)
_SPEC_VERSION = re.compile(r"/spec/(\d+)-(\d+)-(\d+)/OpenLineage\.json")
_Facets = dict[str, dict[str, Any]]
_Text = Field(min_length=1, max_length=1000)


class _Dataset(BaseModel):
    model_config = ConfigDict(extra="allow")

    namespace: str = _Text
    name: str = _Text
    facets: _Facets = Field(default_factory=dict)


class _Job(BaseModel):
    model_config = ConfigDict(extra="allow")

    namespace: str = _Text
    name: str = _Text
    facets: _Facets = Field(default_factory=dict)


class _Run(BaseModel):
    model_config = ConfigDict(extra="allow")

    runId: str = Field(min_length=1, max_length=100)
    facets: _Facets = Field(default_factory=dict)


class _BaseEvent(BaseModel):
    """The spec's BaseEvent: what every event carries (a static DatasetEvent or JobEvent too)."""

    model_config = ConfigDict(extra="allow")

    eventTime: AwareDatetime
    producer: str = _Text
    schemaURL: str = _Text


class _RunEvent(_BaseEvent):
    """The spec's RunEvent, as far as Attestgraph reads it (other fields and facets are kept by the
    producer, not by us)."""

    eventType: RunState | None = None
    run: _Run
    job: _Job
    inputs: list[_Dataset] = Field(default_factory=list)
    outputs: list[_Dataset] = Field(default_factory=list)


Event = TypeVar("Event", bound=_BaseEvent)


@dataclass(frozen=True)
class ReadEvents:
    """The events of one input in order: the run events (the client's classes) and how many
    objects carried no run (static dataset and job events, ignored)."""

    runs: list[RunEvent]
    static: int


def read_events(data: bytes, now: datetime, shift: timedelta = timedelta(0)) -> ReadEvents:
    """Parse `data` (one event, a JSON array or JSON lines); `shift` moves every event time (the
    demo's rebase), and a time more than `MAX_CLOCK_SKEW` past `now` after it is refused."""
    objects = _json_objects(data)
    runs, static, problems = [], 0, []
    for index, item in enumerate(objects):
        where = f"events[{index}]"
        if not isinstance(item, dict):
            problems.append(FieldProblem(where, f"is {_json_type(item)}: an event is a JSON object"))
        else:
            try:
                if "run" not in item and ("dataset" in item or "job" in item):
                    _checked(_BaseEvent, item, where, now, shift)  # DatasetEvent / JobEvent: no run to record
                    static += 1
                else:
                    runs.append(_run_event(item, where, now, shift))
            except InvalidInputError as error:
                problems += error.problems
    if problems:
        raise InvalidInputError(problems[:20])
    return ReadEvents(runs, static)


def is_model_output(dataset: OutputDataset) -> bool:
    """An output is a model when its `datasetType` facet (DatasetTypeDatasetFacet) says MODEL."""
    facet = (dataset.facets or {}).get("datasetType")
    return isinstance(facet, DatasetTypeDatasetFacet) and facet.datasetType.strip().upper() == "MODEL"


def _json_objects(data: bytes) -> list[Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError.one("file", f"is not UTF-8 text (byte {error.start})") from None
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError.one("file", "is empty")
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise InvalidInputError.one("file", f"is not JSON: {error.msg} at line {error.lineno}") from None
        return _json_lines(stripped)
    if isinstance(whole, list):
        if not whole:
            raise InvalidInputError.one("file", "is an empty list: no events")
        return whole
    return [whole]


def _json_lines(text: str) -> list[Any]:
    objects = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                objects.append(json.loads(line))
            except json.JSONDecodeError as error:
                reason = f"is not JSON lines: line {number}: {error.msg} (column {error.colno})"
                raise InvalidInputError.one("file", reason) from None
    return objects


def _checked(model: type[Event], item: dict[str, Any], where: str, now: datetime, shift: timedelta) -> Event:
    """`item` as `model`, its spec version known and its (shifted) time not in the future."""
    try:
        parsed = model.model_validate(item)
    except ValidationError as error:
        raise InvalidInputError([_problem(where, e) for e in error.errors()]) from None
    problems = _spec_version(parsed.schemaURL, where)
    at = parsed.eventTime + shift
    if at > now + MAX_CLOCK_SKEW:
        minutes = int(MAX_CLOCK_SKEW.total_seconds() // 60)
        reason = f"{at.isoformat()} lies in the future: an event is at most {minutes} minutes ahead of the clock"
        problems.append(FieldProblem(f"{where}.eventTime", reason))
    if problems:
        raise InvalidInputError(problems)
    return parsed


def _run_event(item: dict[str, Any], where: str, now: datetime, shift: timedelta) -> RunEvent:
    parsed = _checked(_RunEvent, item, where, now, shift)
    at = parsed.eventTime + shift
    problems: list[FieldProblem] = []
    for side, datasets in (("inputs", parsed.inputs), ("outputs", parsed.outputs)):
        problems += _namespace_problems(datasets, f"{where}.{side}")
    if "#" in parsed.job.namespace:
        problems.append(FieldProblem(f"{where}.job.namespace", "holds '#': a namespace never does"))
    if problems:
        raise InvalidInputError(problems)
    return _client_event(parsed, at, where)


def _spec_version(url: str, where: str) -> list[FieldProblem]:
    found = _SPEC_VERSION.search(url)
    if found is None:
        reason = f"'{url[:100]}' names no OpenLineage spec version (…/spec/<major>-<minor>-<patch>/OpenLineage.json)"
        return [FieldProblem(f"{where}.schemaURL", reason)]
    if int(found.group(1)) not in SPEC_MAJORS:
        majors = " and ".join(str(m) for m in SPEC_MAJORS)
        version = "-".join(found.groups())
        reason = f"spec version {version} is unknown: versions {majors} are read"
        return [FieldProblem(f"{where}.schemaURL", reason)]
    return []


def _namespace_problems(datasets: list[_Dataset], where: str) -> list[FieldProblem]:
    # An OpenLineage identifier is `namespace#name`, split at the first '#'.
    return [
        FieldProblem(f"{where}[{i}].namespace", "holds '#': a namespace never does")
        for i, d in enumerate(datasets)
        if "#" in d.namespace
    ]


def _client_event(parsed: _RunEvent, at: datetime, where: str) -> RunEvent:
    try:
        return RunEvent(
            eventType=parsed.eventType,
            eventTime=at.isoformat(),
            producer=parsed.producer,
            run=Run(runId=parsed.run.runId),
            job=Job(namespace=parsed.job.namespace, name=parsed.job.name),
            inputs=[InputDataset(namespace=d.namespace, name=d.name) for d in parsed.inputs],
            outputs=[
                OutputDataset(namespace=d.namespace, name=d.name, facets=_output_facets(d, f"{where}.outputs[{i}]"))
                for i, d in enumerate(parsed.outputs)
            ],
        )
    except ValueError as error:  # the client's validators: the run id is a UUID
        raise InvalidInputError.one(f"{where}.run.runId", f"is not a UUID ({error})") from None


def _output_facets(dataset: _Dataset, where: str) -> dict[str, Any]:
    facet = dataset.facets.get("datasetType")
    if facet is None:
        return {}
    kind = facet.get("datasetType")
    if not isinstance(kind, str) or not kind.strip():
        raise InvalidInputError.one(f"{where}.facets.datasetType.datasetType", "is required: a text such as MODEL")
    sub = facet.get("subType")
    return {"datasetType": DatasetTypeDatasetFacet(datasetType=kind, subType=sub if isinstance(sub, str) else None)}


def _problem(where: str, error: Any) -> FieldProblem:
    field = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return FieldProblem(field, "is required")
    if kind == "enum":
        return FieldProblem(field, f"is not an event type: one of {', '.join(s.value for s in RunState)}")
    if kind.startswith("timezone") or kind.startswith("datetime"):
        return FieldProblem(field, f"is not an ISO-8601 date-time with a time zone ({error['msg']})")
    return FieldProblem(field, str(error["msg"]).removeprefix("Value error, "))


def _json_type(value: Any) -> str:
    names: dict[type, str] = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
