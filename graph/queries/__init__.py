"""The compliance questions, one module each, written once against `graph.store.GraphStore`.

Each public function's docstring gives its parameters, its result and a short example. The
examples run as tests (tests/test_query_docs.py), each on a fresh copy of this graph, `store`,
asked at `at` = 2026-11-15T00:00Z:

- frameworks `soc2` (criteria `soc2:CC6.1`, `soc2:CC7.2`) and `iso42001` (`iso42001:A.6.2.4`,
  which `soc2:CC6.1` maps to as `intersects_with`);
- assets `ds-transcripts` (dataset) <- `mdl-chat` (model, trained_on) <- `ep-chat` (endpoint, serves);
- control `AC-01` (implemented, monthly) satisfies CC6.1 and applies to `mdl-chat`; its evidence
  `ev-1` was accepted and collected on 2026-11-01;
- control `MON-02` (implemented, monthly) satisfies CC7.2, applies to `ep-chat` and mitigates the
  ATLAS technique `AML.T0024` (aimed at endpoints); it has no evidence;
- findings: on `ep-chat`, `fnd-1` (critical, open since 2026-11-01) and `fnd-2` (medium, fixed on
  2026-11-01); on `mdl-chat`, `fnd-3` (high, open since 2026-11-05).
"""

from graph.queries.blast_radius import blast_radius
from graph.queries.coverage import coverage
from graph.queries.crosswalk import crosswalk
from graph.queries.evidence_gaps import evidence_gaps
from graph.queries.findings import findings
from graph.queries.impact import impact, record_change
from graph.queries.missing_evidence import missing_evidence
from graph.queries.threats import threat_view

__all__ = [
    "blast_radius",
    "coverage",
    "crosswalk",
    "evidence_gaps",
    "findings",
    "impact",
    "missing_evidence",
    "record_change",
    "threat_view",
]
