"""Which controls a framework's coverage depends on, directly or through the crosswalk."""

from __future__ import annotations

from graph.model import Control, natural_key
from graph.rules.assessable import hierarchy
from graph.store import GraphStore


def framework_controls(store: GraphStore, framework_id: str) -> list[Control]:
    """The controls a framework's coverage depends on.

    Those satisfying its assessable criteria (`graph.rules.assessable`: by default the leaves), plus,
    for those with no SATISFIES edge, the controls satisfying the criteria they are mapped to (the
    crosswalk rule's one hop). A criterion that is not assessable rolls up over the assessable
    ones below it, so its own controls do not count.

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
    tree = hierarchy(criteria)
    ids = [c.id for c in criteria if tree.is_assessable(c.id)]
    satisfying = store.satisfying_controls(ids) if ids else {}
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
