"""Linked-data pages a researcher reads: a paper in document order with what was read from it, labels
that tell facts apart, and long lists of links grouped and paged.

Built from the seed papers (the real builder), and from a generated graph for the paging."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import NamedNode, Store

from kg import resources, vocab
from kg.build import build_graph
from kg.store import load_dataset
from server import ServerConfig, create_app

NPT = vocab.NPT_NS


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-pages") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR], out)
    return out


@pytest.fixture(scope="module")
def store(graph: Path) -> Store:
    return load_dataset(graph)


@pytest.fixture(scope="module")
def client(graph: Path, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    config = ServerConfig(graph=graph, use_workers=False, access_log=False,
                          assets_dir=tmp_path_factory.mktemp("no-assets"))
    return create_app(config).test_client()


def values(store: Store, query: str) -> list[str]:
    return [row[0].value for row in store.query(query, use_default_graph_as_union=True)]


def path_of(iri: str) -> str:
    return "/id/" + iri[len(vocab.ID_NS):]


def test_a_paper_page_shows_its_cover(client: FlaskClient, store: Store) -> None:
    for paper in values(store, f"SELECT ?p WHERE {{ ?p a <{NPT}WorkingPaper> }}"):
        html = client.get(path_of(paper)).get_data(as_text=True)
        cover = html.split('<section class="cover">')[1].split("</section>")[0]
        for prop, _ in (("submittedBy", "Submitted by"), ("submittedTo", "Meeting")):
            for target in values(store, f"SELECT ?o WHERE {{ <{paper}> <{NPT}{prop}> ?o }}"):
                assert f'href="{path_of(target)}"' in cover, (paper, prop)
        for title in values(store, f"SELECT ?t WHERE {{ <{paper}> <{vocab.DCTERMS_NS}title> ?t }}"):
            assert title in cover


def test_paragraphs_come_in_document_order_with_their_text(client: FlaskClient, store: Store) -> None:
    paper = values(store, f"SELECT ?p WHERE {{ ?p a <{NPT}WorkingPaper> }} ORDER BY ?p")[0]
    numbers = [int(n) for n in values(store, f"""SELECT ?n WHERE {{ ?u a <{NPT}Paragraph> ;
                   <{NPT}inDocument> <{paper}> ; <{NPT}number> ?n }}""")]
    assert max(numbers) >= 10  # so that string order would differ
    html = client.get(path_of(paper)).get_data(as_text=True)
    text = html.split('<section class="paper-text">')[1]
    shown = [int(n) for n in re.findall(r'<div class="unit paragraph"[^>]*>\s*<div class="text" lang="zh">'
                                        r'<a class="num" href="[^"]+">(\d+)</a>', text)]
    assert shown == sorted(numbers)
    # every item's own text is on the page, once
    for item_text in values(store, f"""SELECT ?t WHERE {{ ?i a <{NPT}Item> ; <{NPT}inDocument> <{paper}> ;
                                <{NPT}text> ?t }}""")[:20]:
        assert item_text in text


def test_beside_each_unit_what_the_graph_read_from_it(client: FlaskClient, store: Store) -> None:
    rows = list(store.query(f"""SELECT ?m ?u ?doc ?type WHERE {{ ?m a <{NPT}Measure> ;
                <{vocab.PROV_NS}wasDerivedFrom> ?u ; <{NPT}measureType> ?type . ?u <{NPT}inDocument> ?doc }}
                LIMIT 5""", use_default_graph_as_union=True))
    assert rows
    for m, unit, doc, mtype in (tuple(r) for r in rows):
        html = client.get(path_of(doc.value)).get_data(as_text=True)
        own = unit.value.rsplit("/", 1)[-1]
        block = html.split(f'href="{path_of(unit.value)}"')[1].split('<div class="unit')[0]
        assert f'href="{path_of(m.value)}"' in block, own
        assert f'href="{path_of(mtype.value)}"' in block


def test_risk_labels_tell_risks_apart(client: FlaskClient, store: Store) -> None:
    state = values(store, f"""SELECT ?s WHERE {{ ?r a <{NPT}Risk> ; <{vocab.PROV_NS}wasDerivedFrom> ?u .
                              ?u <{NPT}mentions> ?s }} GROUP BY ?s ORDER BY DESC(COUNT(?r)) LIMIT 1""")
    risks = values(store, f"SELECT ?r WHERE {{ ?r a <{NPT}Risk> }}")
    html = client.get(path_of(risks[0])).get_data(as_text=True)
    title = html.split("<h1>")[1].split("</h1>")[0]
    types = values(store, f"""SELECT ?l WHERE {{ <{risks[0]}> <{NPT}riskType>/<{vocab.SKOS_NS}prefLabel> ?l
                              FILTER(lang(?l) = "en") }}""")
    assert all(t in title for t in types) and ": " in title
    labels = set()
    for risk in risks[:40]:
        page = client.get(path_of(risk)).get_data(as_text=True)
        labels.add(page.split("<h1>")[1].split("</h1>")[0])
    assert len(labels) == len(risks[:40])  # no two risks share a title
    assert state


def test_links_in_are_grouped_by_kind_and_paged(tmp_path: Path) -> None:
    paper = vocab.ID_NS + "doc/X"
    lines = [f"<{paper}> a <{NPT}WorkingPaper> ; <{vocab.RDFS_NS}label> \"X\"@en ."]
    for n in range(1, 131):
        lines.append(f"<{paper}/p/{n}> a <{NPT}Paragraph> ; <{NPT}inDocument> <{paper}> ; <{NPT}number> {n} ; "
                     f"<{NPT}mentions> <{vocab.ID_NS}state/AT> ; <{vocab.RDFS_NS}label> \"paragraph {n}\"@en .")
    lines.append(f"<{paper}> <{NPT}submittedBy> <{vocab.ID_NS}state/AT> .")
    (tmp_path / "g.ttl").write_text("\n".join(lines), encoding="utf-8")
    client = create_app(ServerConfig(graph=tmp_path / "g.ttl", use_workers=False, access_log=False,
                                     assets_dir=tmp_path / "none")).test_client()
    first = client.get("/id/state/AT").get_data(as_text=True)
    groups = re.findall(r'<section class="group">\s*<h3>(.*?)</h3>', first, re.S)
    assert len(groups) == 2 and "(130)" in groups[0] and "(1)" in groups[1]  # paragraphs, then the paper
    shown = re.findall(r"paragraph (\d+) · X", first)
    assert [int(n) for n in shown] == list(range(1, 51))  # natural order: 1, 2, …, not 1, 10, 100
    assert 'rel="next" href="?page=2"' in first
    third = client.get("/id/state/AT?page=3").get_data(as_text=True)
    assert [int(n) for n in re.findall(r"paragraph (\d+) · X", third)] == list(range(101, 131))
    assert 'rel="next"' not in third and 'rel="prev" href="?page=2"' in third
    assert client.get("/id/state/AT?page=x").status_code == 400
    assert NamedNode(paper)  # the paper itself is one of the groups above
