"""Metrics, request logs and traces: what an operator watches the service by (README "Operating")."""
