"""`npt-kg eval`: how right the semantic extraction is, on hand-annotated papers it was not written from.

The evaluation set (`bench/eval/`, see its README) has a gold annotation for every numbered
paragraph and list item: is it a measure, its measure types, risk types, addressees and
treaties. This command builds the facts of each paper exactly as `npt-kg build` does, reads
them back per unit and scores them against the gold: precision, recall and F1 per label and
per field (micro over (unit, label) pairs, macro over labels), the measure detection, the
share of measures that fell back to "other measure" and the mean number of types per measure.

The `heldout/` half is for scoring only: the command prints its aggregate scores and never
its per-unit mismatches (`--details` is refused for it), so that tuning on it is not easy by
accident.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg import vocab
from kg.errors import PaperError, UserError
from kg.extract import Extractor, Gazetteer, load_lexicon, load_risk_typer, load_typer
from kg.extract.facts import PaperFacts
from kg.read.paper import parse_file
from kg.util.atomic import write_atomically

SPLITS = ("dev", "heldout")
FIELDS = ("measure_types", "risk_types", "addressees", "treaties")
#: The held-out bars of the extraction (issue text); reported beside the scores.
TARGETS = {"measure_types": 0.85, "risk_types": 0.80, "addressees": 0.90}
MAX_FALLBACK_SHARE = 0.05
MAX_TYPES_PER_MEASURE = 2.0
SECTION_BEGIN = "<!-- eval:begin -->"
SECTION_END = "<!-- eval:end -->"


@dataclass
class UnitPrediction:
    """What the builder says of one paragraph or item, in the gold's vocabulary (slugs)."""

    measure: bool = False
    measure_types: set[str] = field(default_factory=set)
    risk_types: set[str] = field(default_factory=set)
    addressees: set[str] = field(default_factory=set)
    treaties: set[str] = field(default_factory=set)
    #: label → the trigger phrase that produced it (shown with --details)
    why: dict[str, str] = field(default_factory=dict)
    #: where its measure types' phrases stand when not in its own words ("list lead", "sub-items", "theme")
    typed_from: str = ""


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _actor(e) -> str:
    return f"{e.kind}/{e.key}"


def predictions(facts: PaperFacts) -> dict[str, UnitPrediction]:
    """The facts of one paper, per unit path (paragraph number or item path)."""
    out: dict[str, UnitPrediction] = {}
    for u in facts.paragraphs + facts.items:
        if u.path is None:
            continue
        p = out.setdefault(u.path, UnitPrediction())
        p.treaties |= {e.key for e in u.mentions if e.kind == "treaty"} | {t.key for t, _ in u.articles}
        p.addressees |= {_actor(e) for e in u.addressees}
    fallback_m, fallback_r = vocab.MEASURE_TYPE_NS + "other-measure", vocab.RISK_TYPE_NS + "other-risk"
    for m in facts.measures:
        p = out.setdefault(m.path, UnitPrediction())
        p.measure = True
        p.measure_types |= {_local(t) for t in m.types}
        p.risk_types |= {_local(t) for t in m.mitigates if t != fallback_r}
        p.addressees |= {_actor(e) for e in m.addressees}
        for t, phrase in m.triggers.items():
            p.why.setdefault(_local(t), phrase)
        p.typed_from = p.typed_from or m.typed_from
        if m.fallback:
            p.measure_types = (p.measure_types - {_local(fallback_m)}) | {_local(fallback_m)}
    for r in facts.risks:
        p = out.setdefault(r.path, UnitPrediction())
        p.risk_types |= {_local(t) for t in r.types if t != fallback_r}
        for t, phrase in r.triggers.items():
            p.why.setdefault(_local(t), phrase)
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], got: set[str]) -> None:
        self.tp += len(gold & got)
        self.fp += len(got - gold)
        self.fn += len(gold - got)

    def prf(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class Scorer:
    """Accumulates (unit, label) counts over papers; `report()` gives micro, macro and per-label scores."""

    def __init__(self) -> None:
        self.labels: dict[str, dict[str, Counts]] = {f: defaultdict(Counts) for f in FIELDS}
        self.micro: dict[str, Counts] = {f: Counts() for f in FIELDS}
        self.measure = Counts()
        self.units = 0
        self.measures = 0
        self.fallbacks = 0
        self.typed_from: dict[str, int] = defaultdict(int)
        self.type_count = 0
        self.papers = 0
        self.unread: list[str] = []
        self.mismatches: list[dict] = []

    def add_paper(self, name: str, gold: dict, got: dict[str, UnitPrediction] | None) -> None:
        self.papers += 1
        if got is None:
            self.unread.append(name)
            got = {}
        for path in sorted(set(gold["units"]) | set(got), key=_path_key):
            g = gold["units"].get(path) or {"measure": False, **{f: [] for f in FIELDS}}
            p = got.get(path, UnitPrediction())
            self.units += path in gold["units"]
            self.measure.add({"m"} if g["measure"] else set(), {"m"} if p.measure else set())
            if p.measure:
                self.measures += 1
                self.type_count += len(p.measure_types)
                self.fallbacks += "other-measure" in p.measure_types
                if p.typed_from:
                    self.typed_from[p.typed_from] += 1
            wrong = {}
            for f in FIELDS:
                gs, ps = set(g[f]), set(getattr(p, f))
                self.micro[f].add(gs, ps)
                for label in gs | ps:
                    self.labels[f][label].add(gs & {label}, ps & {label})
                if gs != ps:
                    wrong[f] = {"missing": sorted(gs - ps), "extra": sorted(ps - gs)}
            if g["measure"] != p.measure:
                wrong["measure"] = {"gold": g["measure"], "got": p.measure}
            if wrong:
                self.mismatches.append({"paper": name, "unit": path, **wrong,
                                        "why": {k: v for k, v in p.why.items()
                                                if any(k in w.get("extra", []) for w in wrong.values())}})

    def report(self) -> dict:
        fields = {}
        for f in FIELDS:
            per = {label: c.prf() for label, c in sorted(self.labels[f].items())}
            scored = [v for v in per.values() if v["tp"] + v["fn"] > 0]  # labels the gold uses
            macro = {k: round(sum(v[k] for v in scored) / len(scored), 4) if scored else 0.0
                     for k in ("precision", "recall", "f1")}
            fields[f] = {"micro": self.micro[f].prf(), "macro": macro, "labels": per}
        return {
            "papers": self.papers, "units": self.units, "unread_papers": self.unread,
            "measure_detection": self.measure.prf(),
            "measures": self.measures,
            "fallback_share": round(self.fallbacks / self.measures, 4) if self.measures else 0.0,
            # measures typed by words outside their own (npt:evidenceFrom): "theme" is the paper's
            # title or section heading, a guess a little better than "other measure"
            "typed_from_share": {k: round(v / self.measures, 4) for k, v in sorted(self.typed_from.items())}
            if self.measures else {},
            "types_per_measure": round(self.type_count / self.measures, 4) if self.measures else 0.0,
            "fields": fields,
        }


def _path_key(path: str) -> tuple:
    head, _, rest = path.partition("(")
    return (int(head) if head.isdigit() else 10**6, rest)


def load_split(root: Path, split: str) -> list[tuple[Path, dict]]:
    folder = root / split
    if not folder.is_dir():
        raise UserError(f"{folder}: no such split of the evaluation set")
    out = []
    for gold_file in sorted(folder.glob("*.gold.json")):
        try:
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            units = gold["units"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{gold_file}: not a gold file ({exc})") from None
        if not isinstance(units, dict):
            raise UserError(f"{gold_file}: 'units' is not an object")
        paper = folder / gold.get("file", gold_file.name.replace(".gold.json", ".txt"))
        if not paper.is_file():
            raise UserError(f"{gold_file}: its paper {paper.name} is missing")
        out.append((paper, gold))
    if not out:
        raise UserError(f"{folder}: no *.gold.json files")
    return out


def evaluate(root: Path, split: str, model: Path | str | None = None,
             risk_model: Path | str | None = None) -> tuple[dict, list[dict]]:
    """Scores of one split overall and per language, and the per-unit mismatches."""
    gazetteer, lexicon = Gazetteer.load().copy(), load_lexicon()
    typer, risk_typer = load_typer(model), load_risk_typer(risk_model)
    extractor = Extractor(gazetteer, lexicon, typer=typer, risk_typer=risk_typer)
    overall, by_lang = Scorer(), defaultdict(Scorer)
    parsed = []
    for paper, gold in load_split(root, split):
        try:
            parsed.append((paper, gold, parse_file(paper)))
        except PaperError:
            parsed.append((paper, gold, None))
    for _, _, pp in parsed:  # coalitions first, as the build's first pass does
        if pp is not None:
            extractor.read_header(pp)
    for paper, gold, pp in parsed:
        got = predictions(extractor.extract(pp)) if pp is not None else None
        lang = gold.get("language", "zh")
        overall.add_paper(paper.name, gold, got)
        by_lang[lang].add_paper(paper.name, gold, got)
    rep = overall.report()
    rep["by_language"] = {lang: s.report() for lang, s in sorted(by_lang.items())}
    rep["model"] = typer.meta if typer is not None else None
    rep["risk_model"] = risk_typer.meta if risk_typer is not None else None
    return rep, overall.mismatches


def targets_met(rep: dict) -> dict[str, bool]:
    out = {f"{f} micro F1 >= {t}": rep["fields"][f]["micro"]["f1"] >= t for f, t in TARGETS.items()}
    out[f"fallback <= {MAX_FALLBACK_SHARE:.0%}"] = rep["fallback_share"] <= MAX_FALLBACK_SHARE
    out[f"types per measure <= {MAX_TYPES_PER_MEASURE:g}"] = rep["types_per_measure"] <= MAX_TYPES_PER_MEASURE
    return out


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.rstrip("\n") if out.returncode == 0 else None  # porcelain lines begin with a space


def provenance(root: Path, ignore: list[Path]) -> dict:
    """The commit scored and whether the tree was clean (outputs of this run not counted)."""
    commit = (_git(root, "rev-parse", "HEAD") or "").strip() or None
    status = _git(root, "status", "--porcelain")
    top = (_git(root, "rev-parse", "--show-toplevel") or "").strip()
    skip = set()
    if top:
        for p in ignore:
            with contextlib.suppress(ValueError):  # an output outside the checkout
                skip.add(str(p.resolve().relative_to(Path(top).resolve())))
    dirty = [line[3:] for line in (status or "").splitlines() if line[3:] not in skip]
    return {"commit": commit, "clean_tree": commit is not None and status is not None and not dirty}


# --- output -------------------------------------------------------------------------------


def _fmt(v: dict) -> str:
    return f"{v['precision']:.3f} {v['recall']:.3f} {v['f1']:.3f}"


def _typed_from(rep: dict) -> str:
    share = rep.get("typed_from_share", {})
    return " / ".join(f"{share.get(k, 0.0):.1%}" for k in ("list lead", "sub-items", "theme"))


def render_text(split: str, rep: dict) -> str:
    lines = [f"== {split}: {rep['papers']} papers, {rep['units']} units, {rep['measures']} measures predicted"
             + (f"; not read: {', '.join(rep['unread_papers'])}" if rep["unread_papers"] else "")]
    md = rep["measure_detection"]
    lines.append(f"measure detection        P R F1 {_fmt(md)}")
    lines.append(f"fallback to other-measure {rep['fallback_share']:.1%}   types per measure "
                 f"{rep['types_per_measure']:.2f}   typed from " + _typed_from(rep))
    for f in FIELDS:
        d = rep["fields"][f]
        lines.append(f"{f:<16} micro P R F1 {_fmt(d['micro'])}   macro {_fmt(d['macro'])}")
    for lang, sub in rep.get("by_language", {}).items():
        lines.append(f"  [{lang}] " + "  ".join(f"{f} {sub['fields'][f]['micro']['f1']:.3f}" for f in FIELDS)
                     + f"  fallback {sub['fallback_share']:.1%}")
    for f in FIELDS:
        lines.append(f"-- {f} per label (P R F1  tp fp fn)")
        for label, v in rep["fields"][f]["labels"].items():
            lines.append(f"   {label:<44} {_fmt(v)}  {v['tp']:3d} {v['fp']:3d} {v['fn']:3d}")
    if "targets" in rep:
        lines.append("targets: " + ", ".join(f"{k}: {'yes' if ok else 'NO'}" for k, ok in rep["targets"].items()))
    return "\n".join(lines)


def render_markdown(result: dict) -> str:
    """The eval section of bench/results.md."""
    prov = result["provenance"]
    out = [SECTION_BEGIN, "## Semantic extraction (evaluation set)", "",
           "Written by `make eval` (`npt-kg eval`) from `bench/eval/` (see its README); artifact "
           "`bench/eval.json`. Scores are per (unit, label) pair; micro over pairs, macro over the labels "
           "the gold uses.", "",
           f"Commit `{prov['commit']}`, tree {'clean' if prov['clean_tree'] else 'NOT clean'}.", "",
           "| split | papers | units | measure detection F1 | measure types P / R / F1 (macro F1) "
           "| risk types P / R / F1 (macro F1) | addressees P / R / F1 | treaties P / R / F1 "
           "| fallback | typed from the lead / sub-items / theme | types per measure |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for split, rep in result["splits"].items():
        f = rep["fields"]

        def cell(name: str, macro: bool = False, f: dict = f) -> str:
            m = f[name]["micro"]
            s = f"{m['precision']:.2f} / {m['recall']:.2f} / **{m['f1']:.2f}**"
            return s + (f" ({f[name]['macro']['f1']:.2f})" if macro else "")

        out.append(f"| {split} | {rep['papers']} | {rep['units']} | {rep['measure_detection']['f1']:.2f} "
                   f"| {cell('measure_types', True)} | {cell('risk_types', True)} | {cell('addressees')} "
                   f"| {cell('treaties')} | {rep['fallback_share']:.1%} | {_typed_from(rep)} "
                   f"| {rep['types_per_measure']:.2f} |")
    out.append("")
    for split, rep in result["splits"].items():
        langs = rep.get("by_language", {})
        if langs:
            out.append(f"By language ({split}): " + "; ".join(
                f"{lang}: measure types {s['fields']['measure_types']['micro']['f1']:.2f}, "
                f"risk types {s['fields']['risk_types']['micro']['f1']:.2f}, "
                f"addressees {s['fields']['addressees']['micro']['f1']:.2f}" for lang, s in langs.items()) + ".")
    if "heldout" in result["splits"]:
        out += ["", "Held-out targets: " + "; ".join(
            f"{k}: {'met' if ok else '**not met**'}" for k, ok in result["splits"]["heldout"]["targets"].items())
            + "."]
    for key, what, flag in (("model", "Measure types", "--model"), ("risk_model", "Risk types", "--risk-model")):
        model = result.get(key)
        if model:
            out += ["", f"{what} by the trigger phrases and the {what.lower()[:-1]} model trained on "
                    f"`{model.get('trained_on', '?')}` (commit `{str(model.get('commit'))[:7]}`): the dev scores are "
                    "in-sample for the model; `bench/eval/crossval.json` scores it across writers inside dev."]
        else:
            out += ["", f"{what} by the trigger phrases alone (`{flag} none`)."]
    out += ["", "Per-label scores are in the JSON artifact.", SECTION_END]
    return "\n".join(out) + "\n"


def replace_section(text: str, section: str) -> str:
    """`text` with its eval section replaced by `section` (appended when it has none)."""
    a, b = text.find(SECTION_BEGIN), text.find(SECTION_END)
    if a != -1 and b > a:
        return text[:a] + section.rstrip("\n") + text[b + len(SECTION_END):]
    return text.rstrip("\n") + "\n\n" + section


def run(args: argparse.Namespace) -> int:
    root: Path = args.set
    splits = SPLITS if args.split == "all" else (args.split,)
    if args.details and "heldout" in splits:
        raise UserError("--details shows per-unit answers and is refused for the held-out split "
                        "(use --split dev)", exit_code=2)
    result: dict = {"set": str(root), "splits": {}}
    for split in splits:
        rep, mismatches = evaluate(root, split, getattr(args, "model", None), getattr(args, "risk_model", None))
        rep["targets"] = targets_met(rep)
        result["splits"][split] = rep
        print(render_text(split, rep))
        if args.details:
            for m in mismatches:
                print(json.dumps(m, ensure_ascii=False))
    result["model"] = next(iter(result["splits"].values()))["model"]
    result["risk_model"] = next(iter(result["splits"].values()))["risk_model"]
    outputs = [p for p in (args.json, args.markdown) if p is not None]
    result["provenance"] = provenance(Path.cwd(), outputs)
    if args.json is not None:
        write_atomically(args.json, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    if args.markdown is not None:
        old = args.markdown.read_text(encoding="utf-8") if args.markdown.is_file() else ""
        write_atomically(args.markdown, replace_section(old, render_markdown(result)))
    if args.check and "heldout" in result["splits"] and not all(result["splits"]["heldout"]["targets"].values()):
        print("held-out targets not met", file=sys.stderr)
        return 1
    return 0
