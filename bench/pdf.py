"""Build speed from PDF files and from the same papers as text: `python -m bench.pdf`.

Writes bench/pdf.json, bench/pdf.md and the build-speed section of bench/results.md. The
corpus is made here: papers of 2–4 pages (the test papers of tests/read/samples.py, English and
Chinese, lengthened and renumbered) written as UN-style PDFs by tests/read/unpdf.py and as the
text a PDF tool gives. Each size is built in a fresh interpreter (`bench.buildrun`), PDFs and
text alike, so the two rows compare the readers.

The PDF reader is pypdfium2 with the project's own layout step; it was chosen by measuring
pypdfium2, pypdf, pdfminer.six and pdfplumber on such pages (kg/read/pdf.py says why).

Text is also built with `--jobs 2` (papers read and extracted in two processes). Before timing,
the segmenter's split dictionary is made (`kg.extract.segment.warm`): a machine makes it once, on
its first build, and the benchmark measures the builds after that.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, ROOT, machine_info, replace_marked

sys.path.insert(0, str(ROOT))  # tests/read/ holds the paper makers

from tests.read import samples
from tests.read.unpdf import make_un_pdf, paper_text

TARGETS = {"pdf_papers_per_s_min": 30.0, "text_papers_per_s_min": 150.0}
_MARK = re.compile(r"\[\^[^\]]+\]")


def long_paper(base: dict[str, Any], copies: int, k: int) -> dict[str, Any]:
    """`base` with its paragraphs repeated `copies` times (renumbered, marks only in the first copy)."""
    p = copy.deepcopy(base)
    blocks, n = [], 0
    for c in range(copies):
        for b in base["blocks"]:
            text = b["text"] if c == 0 else _MARK.sub("", b["text"])
            if b["kind"] == "para":
                n += 1
                text = re.sub(r"^\d+\.", f"{n}.", text)
            blocks.append({**b, "text": text})
    p["blocks"] = blocks
    head, _, num = p["symbol"].rpartition(".")
    p["symbol"] = f"{head}.{int(num) + 1000 + k}"
    return p


def make_corpus(n: int, pdf_dir: Path, txt_dir: Path) -> dict:
    """n papers, half English and half Chinese, each as .pdf and .txt."""
    from pypdfium2 import PdfDocument

    pdf_dir.mkdir(parents=True, exist_ok=True)
    txt_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for k in range(n):
        base = (samples.RISK_EN, samples.RISK_ZH)[k % 2]
        paper = long_paper(base, 2 + k % 3, k)
        make_un_pdf(pdf_dir / f"p{k:04d}.pdf", paper)
        (txt_dir / f"p{k:04d}.txt").write_text(paper_text(paper), encoding="utf-8")
        doc = PdfDocument(str(pdf_dir / f"p{k:04d}.pdf"))
        pages.append(len(doc))
        doc.close()
    return {"papers": n, "pages_min": min(pages), "pages_max": max(pages), "pages_total": sum(pages)}


def timed_build(corpus: Path, out: Path, jobs: int = 1, model: str | None = None) -> dict:
    result = out.with_suffix(".json")
    t0 = time.perf_counter()
    extra = ["--model", model] if model else []
    proc = subprocess.run([sys.executable, "-m", "bench.buildrun", str(corpus), str(out), str(result),
                           "--jobs", str(jobs), *extra], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"build of {corpus} failed: {proc.stderr.strip()[-2000:]}")
    data = json.loads(result.read_text(encoding="utf-8"))
    data["wall_s"] = round(time.perf_counter() - t0, 3)
    return data


def _tree_clean() -> bool:
    out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True)
    return out.returncode == 0 and not out.stdout.strip()


def render(res: dict) -> str:
    m = res["machine"]
    lines = [
        "# PDF and text build speed",
        "",
        f"Commit `{m['commit']}` (tree {'clean' if res['tree_clean'] else 'with uncommitted changes'}), "
        f"{m['date']}, {m['cpu']}, {m['usable_cores']} usable cores, load average {m['load_average']} at the start. "
        "Written by `python -m bench.pdf` (part of `make bench`); the numbers are those of `bench/pdf.json`.",
        "",
        f"Papers of {res['corpus']['pages_min']}–{res['corpus']['pages_max']} pages, half English and half "
        "Chinese; each size built in a fresh interpreter. Reader: pypdfium2 (PDFium) plus the project's layout "
        "step (furniture bands, footnote rule, raised marks, hyphenation), chosen because the other libraries "
        "measured either were too slow (pdfminer.six, pdfplumber) or lose the font sizes, text rise and drawn "
        "rules the layout needs (pypdf).",
        "",
        "| input | jobs | typing models | papers | seconds | papers/s | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in res["rows"]:
        model = {"shipped": "shipped", "none": "none (trigger phrases alone)"}.get(row.get("model", "shipped"))
        lines.append(f"| {row['input']} | {row.get('jobs', 1)} | {model} | {row['papers']} | {row['seconds']:.2f} | "
                     f"{row['papers_per_s']:.1f} | ≥ {row['target']:.0f} | {'yes' if row['met'] else 'no'} |")
    lines += ["", "Jobs: processes that read and extract papers (`npt-kg build --jobs`); the output is the same "
              "file with any number.", "",
              "Linearity: papers/s at the larger size divided by papers/s at the smaller, in one process "
              f"(1.0 = linear): PDF {res['linearity']['pdf']:.2f}, text {res['linearity']['text']:.2f}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pdf")
    p.add_argument("--sizes", type=int, nargs="+", default=[400, 1600])
    p.add_argument("--workdir", type=Path, default=BENCH_DIR / "out" / "pdf")
    p.add_argument("--out", type=Path, default=BENCH_DIR)
    args = p.parse_args(argv)
    clean = _tree_clean()
    machine = machine_info()
    corpus = make_corpus(max(args.sizes), args.workdir / "pdf-all", args.workdir / "txt-all")
    from kg.extract import segment

    segment.warm()
    rows = []
    for n in sorted(args.sizes):
        # the last row: the same build without the typing models, their cost measured beside it
        for kind, target, jobs, model in (("pdf", TARGETS["pdf_papers_per_s_min"], 1, None),
                                          ("txt", TARGETS["text_papers_per_s_min"], 1, None),
                                          ("txt", TARGETS["text_papers_per_s_min"], 2, None),
                                          ("txt", TARGETS["text_papers_per_s_min"], 2, "none")):
            d = args.workdir / f"{kind}-{n}"
            if jobs == 1:
                d.mkdir(parents=True, exist_ok=True)
                for old in d.iterdir():
                    old.unlink()
                for k in range(n):
                    (d / f"p{k:04d}.{kind}").hardlink_to(args.workdir / f"{kind}-all" / f"p{k:04d}.{kind}")
            b = timed_build(d, args.workdir / f"{kind}-{n}-j{jobs}{'-' + model if model else ''}.ttl", jobs, model)
            seconds = b.get("seconds") or b["wall_s"]
            rate = n / seconds
            rows.append({"input": "PDF" if kind == "pdf" else "text", "jobs": jobs, "papers": n, "seconds": seconds,
                         "papers_per_s": round(rate, 1), "target": target, "met": rate >= target,
                         "model": model or "shipped"})
            print(f"{kind} {n} (jobs {jobs}, model {model or 'shipped'}): {seconds:.2f} s, {rate:.1f} papers/s",
                  file=sys.stderr)

    def linearity(kind: str) -> float:
        r = [x for x in rows if x["input"] == kind and x["jobs"] == 1 and x["model"] == "shipped"]
        return r[-1]["papers_per_s"] / r[0]["papers_per_s"]

    res = {"machine": machine, "tree_clean": clean, "corpus": corpus, "rows": rows,
           "linearity": {"pdf": linearity("PDF"), "text": linearity("text")}}
    (args.out / "pdf.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    (args.out / "pdf.md").write_text(render(res), encoding="utf-8")
    results = args.out / "results.md"
    old = results.read_text(encoding="utf-8") if results.is_file() else ""
    results.write_text(replace_marked(old, "pdf", results_section(res)), encoding="utf-8")
    return 0


def results_section(res: dict) -> str:
    """The build-speed rows beside the query benchmarks in bench/results.md (the whole run is in pdf.md)."""
    m = res["machine"]
    lines = ["<!-- pdf:begin -->", "## Build speed: PDF and text", "",
             f"Written by `python -m bench.pdf` (part of `make bench`); artifact `bench/pdf.json`, details in "
             f"[pdf.md](pdf.md). Commit `{m['commit']}` (tree {'clean' if res['tree_clean'] else 'NOT clean'}), "
             f"{m['date']}, load average {m['load_average']} at the start.", "",
             "| input | jobs | measure-type model | papers | papers/s | target | met |",
             "|---|---|---|---|---|---|---|"]
    for row in res["rows"]:
        lines.append(f"| {row['input']} | {row.get('jobs', 1)} | {row.get('model', 'shipped')} | {row['papers']} | "
                     f"{row['papers_per_s']:.1f} | ≥ {row['target']:.0f} | {'yes' if row['met'] else 'no'} |")
    lines += ["", f"Linearity (one process, larger size over smaller): PDF {res['linearity']['pdf']:.2f}, "
              f"text {res['linearity']['text']:.2f}.", "<!-- pdf:end -->"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
