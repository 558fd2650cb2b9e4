"""Crosswalk: which requirements of framework B each requirement of framework A maps to.

A stored edge `(s)-[:MAPS_TO {relationship: r}]->(t)` reads "s is r t". Rows are oriented from
the source framework; an edge stored the other way round is read from its target's side, which
inverts `subset_of` and `superset_of` (`equal` and `intersects_with` stay).
"""

from __future__ import annotations

from graph.model import Label, natural_key
from graph.queries.coverage import require_framework
from graph.queries.results import CrosswalkReport, CrosswalkRow
from graph.store import GraphStore


def crosswalk(store: GraphStore, source_framework: str, target_framework: str) -> CrosswalkReport:
    """The mappings between two frameworks, read from the source framework's side.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    source_framework, target_framework : str
        The two frameworks; an unknown id raises `NotFoundError` (field `source` or `target`).

    Returns
    -------
    CrosswalkReport
        One row per MAPS_TO edge joining them: source criterion, target criterion, the
        relationship as "source is rel target", strength, rationale, and whether the stored edge
        ran the other way (then the relationship is inverted). Ordered by source, then target.

    Examples
    --------
    >>> [(r.source, r.relationship.value, r.target) for r in crosswalk(store, "soc2", "iso42001").rows]
    [('soc2:CC6.1', 'intersects_with', 'iso42001:A.6.2.4')]
    >>> [(r.source, r.inverted) for r in crosswalk(store, "iso42001", "soc2").rows]
    [('iso42001:A.6.2.4', True)]
    """
    require_framework(store, source_framework, "source")
    require_framework(store, target_framework, "target")
    mappings = store.mappings_between(source_framework, target_framework)
    endpoints = {m.source for m in mappings} | {m.target for m in mappings}
    framework_of = {
        c.id: c.framework  # type: ignore[union-attr]
        for c in store.get_nodes(Label.CRITERION, endpoints).values()
    }
    rows = []
    for m in mappings:
        if framework_of.get(m.source) == source_framework:
            rows.append(
                CrosswalkRow(
                    source=m.source,
                    target=m.target,
                    relationship=m.relationship,
                    strength=m.strength,
                    rationale=m.rationale,
                    inverted=False,
                )
            )
        if framework_of.get(m.target) == source_framework:
            rows.append(
                CrosswalkRow(
                    source=m.target,
                    target=m.source,
                    relationship=m.relationship.inverted(),
                    strength=m.strength,
                    rationale=m.rationale,
                    inverted=True,
                )
            )
    rows.sort(key=lambda r: (natural_key(r.source), natural_key(r.target)))
    return CrosswalkReport(source_framework=source_framework, target_framework=target_framework, rows=rows)
