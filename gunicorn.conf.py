"""gunicorn's settings for the web process (read from the working directory: the image's /app,
docker-compose.yml's web service and benchmarks/load.py all start gunicorn there).

Threaded workers (``gthread``): a request that waits on PostgreSQL, Redis or Elasticsearch
holds a thread, not a whole process, so a page from the cache is not queued behind a slow
render or a search (docs/operations.md, "Web processes"). The command line and these
variables override the defaults:

- ``WEB_CONCURRENCY``: worker processes (gunicorn reads it itself; the image sets 3);
- ``GUNICORN_THREADS``: threads per worker (default 4). Each thread keeps its own database
  connection (``DJANGO_CONN_MAX_AGE``): PostgreSQL sees up to workers × threads of them;
- ``GUNICORN_WORKER_CLASS``: ``gthread`` (default) or ``sync``.
"""

import os

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
