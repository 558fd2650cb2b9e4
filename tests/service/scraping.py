"""Reading /metrics in tests: scrape a live server and compare series before and after."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import LiveServer

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(caller: LiveServer) -> Series:
    response = caller.client.get(f"{caller.url}/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")  # the exposition format
    return parse(response.text)


def parse(text: str) -> Series:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, frozenset(labels.items())), 0.0)


def delta(before: Series, after: Series, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)
