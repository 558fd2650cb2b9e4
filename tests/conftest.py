"""Shared fixtures. `store` is parametrized over every backend: each store test runs on each."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import pytest

from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.stores.neo4j_launcher import (
    LocalNeo4j,
    Neo4jServer,
    ServerUnavailable,
    from_env,
    from_testcontainers,
)

BACKENDS = ["embedded", "neo4j"]

# Marks a database given through NEO4J_URI as the tests' own scratch space (see `neo4j_server`).
SCRATCH_LABEL = "AttestgraphTestScratch"


# The modules that take longest (their own Neo4j servers started, killed and restarted; long
# Neo4j write sequences), measured with --durations: under xdist they go first, so that no worker
# starts one of them while the other has nothing left (scripts/test.sh passes
# --no-loadscope-reorder, else xdist orders files by test count and these few-test files come last).
SLOWEST_FIRST = (
    "tests/stores/test_crash_recovery.py",
    "tests/stores/test_neo4j_memo.py",
    "tests/stores/test_differential.py",
    "tests/stores/test_neo4j_bulk_load.py",
    "tests/stores/test_write_sequences.py",
    "tests/service/test_mcp_http.py",
    "tests/service/test_crash.py",
    "tests/service/test_store_outage.py",
    "tests/service/test_workers.py",
    "tests/test_parallel_runs.py",
    "tests/test_wheel.py",
    "tests/queries/test_coverage.py",
    "tests/service/test_openlineage_import.py",  # each CLI run opens its own Neo4j store
    "tests/service/test_nessus_import.py",  # six CLI imports, each opening its own Neo4j connection
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a serial run keeps the plain order
    # xdist schedules tests by id: of items sharing one, only the first would run, silently
    # (schemathesis's generated cases do; scripts/test.sh runs tests/service/test_fuzz.py serially).
    shared = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if shared:
        raise pytest.UsageError(
            f"{len(shared)} test ids are shared by several tests ({', '.join(shared[:3])}): under pytest-xdist only "
            "the first of each would run. Run those modules without -n (scripts/test.sh runs the fuzz module serially)."
        )
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: order within kept


def pytest_configure(config: pytest.Config) -> None:
    """Refuse pytest-xdist workers sharing the one database of NEO4J_URI: each test empties it, so
    parallel workers would wipe each other's data (scripts/test.sh runs serially when it is set)."""
    workers = config.getoption("numprocesses", default=None) if config.pluginmanager.hasplugin("xdist") else None
    if os.environ.get("NEO4J_URI") and isinstance(workers, int) and workers > 1:
        raise pytest.UsageError(
            f"NEO4J_URI is set and pytest was asked for {workers} xdist workers (-n): the workers would share "
            "that one database and each test empties it. Run without -n (serially) against NEO4J_URI, or unset "
            "NEO4J_URI so that each worker starts its own Neo4j from tools/neo4j."
        )


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """One real Neo4j for the whole session: NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD,
    NEO4J_DATABASE) if set, else a testcontainers Neo4j 5.26 where Docker answers, else a private
    server of tools/neo4j on a free port and a temporary data dir, stopped at the end. Under
    pytest-xdist each worker has its own session, so its own server, port and data dir (its
    tmp_path_factory is per worker). No Neo4j is a failure, never a skip: the Neo4j backend is
    part of what we ship."""
    server = from_env()
    if server is not None:
        _claim_scratch(server)
        yield server
        return
    try:
        found = from_testcontainers()
    except Exception as error:
        pytest.fail(f"Docker answers but the Neo4j test container did not start: {error}", pytrace=False)
    if found is not None:
        server, container = found
        try:
            yield server
        finally:
            container.stop()
        return
    local = LocalNeo4j(tmp_path_factory.mktemp("neo4j"))
    problem = None
    try:
        local.start()
    except ServerUnavailable as error:
        problem = str(error)
    if problem is not None:
        local.stop()
        pytest.fail(
            "No Neo4j for the neo4j-backend tests: NEO4J_URI is not set, Docker does not answer, and the "
            f"local launcher failed.\n{problem}\nFix: set NEO4J_URI/NEO4J_PASSWORD to a scratch Neo4j 5.26, or "
            "install Java 17+ and Maven so tools/neo4j/start.sh can run.",
            pytrace=False,
        )
    try:
        yield local.server
    finally:
        local.stop()


def _claim_scratch(server: Neo4jServer) -> None:
    """The tests empty the database before each test: refuse a database holding data they did not
    put there (someone's real graph behind NEO4J_URI), and mark an empty one as theirs."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        answer, problem = None, None
        try:  # a session's auto-commit query: no retry loop, so a dead server fails at once
            with driver.session(database=server.database) as session:
                answer = session.run(
                    f"OPTIONAL MATCH (n) WITH count(n) > 0 AS used RETURN used, EXISTS {{ (:{SCRATCH_LABEL}) }} AS ours"
                ).single(strict=True)
        except Exception as error:
            problem = f"{type(error).__name__}: {error}"
        if answer is None:
            pytest.fail(f"Neo4j at NEO4J_URI={server.uri} does not answer: {problem}", pytrace=False)
        if answer["used"] and not answer["ours"]:
            pytest.fail(
                f"Refusing to run the tests against {server.uri}: its database holds data the tests did not "
                "create, and each test deletes everything. Point NEO4J_URI at a scratch database (or empty it).",
                pytrace=False,
            )
        driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=server.database)


def _neo4j_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    from graph.stores.neo4j import Neo4jStore

    server: Neo4jServer = request.getfixturevalue("neo4j_server")
    store = Neo4jStore(server.uri, server.user, server.password, server.database)
    store.clear()
    if server.origin == "NEO4J_URI":
        store.connection.driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=server.database)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each backend (Neo4j: one server per session, emptied before each test)."""
    if request.param == "embedded":
        embedded = EmbeddedStore()
        yield embedded
        embedded.close()
    elif request.param == "neo4j":
        yield from _neo4j_store(request)
    else:  # pragma: no cover - other backends register themselves above
        raise AssertionError(f"unknown backend {request.param}")
