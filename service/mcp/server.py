"""Build the MCP server: the read tools of tools.py and the resources of resources.py over one store.

The store comes from `store_of`, asked on every call: over HTTP it is the app's (opened by its
lifespan), over stdio the one the command opened.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from graph.store import GraphStore
from service.mcp import resources, tools

StoreOf = Callable[[], GraphStore]

READ_TOOLS: dict[str, tuple[Callable[..., dict[str, Any]], str]] = {
    "coverage": (
        tools.coverage,
        "A framework's coverage at as_of (default now): status counts in total and per category, and the "
        "assessable criteria in the statuses asked (default UNCOVERED and PARTIAL) with why.",
    ),
    "blast_radius": (
        tools.blast_radius,
        "What a change or compromise of an asset touches: the assets depending on it (with distance), "
        "the controls, criteria, frameworks and vendors around them, and how many evidence items.",
    ),
    "missing_evidence": (
        tools.missing_evidence,
        "Implemented controls lacking valid, current evidence at as_of (default now): counts per reason "
        "and the (control, asset) rows.",
    ),
    "evidence_gaps": (
        tools.evidence_gaps,
        "Type II: over [start, end), each control's expected intervals without evidence; counts and the "
        "controls with gaps.",
    ),
    "crosswalk": (
        tools.crosswalk,
        "The requirements of the target framework that those of the source map to, counted per relationship.",
    ),
    "impact": (
        tools.impact,
        "What-if: what recording a change of the asset at `at` would do (assets touched, evidence going "
        "stale, criteria changing status). Records nothing.",
    ),
    "findings": (
        tools.findings,
        "Scanner (Nessus) findings by asset, severity and status (open or fixed), in order of id: the total, "
        "and a page of rows (severity, plugin, name, CVEs, CVSS v3, first/last seen); pass next_after as "
        "`after` for the next page.",
    ),
}


def build_server(store_of: StoreOf) -> MCPServer:
    server: MCPServer = MCPServer(
        "attestgraph",
        instructions="Read-only questions about a compliance knowledge graph (frameworks, controls, "
        "assets, evidence). Answers are compact: counts in full, rows paginated by limit and offset.",
    )
    read_only = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
    for name, (fn, description) in READ_TOOLS.items():
        server.tool(name=name, description=description, annotations=read_only)(bound(fn, store_of))
    resources.register(server, store_of)
    return server


def bound(fn: Callable[..., dict[str, Any]], store_of: StoreOf) -> Callable[..., dict[str, Any]]:
    """`fn` with its first parameter (the store) supplied per call; the rest of its signature, types
    and defaults included, is what the SDK turns into the tool's JSON Schema."""
    signature = inspect.signature(fn, eval_str=True)
    parameters = list(signature.parameters.values())[1:]

    def call(**arguments: Any) -> dict[str, Any]:
        return fn(store_of(), **arguments)

    call.__name__ = fn.__name__
    call.__doc__ = fn.__doc__
    call.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return call
