"""The rules of the design as pure functions: how the records read at an instant (evaluation.py)
and which criteria count in coverage (assessable.py). Both stores and every query call them."""
