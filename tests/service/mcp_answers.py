"""The same questions asked of the MCP tools and of GraphQL, and helpers to call the tools."""

from __future__ import annotations

import json
from typing import Any

from mcp import Client

SOC2 = "soc2-tsc-2017"
ISO42001 = "iso-iec-42001-2023"
ASSET = "inf-gpu-cluster"
CONTROL = "AGC-MS-01"

# One request per question: each stays well inside the client's timeout on a busy Neo4j.
GRAPHQL = {
    "coverage": """query($fw: ID!, $t: DateTime!) { coverage(framework: $fw, asOf: $t) {
      totals { total covered partial uncovered } criteria(assessableOnly: true) { criterionId status } } }""",
    "blastRadius": """query($asset: ID!) { blastRadius(asset: $asset) {
      assets(first: 100) { totalCount edges { node { assetId distance } } }
      controlIds criterionIds frameworkIds vendorIds evidenceCount } }""",
    "missingEvidence": """query($fw: ID!, $t: DateTime!) { missingEvidence(framework: $fw, asOf: $t) {
      totalCount rows(first: 100) { edges { node { controlId assetId } } } } }""",
    "evidenceGaps": """query($fw: ID!, $t: DateTime!, $start: DateTime!) {
      evidenceGaps(start: $start, end: $t, framework: $fw) {
        totalGaps controls(withGapsOnly: true, first: 100) { totalCount edges { node { controlId gaps } } } } }""",
    "crosswalk": """query($fw: ID!, $target: ID!) { crosswalk(source: $fw, target: $target) {
      rows(first: 100) { totalCount edges { node { sourceId targetId } } } } }""",
    "impact": """query($asset: ID!, $t: DateTime!) { impact(change: {asset: $asset, at: $t}) {
      recorded assetIds staleEvidence { evidenceId }
      frameworks { frameworkId after { total covered partial uncovered } } } }""",
}


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    answer: dict[str, Any] = result.structured_content or {}
    return answer


async def refusal(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    text: str = result.content[0].text  # type: ignore[union-attr]
    return text


def ids(connection: dict[str, Any], *fields: str) -> list[tuple[Any, ...]]:
    return [tuple(edge["node"][f] for f in fields) for edge in connection["edges"]]


async def assert_tools_agree_with_graphql(client: Client, graphql: dict[str, Any], at: str, start: str) -> None:
    """Every tool's answer to the questions of GRAPHQL is GraphQL's answer."""
    limit = {"limit": 100}
    cov = await call(client, "coverage", {"framework": SOC2, "as_of": at, "status": ["UNCOVERED", "PARTIAL"], **limit})
    assert cov["totals"] == graphql["coverage"]["totals"]
    wanted = [c["criterionId"] for c in graphql["coverage"]["criteria"] if c["status"] != "COVERED"]
    assert cov["criteria"]["total"] == len(wanted)
    assert [r["criterion"] for r in cov["criteria"]["rows"]] == wanted[:100]

    blast = await call(client, "blast_radius", {"asset": ASSET, **limit})
    radius = graphql["blastRadius"]
    assert blast["assets"]["total"] == radius["assets"]["totalCount"]
    shown = [(a["asset"], a["distance"]) for a in blast["assets"]["rows"]]
    assert shown == ids(radius["assets"], "assetId", "distance")
    assert blast["controls"]["rows"] == radius["controlIds"][:100]
    assert blast["criteria"]["total"] == len(radius["criterionIds"])
    assert blast["frameworks"]["rows"] == radius["frameworkIds"]
    assert blast["vendors"]["rows"] == radius["vendorIds"]
    assert blast["evidence_count"] == radius["evidenceCount"]

    missing = await call(client, "missing_evidence", {"framework": SOC2, "as_of": at, **limit})
    assert missing["missing"]["total"] == graphql["missingEvidence"]["totalCount"]
    assert sum(missing["by_reason"].values()) == missing["missing"]["total"]
    rows = missing["missing"]["rows"]
    assert [(r["control"], r["asset"]) for r in rows] == ids(graphql["missingEvidence"]["rows"], "controlId", "assetId")

    gaps = await call(client, "evidence_gaps", {"start": start, "end": at, "framework": SOC2, **limit})
    assert gaps["total_gaps"] == graphql["evidenceGaps"]["totalGaps"]
    with_gaps = graphql["evidenceGaps"]["controls"]
    assert gaps["controls_with_gaps"]["total"] == with_gaps["totalCount"]
    shown = [(r["control"], r["gaps"]) for r in gaps["controls_with_gaps"]["rows"]]
    assert shown == ids(with_gaps, "controlId", "gaps")

    walk = await call(client, "crosswalk", {"source": SOC2, "target": ISO42001, **limit})
    assert walk["mappings"]["total"] == graphql["crosswalk"]["rows"]["totalCount"] > 0
    pairs = [(r["source"], r["target"]) for r in walk["mappings"]["rows"]]
    assert pairs == ids(graphql["crosswalk"]["rows"], "sourceId", "targetId")

    what_if = await call(client, "impact", {"asset": ASSET, "at": at, **limit})
    impact = graphql["impact"]
    assert what_if["recorded"] is impact["recorded"] is False
    assert what_if["assets"]["rows"] == impact["assetIds"][:100]
    stale = [s["evidence"] for s in what_if["stale_evidence"]["rows"]]
    assert stale == [s["evidenceId"] for s in impact["staleEvidence"]][:100]
    after = {f["framework"]: f["after"] for f in what_if["frameworks"]}
    assert after == {f["frameworkId"]: f["after"] for f in impact["frameworks"]}


async def assert_listed_and_refusing(client: Client) -> None:
    """The seven tools and the two resources are listed; resources answer; bad arguments are named."""
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == {
        "coverage",
        "blast_radius",
        "missing_evidence",
        "evidence_gaps",
        "crosswalk",
        "impact",
        "findings",
    }
    assert tools["impact"].annotations is not None and tools["impact"].annotations.read_only_hint
    assert "framework" in tools["coverage"].input_schema["required"]
    assert [str(r.uri) for r in (await client.list_resources()).resources] == ["attestgraph://frameworks"]
    templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["attestgraph://controls/{control_id}"]

    frameworks = json.loads((await client.read_resource("attestgraph://frameworks")).contents[0].text)  # type: ignore[union-attr]
    soc2 = next(f for f in frameworks if f["id"] == SOC2)
    assert soc2["criteria"] > 0
    control = json.loads((await client.read_resource(f"attestgraph://controls/{CONTROL}")).contents[0].text)  # type: ignore[union-attr]
    assert control["id"] == CONTROL and "repo-model-registry" in control["applies_to"]

    assert "framework: Framework 'nope' does not exist" in await refusal(client, "coverage", {"framework": "nope"})
    naive = await refusal(client, "coverage", {"framework": SOC2, "as_of": "2026-01-01T00:00:00"})
    assert "as_of" in naive and "timezone" in naive
    assert "max_depth: must be 0 or more" in await refusal(client, "blast_radius", {"asset": ASSET, "max_depth": -1})
    assert "asset" in await refusal(client, "blast_radius", {"asset": " spaced"})
    assert "limit" in await refusal(client, "crosswalk", {"source": SOC2, "target": ISO42001, "limit": 101})
    assert "end: must be later than start" in await refusal(
        client, "evidence_gaps", {"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}
    )
    assert "asset: Asset 'nope' does not exist" in await refusal(
        client, "impact", {"asset": "nope", "at": "2026-01-01T00:00:00Z"}
    )
