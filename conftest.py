"""Root conftest: Celery's pytest fixtures (no Docker-based plugin)."""

pytest_plugins = ("celery.contrib.pytest",)
