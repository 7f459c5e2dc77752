# The subscription service (`statusbook subscriptions serve`), for any container host next to
# the static status page. Not built in this repository's CI (no container engine there).
#
#   docker build -t statusbook-subscriptions .
#   docker run -d -p 8080:8080 -v status-data:/data \
#     -v "$PWD/statusbook.yml:/srv/status/statusbook.yml:ro" --env-file subscriptions.env \
#     statusbook-subscriptions
#
# subscriptions.env holds the secrets and the SMTP relay (see the README's "Readers subscribe
# themselves"); nothing secret is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/statusbook
COPY pyproject.toml README.md ./
COPY tooling ./tooling
RUN pip install --no-compile ".[subscriptions]" \
    && rm -rf /opt/statusbook/tooling \
    && useradd --system --uid 10001 --home-dir /srv/status --shell /usr/sbin/nologin statusbook \
    && mkdir -p /data /srv/status \
    && chown statusbook /data

# The catalog is mounted (or copied in a derived image) at /srv/status/statusbook.yml; the
# service needs no records, only the catalog's site, components and subscriptions: sections.
# An empty records folder keeps the catalog's check of it happy.
RUN mkdir -p /srv/status/incidents
ENV STATUSBOOK_CONFIG=/srv/status/statusbook.yml \
    STATUSBOOK_SUBSCRIPTIONS_DATABASE_URL=sqlite:////data/subscriptions.sqlite3 \
    STATUSBOOK_SUBSCRIPTIONS_HOST=0.0.0.0 \
    STATUSBOOK_SUBSCRIPTIONS_PORT=8080

USER statusbook
WORKDIR /srv/status
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"]

CMD ["statusbook", "subscriptions", "serve"]
