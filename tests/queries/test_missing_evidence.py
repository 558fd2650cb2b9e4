"""missingEvidence(framework, asOf): one row per failing (control, asset), with the first reason that holds."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from graph.errors import NotFoundError
from graph.queries import missing_evidence
from graph.store import GraphStore
from tests.graphs import EPS, T0, GraphBuilder, day, rows_of


def control_on(*assets: str, frequency: str = "monthly") -> GraphBuilder:
    """Control `c` applying to `assets` (none: it applies to no asset)."""
    b = GraphBuilder().control("c", frequency=frequency, applies_to=list(assets))
    for asset in assets:
        b.asset(asset)
    return b


# -- each reason, and since ----------------------------------------------------------------------


def test_valid_fresh_evidence_gives_no_row(store: GraphStore) -> None:
    control_on("a").evidence("c", T0).write_to(store)
    assert missing_evidence(store, day(1)).rows == []


def test_never_collected(store: GraphStore) -> None:
    control_on("a").write_to(store)
    assert rows_of(missing_evidence(store, day(1))) == {("c", "a", "NEVER_COLLECTED", None)}


def test_stale_since_is_the_change(store: GraphStore) -> None:
    GraphBuilder().asset("a", changed_at=day(2)).control("c", applies_to=["a"]).evidence("c", T0).write_to(store)
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "STALE", day(2))}


def test_stale_exactly_when_the_change_is_at_t(store: GraphStore) -> None:
    b = GraphBuilder().asset("a", changed_at=day(5)).control("c", applies_to=["a"]).evidence("c", T0)
    b.write_to(store)
    assert missing_evidence(store, day(5) - EPS).rows == []
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "STALE", day(5))}


def test_change_at_collected_at_is_not_stale(store: GraphStore) -> None:
    GraphBuilder().asset("a", changed_at=T0).control("c", applies_to=["a"]).evidence("c", T0).write_to(store)
    assert missing_evidence(store, day(5)).rows == []


def test_expired_since_is_the_latest_end(store: GraphStore) -> None:
    (
        control_on("a")  # monthly: 31 days
        .evidence("c", day(-100), eid="old")  # ends day(-69)
        .evidence("c", day(-40), eid="latest-end")  # ends day(-9)
        .evidence("c", day(-20), valid_until=day(-10), eid="collected-later-ends-earlier")
        .write_to(store)
    )
    assert rows_of(missing_evidence(store, day(0))) == {("c", "a", "EXPIRED", day(-9))}


def test_expired_exactly_at_the_end(store: GraphStore) -> None:
    control_on("a").evidence("c", T0).write_to(store)
    assert missing_evidence(store, day(31) - EPS).rows == []
    assert rows_of(missing_evidence(store, day(31))) == {("c", "a", "EXPIRED", day(31))}


def test_pending_review_since_is_the_latest_pending_collection(store: GraphStore) -> None:
    control_on("a").evidence("c", day(1), status="pending").evidence("c", day(2), status="pending").write_to(store)
    assert rows_of(missing_evidence(store, day(3))) == {("c", "a", "PENDING_REVIEW", day(2))}


def test_rejected_since_is_the_latest_rejection(store: GraphStore) -> None:
    control_on("a").evidence("c", day(1), status="rejected").evidence("c", day(2), status="rejected").write_to(store)
    assert rows_of(missing_evidence(store, day(3))) == {("c", "a", "REJECTED", day(2))}


# -- precedence: STALE, EXPIRED, PENDING_REVIEW, REJECTED, NEVER_COLLECTED -----------------------------


def test_stale_comes_before_expired_pending_and_rejected(store: GraphStore) -> None:
    (
        GraphBuilder()
        .asset("a", changed_at=day(3))
        .control("c", applies_to=["a"])
        .evidence("c", day(1), eid="valid-but-stale")
        .evidence("c", day(-100), eid="expired")
        .evidence("c", day(4), status="pending", eid="pending")
        .evidence("c", day(4), status="rejected", eid="rejected")
        .write_to(store)
    )
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "STALE", day(3))}


def test_expired_comes_before_pending_and_rejected(store: GraphStore) -> None:
    (
        control_on("a")
        .evidence("c", day(-100), eid="expired")
        .evidence("c", day(4), status="pending", eid="pending")
        .evidence("c", day(4), status="rejected", eid="rejected")
        .write_to(store)
    )
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "EXPIRED", day(-69))}


def test_pending_comes_before_rejected(store: GraphStore) -> None:
    control_on("a").evidence("c", day(1), status="pending").evidence("c", day(4), status="rejected").write_to(store)
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "PENDING_REVIEW", day(1))}


def test_fresh_evidence_after_the_change_clears_the_row(store: GraphStore) -> None:
    b = GraphBuilder().asset("a", changed_at=day(3)).control("c", applies_to=["a"])
    b.evidence("c", day(1), eid="before").evidence("c", day(4), eid="after").write_to(store)
    assert rows_of(missing_evidence(store, day(3.5))) == {("c", "a", "STALE", day(3))}
    assert missing_evidence(store, day(4)).rows == []


@pytest.mark.parametrize("status", ["accepted", "pending", "rejected"])
def test_evidence_collected_after_t_does_not_exist_as_of_t(store: GraphStore, status: str) -> None:
    control_on("a").evidence("c", day(2), status=status).write_to(store)
    assert rows_of(missing_evidence(store, day(2) - EPS)) == {("c", "a", "NEVER_COLLECTED", None)}


def test_future_accepted_evidence_does_not_hide_an_expiry(store: GraphStore) -> None:
    control_on("a").evidence("c", day(-40), eid="expired").evidence("c", day(2), eid="future").write_to(store)
    assert rows_of(missing_evidence(store, day(1))) == {("c", "a", "EXPIRED", day(-9))}


# -- rows --------------------------------------------------------------------------------------


def test_one_row_per_control_and_asset(store: GraphStore) -> None:
    (
        GraphBuilder()
        .asset("a")
        .asset("b", changed_at=day(2))
        .asset("c-ok")
        .asset("d")
        .control("c", applies_to=["a", "b", "c-ok", "d"])
        .evidence("c", T0, covers=["b", "c-ok"], eid="for-b-and-c")
        .evidence("c", day(3), covers=["d"], status="pending", eid="pending-for-d")
        .control("k", applies_to=["a", "b"])
        .write_to(store)
    )
    assert rows_of(missing_evidence(store, day(5))) == {
        ("c", "a", "NEVER_COLLECTED", None),
        ("c", "b", "STALE", day(2)),
        ("c", "d", "PENDING_REVIEW", day(3)),
        ("k", "a", "NEVER_COLLECTED", None),
        ("k", "b", "NEVER_COLLECTED", None),
    }
    assert len(missing_evidence(store, day(5)).rows) == 5


def test_unscoped_evidence_is_judged_per_asset(store: GraphStore) -> None:
    b = GraphBuilder().asset("a", changed_at=day(2)).asset("b").control("c", applies_to=["a", "b"])
    b.evidence("c", T0).write_to(store)
    assert rows_of(missing_evidence(store, day(5))) == {("c", "a", "STALE", day(2))}


def test_a_control_with_no_asset_has_one_row_with_no_asset(store: GraphStore) -> None:
    control_on().evidence("c", day(-100)).write_to(store)
    assert rows_of(missing_evidence(store, day(0))) == {("c", None, "EXPIRED", day(-69))}
    GraphBuilder().evidence("c", day(-1), eid="fresh").write_to(store)
    assert missing_evidence(store, day(0)).rows == []


@pytest.mark.parametrize("status", ["planned", "not_applicable"])
def test_controls_not_implemented_have_no_rows(store: GraphStore, status: str) -> None:
    GraphBuilder().asset("a").control("c", status=status, applies_to=["a"]).control("d", status=status).write_to(store)
    assert missing_evidence(store, day(1)).rows == []


def test_report_echoes_its_arguments(store: GraphStore) -> None:
    control_on().write_to(store)
    report = missing_evidence(store, day(1))
    assert (report.framework, report.as_of) == (None, day(1))


# -- the framework filter ----------------------------------------------------------------------


def two_frameworks() -> GraphBuilder:
    """a:1 <- c-a1; a:2 has no control but maps to b:1 <- c-b1; a:3 has only a not-applicable control
    and maps to b:2 <- c-b2 (not reached: a:3 has a SATISFIES edge); b:3 <- c-b3 maps to a:1 (which is
    satisfied, so not through the crosswalk). Every control lacks evidence."""
    b = GraphBuilder().framework("a").framework("b").framework("empty")
    b.criterion("1", fw="a").criterion("2", fw="a").criterion("3", fw="a")
    b.criterion("1", fw="b").criterion("2", fw="b").criterion("3", fw="b")
    b.control("c-a1", satisfies=["a:1"]).control("c-na", status="not_applicable", satisfies=["a:3"])
    b.control("c-b1", satisfies=["b:1"]).control("c-b2", satisfies=["b:2"]).control("c-b3", satisfies=["b:3"])
    b.control("c-orphan")
    b.maps("b:1", "a:2", "subset_of").maps("a:3", "b:2", "equal").maps("b:3", "a:1", "equal")
    return b


def controls_of(store: GraphStore, framework: str | None) -> set[str]:
    return {r.control_id for r in missing_evidence(store, day(1), framework).rows}


def test_framework_filter_includes_controls_reached_through_the_crosswalk(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    assert controls_of(store, "a") == {"c-a1", "c-b1"}


def test_framework_filter_from_the_other_side(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    # b's criteria all have controls; nothing comes through the crosswalk.
    assert controls_of(store, "b") == {"c-b1", "c-b2", "c-b3"}


def test_without_framework_every_implemented_control(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    assert controls_of(store, None) == {"c-a1", "c-b1", "c-b2", "c-b3", "c-orphan"}


def test_framework_filter_reports_the_framework(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    assert missing_evidence(store, day(1), "a").framework == "a"


def test_framework_without_controls_has_no_rows(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    assert missing_evidence(store, day(1), "empty").rows == []


def test_unknown_framework_is_not_found(store: GraphStore) -> None:
    two_frameworks().write_to(store)
    with pytest.raises(NotFoundError) as error:
        missing_evidence(store, day(1), "nope")
    assert (error.value.node_id, error.value.field) == ("nope", "framework")


def test_asof_in_another_offset_is_the_same_instant(store: GraphStore) -> None:
    b = GraphBuilder().asset("a", changed_at=day(2)).asset("b").control("c", applies_to=["a", "b"])
    b.evidence("c", T0, covers=["a"]).evidence("c", day(-40), covers=["b"]).write_to(store)
    in_utc = missing_evidence(store, day(5))
    elsewhere = missing_evidence(store, day(5).astimezone(timezone(timedelta(hours=-7))))
    assert rows_of(elsewhere) == rows_of(in_utc) == {("c", "a", "STALE", day(2)), ("c", "b", "EXPIRED", day(-9))}
    assert elsewhere.as_of == day(5)
    assert all(r.since is None or r.since.utcoffset() == timedelta(0) for r in elsewhere.rows)


def test_rows_are_in_natural_order_of_control_then_asset(store: GraphStore) -> None:
    # The API pages these rows with offset cursors: the order must not depend on insertion order.
    b = GraphBuilder().asset("b").asset("a10").asset("a2")
    b.control("c10", applies_to=["b", "a10", "a2"]).control("c2", applies_to=["a2"]).write_to(store)
    assert [(r.control_id, r.asset_id) for r in missing_evidence(store, day(1)).rows] == [
        ("c2", "a2"),
        ("c10", "a2"),
        ("c10", "a10"),
        ("c10", "b"),
    ]


def test_framework_filter_ignores_controls_of_parent_criteria(store: GraphStore) -> None:
    """A parent's status is rolled up from its leaves, so a control satisfying only the parent
    does not make the framework's missing-evidence list."""
    b = GraphBuilder().framework("fw").criterion("P").criterion("L", parent="fw:P")
    b.control("k-parent", satisfies=["fw:P"]).control("k-leaf", satisfies=["fw:L"])
    b.write_to(store)
    rows = missing_evidence(store, day(1), "fw").rows
    assert [r.control_id for r in rows] == ["k-leaf"]
