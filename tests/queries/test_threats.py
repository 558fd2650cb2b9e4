"""threat_view(store, at, asset): the ATLAS techniques aimed at an asset's kind and how the controls hold them.

The graph below, at day(1):

    ep (endpoint)   <- eff-ep (effective), stale-ep (implemented, no evidence), planned-ep (planned)
    m1 (model)      <- eff-m1 (effective)
    m2 (model), ds (dataset): no control applies to them
    org (effective, applies to no asset: organisation-wide)

    T1    [endpoint]         mitigated by eff-ep       T1.000 [endpoint]  a sub-technique of T1, no edge of its own
    T2    [endpoint]         mitigated by stale-ep     T3     [endpoint]  mitigated by planned-ep
    T4    [endpoint, model]  mitigated by org          T5     [endpoint, model]  mitigated by eff-m1
    T6    []                 mitigated by eff-ep       T7     [dataset]   mitigated by nothing
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.errors import NotFoundError
from graph.queries import threat_view
from graph.queries.results import MitigationStatus, ThreatView
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day

MITIGATED, PARTIAL, UNMITIGATED = MitigationStatus.MITIGATED, MitigationStatus.PARTIAL, MitigationStatus.UNMITIGATED


def threat(b: GraphBuilder, tid: str, kinds: list[str], mitigated_by: list[str] = ()) -> None:  # type: ignore[assignment]
    b.data.setdefault("threats", []).append(
        {"id": tid, "name": f"Technique {tid}", "tactic": "Impact", "asset_kinds": kinds}
    )
    for control in mitigated_by:
        b.data.setdefault("mitigates", []).append({"source": control, "target": tid})


def graph() -> GraphBuilder:
    b = GraphBuilder().asset("ep", kind="endpoint").asset("m1").asset("m2").asset("ds", kind="dataset")
    b.control("eff-ep", applies_to=["ep"]).evidence("eff-ep", day(0))
    b.control("stale-ep", applies_to=["ep"])
    b.control("planned-ep", status="planned", applies_to=["ep"])
    b.control("eff-m1", applies_to=["m1"]).evidence("eff-m1", day(0))
    b.control("org").evidence("org", day(0))
    threat(b, "T1", ["endpoint"], ["eff-ep"])
    threat(b, "T1.000", ["endpoint"])
    threat(b, "T2", ["endpoint"], ["stale-ep"])
    threat(b, "T3", ["endpoint"], ["planned-ep"])
    threat(b, "T4", ["endpoint", "model"], ["org"])
    threat(b, "T5", ["endpoint", "model"], ["eff-m1"])
    threat(b, "T6", [], ["eff-ep"])
    threat(b, "T7", ["dataset"])
    return b


def statuses(view: ThreatView) -> dict[str, MitigationStatus]:
    return {t.threat_id: t.status for t in view.techniques}


def technique(view: ThreatView, tid: str) -> Any:
    return next(t for t in view.techniques if t.threat_id == tid)


def test_an_asset_sees_the_techniques_of_its_kind_with_their_status(store: GraphStore) -> None:
    graph().write_to(store)
    view = threat_view(store, day(1), "ep")
    assert (view.asset_id, view.as_of) == ("ep", day(1))
    assert statuses(view) == {
        "T1": MITIGATED,  # an effective control applies to ep
        "T1.000": MITIGATED,  # through its parent technique
        "T2": PARTIAL,  # implemented, not effective (no evidence)
        "T3": UNMITIGATED,  # only a planned control
        "T4": MITIGATED,  # an organisation-wide effective control
        "T5": UNMITIGATED,  # its mitigating control applies to m1 only
    }, "T6 targets no kind and T7 no endpoint: neither is listed"
    assert (view.mitigated, view.partial, view.unmitigated) == (3, 1, 2)
    assert [t.threat_id for t in view.techniques] == ["T1", "T1.000", "T2", "T3", "T4", "T5"]


def test_each_technique_names_its_controls_with_their_flags(store: GraphStore) -> None:
    graph().write_to(store)
    view = threat_view(store, day(1), "ep")

    def flags(tid: str) -> list[tuple[str, str, bool, bool, str]]:
        return [
            (c.control_id, c.status.value, c.effective, c.organisation_wide, c.mitigates)
            for c in technique(view, tid).controls
        ]

    assert flags("T1") == [("eff-ep", "implemented", True, False, "T1")]
    assert flags("T1.000") == [("eff-ep", "implemented", True, False, "T1")]
    assert flags("T2") == [("stale-ep", "implemented", False, False, "T2")]
    assert flags("T3") == [("planned-ep", "planned", False, False, "T3")]
    assert flags("T4") == [("org", "implemented", True, True, "T4")]
    assert flags("T5") == [], "a control out of the asset's scope is not listed"
    t4 = technique(view, "T4")
    assert (t4.name, t4.tactic, [k.value for k in t4.asset_kinds]) == ("Technique T4", "Impact", ["endpoint", "model"])
    assert [(a.asset_id, a.kind.value, a.status, a.controls) for a in t4.assets] == [
        ("ep", "endpoint", MITIGATED, ["org"])
    ]


def test_the_organisation_view_judges_each_technique_over_the_assets_it_targets(store: GraphStore) -> None:
    graph().write_to(store)
    view = threat_view(store, day(1))
    assert view.asset_id is None
    assert statuses(view) == {
        "T1": MITIGATED,
        "T1.000": MITIGATED,
        "T2": PARTIAL,  # its only asset is PARTIAL
        "T3": UNMITIGATED,
        "T4": MITIGATED,  # ep, m1 and m2 all mitigated by the organisation-wide control
        "T5": PARTIAL,  # m1 mitigated, ep and m2 not
        "T7": UNMITIGATED,  # ds has no control at all
    }
    t5 = technique(view, "T5")
    assert [(a.asset_id, a.status) for a in t5.assets] == [("ep", UNMITIGATED), ("m1", MITIGATED), ("m2", UNMITIGATED)]
    assert [c.control_id for c in t5.controls] == ["eff-m1"]
    assert (view.mitigated, view.partial, view.unmitigated) == (3, 2, 2)


def test_the_status_follows_the_evidence_over_time(store: GraphStore) -> None:
    graph().write_to(store)
    assert statuses(threat_view(store, day(-1), "ep"))["T1"] is PARTIAL, "evidence collected later does not exist yet"
    assert statuses(threat_view(store, day(30), "ep"))["T1"] is MITIGATED
    assert statuses(threat_view(store, day(32), "ep"))["T1"] is PARTIAL, "monthly evidence lasts 31 days"


def test_a_change_of_the_asset_makes_its_evidence_stale(store: GraphStore) -> None:
    b = graph()
    b.data["assets"][0]["changed_at"] = day(0.5)
    b.write_to(store)
    view = threat_view(store, day(1), "ep")
    assert statuses(view)["T1"] is PARTIAL
    assert technique(view, "T1").controls[0].effective is False


def test_an_asset_of_a_kind_no_technique_targets_sees_none(store: GraphStore) -> None:
    graph().asset("repo", kind="repository").write_to(store)
    view = threat_view(store, day(1), "repo")
    assert (view.techniques, view.mitigated, view.partial, view.unmitigated) == ([], 0, 0, 0)


def test_an_unknown_asset_is_not_found(store: GraphStore) -> None:
    graph().write_to(store)
    with pytest.raises(NotFoundError) as raised:
        threat_view(store, day(1), "ghost")
    assert raised.value.field == "asset"


def test_an_empty_graph_has_no_threats(store: GraphStore) -> None:
    view = threat_view(store, day(1))
    assert view.techniques == []


def test_the_demo_public_chat_endpoint_has_mitigated_and_unmitigated_techniques(store: GraphStore) -> None:
    store.write(load_seed_bundle(SEEDS_DIR))
    view = threat_view(store, DEMO_REFERENCE, "ep-public-chat")
    found = statuses(view)
    assert view.mitigated > 0 and view.unmitigated > 0
    assert found["AML.T0051"] is MITIGATED  # LLM Prompt Injection: input and output guardrails in place
    injection = technique(view, "AML.T0051")
    assert {"AGC-MS-04", "AGC-MS-06"} <= {c.control_id for c in injection.controls if c.effective}
    assert found["AML.T0051.000"] is MITIGATED, "direct prompt injection is held by its technique's controls"
    assert found["AML.T0065"] is UNMITIGATED  # LLM Prompt Crafting: no control in the library addresses it
    assert technique(view, "AML.T0065").controls == []
    assert all("endpoint" in [k.value for k in t.asset_kinds] for t in view.techniques)
    org = threat_view(store, DEMO_REFERENCE)
    assert len(org.techniques) >= len(view.techniques)
    assert org.mitigated + org.partial + org.unmitigated == len(org.techniques)


def test_a_carved_out_control_counts_as_implemented_when_its_vendor_report_lapses(store: GraphStore) -> None:
    """DESIGN.md "Carved-out control": it counts as implemented, so a lapsed report leaves the
    technique partly mitigated (as an implemented control without valid evidence would), not open."""
    b = GraphBuilder().asset("ep", kind="endpoint").vendor("cloud", report_valid_until=day(5))
    b.control("co", status="carved_out", applies_to=["ep"]).relies_on("co", "cloud")
    threat(b, "T9", ["endpoint"], ["co"])
    b.write_to(store)
    assert statuses(threat_view(store, day(4), "ep"))["T9"] is MITIGATED
    assert statuses(threat_view(store, day(5), "ep"))["T9"] is PARTIAL
