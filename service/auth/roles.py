"""The one table of who may do what: every GraphQL root field and every REST route.

A field or route missing from `PERMISSIONS` is denied to everyone (deny by default), and the
role-walk test fails on it, so a new operation cannot ship without a decision here.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.access.keys import Role

VIEWER, EDITOR, COLLECTOR, AUDITOR, ADMIN = (
    Role.VIEWER,
    Role.EDITOR,
    Role.EVIDENCE_COLLECTOR,
    Role.AUDITOR,
    Role.ADMIN,
)

READ = frozenset({VIEWER, EDITOR, AUDITOR, ADMIN})
EDIT = frozenset({EDITOR, ADMIN})
AUDIT = frozenset({AUDITOR, ADMIN})
RECORD_EVIDENCE = frozenset({COLLECTOR, ADMIN})
ADMINISTER = frozenset({ADMIN})
ANY_ROLE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # -- the graph, read ------------------------------------------------------------------------
    "Query.frameworks": READ,
    "Query.framework": READ,
    "Query.criterion": READ,
    "Query.controls": READ,
    "Query.control": READ,
    "Query.assets": READ,
    "Query.asset": READ,
    "Query.assetsByIdentifier": READ,
    "Query.changes": READ,
    "Query.findings": READ,
    "Query.vendors": READ,
    "Query.vendor": READ,
    "Query.evidence": READ,
    "Query.threats": READ,
    # -- the compliance questions (reads; impact writes nothing) -----------------------------------
    "Query.coverage": READ,
    "Query.blastRadius": READ,
    "Query.missingEvidence": READ,
    "Query.evidenceGaps": READ,
    "Query.controlPeriod": READ,
    "Query.crosswalk": READ,
    "Query.impact": READ,
    "Query.vendorLapse": READ,
    "Query.threatView": READ,
    "Query.engagements": READ,
    "Query.engagement": READ,
    "Query.engagementPopulation": READ,
    "Query.auditExceptions": READ,
    # -- the audit log and keys ---------------------------------------------------------------------
    "Query.auditLog": AUDIT,
    "Query.auditLogVerification": AUDIT,
    "Query.apiKeys": ADMINISTER,
    "Query.me": ANY_ROLE,
    # -- writes -------------------------------------------------------------------------------------
    "Mutation.upsertAssets": EDIT,
    "Mutation.deleteAsset": EDIT,
    "Mutation.linkAssets": EDIT,
    "Mutation.recordChange": EDIT,
    "Mutation.upsertControls": EDIT,
    "Mutation.mapControl": EDIT,
    "Mutation.applyControl": EDIT,
    "Mutation.upsertVendors": EDIT,
    "Mutation.upsertEngagements": EDIT,
    "Mutation.engagementSample": AUDIT,  # the auditor's selection is itself evidence
    "Mutation.recordEvidence": RECORD_EVIDENCE,
    # Audit findings are the auditor's, their remediation the company's: neither records the other's.
    "Mutation.recordException": AUDIT,
    "Mutation.recordRemediation": EDIT,
    "Mutation.reviewEvidence": EDIT,  # and never the actor that recorded the item (graph/checks/write_rules.py)
    "Mutation.createApiKey": ADMINISTER,
    "Mutation.revokeApiKey": ADMINISTER,
    # -- REST routes ----------------------------------------------------------------------------------
    "GET /api/export": READ,
    "GET /api/engagements/{engagement_id}/package": AUDIT,  # the auditor's package (service/package_route.py)
    "POST /api/imports/{format}": RECORD_EVIDENCE,  # a scan, an ML-BOM, lineage events (service/import_routes.py)
    "POST /api/v1/lineage": RECORD_EVIDENCE,  # the OpenLineage HTTP transport's endpoint (service/lineage_route.py)
    "GET /api/schema/bundle.json": ANY_ROLE,
    "GET /openapi.json": ANY_ROLE,
    "POST /graphql": ANY_ROLE,  # the gate; each root field is then checked on its own
    "GET /graphql": ANY_ROLE,
    # The MCP server's read tools (service/mcp/http.py): the graph's readers only.
    "POST /mcp": READ,
    "GET /mcp": READ,
    "DELETE /mcp": READ,
    # Prometheus scrapes with a key of one of these (README "Operating"): counts and timings, no graph data.
    "GET /metrics": frozenset({VIEWER, AUDITOR, ADMIN}),
}

# Answered without a credential (service/auth/middleware.py also lets the dashboard's files through).
PUBLIC_ROUTES = frozenset({"GET /healthz", "GET /readyz"})

# Roles that may read the graph: the others get back only the scalar fields of what they wrote.
GRAPH_READERS = READ


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    actor: str  # "key:<id> (<name>)", "oidc:<subject>", "cli:<user>"
    roles: frozenset[Role]
    rate_key: str  # what the rate limit counts against

    @property
    def role_text(self) -> str:
        return ",".join(sorted(role.value for role in self.roles)) or "(none)"

    def may(self, operation: str) -> bool:
        return bool(self.roles & PERMISSIONS.get(operation, frozenset()))

    @property
    def reads_graph(self) -> bool:
        return bool(self.roles & GRAPH_READERS)


def allowed_roles(operation: str) -> frozenset[Role]:
    return PERMISSIONS.get(operation, frozenset())
