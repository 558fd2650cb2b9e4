"""Every property of a graph node (graph/model/nodes.py) is readable through the GraphQL API.

The Strawberry node types in service/graphql/nodes.py take their fields from the models
(service/graphql/model_types.py); this keeps it so: a model field missing from its GraphQL type
(left out, or replaced by a resolver of another name) fails here.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, build_schema
from pydantic import BaseModel

from graph.model import NODE_MODELS, Label
from service.graphql.sdl import print_sdl

# (label, model field) -> why the API leaves it out. None today; a reason is required to add one.
EXEMPT: dict[tuple[Label, str], str] = {}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def missing_fields(model: type[BaseModel], type_name: str, sdl: str) -> list[str]:
    """The model's fields (camelCase) that the SDL's object type `type_name` does not declare."""
    graphql_type = build_schema(sdl).get_type(type_name)
    if not isinstance(graphql_type, GraphQLObjectType):
        return [f"{type_name} is not an object type of the schema"]
    return [camel(name) for name in model.model_fields if camel(name) not in graphql_type.fields]


@pytest.mark.parametrize("label", list(Label), ids=str)
def test_every_model_field_is_a_field_of_its_graphql_type(label: Label) -> None:
    model = NODE_MODELS[label]
    missing = [f for f in missing_fields(model, label.value, print_sdl()) if (label, f) not in EXEMPT]
    assert not missing, f"{label.value} in the GraphQL schema lacks {missing}: derive them (service/graphql/nodes.py)"


def test_exemptions_name_real_fields_and_give_a_reason() -> None:
    for (label, field), reason in EXEMPT.items():
        assert field in {camel(name) for name in NODE_MODELS[label].model_fields}, (label, field)
        assert reason.strip(), (label, field)


class _Widget(BaseModel):
    id: str
    risk_tier: str
    owner: str


def test_a_model_field_the_type_lacks_is_reported_in_camel_case() -> None:
    sdl = "type Query { widget: Widget }\ntype Widget { id: ID! owner: String! }"
    assert missing_fields(_Widget, "Widget", sdl) == ["riskTier"]
    assert missing_fields(_Widget, "Gadget", sdl) == ["Gadget is not an object type of the schema"]
