"""What every file of the auditor's package is written from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from graph.queries.engagement import EngagementReport
from graph.queries.exceptions import ExceptionState, exception_states, open_exception_ids
from graph.store import GraphStore


@dataclass(frozen=True)
class PackageSource:
    """The store (read as the files stream), the engagement's report and when the package is
    generated (injectable, so two exports of one graph can be compared byte for byte)."""

    store: GraphStore
    report: EngagementReport
    generated_at: datetime

    @cached_property
    def exceptions(self) -> list[ExceptionState]:
        """The engagement's exceptions with their remediation history: read once (two store reads)
        for every file that lists them."""
        return exception_states(self.store, engagement=self.report.engagement.id)

    @cached_property
    def open_exceptions_by_control(self) -> dict[str, list[str]]:
        return open_exception_ids(self.exceptions)
