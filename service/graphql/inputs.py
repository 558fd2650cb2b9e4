"""GraphQL inputs of the mutations, turned into one validated `Bundle` per mutation."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

import strawberry

from graph.bundle import Bundle, parse_bundle
from graph.checks.evidence_immutability import content_sha256
from graph.errors import FieldProblem, InvalidInputError
from graph.model import MAX_CLOCK_SKEW, now_utc
from graph.model import Asset as AssetModel
from graph.model import Control as ControlModel
from graph.model import Evidence as EvidenceModel
from graph.model import Vendor as VendorModel
from graph.queries.results import ChangeRequest
from service.graphql.enums import ChangeKind, DependencyKind, EvidenceStatus, IdentifierKind
from service.graphql.errors import camel_path
from service.graphql.model_types import input_type
from service.graphql.scalars import DateTime

MAX_BATCH = 1000
MAX_NOTE = 10_000  # as graph.model.Text


@strawberry.input(description="An asset identifier; its value is normalised for its kind (graph/model/identifiers.py).")
class AssetIdentifierInput:
    kind: IdentifierKind
    value: str


@input_type(
    AssetModel,
    optional=True,
    # identifiers: declared below, a list of inputs; model_card: written by ML-BOM imports only (kept on upsert)
    exclude=("identifiers", "model_card"),
    notes={"kind": "Required for a new asset.", "name": "Required for a new asset."},
    description="An asset. Updating a stored one, a field left out keeps its stored value (null clears a text "
    "field). `changedAt`, if given, appends one change at that instant to its history; the history itself is "
    "never touched by an upsert.",
)
class AssetInput:
    if TYPE_CHECKING:  # derived from the model (input_type); named here for the type checker
        id: strawberry.ID
    identifiers: list[AssetIdentifierInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"{AssetModel.model_fields['identifiers'].description} The whole list; null clears it.",
    )

    def merged(self, stored: AssetModel | None) -> dict[str, Any]:
        """The whole asset to write: the fields sent over the stored ones (a new asset: over the
        defaults). An explicit null clears a text field; kind and name cannot be cleared."""
        values: dict[str, Any] = stored.model_dump() if stored is not None else {}
        for name, value in vars(self).items():
            if value is strawberry.UNSET:
                continue
            if value is None:
                if name in _CLEARABLE:
                    values[name] = ""
                elif name == "identifiers":
                    values[name] = []
                continue  # changed_at: no change recorded; kind, name: kept (or missing)
            if name == "identifiers":
                value = [{"kind": i.kind.value, "value": i.value} for i in value]
            values[name] = value.value if hasattr(value, "value") else value
        return values


# The text fields null clears: those whose default is the empty text.
_CLEARABLE = frozenset(name for name, field in AssetModel.model_fields.items() if field.default == "")


@strawberry.input
class DependencyInput:
    source: strawberry.ID
    target: strawberry.ID
    kind: DependencyKind


@input_type(ControlModel)
class ControlInput:
    if TYPE_CHECKING:  # derived from the model (input_type); named here for the type checker
        id: strawberry.ID

    satisfies: list[strawberry.ID] = strawberry.field(default_factory=list, description="Criterion ids.")
    applies_to: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids.")
    relies_on: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Vendor ids whose reports stand in for it (required when carved out)."
    )


@input_type(VendorModel)
class VendorInput:
    if TYPE_CHECKING:  # derived from the model (input_type); named here for the type checker
        id: strawberry.ID

    provides: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids it provides.")


@input_type(
    EvidenceModel,
    ids=("id", "control", "supersedes"),
    exclude=("recorded_by", "recorded_at"),
    notes={"sha256": "Required unless content is sent."},
)
class EvidenceInput:
    content: str | None = strawberry.field(
        default=None, description="The evidence itself as text: its SHA-256 is computed and checked, not stored."
    )
    content_base64: str | None = strawberry.field(default=None, description="The evidence itself, base64-encoded.")
    covers: list[strawberry.ID] = strawberry.field(default_factory=list, description="Asset ids; empty = all.")

    if TYPE_CHECKING:  # derived from the model (input_type); named here for the type checker
        id: strawberry.ID
        control: strawberry.ID
        status: EvidenceStatus
        sha256: str | None

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
    kind: ChangeKind = ChangeKind.OTHER
    note: str | None = None

    def request(self, recorded_by: str | None = None) -> ChangeRequest:
        """The change asked for (what `impact` supposes: any instant)."""
        return ChangeRequest(
            asset_id=self.asset,
            at=self.at,
            propagate=self.propagate,
            kind=self.kind,
            note=self.note,
            recorded_by=recorded_by,
        )

    def record(self, recorded_by: str | None) -> ChangeRequest:
        """The change to record: `at` past the server's clock plus the skew is refused (`change.at`)."""
        latest = now_utc() + MAX_CLOCK_SKEW
        if self.at > latest:
            raise InvalidInputError.one(
                "change.at",
                f"{self.at.isoformat()} lies in the future: at most {MAX_CLOCK_SKEW.seconds // 60} minutes past "
                "the server's clock is accepted",
            )
        if self.note is not None and len(self.note) > MAX_NOTE:
            raise InvalidInputError.one("change.note", f"may be at most {MAX_NOTE} characters")
        return self.request(recorded_by)


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
