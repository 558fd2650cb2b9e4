"""impact() asks again only for the verdicts of controls applying to a touched asset; on a
synthetic organisation (chains, hubs, scoped and unscoped evidence, stale assets) its predicted
"after" must equal coverage computed with the change supposed for every control."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bench.synthetic import REFERENCE, SyntheticOrg
from graph.bundle import parse_bundle
from graph.model import AssetKind, Label
from graph.queries import coverage, impact
from graph.queries.results import ChangeRequest
from graph.store import Assumption, GraphStore
from tests.graphs import statuses


def test_predicted_after_equals_coverage_with_the_change_supposed_everywhere(store: GraphStore) -> None:
    org = SyntheticOrg("XS", seed=11)
    for document in org.documents(chunk=5_000):
        store.write(parse_bundle(document), immutable_evidence=True)
    frameworks = [f.id for f in store.export().frameworks]
    depends = Counter(target for _source, target in _depends(store))
    infrastructure = store.list_nodes(Label.ASSET, first=1_000, where={"kind": AssetKind.INFRASTRUCTURE.value})
    hub = max(infrastructure, key=lambda a: depends[a.id]).id
    dataset = org.raw_datasets[0]
    at = REFERENCE - timedelta(days=2)

    before = {framework: statuses(coverage(store, framework, at)) for framework in frameworks}
    checked = 0
    for asset_id, propagate in [(hub, True), (dataset, True), (dataset, False)]:
        report = impact(store, ChangeRequest(asset_id=asset_id, at=at, propagate=propagate))
        assume = Assumption(assets=frozenset(report.assets), changed_at=at)
        reported = {d.framework: d for d in report.frameworks}
        for framework in frameworks:
            supposed = coverage(store, framework, at, assume)
            after = statuses(supposed)
            moved = {k: (v, after[k]) for k, v in before[framework].items() if v != after[k]}
            if framework not in reported:
                assert moved == {}, (asset_id, framework)
                continue
            delta = reported[framework]
            assert {c.criterion_id: (c.before.value, c.after.value) for c in delta.changes} == moved
            assert delta.after == supposed.totals
            checked += len(moved)
    assert checked > 0, "the chosen changes should move some criterion, or the test proves little"


def _depends(store: GraphStore) -> list[tuple[str, str]]:
    return [(e.source, e.target) for e in store.export().edges() if e.type.value == "DEPENDS_ON"]
