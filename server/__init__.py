"""The web side: SPARQL 1.1 Protocol endpoint, query page, linked data pages and dumps.

`create_app(config)` builds the Flask application; `npt-kg serve` runs it under
waitress. Imports are lazy so that query worker processes, which import
`server.workers`, do not load Flask.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerConfig", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from server.app import create_app

        return create_app
    if name == "ServerConfig":
        from server.config import ServerConfig

        return ServerConfig
    raise AttributeError(name)
