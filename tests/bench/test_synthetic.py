"""The synthetic org generator: deterministic by seed, and shaped like a real AI organisation."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench.synthetic import SCALES, SyntheticOrg, catalog_bundle
from graph.bundle import Bundle, parse_bundle
from graph.checks.references import check_bundle


@pytest.fixture(scope="module")
def catalog() -> Bundle:
    return catalog_bundle()


@pytest.fixture(scope="module")
def small(catalog: Bundle) -> tuple[SyntheticOrg, list[dict[str, object]]]:
    org = SyntheticOrg("S", seed=7, catalog=catalog)
    return org, list(org.documents(chunk=20_000))


def test_same_seed_same_documents_other_seed_other_ones(catalog: Bundle) -> None:
    first = json.dumps(list(SyntheticOrg("XS", seed=3, catalog=catalog).documents()), sort_keys=True)
    again = json.dumps(list(SyntheticOrg("XS", seed=3, catalog=catalog).documents()), sort_keys=True)
    other = json.dumps(list(SyntheticOrg("XS", seed=4, catalog=catalog).documents()), sort_keys=True)
    assert first == again
    assert first != other


def test_documents_are_valid_bundles_whose_references_resolve_in_order(
    small: tuple[SyntheticOrg, list[dict[str, object]]],
) -> None:
    _org, documents = small
    known: dict[str, set[str]] = {}
    for document in documents:
        bundle = parse_bundle(document)
        check_bundle(bundle, lambda label, ids: ids & known.get(label.value, set()))
        for label, node in bundle.nodes():
            known.setdefault(label.value, set()).add(node.id)


def test_counts_at_scale_s(small: tuple[SyntheticOrg, list[dict[str, object]]]) -> None:
    org, _ = small
    shape = org.shape
    assert sum(shape.assets_by_kind.values()) == SCALES["S"].assets
    assert 0.85 * SCALES["S"].evidence <= shape.evidence <= 1.1 * SCALES["S"].evidence
    assert shape.controls_scoped >= 60
    scoped_sizes = sorted(len(a) for a in org.scope.values() if a)
    assert scoped_sizes[len(scoped_sizes) // 2] >= 100  # most controls apply to hundreds of assets


def test_hubs_and_chains_exist(small: tuple[SyntheticOrg, list[dict[str, object]]]) -> None:
    org, _ = small
    kind = {a["id"]: a["kind"] for a in org.assets}
    fan_in = Counter(target for _, target, _ in org.depends)
    assert kind[org.shape.hub] == "infrastructure"
    assert fan_in[org.shape.hub] >= SCALES["S"].assets // 10  # a shared hub
    edges = {(kind[s], kind[t], k) for s, t, k in org.depends}
    assert ("model", "dataset", "trained_on") in edges
    assert ("endpoint", "model", "serves") in edges
    assert ("service", "endpoint", "calls") in edges
    assert ("dataset", "dataset", "derived_from") in edges
    # A whole chain dataset -> model -> endpoint -> service, read as "depends on" backwards.
    depends_on: dict[str, set[str]] = {}
    for s, t, _ in org.depends:
        depends_on.setdefault(t, set()).add(s)
    chains = [
        (d, m, e, s)
        for d in org.raw_datasets[:50]
        for m in depends_on.get(d, ())
        if kind[m] == "model"
        for e in depends_on.get(m, ())
        if kind[e] == "endpoint"
        for s in depends_on.get(e, ())
        if kind[s] == "service"
    ]
    assert chains
    assert max(Counter(s for s, _, k in org.depends if k == "trained_on").values()) > 1  # fan-in
    assert max(Counter(t for _, t, k in org.depends if k == "serves").values()) > 1  # fan-out


def test_evidence_statuses_mix(small: tuple[SyntheticOrg, list[dict[str, object]]]) -> None:
    org, documents = small
    statuses = Counter(e["status"] for d in documents for e in d.get("evidence", []))  # type: ignore[union-attr]
    assert set(statuses) == {"accepted", "pending", "rejected"}
    assert statuses["accepted"] > 0.9 * sum(statuses.values())
    assert org.shape.supersedes > 0 and org.shape.changed_assets > 0 and org.shape.covers > 0
