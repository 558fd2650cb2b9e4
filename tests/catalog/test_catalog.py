"""The shipped catalog: every framework, the ATLAS threats, the crosswalks and the AI control library.

Counts are pinned to the official structure of each framework, ids are checked against the
reference lists in shared/reference/, and the crosswalks and the library are checked for the
properties the coverage rules rely on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from graph.bundle import Bundle
from graph.model import ControlStatus, Criterion, MappingRelationship
from graph.queries import coverage, crosswalk
from graph.seeds import SEEDS_DIR
from graph.stores.embedded import EmbeddedStore
from tests.catalog.conftest import reference_rows

SEEDS = SEEDS_DIR
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

SOC2 = "soc2-tsc-2017"
ISO27001 = "iso-iec-27001-2022"
ISO42001 = "iso-iec-42001-2023"
AI_RMF = "nist-ai-rmf-1.0"
CSF = "nist-csf-2.0"
EU_AI_ACT = "eu-ai-act-2024"
AI_FRAMEWORKS = {ISO42001, AI_RMF}

# Rows of eu_ai_act_articles.csv that bind no operator and are not shipped as criteria.
EU_NOT_SHIPPED = {"Art.3", "Art.7", "Art.71", "Art.99", "Art.113", "Annex III"}


def criteria_of(seeds: Bundle, framework: str) -> list[Criterion]:
    return [c for c in seeds.criteria if c.framework == framework]


def levels(criteria: list[Criterion]) -> tuple[list[Criterion], list[Criterion]]:
    """(parents, leaves) of one framework's criteria."""
    parents = {c.parent for c in criteria if c.parent}
    return [c for c in criteria if c.id in parents], [c for c in criteria if c.id not in parents]


def depth(criterion: Criterion, by_id: dict[str, Criterion]) -> int:
    d = 0
    while criterion.parent:
        criterion = by_id[criterion.parent]
        d += 1
    return d


def ids(framework: str, refs: list[str]) -> set[str]:
    return {f"{framework}:{ref}" for ref in refs}


# ------------------------------------------------------------------------------ frameworks


def test_six_frameworks_with_publisher_and_license_note(seeds: Bundle) -> None:
    frameworks = {f.id: f for f in seeds.frameworks}
    assert set(frameworks) == {SOC2, ISO27001, ISO42001, AI_RMF, CSF, EU_AI_ACT}
    for framework in frameworks.values():
        assert framework.name and framework.version and framework.publisher, framework.id
        assert framework.license_note, framework.id
    for framework_id in (SOC2, ISO27001, ISO42001):
        assert "own" in frameworks[framework_id].license_note, "ids only, titles in our own words"


def test_every_criterion_id_is_framework_and_ref(seeds: Bundle) -> None:
    by_id = {c.id: c for c in seeds.criteria}
    assert len(by_id) == len(seeds.criteria)
    for c in seeds.criteria:
        assert c.id == f"{c.framework}:{c.ref}"
        if c.parent is not None:
            assert by_id[c.parent].framework == c.framework, f"{c.id} has a parent in another framework"


def test_soc2_has_61_leaf_criteria(seeds: Bundle) -> None:
    soc2 = criteria_of(seeds, SOC2)
    parents, leaves = levels(soc2)
    assert parents == []
    assert {c.id for c in leaves} == ids(SOC2, [r["id"] for r in reference_rows("tsc.csv")])
    assert len(leaves) == 61


def test_iso27001_has_93_controls_in_4_themes(seeds: Bundle) -> None:
    iso = criteria_of(seeds, ISO27001)
    parents, leaves = levels(iso)
    assert sorted(c.ref for c in parents) == ["A.5", "A.6", "A.7", "A.8"]
    assert {c.id for c in leaves} == ids(ISO27001, [r["id"] for r in reference_rows("iso27001_2022_annexA.csv")])
    assert len(leaves) == 93
    per_theme = Counter(c.parent for c in leaves)
    assert per_theme == {f"{ISO27001}:A.5": 37, f"{ISO27001}:A.6": 8, f"{ISO27001}:A.7": 14, f"{ISO27001}:A.8": 34}


def test_iso42001_has_38_controls_in_9_objectives(seeds: Bundle) -> None:
    iso = criteria_of(seeds, ISO42001)
    by_id = {c.id: c for c in iso}
    parents, leaves = levels(iso)
    rows = reference_rows("iso42001_annexA.csv")
    assert {c.id for c in leaves} == ids(ISO42001, [r["id"] for r in rows if r["kind"] == "control"])
    assert len(leaves) == 38
    objectives = [c for c in parents if c.parent is None]
    assert sorted(c.ref for c in objectives) == sorted(f"A.{n}" for n in range(2, 11))
    assert {c.ref for c in parents if c.parent is not None} == {"A.6.1", "A.6.2"}
    # every control sits under one of the 9 objectives
    for leaf in leaves:
        top = leaf
        while top.parent:
            top = by_id[top.parent]
        assert top in objectives


def test_nist_ai_rmf_has_4_functions_19_categories_72_subcategories(seeds: Bundle) -> None:
    rmf = criteria_of(seeds, AI_RMF)
    by_id = {c.id: c for c in rmf}
    per_depth = Counter(depth(c, by_id) for c in rmf)
    assert per_depth == {0: 4, 1: 19, 2: 72}
    _, leaves = levels(rmf)
    assert {c.id for c in leaves} == ids(AI_RMF, [r["id"] for r in reference_rows("nist_ai_rmf_subcategories.csv")])
    categories = {c.id for c in rmf if depth(c, by_id) == 1}
    assert categories == ids(AI_RMF, [r["id"] for r in reference_rows("nist_ai_rmf_categories.csv")])
    assert {c.ref for c in rmf if c.parent is None} == {"GOVERN", "MAP", "MEASURE", "MANAGE"}


def test_nist_csf_has_6_functions_22_categories_106_subcategories(seeds: Bundle) -> None:
    csf = criteria_of(seeds, CSF)
    by_id = {c.id: c for c in csf}
    assert Counter(depth(c, by_id) for c in csf) == {0: 6, 1: 22, 2: 106}
    assert {c.id for c in csf} == ids(CSF, [r["id"] for r in reference_rows("nist_csf2.csv")])
    _, leaves = levels(csf)
    assert len(leaves) == 106


def test_eu_ai_act_ships_every_operator_obligation(seeds: Bundle) -> None:
    eu = criteria_of(seeds, EU_AI_ACT)
    _, leaves = levels(eu)
    rows = reference_rows("eu_ai_act_articles.csv")
    expected = [r for r in rows if r["id"] not in EU_NOT_SHIPPED]
    assert {r["id"] for r in rows} >= EU_NOT_SHIPPED, "the exclusions name real rows"
    assert {c.id for c in leaves} == ids(EU_AI_ACT, [r["id"] for r in expected])
    assert len(leaves) == 34
    by_ref = {c.ref: c for c in leaves}
    for row in expected:
        criterion = by_ref[row["id"]]
        assert row["applies_from"] in criterion.description
        if row["omnibus_2026_date"]:
            assert "Digital Omnibus" in criterion.description, f"{row['id']} must note the 2026 amendment"


def test_titles_are_short_own_words(seeds: Bundle) -> None:
    """Licensed frameworks carry ids and short paraphrases only, never the standard's text."""
    for c in seeds.criteria:
        if c.framework in (SOC2, ISO27001, ISO42001):
            assert len(c.title) <= 80, c.id
            assert len(c.description) <= 300, c.id


# ------------------------------------------------------------------------------ ATLAS


def test_atlas_threats_match_the_reference_and_ship_their_notice(seeds: Bundle) -> None:
    rows = reference_rows("atlas_techniques.csv")
    assert {t.id for t in seeds.threats} == {r["id"] for r in rows}
    assert len(seeds.threats) == len(rows) == 170
    tactics = {r["short_title"] for r in reference_rows("atlas_tactics.csv")}
    for threat in seeds.threats:
        assert threat.tactic, threat.id
        assert set(threat.tactic.split("; ")) <= tactics, threat.id
    notice = (SEEDS / "atlas" / "NOTICE").read_text(encoding="utf-8")
    assert "MITRE" in notice and "Apache License, Version 2.0" in notice
    assert "Apache License" in (SEEDS / "atlas" / "LICENSE").read_text(encoding="utf-8")


def test_library_mitigates_the_main_ai_attack_families(seeds: Bundle) -> None:
    mitigated = {link.target for link in seeds.mitigates if link.source.startswith("AGC-")}
    assert {
        "AML.T0024",  # exfiltration via inference API (model extraction)
        "AML.T0005",  # proxy model (model extraction)
        "AML.T0020",  # poison training data
        "AML.T0015",  # evade AI model
        "AML.T0043",  # craft adversarial data (evasion)
        "AML.T0051",  # LLM prompt injection
    } <= mitigated


# ------------------------------------------------------------------------------ crosswalks


def test_every_mapping_has_relationship_strength_and_rationale(seeds: Bundle, seeded: EmbeddedStore) -> None:
    assert len(seeds.mappings) >= 300
    pairs = [(m.source, m.target) for m in seeds.mappings]
    assert len(pairs) == len(set(pairs)), "one edge per pair"
    for m in seeds.mappings:
        assert isinstance(m.relationship, MappingRelationship)
        assert m.strength in range(1, 11)
        assert m.rationale.strip() and "\n" not in m.rationale
    # the store keeps them with their properties
    rows = crosswalk(seeded, SOC2, ISO27001).rows
    assert rows and all(r.rationale and 1 <= r.strength <= 10 for r in rows)


def test_crosswalk_files_state_method_and_direction(seeds: Bundle) -> None:
    files = sorted((SEEDS / "crosswalks").glob("*.yaml"))
    assert len(files) == 5
    for path in files:
        head = path.read_text(encoding="utf-8").split("format:")[0]
        assert head.startswith("#") and "Method:" in head and "own analysis" in head, path.name
        assert "No AICPA, CSA (CCM/AICM), Secure Controls" in " ".join(head.replace("#", " ").split())
    framework_of = {c.id: c.framework for c in seeds.criteria}
    directions = Counter((framework_of[m.source], framework_of[m.target]) for m in seeds.mappings)
    assert set(directions) == {
        (SOC2, ISO27001),
        (SOC2, CSF),
        (SOC2, ISO42001),
        (ISO42001, AI_RMF),
        (ISO42001, EU_AI_ACT),
    }


@pytest.mark.parametrize("target", [ISO27001, CSF, ISO42001])
def test_every_soc2_criterion_maps_to(seeds: Bundle, target: str) -> None:
    framework_of = {c.id: c.framework for c in seeds.criteria}
    leaves = {c.id for c in levels(criteria_of(seeds, target))[1]}
    mapped = {m.source for m in seeds.mappings if framework_of[m.target] == target}
    assert all(m.target in leaves for m in seeds.mappings if framework_of[m.target] == target)
    assert {c.id for c in criteria_of(seeds, SOC2)} - mapped == set()


# ------------------------------------------------------------------------------ the control library


def test_library_has_60_controls_each_mapped_to_soc2_and_an_ai_framework(seeds: Bundle) -> None:
    library = [c for c in seeds.controls if c.id.startswith("AGC-")]
    assert len(library) >= 60
    framework_of = {c.id: c.framework for c in seeds.criteria}
    satisfied: dict[str, set[str]] = defaultdict(set)
    for link in seeds.satisfies:
        satisfied[link.source].add(framework_of[link.target])
    for control in library:
        assert SOC2 in satisfied[control.id], f"{control.id} satisfies no SOC 2 criterion"
        assert satisfied[control.id] & AI_FRAMEWORKS, f"{control.id} satisfies no ISO/IEC 42001 or AI RMF criterion"
        assert control.title and control.domain
        assert control.expected_evidence, f"{control.id} names no expected evidence"


def test_library_covers_the_ai_lifecycle(seeds: Bundle) -> None:
    titles = " ".join(c.title.lower() for c in seeds.controls if c.id.startswith("AGC-"))
    for topic in (
        "data sourcing",
        "lineage",
        "labelling",
        "training",
        "evaluation",
        "red teaming",
        "deployment",
        "drift",
        "incident",
        "decommissioning",
        "extraction",
        "poisoning",
        "adversarial",
        "prompt injection",
    ):
        assert topic in titles, topic


def test_every_soc2_criterion_is_satisfied_by_a_library_control(seeds: Bundle) -> None:
    satisfied = {link.target for link in seeds.satisfies if link.source.startswith("AGC-")}
    assert {c.id for c in criteria_of(seeds, SOC2)} - satisfied == set()


def test_iso42001_stays_mostly_derived_through_the_crosswalk(seeds: Bundle) -> None:
    leaves = {c.id for c in levels(criteria_of(seeds, ISO42001))[1]}
    direct = {link.target for link in seeds.satisfies} & leaves
    assert 0 < len(direct) < len(leaves) // 2


def test_iso42001_coverage_on_the_demo_has_derived_statuses(seeded: EmbeddedStore) -> None:
    report = coverage(seeded, ISO42001, DEMO_NOW)
    leaves = [row for row in report.criteria if row.is_leaf]
    assert len(leaves) == 38
    derived = [row for row in leaves if row.derived]
    assert len({row.status for row in derived}) > 1
    for row in derived:
        assert row.controls == [] and row.via, row.criterion_id
        assert row.status == max((v.candidate for v in row.via), key=lambda s: s.rank)
    # some derive from SOC 2, some from the NIST AI RMF
    sources = {v.criterion_id.split(":")[0] for row in derived for v in row.via}
    assert {SOC2, AI_RMF} <= sources


def test_non_default_statuses_are_few_and_deliberate(seeds: Bundle) -> None:
    statuses = {c.id: c.status for c in seeds.controls if c.status is not ControlStatus.IMPLEMENTED}
    assert statuses == {
        "AGC-INF-06": ControlStatus.CARVED_OUT,  # to the cloud provider (demo-org.yaml relies_on)
        "AGC-PRV-04": ControlStatus.PLANNED,
        "AGC-LC-12": ControlStatus.PLANNED,
    }
