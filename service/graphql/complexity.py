"""The shape of a document in one linear pass: spreads, depth and aliases, as if fragments were
expanded, without expanding them.

A fragment spread pastes the fragment's selection in place, so a document of twenty fragments
that each spread the next one twice expands to 2^20 spreads: any check that walks the expansion
(Strawberry's depth and alias limiters, a naive cost estimate) does exponential work for a few
hundred bytes. Here each definition is walked once on its own, and fragments are combined
bottom-up over the fragment DAG (a cycle is refused), so the work is linear in the document's
size whatever it would expand to. `DocumentShape.nodes_walked` and `spreads_walked` count that
work, so tests can assert on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_DEPTH = 12
MAX_ALIASES = 30
# Spreads in the expanded document: the dashboard's documents have none or a few; a thousand is
# far above any honest document and far below what a bomb expands to.
MAX_EXPANDED_SPREADS = 1_000


@dataclass(frozen=True)
class Totals:
    """What a definition amounts to once expanded: spreads pasted in, aliases, field depth."""

    spreads: int = 0
    aliases: int = 0
    depth: int = 0


@dataclass
class Local:
    """One definition's own selections, spreads left unexpanded."""

    aliases: int = 0
    depth: int = 0
    # Each spread, with the number of fields with a selection above it (None: under an
    # introspection field, which the depth limit ignores).
    spreads: list[tuple[str, int | None]] = field(default_factory=list)


@dataclass
class DocumentShape:
    """The expanded totals of each operation, and the work it took to know them."""

    operations: dict[str, Totals]
    cycle: list[str] | None  # fragment names forming a cycle, if any
    nodes_walked: int  # selections visited: each node of the document at most once
    spreads_walked: int  # spread nodes stepped over: each at most once, never expanded


def _local(selection_set: SelectionSetNode, counter: list[int]) -> Local:
    local = Local()
    stack: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while stack:
        current, above = stack.pop()
        for selection in current.selections:
            counter[0] += 1
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    local.aliases += 1
                if selection.selection_set is None:
                    continue
                # Introspection fields are not counted for depth (as Strawberry's limiter did).
                inner = None if above is None or selection.name.value.startswith("__") else above + 1
                if inner is not None:
                    local.depth = max(local.depth, inner)
                stack.append((selection.selection_set, inner))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, above))
            elif isinstance(selection, FragmentSpreadNode):
                local.spreads.append((selection.name.value, above))
    return local


def _fragment_order(locals_: dict[str, Local]) -> tuple[list[str], list[str] | None]:
    """Fragments with those each spreads before it (an iterative depth-first post-order), or a cycle."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in locals_:
        if root in state:
            continue
        path: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while path:
            name, index = path[-1]
            spreads = locals_[name].spreads
            if index < len(spreads):
                path[-1] = (name, index + 1)
                child = spreads[index][0]
                if child not in locals_:
                    continue  # unknown: validation names it
                if state.get(child) == 1:
                    names = [n for n, _ in path]
                    return order, [*names[names.index(child) :], child]
                if child not in state:
                    state[child] = 1
                    path.append((child, 0))
                continue
            state[name] = 2
            order.append(name)
            path.pop()
    return order, None


def _combine(local: Local, totals: dict[str, Totals]) -> Totals:
    spreads, aliases, depth = 0, local.aliases, local.depth
    for name, above in local.spreads:
        inner = totals.get(name, Totals())
        spreads += 1 + inner.spreads
        aliases += inner.aliases
        if above is not None:
            depth = max(depth, above + inner.depth)
    return Totals(spreads, aliases, depth)


def document_shape(document: DocumentNode) -> DocumentShape:
    """Each operation's expanded totals, in time linear in the document's size."""
    counter = [0]
    fragments: dict[str, Local] = {}
    operations: dict[str, Local] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, _local(definition.selection_set, counter))
        elif isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name is not None else "anonymous"
            operations[name] = _local(definition.selection_set, counter)
    order, cycle = _fragment_order(fragments)
    spreads_walked = 0
    totals: dict[str, Totals] = {}
    if cycle is None:
        for name in order:  # each fragment after every fragment it spreads
            spreads_walked += len(fragments[name].spreads)
            totals[name] = _combine(fragments[name], totals)
    results: dict[str, Totals] = {}
    for name, local in operations.items():
        spreads_walked += len(local.spreads)
        results[name] = _combine(local, totals)
    return DocumentShape(results, cycle, counter[0], spreads_walked)


def too_complex(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def expansion_refusal(shape: DocumentShape, max_spreads: int = MAX_EXPANDED_SPREADS) -> GraphQLError | None:
    """The refusal of a document that nothing may expand: a fragment cycle, or too many spreads
    once expanded. Checked before any validation rule runs."""
    if shape.cycle is not None:
        # A spec validation error; refused here because nothing after this may walk the cycle.
        return too_complex("GRAPHQL_VALIDATION_FAILED", f"fragments spread each other: {' -> '.join(shape.cycle)}")
    spreads = sum(t.spreads for t in shape.operations.values())
    if spreads > max_spreads:
        return too_complex(
            "QUERY_TOO_COMPLEX", f"this document expands to {spreads} fragment spreads; the limit is {max_spreads}"
        )
    return None


def limit_errors(
    shape: DocumentShape, *, max_depth: int = MAX_DEPTH, max_aliases: int = MAX_ALIASES
) -> list[GraphQLError]:
    """The depth and alias limits, read off the expanded totals."""
    errors = [
        too_complex("QUERY_TOO_COMPLEX", f"'{name}' exceeds maximum operation depth of {max_depth}")
        for name, totals in shape.operations.items()
        if totals.depth > max_depth
    ]
    aliases = sum(t.aliases for t in shape.operations.values())
    if aliases > max_aliases:
        errors.append(too_complex("QUERY_TOO_COMPLEX", f"{aliases} aliases found. Allowed: {max_aliases}"))
    return errors
