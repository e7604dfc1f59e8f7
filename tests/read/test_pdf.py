"""Reading PDF working papers: pages laid out like the UN's, made by the tests themselves (tests/read/unpdf.py).

The PDFs have a cover block, text re-wrapped and hyphenated at line ends, raised footnote marks,
footnotes under a short rule at the page foot, a footer with job and page numbers, and the symbol as
running header from page 2. What the reader must give back is what a person reads on the page.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.read import PdfReadError, parse_file
from kg.read.pdf import RULE_LINE, read_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/read/unpdf.py is a helper, not a package

from tests.read import samples
from tests.read.unpdf import (
    make_corrupt_pdf,
    make_empty_pdf,
    make_encrypted_pdf,
    make_scanned_pdf,
    make_un_pdf,
    paper_text,
)

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("pdfs")
    out: dict[str, Any] = {"dir": d}
    for name in ("RISK_EN", "RISK_ZH", "NAC_EN"):
        paper = getattr(samples, name)
        make_un_pdf(d / f"{name}.pdf", paper)
        (d / f"{name}.txt").write_text(paper_text(paper), encoding="utf-8")
        out[name] = paper
        out[name + "_text"] = read_pdf(d / f"{name}.pdf")[0]
    return out


def _body_only(text: str) -> str:
    """The text without footnote areas (rule line up to the page break) and without white space."""
    return re.sub(r"\s+", "", "".join(p.split(RULE_LINE)[0] for p in text.split("\f")))


def _marked(text: str) -> str:
    return re.sub(r"\[\^(\d+)\]", lambda m: m.group(1).translate(SUP), text).replace("[^*]", "*")


@pytest.mark.parametrize("name", ["RISK_EN", "RISK_ZH"])
def test_every_block_of_the_page_comes_back_in_order(made: dict[str, Any], name: str) -> None:
    body = _body_only(made[name + "_text"])
    pos = 0
    for blk in made[name]["blocks"]:
        wanted = re.sub(r"\s+", "", _marked(blk["text"]))
        found = body.find(wanted, pos)
        assert found >= 0, blk["text"][:40]
        pos = found + len(wanted)


def test_words_cut_at_line_ends_are_rejoined_and_compounds_kept(made: dict[str, Any]) -> None:
    text = made["RISK_EN_text"]
    assert not re.search(r"[a-z]-$", text, re.M), "a line still ends in a cut word"
    for compound in ("nuclear-armed", "non-nuclear-weapon", "Nuclear-Test-Ban", "cut-off"):
        assert compound in text
    # no half-word survives: every word read is a word the paper was written with
    paper = made["RISK_EN"]
    written = " ".join([b["text"] for b in paper["blocks"]] + list(paper["footnotes"].values()) + paper["conference"]
                       + [paper[k] for k in ("title", "submitter", "session", "place_dates", "date")]
                       + paper["languages"] + ["United Nations", paper["symbol"]])
    assert set(re.findall(r"[A-Za-z]+", text)) <= set(re.findall(r"[A-Za-z]+", written))


def test_furniture_is_dropped_and_footnotes_stay_under_their_rule(made: dict[str, Any]) -> None:
    text = made["RISK_EN_text"]
    assert "23-15021" not in text
    assert not re.search(r"^\d+/\d+$", text, re.M)
    assert [ln for ln in text.splitlines() if ln == samples.SYMBOL] == [samples.SYMBOL]  # the cover's only
    page1 = text.split("\f")[0]
    body, notes = page1.split(RULE_LINE)
    assert "eroded.¹ The implementation" in body
    assert " 1 See the Final Document of the 2010 Review Conference" in notes
    assert "See the Final Document" not in body


def test_the_pdf_and_its_text_parse_alike(made: dict[str, Any]) -> None:
    d = made["dir"]
    for name in ("RISK_EN", "RISK_ZH", "NAC_EN"):
        a, b = parse_file(d / f"{name}.pdf"), parse_file(d / f"{name}.txt")
        assert a.warnings == [] and b.warnings == []
        assert a.header.title == b.header.title and a.header.submitter_line == b.header.submitter_line
        assert [(p.number, p.text, [i.path for i in p.items]) for p in a.paragraphs] == \
               [(p.number, p.text, [i.path for i in p.items]) for p in b.paragraphs]
        assert [(f.mark, f.text) for f in a.footnotes] == [(f.mark, f.text) for f in b.footnotes]
        assert a.header.language == b.header.language == made[name]["lang"]


@pytest.mark.parametrize(("name", "reason"), [
    ("scan.pdf", "no text layer (a scanned image?); run OCR first"),
    ("enc.pdf", "encrypted PDF; decrypt it first"),
    ("bad.pdf", "corrupt PDF"),
    ("empty.pdf", "empty file (0 bytes)"),
    ("note.pdf", "not a PDF"),
])
def test_unreadable_pdfs_say_why_and_name_the_file(made: dict[str, Any], name: str, reason: str) -> None:
    d: Path = made["dir"]
    makers = {"scan.pdf": lambda p: make_scanned_pdf(p, d / "RISK_EN.pdf"),
              "enc.pdf": lambda p: make_encrypted_pdf(p, made["RISK_EN"]),
              "bad.pdf": lambda p: make_corrupt_pdf(p, d / "RISK_EN.pdf"),
              "empty.pdf": make_empty_pdf,
              "note.pdf": lambda p: p.write_text("not a pdf at all")}
    makers[name](d / name)
    with pytest.raises(PdfReadError) as err:
        parse_file(d / name)
    assert str(err.value).startswith(f"{d / name}: ")
    assert reason in str(err.value)
