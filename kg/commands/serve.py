"""`npt-kg serve`: build the graph if needed, open the store, start the workers, serve with waitress."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

from kg import resources
from kg.errors import UserError
from kg.store.errors import StoreUnavailable

#: waitress refuses bodies above this before the app sees them (the app's own cap is far lower).
MAX_REQUEST_BODY = 8 * 1024 * 1024


def _say(text: str) -> None:
    print(f"npt-kg: {text}", file=sys.stderr, flush=True)


def _newest_mtime(paths: Iterable[Path]) -> float:
    newest = 0.0
    for path in paths:
        try:
            newest = max(newest, path.stat().st_mtime)
        except OSError:
            continue
    return newest


def is_stale(graph: Path, seeds: Path, ontology_dir: Path = resources.ONTOLOGY_DIR) -> bool:
    """True when a paper or an ontology file (or the folders' contents) changed after `graph` was built."""
    inputs = [seeds, ontology_dir, *seeds.glob("*.txt"), *ontology_dir.glob("*.ttl")]
    return _newest_mtime(inputs) > graph.stat().st_mtime


def ensure_graph(graph: Path) -> Path:
    """Build the graph from seeds/ when it is missing, or (for the default build path) out of date."""
    seeds = resources.seeds_dir()
    default = graph.resolve() == resources.DEFAULT_GRAPH.resolve()
    if graph.is_dir():
        raise UserError(f"{graph}: is a directory; --graph takes a built graph file (Turtle)")
    if not graph.exists() and not default:
        raise UserError(f"{graph}: no such file; build it with 'npt-kg build -o {graph}' or fix the path")
    if graph.exists():
        if not is_stale(graph, seeds):
            return graph
        if not default:
            _say(f"{graph} is older than {seeds}/ or the ontology; serving it anyway (rebuild with 'npt-kg build')")
            return graph
        _say(f"{graph} is older than {seeds}/ or the ontology: rebuilding")
    else:
        _say(f"{graph} does not exist: building it from {seeds}/")
    from kg.build import build_graph

    summary = build_graph([seeds], graph)
    _say(summary.line())
    return graph


def _check_args(args: argparse.Namespace) -> None:
    if args.timeout <= 0:
        raise UserError("--timeout must be more than 0 seconds", exit_code=2)
    if args.max_rows < 0:
        raise UserError("--max-rows must be 0 (no cap) or more", exit_code=2)
    if args.workers < 1 or args.threads < 1:
        raise UserError("--workers and --threads must be at least 1", exit_code=2)
    if not 0 <= args.port <= 65535:
        raise UserError("--port must be between 0 and 65535", exit_code=2)


def _remote_spec(args: argparse.Namespace):
    """The engine `--remote` names, with credentials from the options, the URL or the environment."""
    if getattr(args, "remote", None) is None:
        return None
    if args.store_dir is not None:
        raise UserError("--remote and --store-dir exclude each other: the remote engine is the store", exit_code=2)
    from kg.store.endpoint import resolve_credentials
    from kg.store.remote import DEFAULT_GRAPHS, RemoteSpec

    url, user, password = resolve_credentials(args.remote, args.user, args.password)
    if not url.startswith(("http://", "https://")):
        raise UserError(f"--remote {url}: not an http(s) URL of a SPARQL query endpoint", exit_code=2)
    graphs = tuple(args.remote_graph) if args.remote_graph else DEFAULT_GRAPHS
    return RemoteSpec(url, graphs=graphs, user=user, password=password)


def run(args: argparse.Namespace) -> int:
    """The `npt-kg serve` subcommand."""
    _check_args(args)
    logging.basicConfig(level=logging.INFO, format="npt-kg: %(message)s", stream=sys.stderr)
    remote = _remote_spec(args)
    graph = Path(args.graph) if remote is not None else ensure_graph(Path(args.graph))
    if args.store_dir is not None:
        from kg.store import prepare_disk_store

        manifest = prepare_disk_store(Path(args.store_dir), graph, on_progress=_say)
        _say(f"store at {args.store_dir}: {manifest.get('triples')} triples, loaded {manifest.get('loaded_at')}")

    from server.config import ServerConfig

    config = ServerConfig(
        graph=graph,
        store_dir=Path(args.store_dir) if args.store_dir is not None else None,
        timeout=args.timeout,
        max_rows=args.max_rows or None,
        workers=args.workers,
        cache_mb=getattr(args, "cache_mb", 256),
        remote=remote,
    )

    from waitress import create_server

    apps: list = []

    def application(environ, start_response):  # the real app, once it exists (it is set before serving)
        return apps[0](environ, start_response)

    try:  # bind first: a port in use is reported before the workers are started
        server = create_server(application, host=args.host, port=args.port, threads=args.threads, ident="npt-kg",
                               max_request_body_size=MAX_REQUEST_BODY, clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc

    if remote is None:  # the workers open the store while the web side (Flask: most of a second) is imported
        config.pool = config.worker_pool()
        config.pool.launch()

    from server.app import close_app, create_app

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        try:
            apps.append(create_app(config))
        except StoreUnavailable as exc:  # a remote engine that is down, refuses us, or is not SPARQL
            raise UserError(str(exc)) from None
        host, port = server.effective_host, server.effective_port  # type: ignore[union-attr]
        shown = f"[{host}]" if ":" in str(host) else host
        engine = f"in front of {remote.query_url}" if remote is not None else f"{config.workers} workers"
        _say(f"SPARQL endpoint at http://{shown}:{port}/sparql ({engine}, "
             f"{args.threads} threads, {config.timeout:g} s time limit)")
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if apps:
            close_app(apps[0])
        elif config.pool is not None:  # the app never came up: the workers launched for it go too
            config.pool.close()
    return 0
