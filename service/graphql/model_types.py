"""GraphQL types derived from pydantic models, so each field is declared once: in the model.

`object_type` and `input_type` add a model's fields (type, default, description) to a class before
Strawberry reads it; the class itself holds only what the model cannot say: resolvers, fields an
input adds, a field the API shows differently. `convert` builds such an object from a model
instance, nested models included. Only public Strawberry API is used: the class is an ordinary
annotated class handed to `strawberry.type` / `strawberry.input`.
"""

from __future__ import annotations

import functools
import inspect
import operator
import types
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import strawberry
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from strawberry.scalars import JSON

T = TypeVar("T")

# GraphQL object type derived from each model, so a model nested in another resolves to its type.
_OBJECT_TYPE_OF: dict[type[BaseModel], type] = {}


@dataclass(frozen=True)
class _Copied:
    """One attribute of a derived object: read from `source` on the model, converted if nested."""

    attribute: str
    source: str
    nested: type | None
    many: bool


@dataclass(frozen=True)
class _Conversion:
    copied: tuple[_Copied, ...]
    keep_as: str | None  # the private attribute that keeps the model instance itself


_CONVERSIONS: dict[type, _Conversion] = {}


def graphql_annotation(annotation: Any, *, as_id: bool = False) -> Any:
    """The Python type Strawberry is shown for a model field's annotation: constraints dropped,
    aware datetimes as `datetime` (the DateTime scalar), ids as `strawberry.ID`, nested models as
    their derived object types."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return graphql_annotation(get_args(annotation)[0], as_id=as_id)
    if origin is Union or origin is types.UnionType:
        return functools.reduce(operator.or_, [graphql_annotation(a, as_id=as_id) for a in get_args(annotation)])
    if origin is list:
        return list[graphql_annotation(get_args(annotation)[0], as_id=as_id)]  # type: ignore[misc]
    if origin is dict:  # a mapping (e.g. an engagement's sample sizes) as a JSON object, keys as written
        return JSON
    if annotation is AwareDatetime:
        return datetime
    if as_id and annotation is str:
        return strawberry.ID
    return _OBJECT_TYPE_OF.get(annotation, annotation)


def _nested(annotation: Any) -> tuple[type | None, bool]:
    """The derived object type a field's value converts to, and whether the value is a list of them."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _nested(get_args(annotation)[0])
    if origin is list:
        inner, _ = _nested(get_args(annotation)[0])
        return inner, inner is not None
    if origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            inner, many = _nested(arg)
            if inner is not None:
                return inner, many
        return None, False
    return _OBJECT_TYPE_OF.get(annotation), False


def _description(info: FieldInfo, note: str | None) -> str | None:
    parts = [part for part in (info.description, note) if part]
    return " ".join(parts) or None


def _own_names(cls: type) -> set[str]:
    """Names the class declares itself (annotations, resolvers, methods): these win over the model's."""
    return set(inspect.get_annotations(cls)) | {n for n in cls.__dict__ if not n.startswith("__")}


def _with_model_fields(
    cls: type,
    model: type[BaseModel],
    *,
    ids: Collection[str],
    exclude: Collection[str],
    names: Mapping[str, str],
    notes: Mapping[str, str],
    make_field: Callable[[FieldInfo, str | None], Any],
) -> list[_Copied]:
    """Put the model's fields, in the model's order, before the class's own annotations."""
    own = inspect.get_annotations(cls)
    declared = _own_names(cls)
    annotations: dict[str, Any] = {}
    copied = []
    for name, info in model.model_fields.items():
        attribute = names.get(name, name)
        if name in exclude or attribute in declared:
            continue
        annotation = graphql_annotation(info.annotation, as_id=name in ids)
        annotations[attribute] = annotation
        setattr(cls, attribute, make_field(info, notes.get(name)))
        nested, many = _nested(info.annotation)
        copied.append(_Copied(attribute, name, nested, many))
    annotations.update(own)
    cls.__annotations__ = annotations
    return copied


def object_type(
    model: type[BaseModel],
    *,
    ids: Collection[str] = ("id",),
    exclude: Collection[str] = (),
    names: Mapping[str, str] | None = None,
    keep_as: str | None = None,
    description: str | None = None,
) -> Callable[[type[T]], type[T]]:
    """A Strawberry object type with the model's fields, descriptions included.

    `ids` are shown as ID; `exclude` are left out; `names` maps a model field to the attribute
    that carries it (snake_case, camelCased by Strawberry). A name the class declares itself (a
    resolver, an annotation) replaces the model's field of that name; an annotation naming a
    property of the model is copied from it too. `keep_as` names a `strawberry.Private` attribute
    the class declares to keep the model instance, for its resolvers to read.
    """

    def decorate(cls: type[T]) -> type[T]:
        computed = [
            _Copied(name, name, None, False)
            for name in inspect.get_annotations(cls)
            if name not in model.model_fields and isinstance(getattr(model, name, None), property)
        ]
        copied = _with_model_fields(
            cls,
            model,
            ids=ids,
            exclude=exclude,
            names=names or {},
            notes={},
            make_field=lambda info, note: strawberry.field(description=_description(info, note)),
        )
        typed = strawberry.type(cls, description=description)
        _OBJECT_TYPE_OF[model] = typed
        _CONVERSIONS[typed] = _Conversion((*copied, *computed), keep_as)
        return typed

    return decorate


def input_type(
    model: type[BaseModel],
    *,
    ids: Collection[str] = ("id",),
    exclude: Collection[str] = (),
    optional: bool = False,
    notes: Mapping[str, str] | None = None,
    description: str | None = None,
) -> Callable[[type[T]], type[T]]:
    """A Strawberry input type with the model's fields, their defaults and descriptions.

    With `optional`, every field but `id` may be left out (UNSET) or sent as null: an update that
    names only what it changes. `notes` add input-specific words to a field's description.
    """

    def make_field(info: FieldInfo, note: str | None) -> Any:
        text = _description(info, note)
        if optional:
            return strawberry.field(default=strawberry.UNSET, description=text)
        if _is_mapping(info.annotation):
            # A JSON default ({}) has no GraphQL literal: graphql-core cannot print it in the schema.
            return strawberry.field(default=None, description=text)
        if info.default_factory is not None:
            return strawberry.field(default_factory=info.default_factory, description=text)
        if not info.is_required():
            return strawberry.field(default=info.default, description=text)
        return strawberry.field(description=text)

    def decorate(cls: type[T]) -> type[T]:
        _with_model_fields(
            cls,
            model,
            ids=ids,
            exclude=exclude,
            names={},
            notes=notes or {},
            make_field=make_field,
        )
        annotations = cls.__annotations__
        for name, info in model.model_fields.items():
            wanted = name in annotations and name not in ids and name not in exclude
            if wanted and (optional or _is_mapping(info.annotation)):
                annotations[name] = annotations[name] | None
        return strawberry.input(cls, description=description)

    return decorate


def _is_mapping(annotation: Any) -> bool:
    """Whether a model field holds a mapping (shown as JSON; its model takes null as empty)."""
    if get_origin(annotation) is Annotated:
        return _is_mapping(get_args(annotation)[0])
    return get_origin(annotation) is dict


def convert(cls: type[T], value: BaseModel, **extra: Any) -> T:
    """The object of derived type `cls` for a model instance: its fields copied (nested models
    converted), plus `extra` for what the class declares itself (private state, counts)."""
    conversion = _CONVERSIONS[cls]
    values = dict(extra)
    if conversion.keep_as is not None:
        values[conversion.keep_as] = value
    for field in conversion.copied:
        if field.attribute in values:
            continue
        item = getattr(value, field.source)
        if field.nested is not None and item is not None:
            item = [convert(field.nested, v) for v in item] if field.many else convert(field.nested, item)
        values[field.attribute] = item
    return cls(**values)
