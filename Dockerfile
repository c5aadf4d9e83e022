# Zone Portal — production image: gunicorn serving zoneportal.wsgi with the production settings.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# PYTHONPATH: the settings locate templates, static files and translations relative to the
# source tree, so /app (not the copy that `pip install .` puts in site-packages) is imported.
# WEB_CONCURRENCY: gunicorn's worker count; override at run time (see gunicorn.conf.py).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=zoneportal.settings.production \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

# WeasyPrint (Pango, HarfBuzz subsetting), Chinese fonts for the certificates, gettext for
# compilemessages, pg_dump and pg_restore of the database's major version (scripts/backup.sh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
        postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 zoneportal \
    && useradd --system --uid 10001 --gid zoneportal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin zoneportal

WORKDIR /app
COPY . /app
RUN pip install .

# The certificates' fonts: Noto Serif CJK SC cut to the characters they print (policies/
# certificates/fonts.py), built here once (about a minute), read by every worker.
ENV CERTIFICATE_FONT_DIR=/app/fonts
RUN python -m certificates.fonts

# Build-time only: the production settings refuse to load without these, so this one RUN step
# exports throwaway values in its own shell. They are not ARG/ENV: nothing of them is kept in
# the image or its history. The real values come from the environment at run time.
RUN export DJANGO_SECRET_KEY="build-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build-only.sqlite3 \
        CERTIFICATE_SIGNING_KEY=build-only-not-a-secret \
    && if [ -n "$(find . -name '*.po' -print -quit)" ]; then python manage.py compilemessages --ignore=.venv; fi \
    && python manage.py collectstatic --noinput

# Uploaded and private files: mount volumes here (they inherit this ownership when created).
RUN mkdir -p /app/media /app/private-media \
    && chown zoneportal:zoneportal /app/media /app/private-media

USER zoneportal
EXPOSE 8000
CMD ["gunicorn", "zoneportal.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
