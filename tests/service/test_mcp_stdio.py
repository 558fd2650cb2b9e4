"""`attestgraph mcp --demo` spawned over stdio with the SDK's own client: the tools and resources
are listed, each answers (as GraphQL does, for coverage asked of the same demo at the same instant)
and bad arguments are refused naming the argument."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from mcp import Client, StdioServerParameters
from typer.testing import CliRunner

from graph.demo import load_demo
from graph.model import now_utc
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.service.conftest import serving
from tests.service.mcp_answers import ASSET, GRAPHQL, ISO42001, SOC2, assert_listed_and_refusing, call

ATTESTGRAPH = str(Path(sys.executable).with_name("attestgraph"))


def test_stdio_demo_answers_as_the_api_does() -> None:
    now = now_utc().replace(microsecond=0)
    at, start = now.isoformat(), (now - timedelta(days=90)).isoformat()
    store = EmbeddedStore()
    load_demo(store, now_utc())  # the demo as `mcp --demo` loads it: seeds, then imports
    with serving(store) as live:
        expected = live.data(GRAPHQL["coverage"], {"fw": SOC2, "t": at})["coverage"]
    store.close()
    server = StdioServerParameters(command=ATTESTGRAPH, args=["mcp", "--demo"])

    async def ask() -> None:
        async with Client(server, cache=None) as client:
            await assert_listed_and_refusing(client)
            coverage = await call(client, "coverage", {"framework": SOC2, "as_of": at})
            assert coverage["totals"] == expected["totals"]
            assert coverage["criteria"]["limit"] == 20 and len(coverage["criteria"]["rows"]) <= 20
            for tool, arguments in {
                "blast_radius": {"asset": ASSET},
                "missing_evidence": {"framework": SOC2, "as_of": at},
                "evidence_gaps": {"start": start, "end": at},
                "crosswalk": {"source": SOC2, "target": ISO42001},
                "impact": {"asset": ASSET, "at": at},
            }.items():
                assert await call(client, tool, arguments)

    asyncio.run(ask())


def test_a_data_dir_without_a_store_is_refused_naming_the_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["mcp", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code != 0
    assert "--data-dir" in result.output and "holds no store" in result.output
