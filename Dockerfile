# syntax=docker/dockerfile:1
# Attestgraph: the API and the dashboard in one image.
#   docker build -t attestgraph .        (docker compose builds it for you, see docker-compose.yml)

# -- the dashboard: built only if the source tree has one -----------------------------------------
FROM node:20-bookworm-slim AS dashboard
WORKDIR /src
COPY frontend/ frontend/
RUN if [ -f frontend/package.json ]; then \
        cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
    else \
        mkdir -p frontend/dist; \
    fi

# -- the service ------------------------------------------------------------------------------------
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ATTESTGRAPH_DATA_DIR=/data \
    ATTESTGRAPH_FRONTEND_DIR=/app/frontend/dist
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin attestgraph \
    && mkdir -p /data && chown attestgraph /data

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p graph service \
    && touch graph/__init__.py service/__init__.py \
    && pip install . \
    && pip uninstall -y attestgraph

COPY graph/ graph/
COPY service/ service/
COPY seeds/ seeds/
# Editable, so the code stays in /app next to seeds/ (the CLI and `serve --demo` read seeds/ from
# beside the `graph` package) rather than being copied into site-packages without them.
RUN pip install --no-deps -e .
COPY --from=dashboard /src/frontend/dist/ frontend/dist/

USER attestgraph
EXPOSE 8000
VOLUME ["/data"]
# /healthz: the process answers. (/readyz also asks the store; compose uses it for the service.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["attestgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
