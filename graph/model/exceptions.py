"""Audit exceptions and their remediation (issue 14): append-only records of an engagement.

An auditor records an `AuditException` against an engagement's in-scope control (optionally
naming the evidence item tested); the company appends `Remediation` records to it, and the
latest (by `recorded_at`, then write order) is its current state. Neither is ever edited or
deleted: a correction of an exception supersedes it (the superseded one stays visible and counts
for nothing), a change of plan or status is a new remediation record.

References (engagement, control, evidence, exception) are stored as properties and checked like
edges (graph/checks/references.py), as an engagement's are: records name, they are not traversed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from graph.model.nodes import Actor, Name, NodeId, UtcDatetime, _Node

Description = Annotated[str, Field(min_length=1, max_length=10_000)]


class ExceptionSeverity(StrEnum):
    DEFICIENCY = "deficiency"
    SIGNIFICANT_DEFICIENCY = "significant_deficiency"
    MATERIAL_WEAKNESS = "material_weakness"


class RemediationStatus(StrEnum):
    OPEN = "open"
    REMEDIATED = "remediated"
    RISK_ACCEPTED = "risk_accepted"


class AuditException(_Node):
    engagement: NodeId = Field(description="The engagement it was found in (must exist).")
    control: NodeId = Field(description="The control that failed (must exist and be in the engagement's scope).")
    evidence: NodeId | None = Field(default=None, description="The evidence item of that control that was tested.")
    description: Description = Field(description="What the auditor found.")
    severity: ExceptionSeverity = Field(description="deficiency, significant_deficiency or material_weakness.")
    found_at: UtcDatetime = Field(description="When it was found (never in the future).")
    supersedes: NodeId | None = Field(
        default=None,
        description="The exception this one corrects (same engagement and control); that one then counts for nothing.",
    )
    recorded_at: UtcDatetime | None = Field(default=None, description="When it was recorded; stamped by the server.")
    recorded_by: Actor | None = Field(default=None, description="Who recorded it; stamped by the server when known.")


class Remediation(_Node):
    exception: NodeId = Field(description="The exception remediated (must exist).")
    owner: Name = Field(description="Who answers for the remediation.")
    due: UtcDatetime = Field(description="When it is due: an open remediation past it is overdue.")
    plan: Description = Field(description="What will be (or was) done.")
    status: RemediationStatus = Field(description="open, remediated or risk_accepted.")
    closed_at: UtcDatetime | None = Field(
        default=None,
        validate_default=True,
        description="When it was closed: required for remediated and risk_accepted, refused for open.",
    )
    evidence: Annotated[list[NodeId], Field(max_length=1000)] = Field(
        default_factory=list, description="Evidence items showing the remediation (each must exist)."
    )
    recorded_at: UtcDatetime | None = Field(default=None, description="When it was recorded; stamped by the server.")
    recorded_by: Actor | None = Field(default=None, description="Who recorded it; stamped by the server when known.")

    @field_validator("closed_at")
    @classmethod
    def _closed_when_not_open(cls, closed_at: datetime | None, info: ValidationInfo) -> datetime | None:
        status = info.data.get("status")
        if status is RemediationStatus.OPEN and closed_at is not None:
            raise ValueError("is refused while status is open: an open remediation is not closed")
        if status in (RemediationStatus.REMEDIATED, RemediationStatus.RISK_ACCEPTED) and closed_at is None:
            raise ValueError(f"is required when status is {status.value}")
        return closed_at

    @field_validator("evidence")
    @classmethod
    def _once(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


def new_exception_id() -> str:
    return "exc-" + uuid.uuid4().hex


def new_remediation_id() -> str:
    return "rem-" + uuid.uuid4().hex
