"""A cost limit: refuse a document whose estimated work exceeds a budget, before running it.

Each selected field costs 1; a list multiplies what is selected under it by its page size
(`first`, its default when absent) or, for the unpaginated lists of a node, by `LIST_FANOUT`;
the compliance questions that walk much of the graph add a fixed weight each. Aliases repeat
the cost, so thirty aliased coverage reports cost thirty times one. Variables are read, so a
client that pages with `$first` is charged for the page it asks for: the cost of one document
text varies only with the values of the variables `page_variables` names (service/graphql/documents.py
remembers it per text and those values).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

from service.graphql.pagination import DEFAULT_PAGE

LIST_FANOUT = 10
DEFAULT_MAX_COST = 25_000

# Root fields that walk much of the graph, and what each costs on top of its selection.
EXPENSIVE: dict[str, int] = {
    "Query.coverage": 500,
    "Query.missingEvidence": 500,
    "Query.evidenceGaps": 500,
    "Query.controlPeriod": 50,
    "Query.impact": 1_000,
    "Query.vendorLapse": 1_000,
    "Query.blastRadius": 200,
    "Query.crosswalk": 200,
    "Query.findings": 20,  # one indexed store read, paged
    "BlastRadius.findingCounts": 20,  # one store read over the radius's assets
    "Query.threatView": 500,
    "Query.auditLogVerification": 2_000,
    "Mutation.recordChange": 1_000,
}


def cost_error(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any], max_cost: int
) -> GraphQLError | None:
    """The refusal of a document that would cost more than `max_cost`, or None."""
    cost = document_cost(schema, document, operation_name, variables)
    if cost <= max_cost:
        return None
    return GraphQLError(
        f"this document would cost about {cost} units of work; the limit is {max_cost}: "
        "ask for smaller pages or fewer reports per request",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost},
    )


def page_variables(document: DocumentNode) -> frozenset[str]:
    """The variables the cost can depend on: those given as a `first` argument anywhere."""
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if argument.name.value == "first" and isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)
            if isinstance(selection, FieldNode | InlineFragmentNode):
                walk(selection.selection_set)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            walk(definition.selection_set)
    return frozenset(names)


def document_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]
) -> int:
    """The highest cost among the document's operations (the one named, if a name is given).

    A fragment's cost under a parent type is computed once and reused at every spread of it, so
    the estimate takes time linear in the document however often its fragments spread others."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    walk = _CostWalk(fragments, variables)
    costs = [0]
    for operation in operations:
        root = {OperationType.QUERY: schema.query_type, OperationType.MUTATION: schema.mutation_type}.get(
            operation.operation
        )
        if root is not None:
            costs.append(walk.selection_cost(operation.selection_set, root))
    return max(costs)


class _CostWalk:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> None:
        self.fragments = fragments
        self.variables = variables
        # (fragment, parent type) -> its cost; None while it is being computed (a cycle costs 0 more).
        self.memo: dict[tuple[str, str], int | None] = {}

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        if selection_set is None or not isinstance(parent, GraphQLObjectType):
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                total += self.selection_cost(selection.selection_set, parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_cost(selection.name.value, parent)
        return total

    def fragment_cost(self, name: str, parent: GraphQLObjectType) -> int:
        key = (name, parent.name)
        if key in self.memo:
            return self.memo[key] or 0  # known, or a cycle (a validation error, not a hang)
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        self.memo[key] = None
        cost = self.memo[key] = self.selection_cost(fragment.selection_set, parent)
        return cost

    def field_cost(self, node: FieldNode, parent: GraphQLObjectType) -> int:
        definition = parent.fields.get(node.name.value)
        if definition is None:  # __typename, introspection, or unknown (validation answers that)
            return 1
        field_type = definition.type
        is_list = False
        while isinstance(field_type, GraphQLNonNull | GraphQLList):
            is_list = is_list or isinstance(field_type, GraphQLList)
            field_type = field_type.of_type
        multiplier = 1
        if "first" in definition.args:
            multiplier = _int_argument(node, "first", self.variables, DEFAULT_PAGE)
        elif is_list and not (parent.name.endswith("Connection") and node.name.value == "edges"):
            multiplier = LIST_FANOUT
        weight = EXPENSIVE.get(f"{parent.name}.{node.name.value}", 0)
        inner = self.selection_cost(node.selection_set, field_type)
        return 1 + weight + max(multiplier, 1) * inner


def _int_argument(node: FieldNode, name: str, variables: dict[str, Any], default: int) -> int:
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return _bounded(value.value, default)
        if isinstance(value, VariableNode):
            return _bounded(variables.get(value.name.value), default)
    return default


def _bounded(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(0, min(number, 10_000))
