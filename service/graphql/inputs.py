"""GraphQL inputs of the mutations, turned into one validated `Bundle` per mutation."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import strawberry

from graph.bundle import Bundle, parse_bundle
from graph.errors import FieldProblem, InvalidInputError
from graph.evidence import content_sha256
from graph.model import Asset
from graph.queries.results import ChangeRequest
from service.graphql.enums import AssetKind, ControlKind, ControlStatus, DependencyKind, EvidenceStatus, Frequency
from service.graphql.errors import camel_path
from service.graphql.scalars import DateTime

MAX_BATCH = 1000


@strawberry.input(
    description="An asset. Updating a stored one, a field left out keeps its stored value (null clears a text "
    "field); `changedAt` never moves back: an older one, or null, keeps the stored time."
)
class AssetInput:
    id: strawberry.ID
    kind: AssetKind | None = strawberry.field(default=strawberry.UNSET, description="Required for a new asset.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Required for a new asset.")
    owner: str | None = strawberry.UNSET
    environment: str | None = strawberry.UNSET
    classification: str | None = strawberry.UNSET
    criticality: str | None = strawberry.UNSET
    changed_at: DateTime | None = strawberry.UNSET

    def merged(self, stored: Asset | None) -> dict[str, Any]:
        """The whole asset to write: the fields sent over the stored ones (a new asset: over the
        defaults). An explicit null clears a text field; kind and name cannot be cleared."""
        values: dict[str, Any] = stored.model_dump() if stored is not None else {}
        for name, value in vars(self).items():
            if value is strawberry.UNSET:
                continue
            if value is None:
                if name in _CLEARABLE:
                    values[name] = ""
                continue  # changed_at: the store keeps the stored time; kind, name: kept (or missing)
            values[name] = value.value if hasattr(value, "value") else value
        return values


_CLEARABLE = frozenset({"owner", "environment", "classification", "criticality"})


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
    sha256: str | None = strawberry.field(
        default=None, description="SHA-256 (hex) of the evidence file; required unless content is sent."
    )
    content: str | None = strawberry.field(
        default=None, description="The evidence itself as text: its SHA-256 is computed and checked, not stored."
    )
    content_base64: str | None = strawberry.field(default=None, description="The evidence itself, base64-encoded.")
    supersedes: strawberry.ID | None = strawberry.field(
        default=None, description="The evidence this item corrects: it stays on record but no longer counts."
    )
    covers: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids; empty = all.")

    def digest(self) -> str | None:
        """The SHA-256 the item carries: of its content when sent (checked against `sha256`)."""
        if self.content is not None and self.content_base64 is not None:
            raise InvalidInputError.one("evidence.content", "send content or contentBase64, not both")
        raw: bytes | None = None
        if self.content is not None:
            raw = self.content.encode("utf-8")
        elif self.content_base64 is not None:
            try:
                raw = base64.b64decode(self.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInputError.one("evidence.contentBase64", "is not valid base64") from None
        if raw is None:
            if self.sha256 is None:
                raise InvalidInputError.one(
                    "evidence.sha256", "is required: the SHA-256 of the evidence file, or send its content"
                )
            return self.sha256
        computed = content_sha256(raw)
        if self.sha256 is not None and self.sha256.lower() != computed:
            raise InvalidInputError.one("evidence.sha256", f"does not match the content, whose SHA-256 is {computed}")
        return computed


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
