"""`npt-kg dist` (and `make dist`): the release files, ready to download or to open in Protégé.

Writes into dist/:

- ``npt-ontology.ttl``  the ontology and the two concept schemes (Turtle);
- ``npt-kg.ttl``        the data built from the papers (Turtle);
- ``npt-kg.jsonld``     the same data as JSON-LD, with a description of the release;
- ``npt-kg-full.owl``   ontology, schemes and data in one RDF/XML file for Protégé.

The Protégé file is made to load with the OWL API without a lost triple and to stay in
OWL 2 DL: one ontology header (the three source headers and their owl:imports are
replaced by it), every individual declared as owl:NamedIndividual, and literals whose
datatype is outside the OWL 2 datatype map rewritten into it (xsd:date becomes
xsd:dateTime at midnight; other such values become plain strings), because OWL 2 DL
reasoners such as HermiT reject xsd:date. The Turtle and JSON-LD files keep xsd:date.

Every file says which npt-kg version wrote it and when (SOURCE_DATE_EPOCH is honoured,
for reproducible releases).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, serialize

from kg import __version__, resources, vocab
from kg.commands.export import export_bytes, open_store, selected_quads, triple_sort_key
from kg.errors import UserError
from kg.util.atomic import write_atomically

DEFAULT_OUT = Path("dist")
DEFAULT_GRAPH = resources.DEFAULT_GRAPH
FULL_ONTOLOGY_IRI = "https://w3id.org/npt-kg/full"

RDF_TYPE = NamedNode(vocab.RDF_NS + "type")
OWL_ONTOLOGY = NamedNode(vocab.OWL_NS + "Ontology")
OWL_NAMED_INDIVIDUAL = NamedNode(vocab.OWL_NS + "NamedIndividual")
XSD_STRING = NamedNode(vocab.XSD_NS + "string")
XSD_DATE = NamedNode(vocab.XSD_NS + "date")
XSD_DATETIME = NamedNode(vocab.XSD_NS + "dateTime")

_DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus rdfs:Literal.
OWL2_DATATYPES = frozenset(
    [vocab.RDFS_NS + "Literal", vocab.RDF_NS + "PlainLiteral", vocab.RDF_NS + "XMLLiteral",
     vocab.RDF_NS + "langString", vocab.OWL_NS + "real", vocab.OWL_NS + "rational"]
    + [vocab.XSD_NS + n for n in (
        "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "double", "float", "boolean", "hexBinary",
        "base64Binary", "anyURI", "dateTime", "dateTimeStamp")]
)


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, in UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except ValueError as exc:
            raise UserError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from exc
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def _comment(title: str, built: dt.datetime) -> bytes:
    return (f"# {title}\n# npt-kg {__version__}, built {built.isoformat()}\n"
            f"# {vocab.ONTOLOGY_IRI}\n").encode()


def _dl_literal(lit: Literal) -> Literal:
    """The literal itself when its datatype is in the OWL 2 datatype map, else the nearest value that is."""
    if lit.language or lit.datatype.value in OWL2_DATATYPES:
        return lit
    date = _DATE.match(lit.value) if lit.datatype == XSD_DATE else None
    if date:
        return Literal(f"{date.group(1)}T00:00:00{date.group(2) or ''}", datatype=XSD_DATETIME)
    return Literal(lit.value, datatype=XSD_STRING)


def _declared(tbox: Iterable[Triple], kind: str) -> set[NamedNode]:
    node = NamedNode(vocab.OWL_NS + kind)
    return {t.subject for t in tbox
            if t.predicate == RDF_TYPE and t.object == node and isinstance(t.subject, NamedNode)}


def protege_triples(store: Store, built: dt.datetime) -> list[Triple]:
    """Ontology, schemes and data as one OWL 2 DL ontology (see the module docstring)."""
    tbox = [Triple(q.subject, q.predicate, q.object) for q in selected_quads(store, "ontology")]
    data = [Triple(q.subject, q.predicate, q.object) for q in selected_quads(store, "data")]
    headers = {t.subject for t in tbox + data if t.predicate == RDF_TYPE and t.object == OWL_ONTOLOGY}
    classes = _declared(tbox, "Class")
    object_props = _declared(tbox, "ObjectProperty")
    data_props = _declared(tbox, "DatatypeProperty")
    schema_terms = classes | object_props | data_props | _declared(tbox, "AnnotationProperty")

    out: set[Triple] = set()
    individuals: set[NamedNode] = set()
    for t in tbox + data:
        if t.subject in headers:
            continue  # replaced by the single header below, owl:imports included
        obj = _dl_literal(t.object) if isinstance(t.object, Literal) else t.object
        out.add(Triple(t.subject, t.predicate, obj))
        if (t.predicate == RDF_TYPE and t.object in classes) or t.predicate in object_props | data_props:
            individuals.add(t.subject)
        if t.predicate in object_props and isinstance(t.object, NamedNode):
            individuals.add(t.object)
    for ind in individuals - schema_terms:
        out.add(Triple(ind, RDF_TYPE, OWL_NAMED_INDIVIDUAL))
    out.update(_full_header(built))
    return sorted(out, key=triple_sort_key)


def _full_header(built: dt.datetime) -> list[Triple]:
    onto = NamedNode(FULL_ONTOLOGY_IRI)
    dcterms = vocab.DCTERMS_NS
    version = f"npt-kg {__version__}, built {built.isoformat()}"
    return [
        Triple(onto, RDF_TYPE, OWL_ONTOLOGY),
        Triple(onto, NamedNode(vocab.OWL_NS + "versionIRI"), NamedNode(f"{FULL_ONTOLOGY_IRI}/{__version__}")),
        Triple(onto, NamedNode(vocab.OWL_NS + "versionInfo"), Literal(version)),
        Triple(onto, NamedNode(dcterms + "title"), Literal("NPT knowledge graph: ontology, concept schemes and data",
                                                          language="en")),
        Triple(onto, NamedNode(dcterms + "title"), Literal("不扩散核武器条约知识图谱：本体、概念体系和数据",
                                                          language="zh")),
        Triple(onto, NamedNode(dcterms + "description"), Literal(
            f"The ontology {vocab.ONTOLOGY_IRI}, the measure-type and risk-type concept schemes and the graph built "
            "from the working papers, in one file for Protégé. Dates (xsd:date in the Turtle and JSON-LD releases) "
            "appear here as xsd:dateTime at midnight, since xsd:date is not an OWL 2 datatype.", language="en")),
        Triple(onto, NamedNode(dcterms + "created"), Literal(built.isoformat(), datatype=XSD_DATETIME)),
        Triple(onto, NamedNode(dcterms + "license"), NamedNode("https://www.apache.org/licenses/LICENSE-2.0")),
        Triple(onto, NamedNode(dcterms + "source"), NamedNode(vocab.ONTOLOGY_IRI)),
    ]


def _release_description(built: dt.datetime) -> list[Triple]:
    """Triples that say what a data file is, for formats without comments (JSON-LD)."""
    graph = NamedNode(vocab.DATA_GRAPH)
    dcterms = vocab.DCTERMS_NS
    return [
        Triple(graph, NamedNode(dcterms + "title"), Literal("NPT knowledge graph data", language="en")),
        Triple(graph, NamedNode(dcterms + "title"), Literal("不扩散核武器条约知识图谱数据", language="zh")),
        Triple(graph, NamedNode(dcterms + "hasVersion"), Literal(f"npt-kg {__version__}")),
        Triple(graph, NamedNode(dcterms + "created"), Literal(built.isoformat(), datatype=XSD_DATETIME)),
        Triple(graph, NamedNode(dcterms + "conformsTo"), NamedNode(vocab.ONTOLOGY_IRI)),
    ]


def write_dist(out_dir: Path = DEFAULT_OUT, graph: Path = DEFAULT_GRAPH) -> list[Path]:
    """Write the four release files; returns their paths."""
    built = build_time()
    store = open_store("all", graph)
    files = {
        "npt-ontology.ttl": _comment("NPT knowledge graph ontology and concept schemes", built)
        + export_bytes(store, "ttl", "ontology"),
        "npt-kg.ttl": _comment("NPT knowledge graph data", built) + export_bytes(store, "ttl", "data"),
    }
    data = sorted({Triple(q.subject, q.predicate, q.object) for q in selected_quads(store, "data")},
                  key=triple_sort_key)
    files["npt-kg.jsonld"] = serialize(data + _release_description(built), format=RdfFormat.JSON_LD)
    full = protege_triples(store, built)
    if sum(1 for t in full if t.predicate == RDF_TYPE and t.object == OWL_ONTOLOGY) != 1:
        raise UserError("internal error: the Protégé file must have exactly one ontology header")
    if any(isinstance(t.subject, BlankNode) and t.predicate == RDF_TYPE and t.object == OWL_NAMED_INDIVIDUAL
           for t in full):
        raise UserError("internal error: a blank node was declared as a named individual")
    files["npt-kg-full.owl"] = serialize(full, format=RdfFormat.RDF_XML, prefixes=vocab.PREFIXES)
    written = []
    for name, content in files.items():
        written.append(write_atomically(out_dir / name, content))
    return written


def run(args: argparse.Namespace) -> int:
    """`npt-kg dist`."""
    for path in write_dist(args.output, args.graph):
        print(path)
    return 0
