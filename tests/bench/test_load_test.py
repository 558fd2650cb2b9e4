"""The load test runs briefly and sees no error (its figures are reported, never asserted on)."""

from __future__ import annotations

from bench.load_test import run


def test_a_short_load_run_has_no_error() -> None:
    figures = run(clients=6, duration=3.0, write_ratio=0.25)
    assert figures.requests > 0 and figures.reads > 0 and figures.writes > 0
    assert figures.errors == 0, figures.error_samples
