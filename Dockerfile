# Samverkan for production: gunicorn serving the app, the same image runs the
# task worker (see compose.yaml). Static files are built in and served by the
# app itself (WhiteNoise): no CDN, nothing fetched at run time.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    SAMVERKAN_VAR_DIR=/var/lib/samverkan \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint's libraries (PDF exports), fonts, and pg_dump/psql for backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv \
 && useradd --system --home /app --shell /usr/sbin/nologin samverkan

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev \
 && DEBUG=0 SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdef ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && mkdir -p /var/lib/samverkan/media && chown -R samverkan /var/lib/samverkan

USER samverkan
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/').status == 200 else 1)"
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "samverkan.wsgi"]
