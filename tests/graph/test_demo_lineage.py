"""The demo's lineage events (seeds/demo/imports/lineage-runs.jsonl): every dataset and job they
name is a demo asset, the fraud scorer's retrain is on record with its blast radius, and the
feedback snapshot says what it was derived from."""

from __future__ import annotations

from datetime import timedelta

from graph.demo import load_demo
from graph.imports.registry import ImportFormat
from graph.model import Rel
from graph.seeds import DEMO_REFERENCE
from graph.stores.embedded import EmbeddedStore


def test_the_demo_lineage_matches_demo_assets_and_records_the_retrain() -> None:
    store = EmbeddedStore()
    today = DEMO_REFERENCE + timedelta(days=3)  # rebased: the events move with the demo
    loaded = load_demo(store, today)
    (report,) = [r for r in loaded.imports if r.format is ImportFormat.OPENLINEAGE]
    assert report.unmatched == [] and report.created_assets == []
    assert report.counts["runs_complete"] == 2 and report.counts["events_ignored"] == 1
    retrain = store.asset_changes("mdl-fraud-scorer", 10)
    notes = [(c.at, c.kind.value) for c in retrain if (c.note or "").startswith("OpenLineage run")]
    assert notes == [(DEMO_REFERENCE.replace(month=10, day=14, hour=13) + timedelta(days=3), "retrain")]
    propagated = {c.asset for c in store.export().changes if c.propagated_from == "mdl-fraud-scorer"}
    assert propagated == {"ep-fraud-score", "svc-payments-backend"}
    assert "ds-support-transcripts" in store.related(Rel.DEPENDS_ON, ["ds-feedback"])["ds-feedback"]
    store.close()
