"""GraphQL inputs of the mutations, turned into one validated `Bundle` per mutation."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.bundle import Bundle, parse_bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.queries.results import ChangeRequest
from service.graphql.enums import AssetKind, ControlKind, ControlStatus, DependencyKind, EvidenceStatus, Frequency
from service.graphql.errors import camel_path
from service.graphql.scalars import DateTime

MAX_BATCH = 1000


@strawberry.input
class AssetInput:
    id: strawberry.ID
    kind: AssetKind
    name: str
    owner: str = ""
    environment: str = ""
    classification: str = ""
    criticality: str = ""
    changed_at: DateTime | None = None


@strawberry.input
class DependencyInput:
    source: strawberry.ID
    target: strawberry.ID
    kind: DependencyKind


@strawberry.input
class ControlInput:
    id: strawberry.ID
    title: str
    description: str = ""
    domain: str = ""
    owner: str = ""
    status: ControlStatus = ControlStatus.IMPLEMENTED
    frequency: Frequency = Frequency.QUARTERLY
    kind: ControlKind = ControlKind.PREVENTIVE
    automated: bool = False
    expected_evidence: list[str] = strawberry.field(default_factory=list)
    satisfies: list[strawberry.ID] = strawberry.field(default_factory=list, description="Criterion ids.")
    applies_to: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids.")


@strawberry.input
class VendorInput:
    id: strawberry.ID
    name: str
    service: str = ""
    risk_tier: str = ""
    report_valid_until: DateTime | None = None
    provides: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids it provides.")


@strawberry.input
class EvidenceInput:
    id: strawberry.ID
    title: str
    control: strawberry.ID
    collected_at: DateTime
    kind: str = ""
    valid_until: DateTime | None = None
    status: EvidenceStatus = EvidenceStatus.PENDING
    uri: str = ""
    sha256: str | None = None
    covers: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids; empty = all.")


@strawberry.input
class ChangeInput:
    asset: strawberry.ID
    at: DateTime
    propagate: bool = True

    def request(self) -> ChangeRequest:
        return ChangeRequest(asset_id=self.asset, at=self.at, propagate=self.propagate)


def check_batch(field: str, items: list[Any]) -> None:
    if not items:
        raise InvalidInputError.one(field, "must list at least one item")
    if len(items) > MAX_BATCH:
        raise InvalidInputError.one(field, f"may list at most {MAX_BATCH} items, not {len(items)}")


def to_bundle(data: dict[str, Any]) -> Bundle:
    """Validate as a bundle; problems name the fields as the API spells them."""
    try:
        return parse_bundle(data)
    except InvalidInputError as error:
        raise InvalidInputError([FieldProblem(camel_path(p.field), p.reason) for p in error.problems]) from None


def properties(item: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The plain values of an input object (enums by value), minus edge lists."""
    values = {}
    for name, value in vars(item).items():
        if name in exclude:
            continue
        values[name] = value.value if hasattr(value, "value") else value
    return values
