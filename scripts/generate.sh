#!/usr/bin/env bash
# Regenerates every file derived from the model and the schema, after a change to either:
#   docs/bundle.schema.json  the bundle's JSON Schema (graph/model/nodes.py, graph/bundle.py)
#   docs/schema.graphql      the GraphQL SDL (service/graphql/)
#   docs/openapi.json        the REST routes' OpenAPI document (service/routes.py, service/app.py)
#   frontend/src/api/generated.ts  the dashboard's TypeScript types (from the SDL and src/api/queries.ts)
# Tests fail while any of them is stale (tests/test_docs.py, `npm run lint` in frontend/).
set -euo pipefail
cd "$(dirname "$0")/.."

# Written through a temporary file, so a failed run leaves the committed file as it was.
write() {
  local target=$1
  shift
  "$@" >"$target.tmp" && mv "$target.tmp" "$target" || { rm -f "$target.tmp"; return 1; }
}
write docs/bundle.schema.json .venv/bin/attestgraph schema
write docs/schema.graphql .venv/bin/attestgraph schema --graphql
write docs/openapi.json .venv/bin/attestgraph schema --openapi
(cd frontend && npm run --silent codegen)
