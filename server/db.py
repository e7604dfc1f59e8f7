"""The store and the config the routes share, reached through `current_app` (as flaskr's `db.get_db()`).

A leaf module: blueprints import it, it imports no blueprint and not the factory.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app, request

from kg.store import GraphStore
from server.config import ServerConfig

EXTENSION = "npt_kg"


class AppState:
    """What the routes share: the config, the store and a few facts computed once."""

    def __init__(self, config: ServerConfig, store: GraphStore, *, owns_store: bool = True) -> None:
        self.config = config
        self.store = store
        self.owns_store = owns_store
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, compute: Any) -> Any:
        """The graph never changes while serving, so counts and descriptions are computed once."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache.setdefault(key, value)
            return self._cache[key]


def get_state() -> AppState:
    return current_app.extensions[EXTENSION]


def get_store() -> GraphStore:
    return get_state().store


def get_engine() -> GraphStore:
    """The store, or with `Cache-Control: no-cache` the engine behind the result cache (what measurements want)."""
    store = get_store()
    if "no-cache" in request.headers.get("Cache-Control", "") and hasattr(store, "cache_stats"):
        return store.inner  # type: ignore[attr-defined]
    return store


def get_config() -> ServerConfig:
    return get_state().config


def open_store(config: ServerConfig) -> GraphStore:
    """The store the config asks for: a remote engine, a started worker pool, or an in-process store,
    the last two behind the result cache."""
    if config.remote is not None:  # the engine enforces nothing for us: the time limit is on each request
        return config.remote.open(timeout=config.timeout)
    store: GraphStore = ((config.pool or config.worker_pool()).start() if config.use_workers
                         else config.store_spec().open())
    if config.cache_mb > 0:
        from kg.store.listings import LISTINGS_DIR
        from server.cache import CachedStore, content_hash

        listings = config.store_dir / LISTINGS_DIR if config.store_dir is not None else None
        store = CachedStore(store, content_hash(config.store_spec()), max_bytes=config.cache_mb << 20,
                            listings=listings)
    return store
