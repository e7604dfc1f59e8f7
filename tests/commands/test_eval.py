"""`npt-kg eval`: scores against a gold annotation, refuses per-unit details for the held-out half."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.commands import main
from kg.commands.eval import Scorer, UnitPrediction

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval"
DEV_PAPER = "zh-02-china-nfu-nsa"


def gold(units: dict) -> dict:
    return {"units": {k: {"measure": bool(v.get("measure_types")), "measure_types": v.get("measure_types", []),
                          "risk_types": v.get("risk_types", []), "addressees": v.get("addressees", []),
                          "treaties": v.get("treaties", [])} for k, v in units.items()}}


def test_over_tagging_lowers_precision_and_missing_lowers_recall() -> None:
    s = Scorer()
    s.add_paper("x", gold({"1(a)": {"measure_types": ["no-first-use"]}, "1(b)": {"measure_types": ["test-ban"]}}),
                {"1(a)": UnitPrediction(True, {"no-first-use", "restraint-statements", "freeze-no-increase"}),
                 "1(b)": UnitPrediction(True, {"other-measure"})})
    r = s.report()
    mt = r["fields"]["measure_types"]
    assert (mt["micro"]["tp"], mt["micro"]["fp"], mt["micro"]["fn"]) == (1, 3, 1)
    assert mt["micro"]["precision"] == 0.25 and mt["micro"]["recall"] == 0.5
    assert mt["labels"]["no-first-use"]["f1"] == 1.0
    assert r["fallback_share"] == 0.5 and r["types_per_measure"] == 2.0
    assert r["measure_detection"]["f1"] == 1.0


def test_details_are_refused_for_the_heldout_split(capsys) -> None:
    assert main(["eval", "--split", "heldout", "--details"]) == 2
    err = capsys.readouterr()
    assert "refused" in err.err and err.out == ""
    assert main(["eval", "--details"]) == 2  # all splits include the held-out one


@pytest.fixture
def one_paper_set(tmp_path: Path) -> Path:
    (tmp_path / "dev").mkdir()
    for suffix in (".txt", ".gold.json"):
        shutil.copy(EVAL / "dev" / (DEV_PAPER + suffix), tmp_path / "dev")
    return tmp_path


def test_scores_a_dev_paper_and_writes_json_and_a_results_section(one_paper_set: Path, tmp_path: Path, capsys) -> None:
    out, md = tmp_path / "eval.json", tmp_path / "results.md"
    md.write_text("# Results\n\nother text\n", encoding="utf-8")
    # one unit the builder cannot get right (an addressee no paper names), so that --details has one to show
    gold_file = one_paper_set / "dev" / (DEV_PAPER + ".gold.json")
    g = json.loads(gold_file.read_text(encoding="utf-8"))
    first = next(iter(g["units"].values()))
    first["addressees"] = [*first["addressees"], "state/ZZ"]
    gold_file.write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", "--set", str(one_paper_set), "--split", "dev", "--details",
                 "--json", str(out), "--markdown", str(md)]) == 0
    printed = capsys.readouterr().out
    res = json.loads(out.read_text(encoding="utf-8"))
    rep = res["splits"]["dev"]
    assert rep["papers"] == 1 and rep["units"] == len(json.loads(
        (one_paper_set / "dev" / (DEV_PAPER + ".gold.json")).read_text(encoding="utf-8"))["units"])
    for f in ("measure_types", "risk_types", "addressees", "treaties"):
        assert 0.0 <= rep["fields"][f]["micro"]["f1"] <= 1.0
        assert set(rep["fields"][f]["macro"]) == {"precision", "recall", "f1"}
    assert rep["fields"]["measure_types"]["labels"]["no-first-use"]["tp"] >= 1  # 互不首先使用核武器条约
    assert "commit" in res["provenance"] and "clean_tree" in res["provenance"]
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nother text") and "<!-- eval:begin -->" in text
    assert res["model"]["trained_on"].endswith("dev") and "in-sample for the model" in text
    # run again, with the trigger phrases alone: the section is replaced, not added twice, and says so
    assert main(["eval", "--set", str(one_paper_set), "--split", "dev", "--markdown", str(md), "--model", "none"]) == 0
    assert md.read_text(encoding="utf-8").count("<!-- eval:begin -->") == 1
    assert "trigger phrases alone" in md.read_text(encoding="utf-8")
    assert "measure_types" in printed and '"unit"' in printed and "state/ZZ" in printed  # per-unit details, dev only


def test_a_broken_gold_file_is_one_line_naming_it(tmp_path: Path, capsys) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "x.gold.json").write_text("{not json", encoding="utf-8")
    assert main(["eval", "--set", str(tmp_path), "--split", "dev"]) == 1
    err = capsys.readouterr().err
    assert "x.gold.json" in err and len(err.strip().splitlines()) == 1
