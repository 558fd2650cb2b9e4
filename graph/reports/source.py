"""What every file of the auditor's package is written from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph.queries.engagement import EngagementReport
from graph.store import GraphStore


@dataclass(frozen=True)
class PackageSource:
    """The store (read as the files stream), the engagement's report and when the package is
    generated (injectable, so two exports of one graph can be compared byte for byte)."""

    store: GraphStore
    report: EngagementReport
    generated_at: datetime
