"""The shared cache: django-redis, with this process's memory standing in while Redis is away.

What the portal keeps in the default cache decides how it must behave when Redis is down:

* Wagtail's site-root lookup and other plain caching: a miss only costs a database query.
* allauth's rate limits take a lock with ``cache.add`` and count in the cache; allauth's TOTP
  check records each used code with ``cache.add``. If ``add`` answered "not added" (which is
  what django-redis' ``IGNORE_EXCEPTIONS`` alone gives), every sign-in would be refused as
  rate-limited and no staff member could pass the authenticator step.
* The /verify limiter counts with ``add`` and ``incr``.

So the standard cache API (get, set, add, incr, …) falls back to a local-memory cache
(``LocMemCache``) when Redis cannot be reached: limits keep counting, per process instead of
shared, and the log says so once per outage. After a failure Redis is left alone for
``FALLBACK_RETRY_SECONDS`` (default 5): a stopped or hung Redis costs one connection attempt per
process in that time, not one per cache call. Anything beyond the standard API (``ttl``,
``lock``, …) is plain django-redis with ``IGNORE_EXCEPTIONS``: it answers ``None`` and logs.

Entries written or deleted during an outage live only in that process's memory; when Redis
comes back, it answers again with what it held before (see docs/operations.md).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 5.0

# Per process and per Redis location: when Redis may be tried again (time.monotonic()), and
# whether this outage has been logged. Django gives each thread its own cache object; the
# outage is the process's, so the state is shared here.
_outages: dict[str, dict[str, Any]] = {}


class RedisCacheWithLocalFallback(RedisCache):
    """``django_redis.cache.RedisCache`` whose standard API survives a Redis outage."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._retry_seconds = float(options.pop("FALLBACK_RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("IGNORE_EXCEPTIONS", True)
        super().__init__(server, {**params, "OPTIONS": options})
        local_params = {
            name: params[name] for name in ("TIMEOUT", "KEY_PREFIX", "VERSION") if name in params
        }
        # One LocMemCache store per Redis location, shared by the process's threads.
        self._local = LocMemCache(f"redis-fallback:{server}", local_params)
        self._state = _outages.setdefault(str(server), {"retry_at": 0.0, "logged": False})

    # --- the switch -----------------------------------------------------------------------
    @property
    def using_fallback(self) -> bool:
        """True while this process counts and caches in its own memory."""
        return time.monotonic() < self._state["retry_at"]

    def _call(self, method: str, *args, **kwargs):
        if not self.using_fallback:
            try:
                result = getattr(self.client, method)(*args, **kwargs)
            except ConnectionInterrupted as exc:
                self._went_down(exc)
            else:
                if self._state["logged"]:
                    self._state["logged"] = False
                    logger.warning("Redis cache reachable again: shared caching resumed")
                return result
        return getattr(self._local, method)(*args, **kwargs)

    def _went_down(self, exc: ConnectionInterrupted) -> None:
        self._state["retry_at"] = time.monotonic() + self._retry_seconds
        if self._state["logged"]:
            logger.debug("Redis cache still unreachable: %s", exc.__cause__)
            return
        self._state["logged"] = True
        logger.warning(
            "Redis cache unreachable (%s): this process caches in its own memory and retries "
            "every %.0f s; sign-in, MFA and /verify rate limits now count per process, "
            "not shared",
            exc.__cause__ or exc,
            self._retry_seconds,
        )

    # --- the standard cache API -------------------------------------------------------------
    def get(self, key, default=None, version=None, client=None):
        return self._call("get", key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return bool(self._call("delete", key, version=version))

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)
