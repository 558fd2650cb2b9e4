"""The MCP server: the compliance questions as read tools for AI assistants (stdio and streamable HTTP)."""
