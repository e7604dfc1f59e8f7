"""A small graph in the builder's shape for the server tests, and the apps and servers built on it.

Other `test_server_*` modules import from here; the tests in this module check that the
sample says what those tests rely on.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, parse

from kg import vocab
from server import ServerConfig

ID = vocab.ID_NS
PAPER = ID + "doc/T-WP.1"
PARAGRAPH = PAPER + "/p/1"
ITEM = PARAGRAPH + "/a"
MEASURE = ITEM + "/measure"
AUSTRIA = ID + "state/AT"
CHILE = ID + "state/CL"
SCRIPTED = ID + "test/script"
SCRIPT_LABEL = "<script>alert('owned')</script>"
QUOTE = "降低核武器的戒备状态"
ITEM_TEXT = "(a) 降低核武器的戒备状态，并提高透明度；"

SAMPLE_TTL = f"""
@prefix npt: <{vocab.NPT_NS}> .
@prefix mt: <{vocab.MEASURE_TYPE_NS}> .
@prefix rdfs: <{vocab.RDFS_NS}> .
@prefix dcterms: <{vocab.DCTERMS_NS}> .
@prefix prov: <{vocab.PROV_NS}> .
@prefix xsd: <{vocab.XSD_NS}> .

<{PAPER}> a npt:WorkingPaper ;
    rdfs:label "Working paper T/WP.1"@en , "工作文件 T/WP.1"@zh ;
    dcterms:title "降低核风险的措施"@zh ;
    npt:symbol "T/WP.1" ;
    npt:submittedBy <{AUSTRIA}> , <{CHILE}> ;
    npt:hasParagraph <{PARAGRAPH}> ;
    npt:proposes <{MEASURE}> .

<{PARAGRAPH}> a npt:Paragraph ;
    npt:inDocument <{PAPER}> ;
    npt:number 1 ;
    npt:text "各国应当采取以下措施："@zh ;
    npt:hasItem <{ITEM}> .

<{ITEM}> a npt:Item ;
    npt:inDocument <{PAPER}> ;
    npt:itemOf <{PARAGRAPH}> ;
    npt:itemPath "1(a)" ;
    npt:text "{ITEM_TEXT}"@zh .

<{MEASURE}> a npt:Measure ;
    rdfs:label "De-alerting"@en , "解除戒备"@zh ;
    npt:measureType mt:de-alerting ;
    npt:quote "{QUOTE}"@zh ;
    prov:wasDerivedFrom <{ITEM}> .

<{AUSTRIA}> a npt:NonNuclearWeaponState ;
    rdfs:label "Austria"@en , "奥地利"@zh ;
    npt:isoCode "AT" .

<{CHILE}> a npt:NonNuclearWeaponState ;
    rdfs:label "Chile"@en , "智利"@zh ;
    npt:isoCode "CL" .

<{SCRIPTED}> rdfs:label "{SCRIPT_LABEL}"@en ;
    npt:text "Tom & Jerry <b>bold</b>"@en ;
    npt:issueDate "2024-05-16"^^xsd:date .
"""

QUERY_FILES = {
    "papers": "# title: Every paper\n# title@zh: 所有工作文件\n# description: Symbols and titles.\n"
              "PREFIX npt: <" + vocab.NPT_NS + ">\nSELECT ?paper ?symbol WHERE { ?paper npt:symbol ?symbol }\n",
    "states": "# title: States <script>x</script>\n# description: Every state with its label.\n"
              "PREFIX npt: <" + vocab.NPT_NS + ">\nPREFIX rdfs: <" + vocab.RDFS_NS + ">\n"
              "SELECT ?state ?label WHERE { ?state a npt:NonNuclearWeaponState ; rdfs:label ?label }\n",
}


def write_sample(directory: Path) -> Path:
    """The sample graph as a Turtle file in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sample.ttl"
    path.write_text(SAMPLE_TTL, encoding="utf-8")
    return path


def write_queries(directory: Path) -> Path:
    """A small named-query library in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in QUERY_FILES.items():
        (directory / f"{name}.rq").write_text(text, encoding="utf-8")
    return directory


def sample_config(tmp: Path, **overrides: object) -> ServerConfig:
    """A server config over the sample graph and the real ontology; assets absent unless overridden."""
    values: dict[str, object] = {
        "graph": write_sample(tmp / "graph"),
        "queries_dir": write_queries(tmp / "queries"),
        "assets_dir": tmp / "no-assets",
        "use_workers": False,
    }
    values.update(overrides)
    return ServerConfig(**values)  # type: ignore[arg-type]


def test_sample_graph_is_turtle_with_the_terms_the_server_tests_use(tmp_path: Path) -> None:
    triples = list(parse(path=str(write_sample(tmp_path)), format=RdfFormat.TURTLE))
    subjects = {t.subject for t in triples}
    assert {NamedNode(PAPER), NamedNode(MEASURE), NamedNode(SCRIPTED)} <= subjects
    assert any(t.predicate == vocab.PROV.wasDerivedFrom for t in triples)
    assert any(t.object.value == SCRIPT_LABEL for t in triples)


def test_sample_queries_are_read_by_the_library(tmp_path: Path) -> None:
    from kg.store.library import load_library

    library = load_library(write_queries(tmp_path))
    assert set(library) == set(QUERY_FILES)
    assert library["papers"].title_zh == "所有工作文件"
