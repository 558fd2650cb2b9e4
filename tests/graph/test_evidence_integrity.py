"""Evidence is immutable once recorded; corrections supersede it; both backends agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from graph.bundle import Bundle
from graph.checks.evidence_immutability import EvidenceConflict
from graph.errors import InvalidInputError
from graph.model import Label, Rel
from graph.queries import blast_radius, coverage, evidence_gaps, missing_evidence
from graph.store import GraphStore
from tests.graphs import T0, GraphBuilder, day


def org() -> GraphBuilder:
    b = GraphBuilder().framework("fw").criterion("C1").asset("m").asset("d")
    return b.control("k", satisfies=["fw:C1"], applies_to=["m"], frequency="monthly")


def evidence(eid: str = "e1", **fields: Any) -> Bundle:
    item = {"id": eid, "title": "Access review", "control": "k", "collected_at": T0, "status": "accepted"}
    item.update(fields)
    covers = item.pop("covers", [])
    return Bundle.model_validate({"evidence": [item], "covers": [{"source": eid, "target": a} for a in covers]})


def test_recording_the_same_evidence_again_is_a_harmless_retry(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence(sha256="a" * 64), immutable_evidence=True)
    before = store.export()
    store.write(evidence(sha256="a" * 64), immutable_evidence=True)
    assert store.export() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "rejected"}, "evidence[0].status"),
        ({"sha256": "b" * 64}, "evidence[0].sha256"),
        ({"collected_at": day(1)}, "evidence[0].collected_at"),
        ({"valid_until": day(30)}, "evidence[0].valid_until"),
        ({"title": "Another"}, "evidence[0].title"),
        ({"covers": ["m"]}, "evidence[0].covers"),
    ],
)
def test_changing_recorded_evidence_is_a_conflict_naming_the_field(
    store: GraphStore, change: dict[str, Any], field: str
) -> None:
    org().write_to(store)
    store.write(evidence(sha256="a" * 64), immutable_evidence=True)
    before = store.export()
    with pytest.raises(EvidenceConflict) as error:
        store.write(evidence(**{"sha256": "a" * 64, **change}), immutable_evidence=True)
    assert error.value.field == field
    assert "supersedes: 'e1'" in str(error.value)
    assert store.export() == before


def test_the_scope_of_recorded_evidence_cannot_grow_by_a_link(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence(covers=["m"]), immutable_evidence=True)
    store.write(Bundle.model_validate({"applies_to": [{"source": "k", "target": "d"}]}))  # d may be covered
    with pytest.raises(EvidenceConflict) as error:
        store.write(Bundle.model_validate({"covers": [{"source": "e1", "target": "d"}]}), immutable_evidence=True)
    assert error.value.field == "covers[0]"
    store.write(Bundle.model_validate({"covers": [{"source": "e1", "target": "m"}]}), immutable_evidence=True)


def test_a_correction_supersedes_the_old_item_which_stays_on_record(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence("e1", status="accepted"), immutable_evidence=True)
    assert coverage(store, "fw", day(1)).totals.covered == 1
    store.write(evidence("e2", status="rejected", supersedes="e1"), immutable_evidence=True)
    # The accepted item was wrong; its correction says rejected: the criterion is no longer covered.
    assert coverage(store, "fw", day(1)).totals.covered == 0
    [row] = missing_evidence(store, day(1)).rows
    assert row.reason.value == "REJECTED"
    assert store.related(Rel.SUPERSEDES, ["e2"]) == {"e2": ["e1"]}
    assert store.related(Rel.SUPERSEDES, ["e1"], reverse=True) == {"e1": ["e2"]}
    assert set(store.get_nodes(Label.EVIDENCE, ["e1", "e2"])) == {"e1", "e2"}
    assert [e.id for e in store.export().evidence] == ["e1", "e2"]


def test_superseded_evidence_counts_for_no_rule(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence("e1", collected_at=day(-5)), immutable_evidence=True)
    store.write(evidence("e2", collected_at=day(-5), status="pending", supersedes="e1"), immutable_evidence=True)
    gaps = evidence_gaps(store, day(-10), day(10))
    assert [p.gaps for p in gaps.controls] == [1]  # the only accepted item no longer counts
    assert blast_radius(store, "m").evidence == ["e2"]
    assert missing_evidence(store, day(1)).rows[0].reason.value == "PENDING_REVIEW"


def test_a_correction_of_a_correction_makes_a_chain(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence("e1", status="pending"), immutable_evidence=True)
    store.write(evidence("e2", status="rejected", supersedes="e1"), immutable_evidence=True)
    store.write(evidence("e3", status="accepted", supersedes="e2"), immutable_evidence=True)
    assert coverage(store, "fw", day(1)).totals.covered == 1


def test_an_item_is_superseded_once_corrections_do_not_fork(store: GraphStore) -> None:
    org().write_to(store)
    store.write(evidence("e1"), immutable_evidence=True)
    store.write(evidence("e2", supersedes="e1"), immutable_evidence=True)
    with pytest.raises(EvidenceConflict) as error:
        store.write(evidence("e3", supersedes="e1"), immutable_evidence=True)
    assert error.value.field == "evidence[0].supersedes"
    assert "'e2'" in str(error.value)


def test_supersedes_must_name_recorded_evidence_and_not_itself(store: GraphStore) -> None:
    org().write_to(store)
    with pytest.raises(InvalidInputError) as missing:
        store.write(evidence("e2", supersedes="ghost"), immutable_evidence=True)
    assert missing.value.problems[0].field == "evidence[0].supersedes"
    with pytest.raises(InvalidInputError) as itself:
        store.write(evidence("e2", supersedes="e2"), immutable_evidence=True)
    assert "itself" in itself.value.problems[0].reason


def test_a_bundle_with_its_own_chain_restores_but_not_a_cycle(store: GraphStore) -> None:
    org().write_to(store)
    chained = Bundle.model_validate(
        {
            "evidence": [
                {"id": "a", "title": "t", "control": "k", "collected_at": T0, "status": "accepted"},
                {"id": "b", "title": "t", "control": "k", "collected_at": T0, "status": "accepted", "supersedes": "a"},
            ]
        }
    )
    store.write(chained, immutable_evidence=True)
    assert store.related(Rel.SUPERSEDES, ["b"]) == {"b": ["a"]}
    cycle = Bundle.model_validate(
        {
            "evidence": [
                {"id": "x", "title": "t", "control": "k", "collected_at": T0, "supersedes": "y"},
                {"id": "y", "title": "t", "control": "k", "collected_at": T0, "supersedes": "x"},
            ]
        }
    )
    with pytest.raises(EvidenceConflict, match="itself"):
        store.write(cycle, immutable_evidence=True)
    assert store.get_nodes(Label.EVIDENCE, ["x", "y"]) == {}


def test_a_plain_write_still_upserts_evidence(store: GraphStore) -> None:
    # Only the product's paths ask for immutability; the raw store write stays an upsert.
    org().write_to(store)
    store.write(evidence(status="pending"))
    store.write(evidence(status="accepted"))
    assert store.get_nodes(Label.EVIDENCE, ["e1"])["e1"].status.value == "accepted"  # type: ignore[union-attr]


def test_concurrent_recordings_of_one_id_never_overwrite_each_other(store: GraphStore) -> None:
    import threading

    org().write_to(store)
    outcomes: list[str] = []

    def record(status: str) -> None:
        try:
            store.write(evidence("race", status=status), immutable_evidence=True)
            outcomes.append(status)
        except EvidenceConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=record, args=(s,)) for s in ("accepted", "rejected", "pending", "accepted")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = store.get_nodes(Label.EVIDENCE, ["race"])["race"].status.value  # type: ignore[union-attr]
    # Whoever recorded first won; every other attempt either repeated it exactly or was refused.
    assert all(o in (stored, "conflict") for o in outcomes)
    assert outcomes.count(stored) >= 1


def test_times_compare_as_instants_for_immutability(store: GraphStore) -> None:
    from datetime import timedelta, timezone

    org().write_to(store)
    store.write(evidence(collected_at=datetime(2026, 6, 1, tzinfo=UTC)), immutable_evidence=True)
    same_instant = datetime(2026, 6, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    store.write(evidence(collected_at=same_instant), immutable_evidence=True)
