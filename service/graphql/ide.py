"""GraphiQL from the service itself: no CDN, so it works on an air-gapped host.

The dashboard's build (frontend/, Vite) writes the IDE page, `graphiql.html`, beside index.html,
with its code and styles as hashed files under assets/. GET /graphql (HTML, outside production)
answers that page; its relative asset URLs resolve under the dashboard's static mount. Without a
built dashboard it answers a page saying how to build one and how to call the API without it.
The page is reachable at /graphql only, so production (no IDE) cannot serve it under its file name.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.graphql.remembered import RememberingRouter

IDE_FILE = "graphiql.html"

NOT_BUILT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not built · Attestgraph</title></head>
<body>
<main>
<h1>GraphiQL is not built</h1>
<p>This service has no built dashboard, and the IDE is part of it.
Build it with <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>, or point
<code>ATTESTGRAPH_FRONTEND_DIR</code> at a built <code>frontend/dist</code>, then reload.</p>
<p>The API works without it: POST a JSON body <code>{{"query": "…"}}</code> to this address with your
API key in the <code>Authorization</code> header:</p>
<pre>curl -s -H 'Authorization: Bearer ag_…' -H 'Content-Type: application/json' \\
  -d '{{"query": "{{ me {{ actor roles }} }}"}}' {url}</pre>
<p>(<code>X-API-Key: ag_…</code> works too.)</p>
</main>
</body>
</html>
"""

# Never served under its file name: the IDE lives at /graphql, and is off in production.
ide_file = APIRouter(include_in_schema=False)


@ide_file.get(f"/{IDE_FILE}")
async def no_ide_file() -> Response:
    return Response(status_code=404)


class IdeRouter(RememberingRouter):
    """The GraphQL router, rendering the locally built GraphiQL page instead of Strawberry's
    (which loads React and GraphiQL from a CDN)."""

    def __init__(self, *args: Any, frontend_dir: Path | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ide_page = frontend_dir / IDE_FILE if frontend_dir is not None else None

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        page = self.ide_page
        if page is not None and await asyncio.to_thread(page.is_file):
            return HTMLResponse(await asyncio.to_thread(page.read_text, "utf-8"))
        return HTMLResponse(NOT_BUILT.format(url=html.escape(str(request.url))))
