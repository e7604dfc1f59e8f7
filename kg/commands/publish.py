"""`npt-kg publish`: load the built graph into a SPARQL engine through its Graph Store endpoint.

What a person can rely on:

- **Replace, never append.** Each graph is uploaded into a staging graph beside its
  target (`<target>-staging-<random>`), in chunks (the first by PUT, the rest by POST),
  checked with a COUNT, and only then moved over the target by one SPARQL Update
  (`MOVE`), so publishing twice gives the same graph, and a failure part-way leaves the
  target as it was (the staging graph is dropped). Without an update endpoint
  (`--direct`, or an engine whose update URL cannot be told from its GSP URL), the
  target is replaced chunk by chunk and a failure says plainly that it is half-written.
- **Checked.** After publishing, each graph's triples are counted on the engine and
  compared with the built graph; any mismatch is an error.
- **Bulk, where the engine has it** (`--bulk`): Oxigraph server loads a request
  with `?no_transaction` through its bulk loader instead of one write transaction,
  so each graph goes as one streamed PUT of N-Triples: many times faster, but in
  place (a failure leaves the graph half-written, and says so) and still counted
  afterwards. Virtuoso has no such path over HTTP (its loader reads files on its
  own host), so `--bulk` there is refused with that reason.
- **Credentials** come from `--user`/`--password`, the URL's `user:password@`, or
  `NPT_KG_REMOTE_USER`/`NPT_KG_REMOTE_PASSWORD`, and never appear in output.

Blank nodes are scoped to one request, so every triple that mentions one goes in the
first chunk of its graph (the built data has none; the ontology is small).
"""

from __future__ import annotations

import argparse
import itertools
import math
import secrets
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Store, Triple, serialize

from kg import vocab
from kg.errors import UserError
from kg.store.endpoint import (
    Client,
    EndpointError,
    Response,
    engine_name,
    error_text,
    resolve_credentials,
    shown_url,
    split_credentials,
)

#: Triples per request: 100,000 lines of N-Triples (15-20 MB) load fastest on both engines measured.
DEFAULT_CHUNK = 100_000

#: Triples above which a staged swap on Oxigraph server is worth a hint (its MOVE copies them).
SLOW_SWAP = 500_000

#: Known GSP endpoint paths → (query path, update path), for engines that keep them side by side.
_SIBLINGS = (
    ("/store", "/query", "/update"),                           # Oxigraph server
    ("/sparql-graph-crud-auth", "/sparql", "/sparql-auth"),    # Virtuoso, digest
    ("/sparql-graph-crud", "/sparql", "/sparql"),              # Virtuoso, with SPARQL_UPDATE granted
    ("/data", "/query", "/update"),                            # Apache Jena Fuseki: /<dataset>/data
    ("/rdf-graphs/service", "", "/statements"),                # GraphDB / RDF4J: /repositories/<id>/…
)


def sibling_urls(gsp_url: str) -> tuple[str | None, str | None]:
    """The query and update endpoints beside a known kind of GSP endpoint, else (None, None)."""
    parts = urllib.parse.urlsplit(gsp_url)
    for suffix, query, update in _SIBLINGS:
        if parts.path.endswith(suffix):
            root = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path[: -len(suffix)], "", ""))
            return root + query, root + update
    return None, None


def graph_url(gsp_url: str, graph: str) -> str:
    return f"{gsp_url}{'&' if '?' in gsp_url else '?'}graph={urllib.parse.quote(graph, safe='')}"


@dataclass
class Target:
    """One graph to publish: where it goes, and where its triples are (read lazily, never all at once)."""

    graph: str
    store: Store
    source: str  # the graph's name in `store`
    count: int = 0

    def __post_init__(self) -> None:
        self.count = sum(1 for _ in self._quads())

    def _quads(self) -> Iterator:
        return self.store.quads_for_pattern(None, None, None, NamedNode(self.source))

    @property
    def triples(self) -> Iterator[Triple]:
        return (q.triple for q in self._quads())


def _has_blank(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)


def chunks(read: Callable[[], Iterable[Triple]], size: int) -> Iterator[list[Triple]]:
    """Chunks of at most `size` triples, every triple with a blank node in the first one.

    `read()` gives the triples afresh each time: a first pass gathers the (few) blank-node
    triples, the second streams the others, so a large graph is never all in Python at once.
    """
    blank = [t for t in read() if _has_blank(t)]
    rest = (t for t in read() if not _has_blank(t))
    yield blank + list(itertools.islice(rest, max(0, size - len(blank))))
    while part := list(itertools.islice(rest, size)):
        yield part


class Publisher:
    """Uploads graphs to one engine: GSP for the data, a query for the counts, an update for the swap."""

    def __init__(self, gsp_url: str, query_url: str, update_url: str | None, client: Client, *,
                 chunk_size: int, timeout: float, progress: bool) -> None:
        self.gsp_url = gsp_url
        self.query_url = query_url
        self.update_url = update_url
        self.client = client
        self.chunk_size = chunk_size
        self.timeout = timeout
        self.progress = progress
        from kg.store.remote import RemoteSpec, RemoteStore

        # also checks, before anything is written, that the query endpoint is there and speaks SPARQL
        self.counter = RemoteStore(RemoteSpec(query_url, graphs=(), user=client.user, password=client.password),
                                   timeout=timeout)

    def _send(self, method: str, graph: str, body: bytes | Iterable[bytes] | None = None, *,
              params: str = "", timeout: float | None = None) -> Response:
        url = graph_url(self.gsp_url, graph) + params
        headers = {"Content-Type": "application/n-triples"} if body is not None else {}
        resp = self.client.request(method, url, body, headers, timeout=timeout or self.timeout)
        resp.read()
        if resp.status >= 300 and not (method == "DELETE" and resp.status == 404):
            raise EndpointError(f"{shown_url(self.gsp_url)}: {method} of <{graph}> answered HTTP {resp.status}: "
                                f"{error_text(resp)}", status=resp.status)
        return resp

    def bulk_upload(self, target: Target, bar) -> None:
        """`target` as one PUT through Oxigraph server's bulk loader, streamed chunk by chunk.

        One request, so the time limit is `timeout` per chunk's worth of triples.
        """
        def body() -> Iterator[bytes]:
            for part in chunks(lambda: target.triples, self.chunk_size):
                yield serialize(part, format=RdfFormat.N_TRIPLES)
                bar.update(len(part))

        n = max(1, math.ceil(target.count / self.chunk_size))
        self._send("PUT", target.graph, body(), params="&no_transaction", timeout=self.timeout * n)

    def upload(self, target: Target, into: str, bar) -> None:
        """`target`'s triples into graph `into`, replacing it: PUT the first chunk, POST the others."""
        for i, part in enumerate(chunks(lambda: target.triples, self.chunk_size)):
            self._send("PUT" if i == 0 else "POST", into, serialize(part, format=RdfFormat.N_TRIPLES))
            bar.update(len(part))

    def update(self, sparql: str) -> None:
        assert self.update_url is not None
        resp = self.client.request("POST", self.update_url, sparql.encode(),
                                   {"Content-Type": "application/sparql-update"}, timeout=self.timeout)
        resp.read()
        if resp.status >= 300:
            text = error_text(resp)
            if "SR325" in text:  # Virtuoso: the swap is one transaction, and its log has a size limit
                text = ("Virtuoso refused the swap as one transaction (SR325, its log went above "
                        "TransactionAfterImageLimit): raise that limit in virtuoso.ini above the graph's size in "
                        "N-Triples, or publish with --direct")
            raise EndpointError(f"{shown_url(self.update_url)}: the update answered HTTP {resp.status}: "
                                f"{text}", status=resp.status)

    def count(self, graph: str) -> int:
        return self.counter.graph_count(graph, self.timeout)

    def publish(self, targets: list[Target], *, bulk: bool = False) -> None:
        """Stage every graph, check the stages, then swap them all in one update (or write in place).

        `bulk`: in place through the engine's bulk loader (Oxigraph server only). The seconds
        spent uploading, counting and swapping are left in `timings`: on Oxigraph server the
        swap is a copy of every triple in one transaction, most of a staged publish's time.
        """
        from tqdm import tqdm

        staged = self.update_url is not None and not bulk
        token = secrets.token_hex(4)
        into = {t.graph: (f"{t.graph}-staging-{token}" if staged else t.graph) for t in targets}
        total = sum(t.count for t in targets)
        done: list[str] = []
        self.timings = {"upload_s": 0.0, "count_s": 0.0, "swap_s": 0.0}
        try:  # credentials are checked by a request without a body that changes nothing
            probe = self._send("DELETE", f"urn:npt-kg:no-graph:{token}")
        except EndpointError as exc:
            raise UserError(f"{exc}; nothing was published") from None
        if bulk:
            self._check_bulk(probe)
        elif staged and self.progress and engine_name(probe.headers.get("server", "")) == "oxigraph" \
                and total > SLOW_SWAP:
            print("npt-kg: Oxigraph server swaps a staged graph by copying it in one transaction (minutes per "
                  "million triples); --bulk loads it in place many times faster", file=sys.stderr)
        with tqdm(total=total, unit=" triples", unit_scale=True, desc="publishing", file=sys.stderr,
                  disable=not self.progress, leave=False) as bar:
            try:
                for t in targets:
                    started = time.perf_counter()
                    if bulk:
                        self.bulk_upload(t, bar)
                    else:
                        self.upload(t, into[t.graph], bar)
                    done.append(t.graph)
                    counted = time.perf_counter()
                    self.timings["upload_s"] += counted - started
                    have = self.count(into[t.graph])
                    self.timings["count_s"] += time.perf_counter() - counted
                    if have != t.count:
                        raise EndpointError(f"{shown_url(self.gsp_url)}: <{into[t.graph]}> holds {have} triples "
                                            f"after the upload, {t.count} were sent")
                if staged:
                    started = time.perf_counter()
                    self.update(" ;\n".join(f"MOVE GRAPH {NamedNode(into[t.graph])} TO GRAPH {NamedNode(t.graph)}"
                                            for t in targets))
                    self.timings["swap_s"] = time.perf_counter() - started
            except EndpointError as exc:
                raise UserError(self._aftermath(str(exc), targets, into, done, staged)) from None

    def _check_bulk(self, probe: Response) -> None:
        """`--bulk` only where the engine that answered has a bulk load over HTTP (nothing is sent yet)."""
        server = probe.headers.get("server", "")
        engine = engine_name(server)
        if engine == "oxigraph":
            return
        if engine == "virtuoso":
            why = ("Virtuoso has no bulk load over HTTP (its bulk loader, ld_dir + rdf_loader_run, reads files "
                   "on the engine's own host: see docs/deploy.md)")
        else:
            why = f"no bulk load over HTTP is known for this engine ({server or 'no Server header'})"
        raise UserError(f"--bulk: {shown_url(self.gsp_url)}: {why}; publish without --bulk (Graph Store Protocol); "
                        "nothing was published", exit_code=2)

    def _aftermath(self, message: str, targets: list[Target], into: dict[str, str], done: list[str],
                   staged: bool) -> str:
        """The error, and what it left on the engine: dropped stages, or a target half-written."""
        if staged:
            left = []
            for t in targets:
                try:
                    self._send("DELETE", into[t.graph])
                except EndpointError:
                    left.append(into[t.graph])
            kept = "; nothing was changed in " + ", ".join(f"<{t.graph}>" for t in targets)
            if left:
                kept += " (the staging graph " + ", ".join(f"<{g}>" for g in left) + " could not be dropped)"
            return message + kept
        touched = [t.graph for t in targets if t.graph in done]
        current = next((t.graph for t in targets if t.graph not in done), None)
        if current is not None:
            touched.append(current)
        return (message + "; WARNING: " + ", ".join(f"<{g}>" for g in touched) +
                " may now be half-published; run 'npt-kg publish' again")


def load_targets(graph: Path, into: str, ontology_graph: str | None) -> list[Target]:
    """The built graph (and the ontology) as they would be in the local store, de-duplicated."""
    from kg.store import load_dataset

    try:
        store: Store = load_dataset(graph, with_ontology=ontology_graph is not None)
    except SyntaxError as exc:
        raise UserError(f"{graph}: invalid Turtle: {' '.join(str(exc).split())}") from exc
    except OSError as exc:
        raise UserError(f"{graph}: cannot read ({exc.strerror or exc})") from exc
    targets = []
    if ontology_graph is not None:
        targets.append(Target(ontology_graph, store, vocab.ONTOLOGY_GRAPH))
    targets.append(Target(into, store, vocab.DATA_GRAPH))
    if ontology_graph is not None:  # computed from both (kg.build.derived): the named queries read it
        targets.append(Target(vocab.DERIVED_GRAPH, store, vocab.DERIVED_GRAPH))
    return targets


def _check_iri(iri: str, option: str) -> str:
    try:
        NamedNode(iri)
    except ValueError:
        raise UserError(f"{option}: {iri!r} is not an absolute IRI", exit_code=2) from None
    if "://" not in iri and not iri.startswith("urn:"):
        raise UserError(f"{option}: {iri!r} is not an absolute IRI", exit_code=2)
    return iri


def run(args: argparse.Namespace) -> int:
    """The `npt-kg publish` subcommand."""
    gsp_url, user, password = resolve_credentials(args.to, args.user, args.password)
    if urllib.parse.urlsplit(gsp_url).scheme not in ("http", "https"):
        raise UserError(f"--to {gsp_url}: not an http(s) URL of a Graph Store endpoint", exit_code=2)
    if args.chunk_triples < 1 or args.timeout <= 0:
        raise UserError("--chunk-triples must be at least 1 and --timeout more than 0", exit_code=2)
    into = _check_iri(args.into_graph, "--into-graph")
    ontology = None if args.no_ontology else _check_iri(args.ontology_graph, "--ontology-graph")
    if ontology == into:
        raise UserError("--into-graph and --ontology-graph must differ (or pass --no-ontology)", exit_code=2)
    query_guess, update_guess = sibling_urls(gsp_url)
    query_url = split_credentials(args.query_url)[0] if args.query_url else query_guess
    if query_url is None:
        raise UserError(f"{gsp_url}: cannot tell this engine's query endpoint from its GSP URL; "
                        "pass --query-url (it counts the triples afterwards)", exit_code=2)
    update_url = None if args.direct or args.bulk else (split_credentials(args.update_url)[0] if args.update_url
                                                        else update_guess)

    from kg.commands.graphfile import ensure_graph

    started = time.perf_counter()
    targets = load_targets(ensure_graph(Path(args.graph)), into, ontology)
    client = Client(user, password)
    try:
        publisher = Publisher(gsp_url, query_url, update_url, client, chunk_size=args.chunk_triples,
                              timeout=args.timeout, progress=not args.quiet and sys.stderr.isatty())
    except EndpointError as exc:
        raise UserError(f"{exc}; nothing was published") from None
    if update_url is None and not args.quiet and not args.bulk:
        print(f"npt-kg: no update endpoint: replacing {', '.join(f'<{t.graph}>' for t in targets)} in place "
              "(a failure part-way leaves it half-written)", file=sys.stderr)
    publisher.publish(targets, bulk=args.bulk)
    mismatches = []
    for t in targets:
        try:
            have = publisher.count(t.graph)
        except EndpointError as exc:
            raise UserError(f"published, but the triples could not be counted: {exc}") from None
        if have != t.count:
            mismatches.append(f"<{t.graph}> holds {have} triples, {t.count} were published")
    if mismatches:
        raise UserError(f"{gsp_url}: " + "; ".join(mismatches))
    elapsed = time.perf_counter() - started
    listed = ", ".join(f"{t.count} triples into <{t.graph}>" for t in targets)
    how = "bulk loader, in place" if args.bulk else ("staged" if update_url else "in place")
    print(f"published {listed} at {gsp_url} in {elapsed:.1f} s ({how}; counts checked)")
    return 0
