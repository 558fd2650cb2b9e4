"""Execution that completes plain data without graphql-core's per-field machinery.

The reports (coverage above all) answer with hundreds of small objects whose fields are plain
attributes: no resolver, no arguments, no directives. graphql-core still builds a resolve info,
a path and an awaitable check for every one of those fields (the dashboard's overview request
has about 1,300), which cost far more than the report itself once the store remembers it.

For an object whose whole selection is plain, all the way down, `PlainDataExecutor` reads the
attributes and coerces the leaves itself: the same resolver, the same `coerce_output_value`,
the same key order. Anything unusual (a null where the schema forbids one, a value that does not
coerce, an awaitable, `@defer`) hands that object back to graphql-core, which then answers, and
reports any error, exactly as it always did: the fast path has no side effects to undo.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from enum import EnumMeta
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

Complete = Callable[[Any], Any]
Read = Callable[[Any], Any]
Step = tuple[str, Read, Complete]
Plan = tuple[Step, ...]
PLAIN_VALUES = frozenset({str, int, float, bool})


class NotPlain(Exception):
    """This value needs graphql-core's full treatment."""


def _typename(name: str) -> Read:
    return lambda _: name


def _reader(definition: GraphQLField) -> Read | None:
    """How a field that only reads an attribute reads it: what Strawberry's own resolver for it
    does (`StrawberryField.get_result` without a resolver), minus three calls."""
    resolve = definition.resolve
    # Strawberry marks the resolver of a field with no resolver and no field extensions.
    if resolve is None or not getattr(resolve, "_is_default", False):
        return None
    field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        isinstance(field, StrawberryField)
        and field.base_resolver is None
        and field.default_resolver is getattr
        and isinstance(field.python_name, str)
    ):
        return attrgetter(field.python_name)
    return lambda source: resolve(source, None)


def _plain_class(type_: GraphQLObjectType) -> type | None:
    """The Strawberry class behind an object type, if its instances can be neither an error nor
    awaitable (so need not be asked, one by one)."""
    definition = (type_.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    origin = getattr(definition, "origin", None)
    if isinstance(origin, type) and not issubclass(origin, Exception) and not hasattr(origin, "__await__"):
        return origin
    return None


def _unchanged(value: Any) -> Any:
    return value


class PlainDataExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(grouped field set) -> (that set, kept alive so the id stays its own; its plan or None)
        self._plans: dict[int, tuple[GroupedFieldSet, Plan | None]] = {}
        self._lists: dict[int, tuple[FieldDetailsList, Complete | None]] = {}
        manager = self.middleware_manager
        self._plain_allowed = manager is None or not manager.middlewares

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if position_context is None and self._plain_allowed:
            plan = self._plan(parent_type, grouped_field_set)
            if plan is not None:
                try:
                    return {name: complete(read(source_value)) for name, read, complete in plan}
                except Exception:  # graphql-core redoes it and reports what went wrong
                    pass
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan | None:
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        self._plans[id(grouped_field_set)] = (grouped_field_set, None)  # a type within itself: not plain
        plan = self._build_plan(parent_type, grouped_field_set)
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _build_plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan | None:
        if parent_type.is_type_of is not None:
            return None
        steps: list[Step] = []
        for response_name, details in grouped_field_set.items():
            if any(d.node.arguments or d.node.directives for d in details):
                return None
            name = details[0].node.name.value
            if name == "__typename":
                steps.append((response_name, _typename(parent_type.name), _unchanged))
                continue
            definition = parent_type.fields.get(name)
            read = _reader(definition) if definition is not None else None
            complete = self._completer(definition.type, details) if definition is not None else None
            if read is None or complete is None:
                return None
            steps.append((response_name, read, complete))
        return tuple(steps)

    def _completer(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        nullable = not isinstance(type_, GraphQLNonNull)
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            inner = self._completer(type_.of_type, details)
            return None if inner is None else _each(inner, nullable)
        if is_leaf_type(type_):
            return _leaf(type_, self.is_awaitable, nullable)
        if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
            grouped_field_set, defer_usages, _ = self.collect_subfields(type_, details)
            if defer_usages:
                return None
            plan = self._plan(type_, grouped_field_set)
            return None if plan is None else _object(plan, _plain_class(type_), self.is_awaitable, nullable)
        return None  # an interface or union: graphql-core resolves the runtime type

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        # A list of plain objects (a report's rows) in one go, rather than item by item.
        if position_context is None and self._plain_allowed and isinstance(result, list | tuple):
            complete = self._list_completer(return_type, field_details_list)
            if complete is not None:
                try:
                    completed: list[Any] = complete(result)
                    return completed
                except Exception:  # graphql-core redoes it and reports what went wrong
                    pass
        return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)

    def _list_completer(self, list_type: GraphQLList[GraphQLOutputType], details: FieldDetailsList) -> Complete | None:
        known = self._lists.get(id(details))
        if known is not None and known[0] is details:
            return known[1]
        # `@stream` (a directive on the field) is graphql-core's to deliver.
        plain = not any(d.node.directives for d in details)
        complete = self._completer(list_type, details) if plain else None
        self._lists[id(details)] = (details, complete)
        return complete


# The built-in scalars' coercions that hand back a value of exactly this Python type unchanged.
UNCHANGED: dict[Callable[[Any], Any], type] = {serialize_string: str, serialize_id: str, serialize_boolean: bool}


def _each(inner: Complete, nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if nullable:
                return None
            raise NotPlain
        if not isinstance(value, list | tuple):
            raise NotPlain
        return [inner(item) for item in value]

    return complete


def _leaf(type_: GraphQLLeafType, is_awaitable: Callable[[Any], bool], nullable: bool) -> Complete:
    coerce = type_.coerce_output_value
    unchanged = UNCHANGED.get(coerce)
    # A Strawberry enum's members, each with the name it coerces to, found once by coercing it.
    members = type_.wrapped_cls if isinstance(type_, CustomGraphQLEnumType) else None
    names: dict[int, Any] = {}
    member: Any
    for member in members if isinstance(members, EnumMeta) else ():
        with suppress(Exception):  # not in the schema: `names` misses it, and graphql-core says so
            names[id(member)] = coerce(member)

    def complete(value: Any) -> Any:
        kind = type(value)
        if kind is unchanged:
            return value
        if kind is members:
            return names[id(value)]
        if value is None or value is Undefined:
            if nullable:
                return None
            raise NotPlain
        if kind not in PLAIN_VALUES and (isinstance(value, Exception) or is_awaitable(value)):
            raise NotPlain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return complete


def _object(plan: Plan, origin: type | None, is_awaitable: Callable[[Any], bool], nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if nullable:
                return None
            raise NotPlain
        if type(value) is not origin and (isinstance(value, Exception) or is_awaitable(value)):
            raise NotPlain
        return {name: complete_(read(value)) for name, read, complete_ in plan}

    return complete
