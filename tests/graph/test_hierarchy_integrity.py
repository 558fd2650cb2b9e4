"""The criterion hierarchy: a parent is in the same framework and CHILD_OF never loops.

Both stores refuse such a bundle before writing anything, and `attestgraph validate` reports it
with file and line, next to the checks it already made (schema, framework, criterion and
control ids).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.bundle import Bundle
from graph.checks.references import check_bundle, hierarchy_problems
from graph.errors import InvalidInputError
from graph.seeds import SEEDS_DIR, load_seed_bundle
from graph.store import GraphStore
from service.cli import app


def criteria(*rows: tuple[str, str, str | None]) -> Bundle:
    """(id, framework, parent) rows, with both frameworks present."""
    items: list[dict[str, Any]] = [
        {"id": cid, "ref": cid.split(":")[-1], "title": cid, "framework": fw, "parent": parent}
        for cid, fw, parent in rows
    ]
    return Bundle.model_validate(
        {"frameworks": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}], "criteria": items}
    )


def reasons(bundle: Bundle) -> dict[str, str]:
    return {p.field: p.reason for p in hierarchy_problems(bundle)}


def test_a_parent_in_another_framework_is_named() -> None:
    bundle = criteria(("a:1", "a", None), ("b:1", "b", "a:1"), ("a:2", "a", "a:1"))
    assert reasons(bundle) == {"criteria[1].parent": "Criterion 'a:1' belongs to framework 'a', not 'b'"}


def test_a_cycle_is_reported_once_from_its_first_criterion() -> None:
    bundle = criteria(("a:r", "a", None), ("a:1", "a", "a:3"), ("a:2", "a", "a:1"), ("a:3", "a", "a:2"))
    assert reasons(bundle) == {"criteria[1].parent": "CHILD_OF cycle: a:1 -> a:3 -> a:2 -> a:1"}


def test_a_chain_into_a_cycle_reports_only_the_cycle() -> None:
    bundle = criteria(("a:x", "a", "a:1"), ("a:1", "a", "a:2"), ("a:2", "a", "a:1"))
    assert reasons(bundle) == {"criteria[1].parent": "CHILD_OF cycle: a:1 -> a:2 -> a:1"}


def test_deep_trees_and_parents_outside_the_bundle_are_fine() -> None:
    rows = [("a:0", "a", None)] + [(f"a:{n}", "a", f"a:{n - 1}") for n in range(1, 2000)]
    assert reasons(criteria(*rows, ("a:z", "a", "a:in-the-store"))) == {}


def test_the_shipped_seeds_have_a_clean_hierarchy() -> None:
    seeds = load_seed_bundle(SEEDS_DIR)
    assert hierarchy_problems(seeds) == []
    check_bundle(seeds, lambda _label, _ids: set())  # every reference resolves within the seeds


def test_both_stores_refuse_a_bad_hierarchy_and_write_nothing(store: GraphStore) -> None:
    bad = criteria(("a:1", "a", "a:2"), ("a:2", "a", "a:1"), ("b:1", "b", "a:1"))
    with pytest.raises(InvalidInputError) as raised:
        store.write(bad)
    assert {p.field for p in raised.value.problems} == {"criteria[0].parent", "criteria[2].parent"}
    assert store.export().is_empty()


GOOD = """\
frameworks:
  - {id: a, name: A}
  - {id: b, name: B}
criteria:
  - {id: 'a:1', ref: '1', title: One, framework: a}
  - {id: 'b:1', ref: '1', title: One, framework: b}
"""


@pytest.mark.parametrize(
    ("extra", "line", "field", "reason"),
    [
        (
            "criteria:\n  - {id: 'b:2', ref: '2', title: Two, framework: b, parent: 'a:1'}\n",
            2,
            "criteria[0].parent",
            "belongs to framework 'a', not 'b'",
        ),
        (
            "criteria:\n  - {id: 'a:2', ref: '2', title: T, framework: a, parent: 'a:3'}\n"
            "  - {id: 'a:3', ref: '3', title: T, framework: a, parent: 'a:2'}\n",
            2,
            "criteria[0].parent",
            "CHILD_OF cycle: a:2 -> a:3 -> a:2",
        ),
        ("criteria:\n  - {id: 'c:1', ref: '1', title: T, framework: c}\n", 2, "criteria[0].framework", "'c'"),
        ("satisfies:\n  - {source: k, target: 'a:9'}\n", 2, "satisfies[0]", "does not exist"),
        (
            "evidence:\n  - {id: e, title: E, control: nope, collected_at: '2026-01-01T00:00:00Z'}\n",
            2,
            "evidence[0].control",
            "Control 'nope' does not exist",
        ),
    ],
)
def test_validate_names_file_line_and_path(tmp_path: Path, extra: str, line: int, field: str, reason: str) -> None:
    (tmp_path / "base.yaml").write_text(GOOD)
    (tmp_path / "more.yaml").write_text(extra)
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2, result.output
    expected = f"{tmp_path / 'more.yaml'}:{line}: {field}"
    assert any(expected in row and reason in row for row in result.output.splitlines()), result.output
