"""The benchmark, the load test and the corpus generator run end to end at a tiny scale.

No timing is asserted here (speed is measured by `make bench`); these tests keep the harness from
rotting: the generator is deterministic, and the benchmark and load test drive a real server
subprocess and write result files with the fields the README describes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # bench/ is a folder of the repository, not an installed package

from bench import generate  # noqa: E402
from kg.store.library import load_library  # noqa: E402


def test_generated_papers_depend_only_on_seed_and_position(tmp_path: Path) -> None:
    small = generate.generate_corpus(3, tmp_path / "small", seed=5)
    large = generate.generate_corpus(6, tmp_path / "large", seed=5)
    assert small["papers"] == large["papers"][:3]
    for paper in small["papers"]:
        a = (tmp_path / "small" / paper["file"]).read_bytes()
        assert a == (tmp_path / "large" / paper["file"]).read_bytes()
    other = generate.generate_corpus(3, tmp_path / "other", seed=6)
    assert [p["file"] for p in other["papers"]] != [p["file"] for p in small["papers"]]


def test_generated_corpus_covers_the_layout_variants_of_the_genre() -> None:
    papers = [generate.generate_paper(i, seed=1) for i in range(150)]
    texts = [t for _, t, _ in papers]
    entries = [e for _, _, e in papers]
    assert {e["layout"] for e in entries} == {"wrapped", "flat"}
    assert {e["header"] for e in entries} == {"full", "short", "dates"}
    assert {e["meeting"]["city"] for e in entries} == {"Vienna", "Geneva", "New York"}
    assert any(e["symbol"] for e in entries) and any(not e["symbol"] for e in entries)
    assert any(e["coalition"] for e in entries) and any(len(e["submitters"]) > 1 for e in entries)
    joined = "\n".join(texts)
    for marker in (generate.RULE, "https://undocs.org/ch/", "Original: French", "Original: Spanish",
                   "代表", "提交的工作文件*", "• ", "(一) ", "¹", "《", "第一届会议", "年审议大会"):
        assert marker in joined, marker
    # dates within one month and across two months
    assert re.search(r"\d+ 年 \d+ 月 \d+ 日至 \d+ 日", joined)
    assert re.search(r"\d+ 年 \d+ 月 \d+ 日至 \d+ 月 \d+ 日", joined)


def test_wrapped_lines_never_start_like_a_new_block() -> None:
    text = "。".join(["减少核风险的措施(a) 包括 NPT/CONF.2026/PC.I/WP.5 和 2016 年的报告"] * 12)
    lines = generate.wrap(text, 40)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert not generate._BLOCK_START.match(line), line


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def bench_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    _run(["-m", "bench.run", "--sizes", "4,6", "--big", "6", "--reps", "2", "--big-reps", "2",
          "--budget", "0.5", "--big-budget", "0.5", "--cap", "3",
          "--out", str(out), "--workdir", str(out / "work")], timeout=600)
    return (json.loads((out / "build-results.json").read_text(encoding="utf-8")),
            (out / "build-results.md").read_text("utf-8"))


def test_bench_writes_every_section_of_the_results(bench_results: tuple[dict, str]) -> None:
    res, md = bench_results
    assert {"machine", "config", "corpus", "build", "latency", "server_start", "targets", "duration_s"} <= set(res)
    assert {"cpu", "cores", "memory_gb", "python", "libraries", "date"} <= set(res["machine"])
    assert set(res["build"]) == {"4", "6"}
    for b in res["build"].values():
        assert {"seconds", "papers_per_s", "triples", "triples_per_s", "peak_mb"} <= set(b)
        assert b["triples"] > 0
    assert {"in_memory_from_turtle", "on_disk_first_load", "on_disk_reopen"} <= set(res["server_start"])
    for mode in ("in_memory_from_turtle", "on_disk_first_load", "on_disk_reopen"):
        assert "seconds" in res["server_start"][mode], res["server_start"][mode]
    for md_heading in ("## Machine", "## Targets", "## Build throughput", "## Server start", "## Query latency"):
        assert md_heading in md


def test_bench_times_every_named_query_on_all_three_engines(bench_results: tuple[dict, str]) -> None:
    res, _ = bench_results
    names = set(load_library())
    for scale in ("seed", "big"):
        lat = res["latency"][scale]
        assert set(lat["queries"]) == names
        for name, row in lat["queries"].items():
            for engine in ("http", "oxigraph"):
                assert row[engine]["status"] == "ok", (scale, name, engine, row[engine])
                assert row[engine]["n"] >= 1
            # rdflib may fail or disagree on a query (that is reported, not hidden), but it was run
            assert row["rdflib"]["status"] in {"ok", "error", "timeout"}
            assert row["rows"]["http"] == row["rows"]["oxigraph"], (scale, name, row["rows"])
        assert lat["server_memory"]["total_mb"] > 0


def test_loadtest_runs_clients_against_a_real_server_and_kills_a_worker(tmp_path: Path) -> None:
    _run(["-m", "bench.loadtest", "--clients", "3", "--duration", "3", "--papers", "3", "--no-peer",
          "--out", str(tmp_path), "--workdir", str(tmp_path / "work")], timeout=600)
    res = json.loads((tmp_path / "loadtest.json").read_text(encoding="utf-8"))
    assert res["config"]["clients"] == 3
    for phase in ("server", "server_cached"):
        ph = res["phases"][phase]
        assert ph["requests"] > 0
        assert {"p50_ms", "p99_ms"} <= set(ph["overall"])
        assert set(ph["per_query"]) == set(load_library())
    kill = res["phases"]["server"]["worker_kill"]
    assert kill["killed_pid"] > 0 and kill["failed_otherwise"] == 0, kill
    assert kill["failed_in_flight"] <= kill["requests_in_flight"]
    assert res["phases"]["server_cached"]["errors"] == 0, res["phases"]["server_cached"]["error_kinds"]
    assert "## Targets" in (tmp_path / "loadtest.md").read_text(encoding="utf-8")


def test_named_query_bench_runs_every_query_on_the_server_and_in_process(tmp_path: Path) -> None:
    _run(["-m", "bench.named", "--sizes", "5,7", "--engines", "server,pyoxigraph", "--reps", "2", "--cap", "20",
          "--workdir", str(tmp_path / "work"), "--out", str(tmp_path)], timeout=900)
    res = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert res["clean"] in (True, False) and res["machine"]["commit"]
    names = set(load_library())
    for n in ("5", "7"):
        size = res["sizes"][n]
        assert set(size["server"]["queries"]) == names == set(size["pyoxigraph"])
        for name in names:
            assert size["server"]["queries"][name]["status"] == "ok", (n, name, size["server"]["queries"][name])
            assert size["pyoxigraph"][name]["status"] == "ok", (n, name, size["pyoxigraph"][name])
        assert size["server"]["full_listing"]["rows"] > 0
        assert size["server"]["worker_kill"]["alive"] == size["server"]["worker_kill"]["size"]
        assert size["server"]["pss_peak"]["total_mb"] > 0
    assert set(res["summary"]["growth"]) <= names
    assert "## Targets" in (tmp_path / "results.md").read_text(encoding="utf-8")


def test_agreement_of_an_annotation_with_itself_is_one_and_falls_with_each_change(tmp_path: Path) -> None:
    from bench import agreement

    name = "zh-02-china-nfu-nsa.gold.json"
    gold = json.loads((ROOT / "bench" / "eval" / "dev" / name).read_text(encoding="utf-8"))
    (tmp_path / "same").mkdir()
    (tmp_path / "same" / name).write_text(json.dumps(gold), encoding="utf-8")
    assert agreement.main(["--second", str(tmp_path / "same"), "--out", str(tmp_path / "a.json")]) == 0
    same = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert all(f["f1"] == 1.0 for f in same["fields"].values()) and same["papers"] == ["zh-02-china-nfu-nsa"]
    measures = [u for u in gold["units"].values() if u["measure_types"]]
    measures[0]["measure_types"] = ["other-measure"]  # the second annotator types one step otherwise
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / name).write_text(json.dumps(gold), encoding="utf-8")
    assert agreement.main(["--second", str(tmp_path / "other"), "--out", str(tmp_path / "b.json")]) == 0
    other = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert other["fields"]["measure_types"]["f1"] < 1.0 and other["fields"]["treaties"]["f1"] == 1.0
