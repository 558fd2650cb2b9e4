"""`Finding`: one scanner finding on one asset (issue 17 item 2; DESIGN.md "Findings").

A finding is identified by where it was seen (host, plugin, port, protocol), so a later scan of
the same host finds the same node: it moves `last_seen`, or, when the finding is no longer
reported, marks it `fixed` at that scan's time. `first_seen` and a `fixed_at` once set are facts
about the past and never move (graph/checks enforce it), so a question about a past instant keeps
its answer after later scans.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from graph.model.nodes import Name, NodeId, Severity, UtcDatetime, _Node

Cve = Annotated[str, Field(pattern=r"^CVE-\d{4}-\d{4,}$", max_length=40)]


class FindingStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"


class Finding(_Node):
    asset: NodeId = Field(description="The asset it AFFECTS (must exist).")
    severity: Severity = Field(description="info, low, medium, high or critical.")
    plugin: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="The scanner's check that reported it (a Nessus plugin id)."
    )
    name: Name = Field(description="The check's name as the scanner gives it.")
    port: Annotated[int, Field(ge=0, le=65535)] = Field(default=0, description="Port it was seen on (0: host-wide).")
    protocol: Annotated[str, Field(max_length=20)] = Field(default="", description="tcp, udp, icmp…")
    cves: Annotated[list[Cve], Field(max_length=1000)] = Field(default_factory=list, description="CVE ids it names.")
    cvss3: Annotated[float, Field(ge=0, le=10)] | None = Field(
        default=None, description="CVSS v3 base score, when the scanner gives one."
    )
    first_seen: UtcDatetime = Field(description="The first scan that reported it: it is open from then on.")
    last_seen: UtcDatetime = Field(description="The latest scan that reported it.")
    status: FindingStatus = Field(default=FindingStatus.OPEN, description="open, or fixed (no longer reported).")
    fixed_at: UtcDatetime | None = Field(
        default=None, description="The scan that no longer reported it (set with status fixed, never moved)."
    )

    @model_validator(mode="after")
    def _times_agree(self) -> Self:
        if self.last_seen < self.first_seen:
            raise ValueError("last_seen: is before first_seen")
        if (self.status is FindingStatus.FIXED) != (self.fixed_at is not None):
            raise ValueError("fixed_at: is set exactly when status is fixed")
        if self.fixed_at is not None and self.fixed_at <= self.last_seen:
            raise ValueError("fixed_at: must be after last_seen (the scan that no longer reported it)")
        return self


def derived_finding_id(host: str, plugin: str, port: int, protocol: str) -> str:
    """The stable id of what a scanner saw on `host` (as the scan names it, lower-cased):
    the same host, plugin, port and protocol give the same id in every scan."""
    key = f"{host.strip().lower()}\x00{plugin}\x00{port}\x00{protocol.lower()}"
    return "fnd-" + hashlib.sha256(key.encode()).hexdigest()[:32]
