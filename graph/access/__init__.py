"""Who may do what, and the record of who did: API keys (keys.py), the audit log's hash chain
(audit.py) and the `AccessStore` protocol both backends implement beside `GraphStore` (store.py)."""
