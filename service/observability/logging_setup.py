"""JSON logs: one object per line on stderr, for the service's loggers and uvicorn's alike.

`serve` hands `LOG_CONFIG` to uvicorn (each worker applies it) and turns uvicorn's access log off:
the request line of service/observability/request_log.py replaces it, with the route template,
role and request id uvicorn's line cannot know."""

from __future__ import annotations

import logging
import re
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# An API key's secret part (graph/access/keys.py) wherever it would appear: no code path logs
# one, and should one ever try, the line keeps the key id and loses the secret.
API_KEY_SECRET = re.compile(r"(ag_[0-9a-f]{16}_)[A-Za-z0-9_-]{43}")
REDACTED = r"\1[redacted]"


class ServiceJsonFormatter(JsonFormatter):
    """python-json-logger's formatter with the service's field names, and API keys redacted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601 in UTC
            # uvicorn adds a coloured copy of its message to its records: one copy is enough.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            **kwargs,
        )

    def format(self, record: logging.LogRecord) -> str:
        return API_KEY_SECRET.sub(REDACTED, super().format(record))


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": ServiceJsonFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "attestgraph": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
