"""Scanner findings (DESIGN.md "Findings"): pages of them by asset, severity and status, and the
open ones counted by severity over a set of assets (a blast radius's).

A finding's `status` is the latest scan's word (open, or fixed when a later scan no longer
reported it), so these answer "now"; an instant in the past is the finding policy's business
(`first_seen` and `fixed_at` never move, graph/checks/finding_rules.py).
"""

from __future__ import annotations

from collections.abc import Collection

from graph.errors import InvalidInputError, NotFoundError
from graph.model import FindingStatus, Label, Severity
from graph.store import FindingFilter, FindingPage, GraphStore

MAX_FIRST = 500

# Most severe first: the order a reader scans counts in.
SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


def findings(
    store: GraphStore,
    asset: str | None = None,
    severity: Collection[Severity] = (),
    status: FindingStatus | None = None,
    first: int = 50,
    after: str | None = None,
) -> FindingPage:
    """A page of findings in natural order of id, and how many match in all.

    Parameters
    ----------
    store : GraphStore
        The graph to read (one round trip; a second only to tell an unknown asset from one
        without findings).
    asset : str or None
        Only findings that affect this asset; an unknown id raises `NotFoundError` (field
        `asset`). None: every asset's.
    severity : collection of Severity
        Only findings of one of these severities; empty: any.
    status : FindingStatus or None
        Only open, or only fixed, findings; None: both.
    first : int
        At most this many (0 to 500, else `InvalidInputError`, field `first`).
    after : str or None
        Only findings whose id comes after this one in natural order (the last of the page before).

    Returns
    -------
    FindingPage
        `findings` (the page), `total` (how many match, ignoring `first` and `after`) and
        `has_next` (more follow the page).

    Examples
    --------
    >>> page = findings(store, asset="ep-chat")
    >>> [(f.id, f.severity.value, f.status.value) for f in page.findings], page.total
    ([('fnd-1', 'critical', 'open'), ('fnd-2', 'medium', 'fixed')], 2)
    >>> [f.id for f in findings(store, severity=[Severity.CRITICAL, Severity.HIGH], status=FindingStatus.OPEN).findings]
    ['fnd-1', 'fnd-3']
    >>> page = findings(store, first=1, after="fnd-1")
    >>> [f.id for f in page.findings], page.total
    (['fnd-2'], 3)
    """
    where = FindingFilter(assets=None if asset is None else (asset,), severities=tuple(severity), status=status)
    page = store.findings(where, _checked_first(first) + 1, after)
    if asset is not None and page.total == 0 and not store.get_nodes(Label.ASSET, [asset]):
        raise NotFoundError(Label.ASSET.value, asset, "asset")
    return _trimmed(page, first)


def asset_findings(
    store: GraphStore,
    asset_ids: Collection[str],
    status: FindingStatus | None = None,
    first: int = 50,
    after: str | None = None,
) -> dict[str, FindingPage]:
    """`findings` of each of several assets, as one batch (an asset page's `findings` field).

    Parameters
    ----------
    store : GraphStore
        The graph to read (one round trip for any number of assets).
    asset_ids : collection of str
        The assets; an unknown one has an empty page.
    status : FindingStatus or None
        Only open, or only fixed, findings; None: both.
    first : int
        At most this many per asset (0 to 500, else `InvalidInputError`, field `first`).
    after : str or None
        Per asset, only findings whose id comes after this one in natural order.

    Returns
    -------
    dict of str to FindingPage
        Each asset asked for, with its page, total and whether more follow.

    Examples
    --------
    >>> pages = asset_findings(store, ["ep-chat", "mdl-chat", "ds-transcripts"], status=FindingStatus.OPEN)
    >>> {a: ([f.id for f in p.findings], p.total) for a, p in pages.items()}
    {'ep-chat': (['fnd-1'], 1), 'mdl-chat': (['fnd-3'], 1), 'ds-transcripts': ([], 0)}
    """
    wanted = list(dict.fromkeys(asset_ids))
    found = store.findings_by_asset(wanted, FindingFilter(status=status), _checked_first(first) + 1, after)
    return {a: _trimmed(found.get(a, FindingPage(findings=[], total=0)), first) for a in wanted}


def open_finding_counts(store: GraphStore, asset_ids: Collection[str]) -> list[tuple[Severity, int]]:
    """How many open findings (status open) affect any of the assets, per severity.

    Parameters
    ----------
    store : GraphStore
        The graph to read (one round trip).
    asset_ids : collection of str
        The assets (a blast radius's); unknown ones count nothing.

    Returns
    -------
    list of (Severity, int)
        Every severity, most severe first, with its count (0 included).

    Examples
    --------
    >>> [(s.value, n) for s, n in open_finding_counts(store, ["ep-chat", "mdl-chat"])]
    [('critical', 1), ('high', 1), ('medium', 0), ('low', 0), ('info', 0)]
    """
    counts = store.open_finding_counts(list(dict.fromkeys(asset_ids))) if asset_ids else {}
    return [(severity, counts.get(severity, 0)) for severity in SEVERITY_ORDER]


def _trimmed(page: FindingPage, first: int) -> FindingPage:
    """A store's page of `first + 1` as the page of `first`, saying whether more follow."""
    return FindingPage(findings=page.findings[:first], total=page.total, has_next=len(page.findings) > first)


def _checked_first(first: int) -> int:
    if first < 0 or first > MAX_FIRST:
        raise InvalidInputError.one("first", f"must be between 0 and {MAX_FIRST}")
    return first
