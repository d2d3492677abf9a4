# One image for the web server, the Celery worker and beat.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    libreoffice-writer-nogui \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v 0 \
 && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
 && useradd --system --home /app app && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
