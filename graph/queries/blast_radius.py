"""Blast radius of an asset.

Rule (docs/design.md): X (distance 0) and every asset with a DEPENDS_ON path to X, each at its
shortest distance, up to `max_depth` hops (default unlimited); the controls that apply to any of
them; the criteria those controls satisfy and their frameworks; the vendors that provide any of
them; and the evidence of those controls whose scope includes any of them.
"""

from __future__ import annotations

from graph.errors import InvalidInputError, NotFoundError
from graph.model import Label
from graph.queries.results import BlastRadius
from graph.store import GraphStore


def blast_radius(store: GraphStore, asset_id: str, max_depth: int | None = None) -> BlastRadius:
    """Everything a change or compromise of an asset reaches.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    asset_id : str
        The asset X; an unknown id raises `NotFoundError` (field `asset`).
    max_depth : int or None
        At most this many DEPENDS_ON hops from X (0: X alone); None follows every path. Below 0
        raises `InvalidInputError` (field `maxDepth`).

    Returns
    -------
    BlastRadius
        X and its dependents, nearest first (distance, then id), and the ids of the controls,
        criteria, frameworks, vendors and evidence around them.

    Examples
    --------
    >>> radius = blast_radius(store, "ds-transcripts")
    >>> [(a.asset_id, a.distance) for a in radius.assets]
    [('ds-transcripts', 0), ('mdl-chat', 1), ('ep-chat', 2)]
    >>> radius.controls, radius.evidence
    (['AC-01', 'MON-02'], ['ev-1'])
    """
    if max_depth is not None and max_depth < 0:
        raise InvalidInputError.one("maxDepth", "must be 0 or more")
    radius = store.blast_radius(asset_id, max_depth)  # one round trip on Neo4j
    if radius is None:
        raise NotFoundError(Label.ASSET.value, asset_id, "asset")
    around = radius.around
    return BlastRadius(
        asset_id=asset_id,
        max_depth=max_depth,
        # Already in order (distance, then natural order of id): see `GraphStore.dependents`. Plain
        # dicts, validated in one pass by pydantic's core: cheaper than a model per asset (bench/README.md).
        assets=[{"asset_id": a, "distance": d} for a, d in radius.distances.items()],
        controls=around.controls,
        criteria=around.criteria,
        frameworks=around.frameworks,
        vendors=around.vendors,
        evidence=around.evidence,
    )
