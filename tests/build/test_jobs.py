"""`npt-kg build --jobs N`: papers read and extracted in N processes give the same file, byte for byte.

The corpus mixes English and Chinese papers, a paper in two languages, a coalition learned from a
submitter line and a file that is not a readable paper, so every part of the build that the jobs
share (learned names, paired versions, skipped files, shared entities) is compared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.build import build_graph
from kg.build.pipeline import _CHUNK
from kg.commands import main

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/read/ holds the paper makers

from tests.read import samples
from tests.read.unpdf import make_empty_pdf, paper_text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    for k in range(3 * _CHUNK):  # enough papers for the jobs to share them
        for name in ("RISK_EN", "RISK_ZH", "NAC_EN", "NAM_EN"):
            (d / f"{k:02d}-{name}.txt").write_text(paper_text(samples.renumbered(getattr(samples, name), k)),
                                                   encoding="utf-8")
    make_empty_pdf(d / "00-empty.pdf")
    return d


def test_two_jobs_write_the_same_bytes_and_summary_as_one(corpus: Path, tmp_path: Path) -> None:
    one = build_graph([corpus], tmp_path / "one.ttl")
    two = build_graph([corpus], tmp_path / "two.ttl", jobs=2)
    assert one.papers == 3 * _CHUNK * 3  # the English and Chinese RISK papers pair up: three works per copy
    assert one.skipped == [str(corpus / "00-empty.pdf")]
    assert (tmp_path / "one.ttl").read_bytes() == (tmp_path / "two.ttl").read_bytes()
    assert {k: v for k, v in vars(two).items() if k not in ("seconds", "output")} == \
        {k: v for k, v in vars(one).items() if k not in ("seconds", "output")}


def test_the_cli_takes_jobs_and_refuses_a_negative_count(corpus: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(corpus), "-o", str(tmp_path / "g.ttl"), "-q", "--jobs", "2"]) == 0
    assert f"built {3 * _CHUNK * 3} papers" in capsys.readouterr().out
    assert main(["build", str(corpus), "-o", str(tmp_path / "g.ttl"), "--jobs", "-1"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--jobs" in err and "Traceback" not in err
