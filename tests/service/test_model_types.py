"""The GraphQL node and input types are derived from the pydantic models (service/graphql/model_types.py).

A field declared once in graph/model/nodes.py, with its description, reaches the SDL's object and input
types with the same type, nullability, default and description; nothing in service/ repeats it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import pytest
import strawberry
from graphql import GraphQLInputField, GraphQLInputObjectType, GraphQLObjectType, build_schema, print_ast
from pydantic import AwareDatetime, BaseModel, Field

from graph.model import (
    NODE_EDGE_FIELDS,
    NODE_MODELS,
    EthicalConsideration,
    EvidenceReview,
    FairnessAssessment,
    Label,
    ModelCard,
    ModelCardDataset,
    PerformanceMetric,
)
from graph.queries import results as r
from service.graphql.model_types import convert, input_type, object_type
from service.graphql.sdl import print_sdl

DESCRIBED_MODELS = [*NODE_MODELS.values(), EvidenceReview, ModelCard, ModelCardDataset, PerformanceMetric]
DESCRIBED_MODELS += [EthicalConsideration, FairnessAssessment]
# Mutation inputs derived from a node model, and the model fields they leave out (set by the server).
# AssetInput: a model card is written by ML-BOM imports only (graph/imports/cyclonedx.py).
INPUTS = {"AssetInput": (Label.ASSET, ("modelCard",)), "ControlInput": (Label.CONTROL, ())}
INPUTS |= {"VendorInput": (Label.VENDOR, ()), "EvidenceInput": (Label.EVIDENCE, ("recordedBy", "recordedAt"))}


def default(field: GraphQLInputField) -> str | None:
    """A field's default as the SDL writes it (None: required, no default)."""
    node = field.ast_node.default_value if field.ast_node is not None else None
    return print_ast(node) if node is not None else None


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@pytest.fixture(scope="module")
def schema() -> object:
    return build_schema(print_sdl())


@pytest.mark.parametrize("model", DESCRIBED_MODELS, ids=lambda m: m.__name__)
def test_every_model_field_has_a_description(model: type[BaseModel]) -> None:
    undescribed = [name for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert not undescribed, f"{model.__name__}: describe {undescribed} in graph/model/nodes.py (Field(description=...))"


@pytest.mark.parametrize("label", list(Label), ids=str)
def test_node_types_carry_the_model_descriptions(schema: object, label: Label) -> None:
    graphql_type = schema.get_type(label.value)  # type: ignore[attr-defined]
    assert isinstance(graphql_type, GraphQLObjectType)
    edges = NODE_EDGE_FIELDS.get(label, {})  # shown as the node they point at, with descriptions of their own
    for name, field in NODE_MODELS[label].model_fields.items():
        if name not in edges:
            assert graphql_type.fields[camel(name)].description == field.description, name


@pytest.mark.parametrize("input_name", list(INPUTS))
def test_inputs_take_the_model_fields_with_their_descriptions(schema: object, input_name: str) -> None:
    label, left_out = INPUTS[input_name]
    graphql_type = schema.get_type(input_name)  # type: ignore[attr-defined]
    assert isinstance(graphql_type, GraphQLInputObjectType)
    for name, field in NODE_MODELS[label].model_fields.items():
        if camel(name) in left_out:
            assert camel(name) not in graphql_type.fields
            continue
        description = graphql_type.fields[camel(name)].description or ""
        assert description.startswith(field.description or "-"), (input_name, name)


def test_control_input_defaults_are_the_models(schema: object) -> None:
    graphql_type = schema.get_type("ControlInput")  # type: ignore[attr-defined]
    assert isinstance(graphql_type, GraphQLInputObjectType)
    defaults = {name: default(f) for name, f in graphql_type.fields.items()}
    assert defaults["frequency"] == "QUARTERLY" and defaults["automated"] == "false"
    assert defaults["expectedEvidence"] == "[]" and defaults["description"] == '""' and defaults["title"] is None


# A throwaway model, as a contributor would add one: every kind of field the generator maps.
class _Part(BaseModel):
    label: str = Field(description="A part's label.")


class _Gadget(BaseModel):
    id: Annotated[str, Field(min_length=1)] = Field(description="Its key.")
    owner_id: str = Field(description="Who owns it.")
    size: Annotated[int, Field(ge=0)] = Field(default=3, description="How big.")
    seen_at: AwareDatetime | None = Field(default=None, description="When it was seen.")
    tags: list[Annotated[str, Field(max_length=5)]] = Field(default_factory=list, description="Free tags.")
    parts: list[_Part] = Field(default_factory=list, description="What it is made of.")
    secret: str = Field(default="", description="Never shown.")


@object_type(_Part)
class PartType:
    pass


@object_type(_Gadget, ids=("id", "owner_id"), exclude=("secret",))
class GadgetType:
    @strawberry.field(description="Its size, doubled (a resolver the model cannot declare).")
    def double(self) -> int:
        return 2 * int(self.size)  # type: ignore[attr-defined]


@input_type(_Gadget, ids=("id", "owner_id"), exclude=("parts", "secret"))
class GadgetInput:
    extra: bool = False


@input_type(_Gadget, optional=True, exclude=("parts", "secret"), notes={"size": "Left out: kept."})
class GadgetPatch:
    pass


@strawberry.type
class _Query:
    @strawberry.field
    def gadget(self) -> GadgetType:
        value = _Gadget(id="g", owner_id="o", seen_at=datetime(2026, 1, 1, tzinfo=UTC), parts=[_Part(label="p")])
        return convert(GadgetType, value)

    @strawberry.field
    def put(self, gadget: GadgetInput, patch: GadgetPatch) -> str:
        return f"{gadget.size} {patch.size is strawberry.UNSET}"  # type: ignore[attr-defined]


def test_a_models_fields_become_graphql_fields_with_types_defaults_and_descriptions() -> None:
    gadget_schema = strawberry.Schema(query=_Query)
    sdl = build_schema(gadget_schema.as_str())
    gadget = sdl.get_type("GadgetType")
    assert isinstance(gadget, GraphQLObjectType)
    assert {name: str(f.type) for name, f in gadget.fields.items()} == {
        "id": "ID!",
        "ownerId": "ID!",
        "size": "Int!",
        "seenAt": "DateTime",
        "tags": "[String!]!",
        "parts": "[PartType!]!",
        "double": "Int!",
    }
    assert gadget.fields["size"].description == "How big."
    inputs = sdl.get_type("GadgetInput")
    assert isinstance(inputs, GraphQLInputObjectType)
    assert [(name, str(f.type), default(f)) for name, f in inputs.fields.items()] == [
        ("id", "ID!", None),
        ("ownerId", "ID!", None),
        ("size", "Int!", "3"),
        ("seenAt", "DateTime", "null"),
        ("tags", "[String!]!", "[]"),
        ("extra", "Boolean!", "false"),
    ]
    patch = sdl.get_type("GadgetPatch")
    assert isinstance(patch, GraphQLInputObjectType)
    assert str(patch.fields["size"].type) == "Int" and str(patch.fields["id"].type) == "ID!"
    assert patch.fields["size"].description == "How big. Left out: kept."


def test_convert_copies_the_model_nested_models_included() -> None:
    result = strawberry.Schema(query=_Query).execute_sync(
        '{ gadget { id ownerId size seenAt tags parts { label } double } put(gadget: {id: "g", ownerId: "o"},'
        ' patch: {id: "g"}) }'
    )
    assert result.errors is None, result.errors
    assert result.data == {
        "gadget": {
            "id": "g",
            "ownerId": "o",
            "size": 3,
            "seenAt": "2026-01-01T00:00:00+00:00",
            "tags": [],
            "parts": [{"label": "p"}],
            "double": 6,
        },
        "put": "3 True",
    }


# Report types derived from graph/queries/results.py: (result model, fields the API names otherwise).
REPORTS = {
    "CriterionCoverage": (r.CriterionCoverage, {"parent": "parentId"}),
    "CrosswalkRow": (r.CrosswalkRow, {"source": "sourceId", "target": "targetId"}),
    "MitigatingControl": (r.MitigatingControl, {"mitigates": "mitigatesId"}),
    "AssetExposure": (r.AssetExposure, {"controls": "controlIds"}),
    "ThreatView": (r.ThreatView, {"techniques": "techniques"}),
    "ImpactReport": (r.ImpactReport, {"assets": "assetIds"}),
    "GapInterval": (r.GapInterval, {}),
}


@pytest.mark.parametrize("type_name", list(REPORTS))
def test_report_types_take_the_result_fields_and_descriptions(schema: object, type_name: str) -> None:
    model, names = REPORTS[type_name]
    graphql_type = schema.get_type(type_name)  # type: ignore[attr-defined]
    assert isinstance(graphql_type, GraphQLObjectType)
    for name, field in model.model_fields.items():
        shown = graphql_type.fields[names.get(name, camel(name))]
        if field.description and name not in names:
            assert shown.description == field.description, (type_name, name)
