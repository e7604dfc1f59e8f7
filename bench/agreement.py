"""How far two annotators of the same papers agree: the ceiling of any extraction scored against one of them.

`python -m bench.agreement` scores the second annotation of some dev papers (`bench/eval/agreement/`,
made by an annotator who read neither the first annotation nor the builder) against their first
(`bench/eval/dev/`) with the scorer of `npt-kg eval`, as if the second annotator were the builder.
F1 is symmetric, so it does not matter which one is taken as gold. Writes `bench/eval/agreement.json`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.commands.eval import FIELDS, Scorer, UnitPrediction, provenance
from kg.util.atomic import write_atomically

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "bench" / "eval"


def as_prediction(units: dict) -> dict[str, UnitPrediction]:
    return {path: UnitPrediction(bool(u["measure"]), *(set(u[f]) for f in FIELDS)) for path, u in units.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.agreement")
    p.add_argument("--second", type=Path, default=EVAL / "agreement")
    p.add_argument("--first", type=Path, default=EVAL / "dev")
    p.add_argument("--out", type=Path, default=EVAL / "agreement.json")
    args = p.parse_args(argv)
    scorer = Scorer()
    papers = []
    for second in sorted(args.second.glob("*.gold.json")):
        first = json.loads((args.first / second.name).read_text(encoding="utf-8"))
        other = json.loads(second.read_text(encoding="utf-8"))
        scorer.add_paper(second.name, first, as_prediction(other["units"]))
        papers.append(second.name.removesuffix(".gold.json"))
    rep = scorer.report()
    result = {"papers": papers, "units": rep["units"], "measure_detection": rep["measure_detection"],
              "types_per_measure_second": rep["types_per_measure"],
              "fields": {f: rep["fields"][f]["micro"] for f in FIELDS},
              "provenance": provenance(ROOT, [args.out])}
    write_atomically(args.out, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(papers)} papers, {rep['units']} units; agreement (micro F1): measure "
          f"{rep['measure_detection']['f1']:.3f}, " + ", ".join(f"{f} {rep['fields'][f]['micro']['f1']:.3f}"
                                                               for f in FIELDS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
