"""`attestgraph import --openlineage`: OpenLineage run events as dependencies and changes.

Only `COMPLETE` run events change the graph (START, RUNNING, ABORT, FAIL, OTHER and static
dataset/job events are read, checked and counted as ignored). For each, in one write:

- **Matching.** Datasets and the job are assets found by `openlineage_identifier(namespace, name)`.
  With `create_assets` the missing ones are made (a job a `pipeline`, a dataset a `dataset`, an
  output whose `datasetType` facet says `MODEL` a `model`); otherwise they are reported unmatched.
- **Dependencies.** Each output depends on each input: `trained_on` when the output is a model
  and the input is not (a model fine-tuned from another model is `derived_from` it), else
  `derived_from`; and on the job's pipeline, `derived_from` (the pipeline's code made it). An
  output is a model when its asset is of kind `model` (a created one: by the facet). A pair
  already linked keeps its edge and kind (a person's `stores` is not overwritten by a feed).
- **Changes.** The event time becomes a `Change` of each output (`retrain` for a model, `data`
  for a dataset), with an id derived from the run id and the output, so a repeated event
  records nothing. A retrain propagates like `recordChange`: one change for every asset in the
  model's blast radius (`propagated_from` = the model), so what serves or calls a retrained
  model has stale evidence with no human in the loop. A data change does not propagate: the
  lineage feed reports every dataset and model that a run really rewrote as its own event, and
  propagating would mark models stale that were never retrained on the new data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from openlineage.client.event_v2 import RunEvent, RunState

from graph.bundle import Bundle
from graph.imports.matching import match_assets, planned_assets
from graph.imports.openlineage_events import is_model_output, read_events
from graph.imports.registry import ImportFormat, ImportOptions, ImportReport
from graph.model import (
    Asset,
    AssetIdentifier,
    AssetKind,
    Change,
    ChangeKind,
    Dependency,
    DependencyKind,
    Label,
    Rel,
    now_utc,
    openlineage_identifier,
)
from graph.store import GraphStore

_HISTORY_PAGE = 200


@dataclass
class _Plan:
    """What the events say, before what is recorded already is taken out."""

    kinds: dict[str, AssetKind] = field(default_factory=dict)  # asset id -> kind
    edges: dict[tuple[str, str], DependencyKind] = field(default_factory=dict)  # (source, target) -> kind
    changes: dict[str, Change] = field(default_factory=dict)  # the outputs' changes by id


def import_openlineage(store: GraphStore, data: bytes, options: ImportOptions) -> ImportReport:
    """Import OpenLineage run events (one, a JSON array or JSON lines) in one write."""
    read = read_events(data, now_utc(), options.shift)
    complete = [e for e in read.runs if e.eventType is RunState.COMPLETE]
    identifiers, kinds, names = _observed(complete)
    match = match_assets(store, identifiers)
    unmatched = [i.key for i in match.unmatched]
    created: list[Asset] = []
    if options.create_assets:
        created = planned_assets(store, match.unmatched, kinds=kinds, names=names)
        unmatched = []
    found = {**match.matched, **{a.identifiers[0].key: a.id for a in created}}
    plan = _Plan(kinds={a.id: a.kind for a in created})
    plan.kinds.update(_stored_kinds(store, set(match.matched.values())))
    linked = store.related(Rel.DEPENDS_ON, _output_assets(complete, found)) if found else {}
    for event in complete:
        _plan_event(plan, event, found, linked)
    recorded = _recorded_change_ids(store, [c for c in plan.changes.values() if c.asset in match.matched.values()])
    fresh = {cid: c for cid, c in plan.changes.items() if cid not in recorded}
    propagated = _propagated(store, fresh.values(), plan, {a.id for a in created})
    bundle = Bundle(
        assets=created,
        depends_on=[Dependency(source=s, target=t, kind=k) for (s, t), k in plan.edges.items()],
        changes=[*fresh.values(), *propagated],
    )
    counts = {
        "runs_complete": len(complete),
        "events_ignored": read.static + len(read.runs) - len(complete),
        "dependencies_new": len(bundle.depends_on),
        "changes_new": len(fresh),
        "changes_propagated": len(propagated),
    }
    written = not bundle.is_empty()
    if written:
        store.write(bundle, immutable_evidence=True)
    return ImportReport(
        format=ImportFormat.OPENLINEAGE,
        counts=counts,
        unmatched=sorted(set(unmatched)),
        created_assets=[a.id for a in created],
        written=written,
    )


def lineage_change_id(run_id: str, output: str, dependent: str | None = None) -> str:
    """The id of the change a run makes of an output (or, propagated, of one of its dependents):
    the same event imported again gives the same ids, so it records nothing new."""
    key = f"{run_id.lower()}\x00{output}\x00{dependent or ''}"
    return "chg-ol-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _observed(events: list[RunEvent]) -> tuple[list[AssetIdentifier], dict[str, AssetKind], dict[str, str]]:
    """Every identifier the events name, and the kind and name of the asset each would make."""
    identifiers: list[AssetIdentifier] = []
    kinds: dict[str, AssetKind] = {}
    names: dict[str, str] = {}
    for event in events:
        job = openlineage_identifier(event.job.namespace, event.job.name)
        identifiers.append(job)
        kinds.setdefault(job.key, AssetKind.PIPELINE)
        names.setdefault(job.key, event.job.name)
        for dataset in [*(event.inputs or []), *(event.outputs or [])]:
            identifier = openlineage_identifier(dataset.namespace, dataset.name)
            identifiers.append(identifier)
            names.setdefault(identifier.key, dataset.name)
            kinds.setdefault(identifier.key, AssetKind.DATASET)
        for output in event.outputs or []:
            if is_model_output(output):  # a model in any event is a model
                kinds[openlineage_identifier(output.namespace, output.name).key] = AssetKind.MODEL
    return identifiers, kinds, names


def _stored_kinds(store: GraphStore, ids: set[str]) -> dict[str, AssetKind]:
    nodes = store.get_nodes(Label.ASSET, ids) if ids else {}
    return {i: n.kind for i, n in nodes.items() if isinstance(n, Asset)}


def _output_assets(events: list[RunEvent], found: dict[str, str]) -> set[str]:
    keys = {openlineage_identifier(o.namespace, o.name).key for e in events for o in e.outputs or []}
    return {found[k] for k in keys if k in found}


def _plan_event(plan: _Plan, event: RunEvent, found: dict[str, str], linked: dict[str, list[str]]) -> None:
    def asset(namespace: str, name: str) -> str | None:
        return found.get(openlineage_identifier(namespace, name).key)

    job = asset(event.job.namespace, event.job.name)
    inputs = [a for a in (asset(d.namespace, d.name) for d in event.inputs or []) if a is not None]
    at = datetime.fromisoformat(event.eventTime)
    for dataset in event.outputs or []:
        output = asset(dataset.namespace, dataset.name)
        if output is None:
            continue
        is_model = plan.kinds.get(output) is AssetKind.MODEL
        for source in inputs:
            trained = is_model and plan.kinds.get(source) is not AssetKind.MODEL
            _link(plan, linked, output, source, DependencyKind.TRAINED_ON if trained else DependencyKind.DERIVED_FROM)
        if job is not None:
            _link(plan, linked, output, job, DependencyKind.DERIVED_FROM)
        key = openlineage_identifier(dataset.namespace, dataset.name).key
        change_id = lineage_change_id(event.run.runId, key)
        plan.changes[change_id] = Change(
            id=change_id,
            asset=output,
            at=at,
            kind=ChangeKind.RETRAIN if is_model else ChangeKind.DATA,
            note=f"OpenLineage run {event.run.runId} of {event.job.namespace}/{event.job.name}"[:1000],
        )


def _link(plan: _Plan, linked: dict[str, list[str]], source: str, target: str, kind: DependencyKind) -> None:
    if source != target and target not in linked.get(source, ()):
        plan.edges.setdefault((source, target), kind)


def _recorded_change_ids(store: GraphStore, wanted: list[Change]) -> set[str]:
    """Which of `wanted` (changes of stored assets) are recorded: each asset's history read newest
    first, only as far back as the earliest instant wanted of it."""
    found: set[str] = set()
    by_asset: dict[str, list[Change]] = {}
    for change in wanted:
        by_asset.setdefault(change.asset, []).append(change)
    for asset_id, changes in by_asset.items():
        ids, earliest = {c.id or "" for c in changes}, min(c.at for c in changes)
        after: str | None = None
        while True:
            page = store.asset_changes(asset_id, _HISTORY_PAGE, after)
            found |= {c.id for c in page if c.id in ids}
            if len(page) < _HISTORY_PAGE or page[-1].at < earliest:
                break
            after = page[-1].id
    return found


def _propagated(store: GraphStore, fresh: Iterable[Change], plan: _Plan, created: set[str]) -> list[Change]:
    """A retrain's change for every asset in the model's blast radius, over the stored graph and
    the dependencies this import adds."""
    new_dependents: dict[str, set[str]] = {}
    for source, target in plan.edges:
        new_dependents.setdefault(target, set()).add(source)
    closures: dict[str, dict[str, int]] = {}
    out: dict[str, Change] = {}
    for change in fresh:
        if change.kind is not ChangeKind.RETRAIN:
            continue
        assert change.id is not None
        for dependent in sorted(_reach(store, change.asset, new_dependents, created, closures) - {change.asset}):
            change_id = lineage_change_id(change.id, change.asset, dependent)
            update = {"id": change_id, "asset": dependent, "propagated_from": change.asset}
            out[change_id] = change.model_copy(update=update)
    return list(out.values())


def _reach(
    store: GraphStore,
    start: str,
    new_dependents: dict[str, set[str]],
    created: set[str],
    closures: dict[str, dict[str, int]],
) -> set[str]:
    reached: set[str] = set()
    covered: set[str] = set()  # assets whose stored dependents are in `reached` already
    frontier = [start]
    while frontier:
        current = frontier.pop()
        if current in reached:
            continue
        reached.add(current)
        if current not in created and current not in covered:
            if current not in closures:
                closures[current] = store.dependents(current, None)
            covered |= closures[current].keys()
            frontier += closures[current]
        frontier += new_dependents.get(current, ())
    return reached
