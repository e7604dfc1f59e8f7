"""Everything the app needs to know, in one explicit object (what `npt-kg serve` fills in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources
from kg.store import StoreSpec
from server import guard

if TYPE_CHECKING:  # a type only: the remote client (http.client, logging) is imported when it is used
    from kg.store.remote import RemoteSpec
    from server.workers import WorkerPool

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where `npt-kg assets install` puts the npm packages, one folder each (`yasgui/`, …).
DEFAULT_ASSETS_DIR = PACKAGE_DIR / "static" / "vendor"


@dataclass
class ServerConfig:
    """How to open the store, and the limits every query runs under."""

    graph: Path = resources.DEFAULT_GRAPH
    store_dir: Path | None = None
    ontology_files: tuple[Path, ...] = field(default_factory=lambda: tuple(resources.ONTOLOGY_FILES))
    timeout: float = 30.0
    max_rows: int | None = 100_000
    workers: int = 2
    #: False: answer in the web process (no time limit); for tools and tests.
    use_workers: bool = True
    #: Move workers into an empty network namespace where the OS allows it.
    sandbox: bool = True
    max_query_bytes: int = guard.MAX_QUERY_BYTES
    max_nesting: int = guard.MAX_NESTING
    queries_dir: Path = resources.QUERIES_DIR
    assets_dir: Path = DEFAULT_ASSETS_DIR
    #: Memory for the result cache (server/cache.py), in MB; 0 turns it off.
    cache_mb: int = 256
    #: One line per request on stderr (status, bytes, time); see server.accesslog.
    access_log: bool = True
    #: When the loaded graph was built (ISO 8601); read from the graph file when not given.
    graph_built: str | None = None
    #: Serve from this SPARQL endpoint instead of a local store (`npt-kg serve --remote`).
    remote: RemoteSpec | None = None
    #: Query workers already launched (`npt-kg serve` starts them before it imports the web side).
    pool: WorkerPool | None = None

    def store_spec(self) -> StoreSpec:
        return StoreSpec(graph=self.graph, store_dir=self.store_dir, ontology_files=self.ontology_files)

    def worker_pool(self) -> WorkerPool:
        """The query workers this config asks for (not started): one place that knows their settings."""
        from server.workers import WorkerPool

        return WorkerPool(self.store_spec(), size=self.workers, timeout=self.timeout, sandbox=self.sandbox)
