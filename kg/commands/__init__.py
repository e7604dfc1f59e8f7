"""`npt-kg`: one command for everything a person runs — build, check, query, export, serve, document.

Each subcommand's work lives in the module of this package named for it (`build`,
`query`, …), imported only when that subcommand runs; this module only parses
arguments and turns user mistakes into one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kg import __version__, resources, vocab
from kg.errors import PaperError, UserError

DEFAULT_SEEDS = resources.DEFAULT_SEEDS
DEFAULT_OUTPUT = resources.DEFAULT_GRAPH
DEFAULT_EVAL_SET = Path("bench/eval")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see --help)", exit_code=2)


def _graph_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--graph", type=Path, default=DEFAULT_OUTPUT,
        help=f"built graph (Turtle) to read (default: {DEFAULT_OUTPUT}); only the default is built "
             "from the seed papers when missing, any other path must exist",
    )


def _credential_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", default=None,
                   help="user name for the engine (default: $NPT_KG_REMOTE_USER, or the URL's user@)")
    p.add_argument("--password", default=None,
                   help="password (prefer $NPT_KG_REMOTE_PASSWORD: options show in the process list)")


def _remote_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--remote", default=None, metavar="URL",
                   help="serve from this SPARQL 1.1 query endpoint (filled by 'npt-kg publish') "
                        "instead of a local store")
    p.add_argument("--remote-graph", action="append", default=None, metavar="IRI",
                   help="with --remote: a named graph holding the NPT graph, repeatable "
                        f"(default: {vocab.ONTOLOGY_GRAPH} and {vocab.DATA_GRAPH})")
    _credential_args(p)


def _typing_models(p: argparse.ArgumentParser) -> None:
    """The models `build` and `eval` type with: the shipped ones, a user's own, or none."""
    p.add_argument("--model", default=None, metavar="FILE",
                   help="the measure-type model (default: the one shipped, trained on bench/eval/dev; "
                        "'none': the trigger phrases alone)")
    p.add_argument("--risk-model", default=None, metavar="FILE",
                   help="the risk-type model (default: the one shipped, trained on bench/eval/dev; "
                        "'none': the risk phrases alone)")


def _jobs(text: str) -> int:
    """`--jobs`: a count of processes, 0 meaning one per usable core."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per core) or more: {n}")
    if n == 0:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="npt-kg", description="Knowledge graph of the NPT review process.")
    parser.add_argument("--version", action="version", version=f"npt-kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("build", help="read working papers and write the graph as Turtle")
    p.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SEEDS],
                   help="paper files or directories of papers (default: seeds/)")
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                   help=f"where to write the graph (default: {DEFAULT_OUTPUT})")
    p.add_argument("--strict", action="store_true",
                   help="fail when any paper could not be fully parsed")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument("-j", "--jobs", type=_jobs, default=1,
                   help="processes that read and extract papers (default: 1; 0: one per core); "
                        "the output is the same with any number")
    _typing_models(p)

    p = sub.add_parser("serve", help="serve the SPARQL endpoint, query page and linked data")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--store-dir", type=Path, default=None,
                   help="keep the store on disk here (loaded once, reopened instantly later)")
    p.add_argument("--timeout", type=float, default=30.0, help="query time limit in seconds (default: 30)")
    p.add_argument("--max-rows", type=int, default=100_000,
                   help="row cap for SELECT results, 0 for none (default: 100000)")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default: 2)")
    p.add_argument("--threads", type=int, default=8, help="waitress threads (default: 8)")
    p.add_argument("--cache-mb", type=int, default=256,
                   help="memory for repeated query results, keyed by the store's content (default: 256; 0: off)")
    _graph_arg(p)
    _remote_args(p)

    p = sub.add_parser("publish", help="load the built graph into a SPARQL engine (Graph Store Protocol)")
    p.add_argument("--to", required=True, metavar="URL",
                   help="the engine's Graph Store endpoint, e.g. http://host:7878/store (Oxigraph) or "
                        "http://host:8890/sparql-graph-crud-auth (Virtuoso)")
    _graph_arg(p)
    p.add_argument("--into-graph", default=vocab.DATA_GRAPH, metavar="IRI",
                   help=f"named graph to replace with the data (default: {vocab.DATA_GRAPH})")
    p.add_argument("--ontology-graph", default=vocab.ONTOLOGY_GRAPH, metavar="IRI",
                   help=f"named graph to replace with the ontology (default: {vocab.ONTOLOGY_GRAPH})")
    p.add_argument("--no-ontology", action="store_true", help="publish the data only")
    p.add_argument("--query-url", default=None, metavar="URL",
                   help="the engine's query endpoint, for the triple count (default: told from --to)")
    how = p.add_mutually_exclusive_group()  # the staged swap (default, --update-url), in place, or bulk
    how.add_argument("--update-url", default=None, metavar="URL",
                     help="the engine's update endpoint, for the swap from the staging graph (default: told from --to)")
    how.add_argument("--direct", action="store_true",
                     help="replace the graphs in place, without a staging graph (faster; a failure leaves them "
                          "half-written)")
    how.add_argument("--bulk", action="store_true",
                     help="through the engine's bulk loader over HTTP, in place (Oxigraph server: many times faster "
                          "for large graphs; a failure leaves them half-written)")
    p.add_argument("--chunk-triples", type=int, default=100_000, help="triples per request (default: 100000)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per request (default: 600)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _credential_args(p)

    p = sub.add_parser("query", help="run a named query from queries/ or a .rq file")
    p.add_argument("name", help="query name (file stem in queries/) or path to a .rq file")
    p.add_argument("--format", choices=["table", "csv", "json", "ttl"], default="table",
                   help="output format (default: table)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind a parameter the query declares (repeat for several values); IRIs may be "
                        "written id:state/AT")
    p.add_argument("--limit", type=int, default=None,
                   help="for a query that pages its result: rows (or papers) per page (default: the query's page)")
    p.add_argument("--offset", type=int, default=0, help="for a query that pages its result: where the page starts")
    p.add_argument("--all", action="store_true", help="for a query that pages its result: every row, unpaged")
    _graph_arg(p)

    p = sub.add_parser("export", help="write the ontology and/or data as RDF")
    p.add_argument("--format", choices=["ttl", "nt", "nq", "jsonld", "xml"], default="ttl",
                   help="serialization (default: ttl)")
    p.add_argument("--what", choices=["ontology", "data", "all"], default="all",
                   help="what to export (default: all)")
    p.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    _graph_arg(p)

    p = sub.add_parser("validate", help="check the built graph against the SHACL shapes (ontology/shapes.ttl)")
    _graph_arg(p)

    p = sub.add_parser("stats", help="count papers, paragraphs, measures, risks and triples")
    _graph_arg(p)

    p = sub.add_parser("dist", help="write the release files (Turtle, JSON-LD, one OWL file for Protégé)")
    p.add_argument("-o", "--output", type=Path, default=Path("dist"), help="directory (default: dist)")
    _graph_arg(p)

    p = sub.add_parser("docs", help="write HTML documentation of the ontology and the concept schemes (pyLODE)")
    p.add_argument("-o", "--output", type=Path, default=Path("docs/ontology"),
                   help="directory (default: docs/ontology)")

    p = sub.add_parser("owlcheck", help="open RDF files with the Java OWL API, as Protégé does, and report problems")
    p.add_argument("files", nargs="+", type=Path, help="RDF files, read into one OWL API manager in order")

    p = sub.add_parser("reason", help="run HermiT on the ontology, with the given data files")
    p.add_argument("files", nargs="*", type=Path, help="data files (Turtle) to reason over with the ontology")

    p = sub.add_parser("eval", help="score the extraction against the hand-annotated evaluation set (bench/eval/)")
    p.add_argument("--set", type=Path, default=DEFAULT_EVAL_SET,
                   help=f"the evaluation set: a folder with dev/ and heldout/ (default: {DEFAULT_EVAL_SET})")
    p.add_argument("--split", choices=["dev", "heldout", "all"], default="all", help="which half (default: all)")
    p.add_argument("--details", action="store_true",
                   help="print every unit where the builder and the gold differ (dev only: refused for heldout)")
    p.add_argument("--json", type=Path, default=None, help="write the scores as JSON here")
    p.add_argument("--markdown", type=Path, default=None,
                   help="replace (or add) the eval section of this Markdown file, e.g. bench/results.md")
    p.add_argument("--check", action="store_true", help="exit 1 when the held-out targets are not met")
    _typing_models(p)

    p = sub.add_parser("train", help="fit the measure-type and risk-type models on annotated papers (bench/eval/dev)")
    p.add_argument("--set", type=Path, default=DEFAULT_EVAL_SET,
                   help=f"the evaluation set: a folder with dev/ and heldout/ (default: {DEFAULT_EVAL_SET})")
    p.add_argument("--split", choices=["dev", "heldout"], default="dev",
                   help="the papers to learn from (default: dev; heldout is refused)")
    p.add_argument("--kind", choices=["measure-types", "risk-types"], default=None,
                   help="train this model only (default: both, the risk model reading with the new measure model)")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="where to write the model of --kind (default in a checkout: kg/data/measure-types.model.json "
                        "and kg/data/risk-types.model.json, the ones the builder ships)")
    p.add_argument("--model", default=None, metavar="FILE",
                   help="with --kind risk-types: the measure-type model the units are read with (default: shipped)")
    p.add_argument("--cross", action="store_true",
                   help="instead, score each batch of writers with models fitted on the others (BATCHES.json)")
    p.add_argument("--json", type=Path, default=None, help="with --cross: write the scores as JSON here")

    p = sub.add_parser("plot", help="draw a picture of /explore as SVG or PNG (the same Vega-Lite spec)")
    p.add_argument("name", help="the picture: measure-types-by-paper, measure-types-by-submitter, "
                                "risk-types-by-paper, timeline, network")
    p.add_argument("-o", "--output", type=Path, required=True, help="file to write, ending in .svg or .png")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the labels (default: en)")
    p.add_argument("--scale", type=float, default=2.0, help="PNG pixels per SVG unit (default: 2)")
    p.add_argument("--font-dir", type=Path, default=None,
                   help="folder of fonts with Chinese glyphs (default: Debian's fonts-wqy-microhei)")
    _graph_arg(p)

    p = sub.add_parser("assets", help="install or inspect the query page's YASGUI files (from npm)")
    p.add_argument("action", choices=["install", "status"])
    p.add_argument("--version", default=None, help="package version (default: the tested one)")
    p.add_argument("--dest", type=Path, default=None, help="where to put the files (default: the server's static/)")
    p.add_argument("--force", action="store_true", help="reinstall even when this version is there")
    return parser


def _handler(command: str):
    return importlib.import_module(f"kg.commands.{command}").run


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(sys.stderr)
            return 2
        return int(_handler(args.command)(args) or 0)
    except (UserError, PaperError) as exc:
        print(f"npt-kg: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except OSError as exc:
        # a last net for a path the command did not check: still one line, naming the file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"npt-kg: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
