"""Run HermiT (bundled with owlready2) on the ontology, alone or with data.

A graph that parses is not necessarily a sound one: disjoint classes, domains and
functional properties can make data contradict the ontology, or a class empty. HermiT
is the reasoner Protégé users pick, so it is the one that decides here.

owlready2 reads local files only and follows owl:imports over the network, so the
input is merged into one N-Triples file in a temporary directory with owl:imports
removed. Dates typed xsd:date are outside the OWL 2 datatype map; HermiT is told to
ignore such datatypes, as Protégé's HermiT plug-in does by default.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
import rdflib
from rdflib.namespace import OWL

from kg import resources
from kg.errors import UserError


@dataclass
class ReasonerResult:
    """HermiT's verdict; `world` holds the inferred facts when the input was consistent."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""
    world: owlready2.World | None = None

    def individual(self, iri: str):
        """The owlready2 individual (or entity) for `iri`, to read inferred types and values."""
        return self.world.search_one(iri=iri) if self.world is not None else None


def java_available() -> bool:
    """HermiT runs on the JVM."""
    return shutil.which("java") is not None


def merged_graph(sources: Iterable[Path | rdflib.Graph]) -> rdflib.Graph:
    """One rdflib graph of all sources (Turtle files or graphs), without owl:imports."""
    merged = rdflib.Graph()
    for src in sources:
        if isinstance(src, rdflib.Graph):
            for triple in src:
                merged.add(triple)
        else:
            merged.parse(src, format="turtle")
    merged.remove((None, OWL.imports, None))
    return merged


def run_hermit(sources: Iterable[Path | rdflib.Graph] = resources.ONTOLOGY_FILES, *,
               infer_property_values: bool = True) -> ReasonerResult:
    """Classify `sources` with HermiT: consistency, unsatisfiable classes, inferred types and values."""
    graph = merged_graph(sources)
    tmp = Path(tempfile.mkdtemp(prefix="npt-kg-hermit-"))
    try:
        path = tmp / "input.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=infer_property_values, debug=0,
                    ignore_unsupported_datatypes=True,
                )
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerResult(consistent=False, message=str(exc).strip()[:2000])
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ReasonerResult(consistent=True, unsatisfiable=unsat, world=world)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    """`npt-kg reason [FILE...]`: HermiT on the ontology (and the given data); exit 1 when inconsistent."""
    sources = [*resources.ONTOLOGY_FILES, *args.files]
    for path in args.files:
        if not Path(path).is_file():
            raise UserError(f"{path}: no such file")
    result = run_hermit(sources)
    if not result.consistent:
        print(f"inconsistent: {result.message}")
        return 1
    for iri in result.unsatisfiable:
        print(f"unsatisfiable: {iri}")
    print("consistent" + (f", {len(result.unsatisfiable)} unsatisfiable classes" if result.unsatisfiable else ""))
    return 1 if result.unsatisfiable else 0
