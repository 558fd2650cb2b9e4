"""Settings from the environment: every documented variable, secrets never printed (issue 11,
item 14; issue 12, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidInputError
from service.settings import Settings

PASSWORD = "neo4j-pa55-do-not-print"
ADMIN_KEY = "ag_0123456789abcdef_do-not-print-this-secret-either-000000000"

DOCUMENTED = {
    "ATTESTGRAPH_STORE": ("neo4j", "store", "neo4j"),
    "ATTESTGRAPH_DATA_DIR": ("/srv/attestgraph", "data_dir", Path("/srv/attestgraph")),
    "NEO4J_URI": ("bolt://db.internal:7687", "neo4j_uri", "bolt://db.internal:7687"),
    "NEO4J_USER": ("auditor", "neo4j_user", "auditor"),
    "NEO4J_DATABASE": ("compliance", "neo4j_database", "compliance"),
    "ATTESTGRAPH_FRONTEND_DIR": ("/srv/dist", "frontend_dir", Path("/srv/dist")),
    "ATTESTGRAPH_CORS_ORIGINS": (
        "https://a.test, https://b.test",
        "cors_origins",
        ("https://a.test", "https://b.test"),
    ),
    "ATTESTGRAPH_ENV": ("production", "environment", "production"),
    "ATTESTGRAPH_OIDC_ISSUER": ("https://idp.test/realm/", "oidc_issuer", "https://idp.test/realm/"),
    "ATTESTGRAPH_OIDC_AUDIENCE": ("attestgraph", "oidc_audience", "attestgraph"),
    "ATTESTGRAPH_OIDC_JWKS_URL": ("https://idp.test/keys", "oidc_jwks_url", "https://idp.test/keys"),
    "ATTESTGRAPH_OIDC_ROLE_CLAIM": ("groups", "oidc_role_claim", "groups"),
    "ATTESTGRAPH_RATE_LIMIT": ("2.5", "rate_limit", 2.5),
    "ATTESTGRAPH_RATE_BURST": ("7", "rate_burst", 7.0),
    "ATTESTGRAPH_MAX_BODY_BYTES": ("2048", "max_body_bytes", 2048),
    "ATTESTGRAPH_MAX_IMPORT_BYTES": ("10485760", "max_import_bytes", 10_485_760),
    "ATTESTGRAPH_MAX_QUERY_COST": ("900", "max_query_cost", 900),
    "ATTESTGRAPH_KEY_CACHE_SECONDS": ("0.5", "key_cache_seconds", 0.5),
    "ATTESTGRAPH_FORWARDED_ALLOW_IPS": ("10.0.0.5, 10.1.0.0/16", "forwarded_allow_ips", ("10.0.0.5", "10.1.0.0/16")),
    "ATTESTGRAPH_WORKERS": ("4", "workers", 4),
    "ATTESTGRAPH_WORKER_HEADER": ("true", "worker_header", True),
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith(("ATTESTGRAPH_", "NEO4J_")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_neither_repr_nor_str_prints_the_neo4j_password_or_the_bootstrap_key(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("NEO4J_PASSWORD", PASSWORD)
    clean_env.setenv("ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY)
    settings = Settings.from_env()
    for shown in (repr(settings), str(settings), f"{settings}", repr(settings.model_dump())):
        assert PASSWORD not in shown and ADMIN_KEY not in shown
    # The code that needs them still gets them.
    assert settings.neo4j_password.get_secret_value() == PASSWORD
    assert settings.bootstrap_admin_key is not None and settings.bootstrap_admin_key.get_secret_value() == ADMIN_KEY


@pytest.mark.parametrize("variable", sorted(DOCUMENTED))
def test_every_documented_variable_sets_its_setting(clean_env: pytest.MonkeyPatch, variable: str) -> None:
    text, field, expected = DOCUMENTED[variable]
    clean_env.setenv(variable, text)
    assert getattr(Settings.from_env(), field) == expected


def test_defaults_and_empty_variables_mean_not_set(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ATTESTGRAPH_ENV", "")
    clean_env.setenv("ATTESTGRAPH_OIDC_ISSUER", "")
    clean_env.setenv("ATTESTGRAPH_RATE_LIMIT", "")
    settings = Settings.from_env()
    assert (settings.environment, settings.oidc_issuer, settings.rate_limit) == ("development", None, 20.0)
    assert settings.store == "embedded" and settings.neo4j_password.get_secret_value() == ""
    assert settings.bootstrap_admin_key is None and settings.cors_origins == ()
    assert settings.forwarded_allow_ips == ()  # trust no proxy


def test_the_built_dashboard_is_served_by_default_from_the_environment_only(clean_env: pytest.MonkeyPatch) -> None:
    from service.settings import default_frontend_dir

    assert Settings.from_env().frontend_dir == default_frontend_dir()
    assert Settings().frontend_dir is None  # settings built in code (tests) serve no dashboard unless asked


def test_command_line_overrides_win_and_none_means_no_override(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ATTESTGRAPH_DATA_DIR", "/from/env")
    assert Settings.from_env(data_dir=None).data_dir == Path("/from/env")
    assert Settings.from_env(data_dir=Path("/from/cli")).data_dir == Path("/from/cli")


def test_bad_values_are_refused_naming_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ATTESTGRAPH_STORE", "mongo")
    clean_env.setenv("ATTESTGRAPH_RATE_LIMIT", "-1")
    clean_env.setenv("ATTESTGRAPH_MAX_BODY_BYTES", "lots")
    clean_env.setenv("ATTESTGRAPH_WORKERS", "0")
    with pytest.raises(InvalidInputError) as refused:
        Settings.from_env()
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {
        "ATTESTGRAPH_STORE",
        "ATTESTGRAPH_RATE_LIMIT",
        "ATTESTGRAPH_MAX_BODY_BYTES",
        "ATTESTGRAPH_WORKERS",
    }
    assert "mongo" in str(refused.value)


def test_the_dead_max_page_size_setting_is_gone() -> None:
    assert "max_page_size" not in Settings.model_fields
