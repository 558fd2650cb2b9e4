"""Identifier values are normalised per kind, so one host, address or package is one identifier;
a malformed value is refused with the reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.errors import InvalidInputError
from graph.imports.asset_kinds import inferred_kind
from graph.imports.matching import parse_identifiers
from graph.model import AssetIdentifier, AssetKind, openlineage_identifier


@pytest.mark.parametrize(
    ("kind", "given", "normal"),
    [
        ("hostname", " GPU-01.Example.COM. ", "gpu-01.example.com"),
        ("hostname", "bücher.example", "xn--bcher-kva.example"),
        ("ip", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("ip", " 10.0.0.7", "10.0.0.7"),
        ("url", "HTTPS://API.Example.com:443", "https://api.example.com/"),
        ("url", "http://Host:8080/Path?q=A#frag", "http://host:8080/Path?q=A"),
        (
            "arn",
            "ARN:aws:sagemaker:eu-west-1:123456789012:model/Fraud",
            "arn:aws:sagemaker:eu-west-1:123456789012:model/Fraud",
        ),
        ("purl", "pkg:PyPI/Django@5.0", "pkg:pypi/django@5.0"),
        ("purl", "pkg:huggingface/acme/fraud-bert@a1b2c3", "pkg:huggingface/acme/fraud-bert@a1b2c3"),
        ("bom_ref", "model-1", "model-1"),
        ("openlineage", "s3://lake#raw/events", "s3://lake#raw/events"),
    ],
)
def test_values_are_normalised_per_kind(kind: str, given: str, normal: str) -> None:
    identifier = AssetIdentifier.model_validate({"kind": kind, "value": given})
    assert identifier.value == normal
    assert identifier.key == f"{kind}:{normal}"
    assert AssetIdentifier.model_validate(identifier.key) == identifier  # the stores' text form reads back


@pytest.mark.parametrize(
    ("kind", "given", "reason"),
    [
        ("ip", "300.1.1.1", "not an IPv4 or IPv6 address"),
        ("hostname", "10.0.0.1", "use kind 'ip'"),
        ("hostname", "bad host", "not a host name"),
        ("url", "https:///path", "not a URL with a host"),
        ("url", "example.com/x", "no scheme"),
        ("url", "https://user:secret@example.com/", "never carries credentials"),
        ("arn", "arn:aws:s3", "not an ARN"),
        ("purl", "django@5.0", "not a package URL"),
        ("bom_ref", "  ", "not blank"),
        ("openlineage", "no-separator", "namespace#name"),
    ],
)
def test_malformed_values_are_refused_naming_field_and_reason(kind: str, given: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        AssetIdentifier.model_validate({"kind": kind, "value": given})
    with pytest.raises(InvalidInputError) as refused:
        parse_identifiers([{"kind": "ip", "value": "10.0.0.1"}, {"kind": kind, "value": given}], "observed")
    [problem] = refused.value.problems
    assert problem.field == "observed[1]"
    assert reason in problem.reason


def test_kinds_inferred_by_the_documented_rules() -> None:
    def kind(k: str, v: str) -> AssetKind | None:
        return inferred_kind(AssetIdentifier.model_validate({"kind": k, "value": v}))

    assert kind("hostname", "gpu-01") is AssetKind.INFRASTRUCTURE
    assert kind("ip", "10.0.0.1") is AssetKind.INFRASTRUCTURE
    assert kind("url", "https://api.example.com/v1") is AssetKind.ENDPOINT
    assert kind("purl", "pkg:huggingface/acme/bert") is AssetKind.MODEL
    assert kind("purl", "pkg:github/acme/repo") is AssetKind.REPOSITORY
    assert kind("purl", "pkg:pypi/requests") is AssetKind.SERVICE
    assert kind("arn", "arn:aws:sagemaker:eu-west-1:1:endpoint/fraud") is AssetKind.ENDPOINT
    assert kind("arn", "arn:aws:s3:::lake") is AssetKind.DATASET
    assert kind("arn", "arn:aws:ec2:eu-west-1:1:instance/i-1") is AssetKind.INFRASTRUCTURE
    assert inferred_kind(openlineage_identifier("s3://lake", "raw/events")) is AssetKind.DATASET
    assert kind("bom_ref", "component-7") is None


def test_the_demo_assets_carry_identifiers_an_importer_matches() -> None:
    from pathlib import Path

    from graph.seeds import load_seed_bundle

    demo = load_seed_bundle(Path(__file__).parents[2] / "seeds" / "demo" / "demo-org.yaml")
    held = {i.key: a.id for a in demo.assets for i in a.identifiers}
    assert held["hostname:gpu-inference-01.prod.demo.example"] == "inf-gpu-cluster"
    assert held["url:https://chat.demo.example/v1"] == "ep-public-chat"
    assert held["purl:pkg:huggingface/demo-org/kb-embedder@v3"] == "mdl-embedder"
