"""The write rules of graph/checks/write_rules.py and reviews of evidence, on both backends: each refusal
names its field and leaves the graph exactly as it was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

from graph.bundle import Bundle
from graph.errors import ForbiddenError, InvalidInputError
from graph.model import Evidence, EvidenceStatus, Label, Rel, now_utc
from graph.queries import missing_evidence
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import T0, GraphBuilder, changed_at, changes_at, day


def org() -> GraphBuilder:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d")
    b.control("k", satisfies=["fw:C1"], applies_to=["m"])
    return b.control("k2", satisfies=["fw:C1"], applies_to=["d"])


def item(eid: str = "e1", control: str = "k", **fields: Any) -> dict[str, Any]:
    return {"id": eid, "title": "Access review", "control": control, "collected_at": T0, **fields}


def bundle(**lists: Any) -> Bundle:
    return Bundle.model_validate(lists)


def review(
    decision: str, at: Any, reviewer: str = "key:r (reviewer)", eid: str = "e1", note: str = ""
) -> dict[str, Any]:
    return {"evidence": eid, "decision": decision, "note": note, "reviewer": reviewer, "at": at}


def status(store: GraphStore, eid: str = "e1") -> EvidenceStatus:
    node = store.get_nodes(Label.EVIDENCE, [eid])[eid]
    assert isinstance(node, Evidence)
    return node.status


def refused(store: GraphStore, written: Bundle, immutable: bool = True) -> InvalidInputError:
    before = store.export()
    with pytest.raises(InvalidInputError) as error:
        store.write(written, immutable_evidence=immutable)
    assert store.export() == before
    return error.value


# -- item 3: a correction belongs to the control of what it corrects --------------------------------


@pytest.mark.parametrize("immutable", [True, False])
def test_only_evidence_of_the_same_control_may_supersede(store: GraphStore, immutable: bool) -> None:
    org().write_to(store)
    store.write(bundle(evidence=[item("e1", "k")]), immutable_evidence=True)
    error = refused(store, bundle(evidence=[item("e2", "k2", supersedes="e1")]), immutable)
    [problem] = error.problems
    assert problem.field == "evidence[0].supersedes"
    assert "'k'" in problem.reason and "'k2'" in problem.reason and "same control" in problem.reason
    # Within one bundle too, and an item of the same control still may.
    error = refused(store, bundle(evidence=[item("e3", "k"), item("e4", "k2", supersedes="e3")]), immutable)
    assert error.problems[0].field == "evidence[1].supersedes"
    store.write(bundle(evidence=[item("e2", "k", supersedes="e1")]), immutable_evidence=immutable)
    assert store.related(Rel.SUPERSEDES, ["e2"]) == {"e2": ["e1"]}


# -- item 4: reviews ------------------------------------------------------------------------------


def test_the_latest_review_sets_the_status_and_every_review_is_kept(store: GraphStore) -> None:
    org().write_to(store)
    store.write(bundle(evidence=[item(status="pending", recorded_by="key:c (collector)")]), immutable_evidence=True)
    assert status(store) is EvidenceStatus.PENDING
    assert [r.reason.value for r in missing_evidence(store, day(1)).rows if r.control_id == "k"] == ["PENDING_REVIEW"]

    store.write(bundle(reviews=[review("rejected", day(1), note="blurry")]), immutable_evidence=True)
    assert status(store) is EvidenceStatus.REJECTED
    store.write(bundle(reviews=[review("accepted", day(2), reviewer="key:s (second)")]), immutable_evidence=True)
    assert status(store) is EvidenceStatus.ACCEPTED
    # The latest review wins whatever T: a question about before it was made answers accepted too.
    assert [r for r in missing_evidence(store, day(1)).rows if r.control_id == "k"] == []
    reviews = store.evidence_reviews(["e1", "nope"])
    assert [(r.decision.value, r.reviewer, r.at, r.note) for r in reviews["e1"]] == [
        ("rejected", "key:r (reviewer)", day(1), "blurry"),
        ("accepted", "key:s (second)", day(2), ""),
    ]
    assert reviews["nope"] == []
    # A retry of the recording changes nothing: not the status, not who recorded it.
    store.write(bundle(evidence=[item(status="pending", recorded_by="key:c (collector)")]), immutable_evidence=True)
    assert status(store) is EvidenceStatus.ACCEPTED
    # The same review again (a retry, an export loaded back) is not appended twice.
    store.write(bundle(reviews=[review("rejected", day(1), note="blurry")]), immutable_evidence=True)
    assert len(store.evidence_reviews(["e1"])["e1"]) == 2


def test_a_reviewer_is_never_the_recorder_and_reviews_name_recorded_evidence(store: GraphStore) -> None:
    org().write_to(store)
    store.write(bundle(evidence=[item(recorded_by="key:a (admin)")]), immutable_evidence=True)
    before = store.export()
    with pytest.raises(ForbiddenError) as forbidden:
        store.write(bundle(reviews=[review("accepted", day(1), reviewer="key:a (admin)")]), immutable_evidence=True)
    assert "reviews[0].reviewer" in str(forbidden.value) and "recorded" in str(forbidden.value)
    assert store.export() == before
    error = refused(store, bundle(reviews=[review("accepted", day(1), eid="missing")]))
    assert error.problems[0].field == "reviews[0].evidence"


def test_reviews_survive_export_and_load(store: GraphStore) -> None:
    org().write_to(store)
    store.write(bundle(evidence=[item(recorded_by="key:c (c)", recorded_at=T0)]), immutable_evidence=True)
    store.write(bundle(reviews=[review("accepted", day(1)), review("rejected", day(2))]), immutable_evidence=True)
    exported = store.export()
    assert [r.decision.value for r in exported.reviews] == ["accepted", "rejected"]
    assert exported.evidence[0].recorded_by == "key:c (c)"
    copy = EmbeddedStore()
    copy.write(exported, immutable_evidence=True)
    assert copy.export() == exported
    assert status(copy) is EvidenceStatus.REJECTED
    store.write(exported, immutable_evidence=True)  # loading it back appends nothing
    assert store.export() == exported


def test_embedded_reviews_are_durable_and_an_old_data_dir_gains_the_table(tmp_path: Any) -> None:
    path = tmp_path / "graph.db"
    first = EmbeddedStore(path)
    org().write_to(first)
    first.write(bundle(evidence=[item()]), immutable_evidence=True)
    first.close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP TABLE evidence_reviews")  # as a data dir from before reviews existed
    second = EmbeddedStore(path)
    second.write(bundle(reviews=[review("accepted", day(1))]), immutable_evidence=True)
    second.close()
    third = EmbeddedStore(path)
    assert status(third) is EvidenceStatus.ACCEPTED
    assert [r.decision.value for r in third.evidence_reviews(["e1"])["e1"]] == ["accepted"]
    third.close()


# -- item 5: nothing recorded in the future -------------------------------------------------------


def test_instants_past_the_servers_clock_are_refused(store: GraphStore) -> None:
    org().write_to(store)
    soon, later = now_utc() + timedelta(minutes=2), now_utc() + timedelta(minutes=10)
    error = refused(store, bundle(evidence=[item(collected_at=later)]))
    assert [p.field for p in error.problems] == ["evidence[0].collected_at"]
    assert "future" in error.problems[0].reason
    error = refused(store, bundle(assets=[{"id": "n", "kind": "model", "name": "n", "changed_at": later}]))
    assert [p.field for p in error.problems] == ["assets[0].changed_at"]
    store.write(bundle(evidence=[item(collected_at=soon)]), immutable_evidence=True)  # clock drift is fine
    error = refused(store, bundle(reviews=[review("accepted", later)]))
    assert [p.field for p in error.problems] == ["reviews[0].at"]


def test_an_observation_period_ending_past_the_servers_clock_is_refused(store: GraphStore) -> None:
    org().write_to(store)
    soon, later = now_utc() + timedelta(minutes=4), now_utc() + timedelta(minutes=8)
    period = {"period_start": day(-30), "period_end": later}
    error = refused(store, bundle(evidence=[item(collected_at=soon, **period)]))
    assert [p.field for p in error.problems] == ["evidence[0].period_end"]
    assert "future" in error.problems[0].reason
    store.write(bundle(evidence=[item(collected_at=soon, period_start=day(-30), period_end=soon)]))


# -- item 6: evidence scope and crosswalk mappings ------------------------------------------------


@pytest.mark.parametrize("immutable", [True, False])
def test_evidence_covers_only_assets_its_control_applies_to(store: GraphStore, immutable: bool) -> None:
    org().write_to(store)
    error = refused(store, bundle(evidence=[item()], covers=[{"source": "e1", "target": "d"}]), immutable)
    [problem] = error.problems
    assert problem.field == "covers[0]"
    assert "'e1'" in problem.reason and "'d'" in problem.reason and "'k'" in problem.reason
    # Recorded evidence too, and an asset put in scope in the same bundle is fine.
    store.write(bundle(evidence=[item("e2")]), immutable_evidence=True)
    assert refused(store, bundle(covers=[{"source": "e2", "target": "d"}]), immutable).problems[0].field == "covers[0]"
    store.write(
        bundle(
            evidence=[item("e3")],
            covers=[{"source": "e3", "target": "d"}],
            applies_to=[{"source": "k", "target": "d"}],
        ),
        immutable_evidence=immutable,
    )
    assert store.related(Rel.COVERS, ["e3"]) == {"e3": ["d"]}
    if not immutable:  # a load may rewrite evidence, but not move it out from under its scope
        error = refused(store, bundle(controls=[{"id": "k3", "title": "K3"}], evidence=[item("e3", "k3")]), immutable)
        assert error.problems[0].field == "evidence[0].control" and "'d'" in error.problems[0].reason


def test_two_mappings_between_the_same_ordered_pair_are_refused(store: GraphStore) -> None:
    b = GraphBuilder().framework("fw").criterion("C1").criterion("C2")
    b.write_to(store)
    mapping = {"source": "fw:C1", "target": "fw:C2", "relationship": "equal", "strength": 5, "rationale": "r"}
    error = refused(store, bundle(mappings=[mapping, {**mapping, "relationship": "subset_of"}]))
    [problem] = error.problems
    assert problem.field == "mappings[1]" and "mappings[0]" in problem.reason
    # The reverse direction is another pair.
    summary = store.write(bundle(mappings=[mapping, {**mapping, "source": "fw:C2", "target": "fw:C1"}]))
    assert summary.edges == 2


# -- item 7: an asset's change time never moves back ----------------------------------------------


def test_no_write_moves_an_asset_change_time_back_or_makes_stale_evidence_fresh(store: GraphStore) -> None:
    org().write_to(store)
    store.write(bundle(evidence=[item(status="accepted", collected_at=day(1))]), immutable_evidence=True)
    store.write(GraphBuilder().asset("m", changed_at=day(5)).bundle())

    def m_reason() -> str:
        [row] = [r for r in missing_evidence(store, day(6)).rows if r.control_id == "k"]
        return row.reason.value

    assert m_reason() == "STALE"
    store.write(GraphBuilder().asset("m").bundle())  # no changed_at: the history is untouched
    store.write(GraphBuilder().asset("m", changed_at=day(2)).bundle())  # older: one more change
    store.write(changes_at(["m"], day(3)))  # a back-dated change does not move it back either
    assert changed_at(store, "m", day(6)) == day(5)
    assert m_reason() == "STALE"
    store.write(GraphBuilder().asset("m", changed_at=day(7)).bundle())
    store.write(changes_at(["m"], day(8)))
    assert changed_at(store, "m") == day(8)
    assert [c.at for c in store.asset_changes("m", 10)] == [day(8), day(7), day(5), day(3), day(2)]
