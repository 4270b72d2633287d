FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 sitewatch
WORKDIR /app

# The same install as the README: the pinned dependencies of pyproject.toml.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY config.yaml ./
RUN pip install --no-cache-dir . && mkdir -p /data && chown sitewatch /data

USER sitewatch
VOLUME /data
ENV SITEWATCH_DATABASE=/data/sitewatch.sqlite3
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run", "--config", "config.yaml"]
