"""Which controls a framework's coverage depends on, directly or through the crosswalk."""

from __future__ import annotations

from graph.model import Control, natural_key
from graph.store import GraphStore


def framework_controls(store: GraphStore, framework_id: str) -> list[Control]:
    """The controls a framework's coverage depends on.

    Those satisfying its leaf criteria, plus, for its leaves with no SATISFIES edge, the controls
    satisfying the criteria they are mapped to (the crosswalk rule's one hop). A parent's status
    comes from its leaves only, so its own controls do not count.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    framework_id : str
        The framework (not checked: an unknown one has no controls).

    Returns
    -------
    list[Control]
        Each control once, in natural order of id.

    Examples
    --------
    >>> [c.id for c in framework_controls(store, "iso42001")]
    ['AC-01']
    """
    criteria = store.framework_criteria(framework_id)
    parents = {c.parent for c in criteria if c.parent is not None}
    ids = [c.id for c in criteria if c.id not in parents]
    satisfying = store.satisfying_controls(ids)
    unsatisfied = {c for c in ids if c not in satisfying}
    neighbours: set[str] = set()
    if unsatisfied:
        for m in store.mappings_touching(unsatisfied):
            if m.target in unsatisfied:
                neighbours.add(m.source)
            if m.source in unsatisfied:
                neighbours.add(m.target)
    through = store.satisfying_controls(neighbours - satisfying.keys()) if neighbours else {}
    unique = {ctl.id: ctl for group in (satisfying, through) for controls in group.values() for ctl in controls}
    return [unique[k] for k in sorted(unique, key=natural_key)]
