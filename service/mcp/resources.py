"""Resources: the frameworks, and one control with what it satisfies and applies to."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError

from graph.model import Framework, Label, Rel
from graph.store import GraphStore

MAX_FRAMEWORKS = 500  # a catalog holds a handful; the cap keeps a runaway one from flooding a context


def register(server: MCPServer, store_of: Callable[[], GraphStore]) -> None:
    @server.resource(
        "attestgraph://frameworks",
        name="frameworks",
        description=f"Every framework (id, name, version, publisher, criteria count); at most {MAX_FRAMEWORKS}.",
        mime_type="application/json",
    )
    def frameworks() -> str:
        return json.dumps(list_frameworks(store_of()))

    @server.resource(
        "attestgraph://controls/{control_id}",
        name="control",
        description="One control: its fields, the criteria it satisfies and the assets it applies to.",
        mime_type="application/json",
    )
    def control(control_id: str) -> str:
        return json.dumps(describe_control(store_of(), control_id))


def list_frameworks(store: GraphStore) -> list[dict[str, Any]]:
    found = store.list_nodes(Label.FRAMEWORK, first=MAX_FRAMEWORKS)
    criteria = store.related(Rel.PART_OF, [f.id for f in found], reverse=True)
    return [
        {
            "id": f.id,
            "name": f.name,
            "version": f.version,
            "publisher": f.publisher,
            "criteria": len(criteria.get(f.id, [])),
        }
        for f in found
        if isinstance(f, Framework)
    ]


def describe_control(store: GraphStore, control_id: str) -> dict[str, Any]:
    node = store.get_nodes(Label.CONTROL, [control_id]).get(control_id)
    if node is None:
        raise ResourceNotFoundError(f"control '{control_id}' does not exist")
    answer: dict[str, Any] = node.model_dump(mode="json", exclude_defaults=False)
    answer["satisfies"] = store.related(Rel.SATISFIES, [control_id]).get(control_id, [])
    answer["applies_to"] = store.related(Rel.APPLIES_TO, [control_id]).get(control_id, [])
    return answer
