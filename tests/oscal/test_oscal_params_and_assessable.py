"""OSCAL catalog import: parameters rendered once as the catalog words them, assessable controls,
and the short default framework id (issue 13 items 4 and 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.model import Criterion, Framework, Label
from graph.oscal import export_oscal, import_oscal, read_oscal
from graph.oscal.catalog import read_catalog
from graph.oscal.common import short_id
from graph.queries import coverage, missing_evidence
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder

NIST_MODERATE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "oscal"
    / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
)
NIST_ID = "nist-sp-800-53-rev5-moderate"
T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def one_control(prose: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    """A catalog of one control whose statement is `prose`, with `params` on the control."""
    return {
        "catalog": {
            "uuid": "9b1c3c7e-8f0e-4a3e-9d55-6f1f0c7f4a11",
            "metadata": {"title": "Params", "version": "1", "oscal-version": "1.2.1"},
            "controls": [
                {
                    "id": "x-1",
                    "title": "X",
                    "params": params,
                    "parts": [{"id": "x-1_smt", "name": "statement", "prose": prose}],
                }
            ],
        }
    }


def rendered(prose: str, *params: dict[str, Any]) -> str:
    (criterion,) = read_catalog(one_control(prose, list(params)), "p.json").imported.bundle.criteria
    return criterion.description


# -- the param forms of the OSCAL catalog model: label, guidelines, select/choice, values ---------


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ({"id": "p1", "label": "personnel or roles"}, "[Assignment: personnel or roles]"),
        # NIST sometimes puts "organization-defined" in the label itself: it appears once.
        (
            {"id": "p1", "label": "organization-defined personnel or roles"},
            "[Assignment: organization-defined personnel or roles]",
        ),
        (
            {"id": "p1", "label": "frequency", "guidelines": [{"prose": "the review frequency is defined;"}]},
            "[Assignment: frequency]",
        ),
        (
            {"id": "p1", "guidelines": [{"prose": "personnel or roles to be notified are defined;"}]},
            "[Assignment: personnel or roles to be notified are defined;]",
        ),
        ({"id": "p1"}, "[Assignment: p1]"),
        ({"id": "p1", "label": "frequency", "values": ["monthly"]}, "monthly"),
        ({"id": "p1", "values": ["daily", "weekly"]}, "daily; weekly"),
        ({"id": "p1", "select": {"choice": ["remove", "disable"]}}, "[Selection: remove; disable]"),
        (
            {"id": "p1", "select": {"how-many": "one-or-more", "choice": ["organization-level", "system-level"]}},
            "[Selection (one or more): organization-level; system-level]",
        ),
    ],
)
def test_a_parameter_reads_once_as_the_catalog_words_it(param: dict[str, Any], expected: str) -> None:
    assert rendered("Notify {{ insert: param, p1 }} now.", param) == f"Notify {expected} now."


def test_a_choice_may_insert_another_parameter_but_never_itself() -> None:
    choose = {"id": "p1", "select": {"choice": ["{{ insert: param, p2 }}", "never", "{{ insert: param, p1 }}"]}}
    days = {"id": "p2", "label": "time period"}
    assert (
        rendered("{{ insert: param, p1 }}", choose, days)
        == "[Selection: [Assignment: time period]; never; [Assignment: p1]]"
    )


def test_an_unknown_parameter_is_named() -> None:
    assert rendered("Use {{ insert: param, nope }}.") == "Use [Assignment: nope]."


def test_no_parameter_of_the_nist_catalog_reads_doubled() -> None:
    criteria = read_oscal(NIST_MODERATE).bundle.criteria
    text = "\n".join(c.description for c in criteria)
    assert "organization-defined organization-defined" not in text and "{{" not in text
    ac2 = next(c for c in criteria if c.ref == "AC-2")
    assert "[Assignment: personnel or roles]" in ac2.description  # label "personnel or roles"
    assert "[Assignment: organization-defined personnel or roles]" in text  # a label that carries it


# -- the default framework id ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE", "nist-sp-800-53-rev5-moderate"),
        ("NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE", "nist-sp-800-53-rev5-low"),
        ("NIST SP 800-53 Rev. 5 Catalog", "nist-sp-800-53-rev5-catalog"),
        ("Foreign Baseline", "foreign-baseline"),
        ("ISO/IEC 27001:2022", "iso-iec-27001-2022"),
        ("The Cybersecurity Framework 2.0", "cybersecurity-framework-2.0"),
        ("A " + "very long words " * 10, "a-very-long-words-very-long-words-very-long-words-very-long"),
    ],
)
def test_the_default_framework_id_is_short_and_readable(title: str, expected: str) -> None:
    assert short_id(title) == expected
    assert len(short_id(title)) <= 60


def test_a_given_framework_id_still_wins() -> None:
    (framework,) = read_oscal(NIST_MODERATE, "mine").bundle.frameworks
    assert framework.id == "mine"


# -- assessable controls -----------------------------------------------------------------------


def test_every_nist_control_is_assessable_and_no_family(store: GraphStore) -> None:
    import_oscal(store, NIST_MODERATE)
    criteria = {c.id: c for c in store.framework_criteria(NIST_ID)}
    families = {c.id for c in criteria.values() if c.parent is None}
    assert len(families) == 18 and all(criteria[f].assessable is False for f in families)
    assert all(c.assessable is True for c in criteria.values() if c.id not in families)
    ac2 = criteria[f"{NIST_ID}:AC-2"]
    assert any(c.parent == ac2.id for c in criteria.values()), "AC-2 has enhancements in the baseline"
    report = coverage(store, NIST_ID, T)
    assert report.totals.total == 287, "every control counts, base controls with enhancements included"


def test_a_control_mapped_to_ac_2_counts_in_coverage(store: GraphStore) -> None:
    import_oscal(store, NIST_MODERATE)
    before = coverage(store, NIST_ID, T).totals
    b = GraphBuilder().control("iam-review", frequency="quarterly", satisfies=[f"{NIST_ID}:AC-2"])
    b.evidence("iam-review", datetime(2026, 11, 1, tzinfo=UTC)).write_to(store)
    report = coverage(store, NIST_ID, T)
    rows = {r.criterion_id: r for r in report.criteria}
    assert rows[f"{NIST_ID}:AC-2"].status.value == "COVERED"
    assert (report.totals.covered, report.totals.uncovered) == (before.covered + 1, before.uncovered - 1)
    assert rows[f"{NIST_ID}:ac"].status.value == "PARTIAL", "the family rolls up over its controls"
    assert [r.control_id for r in missing_evidence(store, datetime(2027, 6, 1, tzinfo=UTC), NIST_ID).rows] == [
        "iam-review"
    ]


def test_assessable_round_trips_through_our_own_export(tmp_path: Path) -> None:
    source = EmbeddedStore()
    import_oscal(source, NIST_MODERATE)
    GraphBuilder().framework("fw").criterion("G").criterion("L", parent="fw:G", assessable=False).write_to(source)
    summary = export_oscal(source, tmp_path, now=T)
    copy = EmbeddedStore()
    for path in summary.catalogs:
        import_oscal(copy, path)

    def flags(store: EmbeddedStore) -> dict[str, bool | None]:
        return {c.id: c.assessable for c in store.export().criteria}

    assert flags(copy) == flags(source)
    assert flags(copy)["fw:G"] is None and flags(copy)["fw:L"] is False
    assert flags(copy)[f"{NIST_ID}:AC-2"] is True and flags(copy)[f"{NIST_ID}:ac"] is False
    nodes = copy.get_nodes(Label.FRAMEWORK, [NIST_ID])
    assert isinstance(nodes[NIST_ID], Framework)
    assert all(isinstance(c, Criterion) for c in copy.framework_criteria("fw"))
