"""Rules an audit exception must follow given the graph (issue 14), checked by both stores on
every write after the reference checks (graph/checks/write_rules.py calls `exception_problems`):

- the evidence it names is evidence of its control (another control's item proves nothing here);
- a correction supersedes an exception of the same engagement and control, never itself, and
  one that nothing supersedes yet (corrections form a chain, never a fork, as evidence's do);
- its control is in the engagement's scope (graph/queries/engagement.py `in_scope_control_ids`).
  The scope is read from the store, so it is checked when the bundle adds records only (the API,
  a load of records); a bundle that also writes the graph the scope is made of (a whole seed
  load) is checked by its own tests.
"""

from __future__ import annotations

from graph.bundle import LINK_LISTS, Bundle
from graph.errors import FieldProblem
from graph.model import AuditException, Engagement, Evidence, Label
from graph.store import GraphStore

# Bundle lists that change what an engagement's scope is made of.
SCOPE_LISTS = ("frameworks", "criteria", "controls", "assets", "engagements", "depends_on", "mappings", *LINK_LISTS)


def exception_problems(bundle: Bundle, store: GraphStore) -> list[FieldProblem]:
    if not bundle.audit_exceptions:
        return []
    items = bundle.audit_exceptions
    evidence = {i: n for i, n in store.get_nodes(Label.EVIDENCE, {e.evidence for e in items if e.evidence}).items()}
    evidence.update({e.id: e for e in bundle.evidence})
    stored = store.get_nodes(Label.AUDIT_EXCEPTION, {e.supersedes for e in items if e.supersedes})
    others: dict[str, AuditException] = {i: n for i, n in stored.items() if isinstance(n, AuditException)}
    others.update({e.id: e for e in items})
    problems: list[FieldProblem] = []
    for index, item in enumerate(items):
        path = f"audit_exceptions[{index}]"
        tested = evidence.get(item.evidence) if item.evidence is not None else None
        if isinstance(tested, Evidence) and tested.control != item.control:
            problems.append(
                FieldProblem(
                    f"{path}.evidence",
                    f"evidence '{tested.id}' is evidence of control '{tested.control}', not of '{item.control}'",
                )
            )
        replaced = others.get(item.supersedes) if item.supersedes is not None else None
        if replaced is not None and (replaced.engagement, replaced.control) != (item.engagement, item.control):
            problems.append(
                FieldProblem(
                    f"{path}.supersedes",
                    f"exception '{replaced.id}' is of engagement '{replaced.engagement}' and control "
                    f"'{replaced.control}': a correction keeps both",
                )
            )
    problems += chain_problems(bundle, store)
    if not any(getattr(bundle, name) for name in SCOPE_LISTS):
        problems += scope_problems(bundle, store)
    return problems


def chain_problems(bundle: Bundle, store: GraphStore) -> list[FieldProblem]:
    """A correction names another exception, one not corrected yet (by the store or the bundle)."""
    problems: list[FieldProblem] = []
    claimed: dict[str, str] = {}
    for index, item in enumerate(bundle.audit_exceptions):
        target = item.supersedes
        if target is None:
            continue
        path = f"audit_exceptions[{index}].supersedes"
        if target == item.id:
            problems.append(FieldProblem(path, f"exception '{item.id}' cannot supersede itself"))
            continue
        stored = [e.id for e in store.list_nodes(Label.AUDIT_EXCEPTION, first=2, where={"supersedes": target})]
        others = sorted({*stored, *([claimed[target]] if target in claimed else [])} - {item.id})
        if others:
            problems.append(
                FieldProblem(
                    path, f"exception '{target}' is already superseded by '{others[0]}'; supersede that one instead"
                )
            )
        claimed[target] = item.id
    return problems


def scope_problems(bundle: Bundle, store: GraphStore) -> list[FieldProblem]:
    """Each exception's control is one of its engagement's in-scope controls."""
    from graph.queries.engagement import in_scope_control_ids  # the queries import the store layer

    engagements = store.get_nodes(Label.ENGAGEMENT, {e.engagement for e in bundle.audit_exceptions})
    scopes: dict[str, set[str]] = {}
    problems: list[FieldProblem] = []
    for index, item in enumerate(bundle.audit_exceptions):
        engagement = engagements.get(item.engagement)
        if not isinstance(engagement, Engagement):
            continue  # a dangling reference: check_bundle reports it
        if engagement.id not in scopes:
            scopes[engagement.id] = in_scope_control_ids(store, engagement)
        if item.control not in scopes[engagement.id]:
            problems.append(
                FieldProblem(
                    f"audit_exceptions[{index}].control",
                    f"control '{item.control}' is not in the scope of engagement '{engagement.id}' "
                    "(no in-scope criterion of its categories and boundary relies on it)",
                )
            )
    return problems
