FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 sitewatch && mkdir -p /data && chown sitewatch /data
WORKDIR /app

# Dependencies first, from pyproject.toml alone: a code change keeps this layer, only a new pin reinstalls.
# The step installs pyproject's own pins, exactly (tests/test_docker_files.py runs the same extraction).
COPY pyproject.toml ./
RUN python -c 'import tomllib; pins = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; assert all("==" in pin for pin in pins), pins; print(*pins, sep=chr(10))' > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the code, installed without dependencies (pip reads README.md for the package's description).
COPY README.md ./
COPY handlers ./handlers
COPY bot ./bot
RUN pip install --no-cache-dir --no-deps . && rm -rf build *.egg-info
COPY config.yaml ./

USER sitewatch
VOLUME /data
ENV SITEWATCH_DATABASE=/data/sitewatch.sqlite3

# Healthy when the store opens and feeds are polled on time (python -m bot health); the start period covers
# the first poll cycle.
HEALTHCHECK --interval=60s --timeout=30s --start-period=5m --retries=3 \
    CMD ["python", "-m", "bot", "health", "--config", "config.yaml"]

# Exec form: python itself receives docker stop's SIGTERM (no shell in between to swallow it) and shuts down
# cleanly (event=stopped) within the stop timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run", "--config", "config.yaml"]
