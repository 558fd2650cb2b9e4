"""The published GraphQL contract: the SDL of the schema the service runs (docs/schema.graphql)."""

from __future__ import annotations

from service.graphql.schema import build_schema


def print_sdl() -> str:
    """The schema as SDL, ending in a newline (the file scripts/generate.sh writes and a test compares)."""
    # Introspection and the cost budget change what a request may do, not the types: any build prints the same.
    return build_schema().as_str() + "\n"
