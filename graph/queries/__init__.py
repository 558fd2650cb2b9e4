"""The compliance questions, one module each, written once against `graph.store.GraphStore`."""

from graph.queries.blast_radius import blast_radius
from graph.queries.coverage import coverage
from graph.queries.crosswalk import crosswalk
from graph.queries.evidence_gaps import evidence_gaps
from graph.queries.impact import impact, record_change
from graph.queries.missing_evidence import missing_evidence
from graph.queries.threats import threat_view

__all__ = [
    "blast_radius",
    "coverage",
    "crosswalk",
    "evidence_gaps",
    "impact",
    "missing_evidence",
    "record_change",
    "threat_view",
]
