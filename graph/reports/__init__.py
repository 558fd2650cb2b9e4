"""What leaves Attestgraph for an auditor: the engagement package (package.py) and its file writers."""
