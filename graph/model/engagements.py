"""An engagement: one audit of a framework, Type I at an instant or Type II over a period
(DESIGN.md "Engagement (an audit)").

Its framework and assets are references checked like edges (graph/checks/references.py) but
stored as properties: an engagement names its scope, it does not take part in traversals.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from graph.model.nodes import Frequency, Name, NodeId, UtcDatetime, _Node


class EngagementKind(StrEnum):
    TYPE1 = "type1"  # design and implementation at one instant
    TYPE2 = "type2"  # operating effectiveness over a period


Category = Annotated[str, Field(min_length=1, max_length=200)]


def _once(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Engagement(_Node):
    name: Name = Field(description="The audit's name, e.g. 'SOC 2 Type II FY2026'.")
    framework: NodeId = Field(description="The framework audited (must exist).")
    kind: EngagementKind = Field(description="type1: at as_of; type2: over [period_start, period_end).")
    as_of: UtcDatetime | None = Field(
        default=None, validate_default=True, description="Type I only (required there): the instant assessed."
    )
    period_start: UtcDatetime | None = Field(
        default=None, validate_default=True, description="Type II only (required there): start of the period."
    )
    period_end: UtcDatetime | None = Field(
        default=None,
        validate_default=True,
        description="Type II only (required there): end (exclusive) of the period, later than period_start.",
    )
    categories: Annotated[list[Category], Field(max_length=100)] = Field(
        default_factory=list,
        description="Criterion categories in scope (each one some criterion of the framework has); empty: all. "
        "For SOC 2, Security is always in scope.",
    )
    assets: Annotated[list[NodeId], Field(max_length=10_000)] = Field(
        default_factory=list,
        description="The system boundary: these assets and all they depend on, transitively; empty: every asset.",
    )

    sample_sizes: dict[Frequency, Annotated[int, Field(ge=1, le=10_000)]] = Field(
        default_factory=dict,
        description="Type II sample size per control frequency, overriding the defaults (annual 1, semiannual 1, "
        "quarterly 2, monthly 2, weekly 5, daily 25, continuous 25); null: none.",
    )

    @field_validator("sample_sizes", mode="before")
    @classmethod
    def _sizes_from_text(cls, sizes: object) -> object:
        # A store without map properties (Neo4j) keeps the mapping as its JSON text; null: no override.
        if sizes is None:
            return {}
        return json.loads(sizes) if isinstance(sizes, str) else sizes

    @field_validator("categories", "assets")
    @classmethod
    def _deduplicated(cls, values: list[str]) -> list[str]:
        return _once(values)

    @field_validator("as_of")
    @classmethod
    def _as_of_for_type1(cls, as_of: datetime | None, info: ValidationInfo) -> datetime | None:
        kind = info.data.get("kind")
        if kind is EngagementKind.TYPE1 and as_of is None:
            raise ValueError("is required for a type1 engagement")
        if kind is EngagementKind.TYPE2 and as_of is not None:
            raise ValueError("is for type1 only: a type2 engagement has period_start and period_end")
        return as_of

    @field_validator("period_start")
    @classmethod
    def _start_for_type2(cls, start: datetime | None, info: ValidationInfo) -> datetime | None:
        return _period_bound(start, info.data.get("kind"))

    @field_validator("period_end")
    @classmethod
    def _end_after_start(cls, end: datetime | None, info: ValidationInfo) -> datetime | None:
        end = _period_bound(end, info.data.get("kind"))
        start = info.data.get("period_start")
        if end is not None and start is not None and end <= start:
            raise ValueError("must be later than period_start")
        return end


def _period_bound(value: datetime | None, kind: EngagementKind | None) -> datetime | None:
    """A period bound: required for type2, refused for type1."""
    if kind is EngagementKind.TYPE2 and value is None:
        raise ValueError("is required for a type2 engagement")
    if kind is EngagementKind.TYPE1 and value is not None:
        raise ValueError("is for type2 only: a type1 engagement has as_of")
    return value
