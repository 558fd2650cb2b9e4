"""A catalog item's prose as plain text: its statement (or overview) flattened line by line,
with each `{{ insert: param, id }}` rendered once, as the catalog words the parameter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graph.oscal.models import Control, Group, Param, Part

MAX_DESCRIPTION = 10_000
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")


def all_params(catalog: Any) -> Iterator[Param]:
    """Every parameter the catalog declares, at any depth: a control's prose may insert one
    declared on another item."""
    yield from catalog.params
    stack: list[Group | Control] = [*catalog.groups, *catalog.controls]
    while stack:
        item = stack.pop()
        yield from item.params
        if isinstance(item, Group):
            stack.extend(item.groups)
        stack.extend(item.controls)


def description(item: Group | Control, params: dict[str, Param], *, exact: bool) -> str:
    """The item's statement (a group's overview) as text; `exact` keeps a catalog we wrote
    ourselves word for word."""
    preferred = ("overview", "statement") if isinstance(item, Group) else ("statement", "overview")
    part = next((p for name in preferred for p in item.parts if p.name == name), None)
    if part is None:
        return ""
    if exact and not part.parts:
        return part.prose or ""
    return cut("\n".join(_part_lines(part, params, depth=0)), MAX_DESCRIPTION)


def _part_lines(part: Part, params: dict[str, Param], depth: int) -> Iterator[str]:
    label = next((p.value for p in part.props if p.name == "label"), "")
    text = render(part.prose.strip(), params) if part.prose else ""
    line = " ".join(t for t in (label, text) if t)
    if line:
        yield "  " * depth + line
    for child in part.parts:
        yield from _part_lines(child, params, depth + (1 if line else 0))


def render(prose: str, params: dict[str, Param], inside: frozenset[str] = frozenset()) -> str:
    """Parameters inserted the way NIST prints them: [Assignment: …] or [Selection (…): a; b].

    A parameter reads as the catalog words it, once: its values if set, else its selection's
    choices, else `[Assignment: <label>]`, else its first guideline's prose, else its id. NIST's
    labels sometimes carry "organization-defined" and sometimes not, so nothing is added to them."""

    def one(match: re.Match[str]) -> str:
        param_id = match.group(1)
        param = params.get(param_id)
        if param is None or param_id in inside:  # unknown, or a choice inserting itself
            return f"[Assignment: {param_id}]"
        if param.values:
            return "; ".join(param.values)
        if param.select is not None:
            how = f" ({param.select.how_many.replace('-', ' ')})" if param.select.how_many else ""
            choices = "; ".join(render(c, params, inside | {param_id}) for c in param.select.choice)
            return f"[Selection{how}: {choices}]"
        if param.label:
            return f"[Assignment: {param.label.strip()}]"
        guideline = next((g.prose.strip() for g in param.guidelines if g.prose.strip()), None)
        return f"[Assignment: {guideline or param_id}]"

    return _INSERT.sub(one, prose)


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
