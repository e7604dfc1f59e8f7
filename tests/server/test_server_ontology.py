"""The ontology served: documentation at /ontology with a landing place per term, RDF by negotiation,
and the two SKOS schemes as concept trees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, RdfFormat, parse
from test_server_sample import sample_config

from kg import resources, vocab
from server import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return create_app(sample_config(tmp_path_factory.mktemp("ontology"), access_log=False)).test_client()


def declared_npt_terms() -> set[str]:
    kinds = {vocab.OWL_NS + k for k in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
    triples = parse(path=str(resources.ONTOLOGY_FILES[0]), format=RdfFormat.TURTLE)
    return {t.subject.value[len(vocab.NPT_NS):] for t in triples
            if t.predicate == vocab.RDF.type and t.object.value in kinds and t.subject.value.startswith(vocab.NPT_NS)}


def test_every_npt_term_has_its_anchor_on_the_ontology_page(client: FlaskClient) -> None:
    resp = client.get("/ontology", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.content_type.startswith("text/html")
    html = resp.get_data(as_text=True)
    anchors = set(re.findall(r'<section class="term" id="([^"]+)"', html))
    assert declared_npt_terms() <= anchors and "WorkingPaper" in anchors


def test_a_term_shows_its_labels_in_both_languages_and_its_definition(client: FlaskClient) -> None:
    html = client.get("/ontology").get_data(as_text=True)
    section = html.split('id="WorkingPaper"')[1].split("</section>")[0]
    assert "working paper" in section.lower() and 'lang="zh"' in section and "工作文件" in section
    assert "Preparatory Committee" in section  # the skos:definition


def test_axioms_link_to_the_terms_they_name(client: FlaskClient) -> None:
    html = client.get("/ontology").get_data(as_text=True)
    section = html.split('id="submittedBy"')[1].split("</section>")[0]
    assert "domain" in section and 'href="/ontology#WorkingPaper"' in section


@pytest.mark.parametrize("accept, fmt", [("text/turtle", RdfFormat.TURTLE), ("application/rdf+xml", RdfFormat.RDF_XML),
                                         ("application/ld+json", RdfFormat.JSON_LD)])
def test_the_ontology_in_rdf_by_content_negotiation(client: FlaskClient, accept: str, fmt: RdfFormat) -> None:
    resp = client.get("/ontology", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.content_type.startswith(accept)
    triples = list(parse(resp.data, format=fmt))
    assert any(t.subject == NamedNode(vocab.ONTOLOGY_IRI) for t in triples)
    assert not any(t.subject.value.startswith(vocab.ID_NS + "doc/") for t in triples)  # no data


def test_resource_pages_link_ontology_terms_to_the_ontology_page(client: FlaskClient) -> None:
    html = client.get("/id/state/AT").get_data(as_text=True)
    assert 'href="/ontology#NonNuclearWeaponState"' in html


@pytest.mark.parametrize("scheme, concept", [("measure-types", "measure-type/de-alerting"),
                                             ("risk-types", "risk-type/cyber-attack-c2")])
def test_each_concept_scheme_page_is_its_concept_tree(client: FlaskClient, scheme: str, concept: str,
                                                      tmp_path: Path) -> None:
    html = client.get(f"/id/scheme/{scheme}").get_data(as_text=True)
    tree = html.split('<section class="scheme">')[1].split("</section>")[0]
    assert f'href="/id/{concept}"' in tree
    assert tree.count('<ul class="tree">') > 1  # nested: narrower concepts under broader ones
    assert 'lang="zh"' in tree
