# syntax=docker/dockerfile:1
# Attestgraph: the API and the dashboard in one image, installed from the wheel.
#   docker build -t attestgraph .        (docker compose builds it for you, see docker-compose.yml)
#
# Base images are pinned by digest (a tag can be moved to other bytes); the tag stays for humans.
# To refresh a pin: docker buildx imagetools inspect node:24-bookworm-slim   (docs/deploy.md)
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG PYTHON_IMAGE=python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254

# -- 1. the dashboard (Node LTS, Vite) --------------------------------------------------------------
FROM ${NODE_IMAGE} AS dashboard
WORKDIR /src/frontend
# Packages first, so a source change does not reinstall them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build \
    && test -f dist/index.html || { echo "the dashboard build wrote no frontend/dist/index.html" >&2; exit 1; }

# -- 2. the wheel (its build refuses to run without the built dashboard: setup.py) -------------------
FROM ${PYTHON_IMAGE} AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml setup.py README.md LICENSE ./
COPY graph/ graph/
COPY service/ service/
COPY seeds/ seeds/
COPY --from=dashboard /src/frontend/dist/ frontend/dist/
RUN pip wheel --no-deps --wheel-dir /wheels .

# -- 3. the service: the locked dependencies, then the wheel (no checkout, no editable install) ------
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ATTESTGRAPH_DATA_DIR=/data
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin attestgraph \
    && mkdir -p /data && chown attestgraph /data

# Dependencies first (exact versions and hashes), so a code change does not reinstall them.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock
RUN --mount=type=bind,from=wheel,source=/wheels,target=/wheels \
    pip install --no-deps /wheels/attestgraph-*.whl
# The installed package must carry the dashboard and the seeds (graph/package_data.py): fail here, not at start.
RUN python -c "from service.settings import default_frontend_dir; from graph.seeds import SEEDS_DIR; \
assert default_frontend_dir(), 'no dashboard in the installed wheel'; \
assert (SEEDS_DIR / 'demo').is_dir(), 'no seeds in the installed wheel'"

USER attestgraph
EXPOSE 8000
VOLUME ["/data"]
# /healthz: the process answers. (/readyz also asks the store; compose uses it for the service.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["attestgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
