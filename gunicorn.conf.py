"""gunicorn's settings for the web process (the image's CMD, docker-compose.yml's web service
and benchmarks/load.py all pass ``--config gunicorn.conf.py``).

Synchronous workers by default: measured on the 2-core machine under 20 clients
(benchmarks/README.md, "Load benchmark"), threaded workers (``gthread``, 2 or 4 threads)
answered fewer requests per second and slower than the same 5 processes synchronous: the
portal is CPU-bound there, and a thread waiting for the interpreter behind a render made even
cached pages slow (docs/operations.md, "Web processes"). The command line and these variables
override the defaults:

- ``WEB_CONCURRENCY``: worker processes (gunicorn reads it itself; the image sets 3);
- ``GUNICORN_WORKER_CLASS``: ``sync`` (default) or ``gthread`` where the database and search
  run on other machines and requests mostly wait on them;
- ``GUNICORN_THREADS``: threads per ``gthread`` worker (default 4). Each thread keeps its own
  database connection (``DJANGO_CONN_MAX_AGE``).
"""

import os

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
