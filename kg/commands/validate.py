"""`npt-kg validate`: check the built graph against the SHACL shapes in `ontology/shapes.ttl`.

The shapes say what a publishable graph must contain (every paper submitted to a
meeting, every measure typed and traceable to the words it was read from, every state
with its ISO code and Chinese and English names). The ontology and the two concept
schemes are validated together with the data, so subclasses count for `sh:targetClass`
and the scheme concepts are checked too.

Core constraints run in pyshacl. SHACL-SPARQL constraints (`sh:sparql` on a shape with
`sh:targetClass`) run here instead, as one pyoxigraph query per constraint over all focus
nodes at once: pyshacl evaluates them node by node with rdflib's SPARQL engine, which
takes minutes on a corpus of a hundred papers. The results are the same SHACL results.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from kg import resources, vocab
from kg.errors import UserError
from kg.util.iri import compact_iri


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


@dataclass(frozen=True)
class SparqlConstraint:
    """A `sh:sparql` constraint of a shape, to be evaluated for all targets in one query."""

    shape: rdflib.term.Node
    targets: tuple[str, ...]
    select: str
    prefixes: str
    message: str
    severity: str


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


def ontology_graph(files: Iterable[Path] = resources.ONTOLOGY_FILES) -> rdflib.Graph:
    """The ontology and the concept schemes, validated together with the data."""
    graph = rdflib.Graph()
    for path in files:
        read_turtle(path, graph)
    return graph


def compact(term: rdflib.term.Node | None, graph: rdflib.Graph | None = None) -> str:
    """A term as people read it: prefixed IRI, quoted literal, or a SHACL path in brief."""
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        return compact_iri(str(term))
    if isinstance(term, rdflib.Literal):
        text = str(term)
        text = text if len(text) <= 60 else text[:57] + "..."
        return f'"{text}"' + (f"@{term.language}" if term.language else "")
    if isinstance(term, rdflib.BNode) and graph is not None:
        inverse = graph.value(term, SH.inversePath)
        if inverse is not None:
            return f"^{compact(inverse)}"
    return "_:" + str(term)[:8]


# --- SHACL-SPARQL constraints, evaluated in bulk ---------------------------------------------------

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def split_sparql_constraints(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[SparqlConstraint]]:
    """The shapes without their class-targeted `sh:sparql` constraints, and those constraints."""
    core = rdflib.Graph()
    core += shapes
    constraints = []
    for shape, node in list(shapes.subject_objects(SH.sparql)):
        targets = tuple(str(c) for c in shapes.objects(shape, SH.targetClass))
        select = shapes.value(node, SH.select)
        if not targets or select is None or shapes.value(node, SH.deactivated) == rdflib.Literal(True):
            continue  # other kinds of targets stay with pyshacl
        prefixes = "".join(
            f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>\n"
            for source in shapes.objects(node, SH.prefixes) for decl in shapes.objects(source, SH.declare))
        severity = shapes.value(node, SH.severity) or shapes.value(shape, SH.severity) or SH.Violation
        constraints.append(SparqlConstraint(
            shape=shape, targets=targets, select=str(select), prefixes=prefixes,
            message=str(shapes.value(node, SH.message) or "SPARQL constraint not met"),
            severity=str(severity).rsplit("#", 1)[-1],
        ))
        core.remove((shape, SH.sparql, node))
    return core, constraints


def _bulk_query(c: SparqlConstraint) -> str:
    """The constraint's SELECT with $this unbound and restricted to the shape's target classes."""
    select = c.select.replace("$this", "?this")
    match = _WHERE.search(select)
    if match is None:
        raise UserError(f"{resources.SHAPES_FILE}: SPARQL constraint of {c.shape} has no WHERE clause")
    classes = " ".join(f"<{t}>" for t in c.targets)
    target = (f"VALUES ?target_class {{ {classes} }} "
              f"?this <{vocab.RDF_NS}type>/<{vocab.RDFS_NS}subClassOf>* ?target_class . ")
    return c.prefixes + select[:match.end()] + " " + target + select[match.end():]


def _to_rdflib(term) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        return rdflib.Literal(term.value, lang=term.language) if term.language else rdflib.Literal(term.value)
    return rdflib.Literal(str(term))


def run_sparql_constraints(graph: rdflib.Graph, constraints: list[SparqlConstraint]) -> list[Violation]:
    """Evaluate SHACL-SPARQL constraints over all their focus nodes, one pyoxigraph query each."""
    if not constraints:
        return []
    store = Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    violations = []
    for c in constraints:
        try:
            solutions = store.query(_bulk_query(c))
        except SyntaxError as exc:
            raise UserError(f"{resources.SHAPES_FILE}: SPARQL constraint of {c.shape}: {exc}") from exc
        variables = [v.value for v in solutions.variables]
        seen = set()
        for row in solutions:
            values = {name: _to_rdflib(row[name]) for name in variables if row[name] is not None}
            focus = values.get("this")
            if focus is None:
                continue
            message = _TEMPLATE.sub(lambda m, v=values: str(v.get(m.group(1), m.group(0))), c.message)
            key = (focus, message)
            if key in seen:
                continue
            seen.add(key)
            violations.append(Violation(
                severity=c.severity, focus=compact(focus), path=compact(values.get("path")),
                message=message, value=compact(values.get("value", focus)),
            ))
    return violations


# --- validation ------------------------------------------------------------------------------------


def validate_graph(data: rdflib.Graph, *, shapes: Path = resources.SHAPES_FILE,
                   ontology: rdflib.Graph | None = None) -> ValidationReport:
    """Run the shapes on `data` (with the ontology alongside) and collect the results."""
    core_shapes, sparql_constraints = split_sparql_constraints(read_turtle(shapes))
    ont = ontology if ontology is not None else ontology_graph()
    # A plain union instead of pyshacl's ont_graph: its "inoculation" clones the ontology node by
    # node and takes minutes on the interlinked concept schemes; the union validates the same.
    combined = rdflib.Graph()
    combined += data
    combined += ont
    _conforms, results, _text = shacl_validate(
        combined, shacl_graph=core_shapes, inference="none",
        abort_on_first=False, allow_infos=True, allow_warnings=False,
    )
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        violations.append(Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=compact(results.value(result, SH.focusNode)),
            path=compact(results.value(result, SH.resultPath), core_shapes),
            message=str(message) if message is not None else "constraint not met",
            value=compact(results.value(result, SH.value)),
        ))
    violations += run_sparql_constraints(combined, sparql_constraints)
    violations.sort(key=lambda v: (v.focus, v.path, v.message))
    conforms = not any(v.severity in ("Violation", "Warning") for v in violations)
    return ValidationReport(conforms=conforms, violations=violations, triples=len(data))


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Validate `args.graph`; print each violation; exit 0 when it conforms, 1 otherwise."""
    out = out or sys.stdout
    graph_path: Path = args.graph
    from kg.commands.graphfile import ensure_graph

    graph_path = ensure_graph(graph_path)
    report = validate_graph(read_turtle(graph_path))
    for violation in report.violations:
        print(violation.line(), file=out)
    if report.conforms:
        print(f"{graph_path}: conforms to {resources.SHAPES_FILE.name} ({report.triples} triples)", file=out)
        return 0
    print(f"{graph_path}: {len(report.violations)} result(s) against {resources.SHAPES_FILE.name}", file=out)
    return 1
