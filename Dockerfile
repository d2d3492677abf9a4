# syntax=docker/dockerfile:1
# One image for the web server (gunicorn), the Celery worker and Celery beat.
#
#   docker build -t hoi-nghi-cchc .
#
# Stage 1 installs the pinned Python packages the app needs at run time into
# /opt/venv; stage 2 is the slim runtime with the system libraries of the
# renderer, the compiled translations and the collected static files, run
# as the unprivileged user "app".
ARG PYTHON_IMAGE=python:3.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements.txt /tmp/requirements.txt
# The direct run-time dependencies are the lines before "# Tests and tooling.";
# every version (transitive ones included) is held to requirements.txt, used
# as constraints (pip refuses extras there: "celery[redis]" → "celery").
RUN sed -n '1,/^# Tests and tooling/p' /tmp/requirements.txt | grep -Ev '^[[:space:]]*(#|$)' > /tmp/runtime.txt \
 && sed 's/\[[^]]*\]//' /tmp/requirements.txt > /tmp/constraints.txt \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-compile -r /tmp/runtime.txt -c /tmp/constraints.txt \
 && /opt/venv/bin/pip check

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="Hội nghị CCHC" \
      org.opencontainers.image.licenses="GPL-3.0-or-later"

# WeasyPrint: Pango (+ pangoft2) and HarfBuzz's subsetter; the documents embed
# the bundled Liberation Serif (static/documents/fonts), so they need no system
# font. LibreOffice Writer (no GUI) converts DOCX contributions for the
# materials booklet and needs fonts of its own to lay them out (Liberation:
# metric-compatible with Times New Roman and Arial; DejaVu for the rest).
# gettext: compilemessages below. postgresql-client (15, as the server):
# pg_dump/pg_restore for scripts/backup.sh and scripts/restore.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
      libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core \
      gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    PRIVATE_FILES_ROOT=/app/var/private \
    SIGNING_PKCS12=/app/var/signing/organisation.p12 \
    HOME=/app/var/home \
    WEB_CONCURRENCY=3

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root . .

# Build-time only: a throwaway key so the settings load with DEBUG off (the
# manifest of hashed static names needs DEBUG off). Nothing of it is kept.
RUN DEBUG=true python manage.py compilemessages --ignore=.venv --ignore=var -v 0 \
 && DEBUG=false SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input -v 0 \
 && rm -rf /app/var \
 && mkdir -p /app/var/media /app/var/private /app/var/signing /app/var/home /app/var/mail \
 && chown -R app:app /app/var \
 && chmod 0700 /app/var/private /app/var/signing

# docker-compose.yml mounts named volumes over media, private and signing;
# Docker copies the owner (app) into a new, empty volume.
USER app
EXPOSE 8000

# Liveness of the web process (the worker and beat get their own checks in
# docker-compose.yml). scripts/healthcheck.py sends the Host header of
# ALLOWED_HOSTS so Django does not refuse the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "scripts/healthcheck.py", "/healthz/live"]

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "120"]
