"""What a write must pass before either store writes a byte of it: every reference resolves
(references.py), recorded evidence is never rewritten (evidence_immutability.py), the rules that
depend on what is stored hold (write_rules.py), and a file load carries what the API requires
(file_loads.py)."""
