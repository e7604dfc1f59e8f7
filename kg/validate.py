"""`npt-kg validate`: check the built graph against the SHACL shapes in `ontology/shapes.ttl`.

The shapes say what a publishable graph must contain (every paper submitted to a
meeting, every measure typed and traceable to the words it was read from, every state
with its ISO code and Chinese and English names). The ontology and the two concept
schemes are validated together with the data, so subclasses count for `sh:targetClass`
and the scheme concepts are checked too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from kg import vocab
from kg.errors import UserError


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with terms written compactly (npt:, id:, ...)."""

    severity: str
    focus: str
    path: str
    message: str
    value: str

    def line(self) -> str:
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {self.focus} {self.path or '-'}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: list[Violation]
    triples: int


def read_turtle(path: Path, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Parse a Turtle file into `graph`; a syntax error becomes one line naming the file and line."""
    graph = rdflib.Graph() if graph is None else graph
    if not path.exists():
        raise UserError(f"{path}: no such file")
    try:
        graph.parse(path, format="ox-turtle")
    except SyntaxError as exc:
        raise UserError(f"{path}: invalid Turtle: {' '.join(str(exc).split())}") from exc
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read: {' '.join(str(exc).split())}") from exc
    return graph


def ontology_graph(files: Iterable[Path] = vocab.ONTOLOGY_FILES) -> rdflib.Graph:
    """The ontology and the concept schemes, as pyshacl's ontology graph."""
    graph = rdflib.Graph()
    for path in files:
        read_turtle(path, graph)
    return graph


def compact(term: rdflib.term.Node | None, graph: rdflib.Graph | None = None) -> str:
    """A term as people read it: prefixed IRI, quoted literal, or a SHACL path in brief."""
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        iri = str(term)
        best = max((ns for ns in vocab.PREFIXES.values() if iri.startswith(ns)), key=len, default="")
        if best and len(iri) > len(best):
            prefix = next(p for p, ns in vocab.PREFIXES.items() if ns == best)
            return f"{prefix}:{iri[len(best):]}"
        return f"<{iri}>"
    if isinstance(term, rdflib.Literal):
        text = str(term)
        text = text if len(text) <= 60 else text[:57] + "..."
        return f'"{text}"' + (f"@{term.language}" if term.language else "")
    if isinstance(term, rdflib.BNode) and graph is not None:
        inverse = graph.value(term, SH.inversePath)
        if inverse is not None:
            return f"^{compact(inverse)}"
    return "_:" + str(term)[:8]


def validate_graph(data: rdflib.Graph, *, shapes: Path = vocab.SHAPES_FILE,
                   ontology: rdflib.Graph | None = None) -> ValidationReport:
    """Run the shapes on `data` (with the ontology mixed in) and collect the results."""
    shapes_graph = read_turtle(shapes)
    ont = ontology if ontology is not None else ontology_graph()
    # A plain union instead of pyshacl's ont_graph: its "inoculation" clones the ontology node by
    # node and takes minutes on the interlinked concept schemes; the union validates the same.
    combined = rdflib.Graph()
    combined += data
    combined += ont
    conforms, results, _text = shacl_validate(
        combined, shacl_graph=shapes_graph, inference="none",
        abort_on_first=False, allow_infos=True, allow_warnings=False,
    )
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        violations.append(Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=compact(results.value(result, SH.focusNode)),
            path=compact(results.value(result, SH.resultPath), shapes_graph),
            message=str(message) if message is not None else "constraint not met",
            value=compact(results.value(result, SH.value)),
        ))
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    return ValidationReport(conforms=bool(conforms), violations=violations, triples=len(data))


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Validate `args.graph`; print each violation; exit 0 when it conforms, 1 otherwise."""
    out = out or sys.stdout
    graph_path: Path = args.graph
    if not graph_path.exists():
        raise UserError(f"{graph_path}: no built graph here; run 'npt-kg build' first")
    report = validate_graph(read_turtle(graph_path))
    for violation in report.violations:
        print(violation.line(), file=out)
    if report.conforms:
        print(f"{graph_path}: conforms to {vocab.SHAPES_FILE.name} ({report.triples} triples)", file=out)
        return 0
    print(f"{graph_path}: {len(report.violations)} result(s) against {vocab.SHAPES_FILE.name}", file=out)
    return 1
