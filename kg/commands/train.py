"""`npt-kg train`: fit the measure-type and risk-type models (kg/extract/typer.py) on annotated papers.

It reads the papers of one split of an evaluation set (default: the dev half of `bench/eval`), pairs
what each model is to read with the gold, fits one logistic regression per type (scikit-learn) and
writes the models as plain numbers. The measure-type model reads each step the rules found, as the
rules typed it; the risk-type model reads every paragraph and item, as the rules and the shipped
measure-type model left it (as a build does). The held-out half is refused: a model fitted on it would
make its score meaningless.

`--cross` instead scores the method across writers: each batch of the split (the papers one pair of
writers wrote, `BATCHES.json` beside the papers) is typed by models fitted on the other batches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg import vocab
from kg.commands.eval import Counts, load_split, provenance
from kg.errors import PaperError, UserError
from kg.extract import Extractor, Gazetteer, load_lexicon
from kg.extract.lexicon import Scheme
from kg.extract.typer import (
    MODEL_FILE,
    RISK_MODEL_FILE,
    RiskContext,
    RiskTyper,
    Typer,
    TypingContext,
    features,
    load_typer,
    risk_features,
)
from kg.read.paper import parse_file
from kg.util.atomic import write_atomically

#: chosen on the dev half's cross-writer folds (bench/eval/README.md); not tuned on any held-out paper
C, MIN_DF, THRESHOLD, KEEP, MAX_TYPES = 20.0, 2, 0.45, 0.5, 3
#: weights smaller than this are dropped: the model file is a quarter of the size, the folds' scores the same
PRUNE = 0.1
#: the risk-type model: a rule's risk type less probable than RISK_KEEP is dropped, one as probable as
#: RISK_THRESHOLD added; chosen on the dev half's cross-writer folds, as above
RISK_C, RISK_THRESHOLD, RISK_KEEP, RISK_MAX_TYPES = 10.0, 0.6, 0.4, 3


@dataclass
class Step:
    """A step the rules found in an annotated paper: what the model reads of it and its gold types."""

    paper: str
    context: TypingContext | None  # None: typed by a rule the model does not override (a report's contents)
    gold: list[str] | None  # concept IRIs; None when the gold says it is no measure
    rule_types: list[str]


def _read(root: Path, split: str, extractor: Extractor) -> list:
    """(file, gold, parsed paper) for each paper of a split, coalitions learned first as a build does."""
    papers = []
    for paper, gold in load_split(root, split):
        try:
            papers.append((paper, gold, parse_file(paper)))
        except PaperError as exc:
            raise UserError(f"{paper}: {exc}") from None
    for _, _, pp in papers:
        extractor.read_header(pp)
    return papers


def steps(root: Path, split: str) -> list[Step]:
    """Every step the rules find in the papers of a split, with its gold types."""
    gazetteer, lexicon = Gazetteer.load().copy(), load_lexicon()
    extractor = Extractor(gazetteer, lexicon)
    extractor.contexts = {}
    papers = _read(root, split, extractor)
    out = []
    for paper, gold, pp in papers:
        for m in extractor.extract(pp).measures:
            g = gold["units"].get(m.path)
            types = [vocab.MEASURE_TYPE_NS + t for t in g["measure_types"]] if g and g["measure"] else None
            out.append(Step(paper.name, extractor.contexts.get(m.iri), types, list(m.types)))
    return out


@dataclass
class Unit:
    """A paragraph or item of an annotated paper: what the risk model reads of it and its gold risk types."""

    paper: str
    context: RiskContext
    gold: list[str]  # risk-type IRIs


def units(root: Path, split: str, typer: Typer | None) -> list[Unit]:
    """Every paragraph and item of the papers of a split that the gold annotates, as a build with the
    measure-type model `typer` reads it."""
    gazetteer, lexicon = Gazetteer.load().copy(), load_lexicon()
    extractor = Extractor(gazetteer, lexicon, typer=typer)
    papers = _read(root, split, extractor)
    out = []
    for paper, gold, pp in papers:
        extractor.risk_contexts = {}
        facts = extractor.extract(pp)
        for u in facts.paragraphs + facts.items:
            g = gold["units"].get(u.path or "")
            ctx = extractor.risk_contexts.get(u.iri)
            if g is not None and ctx is not None:
                out.append(Unit(paper.name, ctx, [vocab.RISK_TYPE_NS + t for t in g["risk_types"]]))
    return out


def fit(data: list[tuple[TypingContext, list[str]]], scheme: Scheme, meta: dict) -> Typer:
    """The measure-type model."""
    return _fit(Typer, features, vocab.MEASURE_TYPE_NS, data, scheme, meta, C, THRESHOLD, KEEP, MAX_TYPES)


def fit_risks(data: list[tuple[RiskContext, list[str]]], scheme: Scheme, meta: dict) -> RiskTyper:
    """The risk-type model."""
    return _fit(RiskTyper, risk_features, vocab.RISK_TYPE_NS, data, scheme, meta, RISK_C, RISK_THRESHOLD,
                RISK_KEEP, RISK_MAX_TYPES)


def _fit(kind, featurize, ns: str, data: list, scheme: Scheme, meta: dict, c_reg: float, threshold: float,
         keep: float, max_types: int):
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise UserError("npt-kg train needs scikit-learn: pip install 'npt-kg[train]'", exit_code=2) from None
    docs = [featurize(ctx, scheme) for ctx, _ in data]
    vectorizer = TfidfVectorizer(analyzer=lambda c: [f for f, n in sorted(c.items()) for _ in range(n)],
                                 sublinear_tf=True, min_df=MIN_DF)
    x = vectorizer.fit_transform(docs)
    names = vectorizer.get_feature_names_out()
    counts = Counter(t for _, types in data for t in types)
    # a gold slug the scheme lacks cannot be a type of the graph: it is not learned
    classes = sorted(t for t, n in counts.items() if 0 < n < len(data) and t in scheme.concepts)
    coef, intercept = [], []
    for c in classes:
        y = [c in types for _, types in data]
        lr = LogisticRegression(C=c_reg, max_iter=5000, class_weight="balanced").fit(x, y)
        coef.append({str(names[j]): round(float(w), 5) for j, w in enumerate(lr.coef_[0]) if abs(w) >= PRUNE})
        intercept.append(round(float(lr.intercept_[0]), 5))
    idf = {str(f): round(float(v), 6) for f, v in zip(names, vectorizer.idf_, strict=True)}
    meta = {**meta, "examples": len(data), "features": len(names), "C": c_reg, "min_df": MIN_DF}
    return kind(ns, [c[len(ns):] for c in classes], idf, coef, intercept, threshold, keep, max_types, meta)


def batches(root: Path, split: str) -> dict[str, str]:
    """paper file → the batch (one pair of writers' papers) it belongs to."""
    path = root / split / "BATCHES.json"
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the batches of the split ({exc})") from None
    return {paper: batch for batch, papers in listed.items() for paper in papers}


def cross(root: Path, split: str) -> dict:
    """Micro scores per batch, measure types and risk types: the rules alone, and the models fitted on
    the other batches."""
    data = steps(root, split)
    of = batches(root, split)
    unknown = sorted({s.paper for s in data} - set(of))
    if unknown:
        raise UserError(f"{root / split / 'BATCHES.json'}: lists no batch for {', '.join(unknown)}")
    lexicon = load_lexicon()
    scheme = lexicon.measures
    gold = {p.name: g for p, g in load_split(root, split)}
    out: dict[str, dict] = {"measure_types": {}, "risk_types": {}}
    # batches in their order ("10-…" after "9-…")
    for batch in sorted(set(of.values()), key=lambda b: (int(b.split("-")[0]) if b.split("-")[0].isdigit() else 0, b)):
        model = fit([(s.context, s.gold) for s in data if of[s.paper] != batch and s.gold and s.context], scheme, {})
        rules, learned = Counts(), Counts()
        for s in (s for s in data if of[s.paper] == batch):
            g = set(s.gold or [])
            rules.add(g, set(s.rule_types))
            learned.add(g, set(model.read(s.context, scheme).types) if s.context else set(s.rule_types))
        # the gold types of steps the rules did not find are missed by both
        missed = sum(len(u["measure_types"]) for name, gd in gold.items() if of.get(name) == batch
                     for u in gd["units"].values() if u["measure"]) - rules.tp - rules.fn
        for c in (rules, learned):
            c.fn += missed
        papers = sum(1 for v in of.values() if v == batch)
        out["measure_types"][batch] = {"papers": papers, "rules": rules.prf(), "model": learned.prf()}
        # the risk model reads the units as a build with this fold's measure-type model leaves them
        read = units(root, split, model)
        risk_model = fit_risks([(u.context, u.gold) for u in read if of[u.paper] != batch], lexicon.risks, {})
        rules, learned = Counts(), Counts()
        for u in (u for u in read if of[u.paper] == batch):
            rules.add(set(u.gold), set(u.context.rule_types))
            learned.add(set(u.gold), set(risk_model.read(u.context, lexicon.risks).types))
        out["risk_types"][batch] = {"papers": papers, "rules": rules.prf(), "model": learned.prf()}
    return out


def run(args: argparse.Namespace) -> int:
    if args.split == "heldout":
        raise UserError("the held-out split is for scoring only; train on dev", exit_code=2)
    if args.cross:
        result = cross(args.set, args.split)
        for field, folds in result.items():
            print(f"-- {field.replace('_', ' ')}")
            for batch, r in folds.items():
                print(f"{batch:<24} {r['papers']:>3} papers   rules F1 {r['rules']['f1']:.3f}   "
                      f"model F1 {r['model']['f1']:.3f}")
        if args.json is not None:
            result = {**result, "provenance": provenance(Path.cwd(), [args.json])}
            write_atomically(args.json, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        return 0
    kinds = [args.kind] if args.kind else ["measure-types", "risk-types"]
    if args.out is not None and len(kinds) > 1:
        raise UserError("-o names one model's file: say which with --kind measure-types|risk-types", exit_code=2)
    if args.out is None and not (Path("kg") / "data").is_dir():  # an installed package's data stays as it is
        raise UserError("not in a checkout of the project: give the model's file with --kind KIND -o FILE "
                        "(and build with --model FILE or --risk-model FILE)", exit_code=2)
    lexicon = load_lexicon()
    typer = None
    for kind in kinds:
        out = args.out or Path("kg") / "data" / (MODEL_FILE if kind == "measure-types" else RISK_MODEL_FILE)
        meta = {"trained_on": f"{args.set}/{args.split}", "date": dt.date.today().isoformat(),
                **provenance(Path.cwd(), [out])}
        if kind == "measure-types":
            data = [(s.context, s.gold) for s in steps(args.set, args.split) if s.gold and s.context]
            typer = fit(data, lexicon.measures, meta)
            model: Typer = typer
            what = "steps"
        else:
            # read with the measure-type model trained just now, else the one a build would use
            read = units(args.set, args.split, typer or load_typer(getattr(args, "model", None)))
            data = [(u.context, u.gold) for u in read]
            model, what = fit_risks(data, lexicon.risks, meta), "paragraphs and items"
        write_atomically(out, model.to_json() + "\n")
        print(f"{out}: {len(model.classes)} {kind.replace('-', ' ')}, from {len(data)} {what} of "
              f"{args.set}/{args.split}")
    return 0
