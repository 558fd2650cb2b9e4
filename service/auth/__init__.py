"""Who is calling and what they may do: API keys, OIDC tokens, roles, the request gate."""
