# Helpdesk production image: gunicorn on port 8000, static files served by whitenoise.
#
#   docker build -t helpdesk .
#   docker run --rm --env-file .env helpdesk python manage.py migrate --noinput
#   docker run -d --name helpdesk --env-file .env -p 8000:8000 -v helpdesk-media:/data/media helpdesk
#   docker run -d --name helpdesk-worker --env-file .env helpdesk \
#       sh -c 'sh scripts/reminders & sh scripts/mail & exec python manage.py db_worker'
#   docker run --rm -it --env-file .env helpdesk python manage.py createsuperuser
#
# .env (see .env.example) needs at least SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL
# DATABASE_URL; behind a TLS-terminating proxy also BEHIND_TLS_PROXY=true,
# SECURE_SSL_REDIRECT=true and SECURE_HSTS_SECONDS. The worker delivers the e-mail
# notifications queued in the database, so run it alongside the web container;
# scripts/reminders runs `manage.py send_reminders` and `send_digest` every 15 minutes
# beside it, and scripts/mail reads the mailboxes set up in the admin every minute
# (`manage.py fetch_mail`). Optional: REDIS_URL for a cache shared by every container,
# DATABASE_REPLICA_URL for reports read from a streaming replica (README, "Reports on a
# replica, and a shared cache").

# The base image is pinned to an exact release; update it on purpose, not by accident.
FROM python:3.13.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --upgrade pip \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt


FROM python:3.13.11-slim-bookworm

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=helpdesk.settings \
    DEBUG=false \
    MEDIA_ROOT=/data/media

RUN groupadd --system helpdesk \
    && useradd --system --gid helpdesk --home-dir /app --no-create-home --shell /usr/sbin/nologin helpdesk \
    && mkdir -p /data/media \
    && chown helpdesk:helpdesk /data/media

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# Code and collected static files belong to root: the app can write only to /data/media.
COPY . /app
RUN SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput

VOLUME ["/data/media"]
USER helpdesk
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]

# Threaded workers: a connection that sends nothing waits in the poller and holds
# no thread, so idle or slow clients cannot stall the site. Still, put a buffering
# proxy in front (README, "Production"). WEB_CONCURRENCY processes × GUNICORN_THREADS.
ENV WEB_CONCURRENCY=2 \
    GUNICORN_THREADS=32
CMD ["sh", "-c", "exec gunicorn helpdesk.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread --workers ${WEB_CONCURRENCY} --threads ${GUNICORN_THREADS} --timeout 30 --keep-alive 5 --access-logfile -"]
