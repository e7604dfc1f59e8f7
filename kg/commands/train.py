"""`npt-kg train`: fit the measure-type model (kg/extract/typer.py) on annotated papers.

It reads the papers of one split of an evaluation set (default: the dev half of `bench/eval`) with
the rules alone, pairs what the model is to read of each step the rules found with the gold types of
that step, fits one logistic regression per type (scikit-learn) and writes the model as plain
numbers. The held-out half is refused: a model fitted on it would make its score meaningless.

`--cross` instead scores the method across writers: each batch of the split (the papers one pair of
writers wrote, `BATCHES.json` beside the papers) is typed by a model fitted on the other batches.
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
from kg.extract.typer import MODEL_FILE, Typer, TypingContext, features
from kg.read.paper import parse_file
from kg.util.atomic import write_atomically

#: chosen on the dev half's cross-writer folds (bench/eval/README.md); not tuned on any held-out paper
C, MIN_DF, THRESHOLD, KEEP, MAX_TYPES = 20.0, 2, 0.6, 0.3, 3
#: weights smaller than this are dropped: the model file is a quarter of the size, the folds' scores the same
PRUNE = 0.1


@dataclass
class Step:
    """A step the rules found in an annotated paper: what the model reads of it and its gold types."""

    paper: str
    context: TypingContext | None  # None: typed by a rule the model does not override (a report's contents)
    gold: list[str] | None  # concept IRIs; None when the gold says it is no measure
    rule_types: list[str]


def steps(root: Path, split: str) -> list[Step]:
    """Every step the rules find in the papers of a split, with its gold types."""
    gazetteer, lexicon = Gazetteer.load().copy(), load_lexicon()
    extractor = Extractor(gazetteer, lexicon)
    extractor.contexts = {}
    papers = []
    for paper, gold in load_split(root, split):
        try:
            papers.append((paper, gold, parse_file(paper)))
        except PaperError as exc:
            raise UserError(f"{paper}: {exc}") from None
    for _, _, pp in papers:
        extractor.read_header(pp)
    out = []
    for paper, gold, pp in papers:
        for m in extractor.extract(pp).measures:
            g = gold["units"].get(m.path)
            types = [vocab.MEASURE_TYPE_NS + t for t in g["measure_types"]] if g and g["measure"] else None
            out.append(Step(paper.name, extractor.contexts.get(m.iri), types, list(m.types)))
    return out


def fit(data: list[tuple[TypingContext, list[str]]], scheme: Scheme, meta: dict) -> Typer:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise UserError("npt-kg train needs scikit-learn: pip install 'npt-kg[train]'", exit_code=2) from None
    docs = [features(ctx, scheme) for ctx, _ in data]
    vectorizer = TfidfVectorizer(analyzer=lambda c: [f for f, n in sorted(c.items()) for _ in range(n)],
                                 sublinear_tf=True, min_df=MIN_DF)
    x = vectorizer.fit_transform(docs)
    names = vectorizer.get_feature_names_out()
    ns = vocab.MEASURE_TYPE_NS
    counts = Counter(t for _, types in data for t in types)
    # a gold slug the scheme lacks cannot be a type of the graph: it is not learned
    classes = sorted(t for t, n in counts.items() if 0 < n < len(data) and t in scheme.concepts)
    coef, intercept = [], []
    for c in classes:
        y = [c in types for _, types in data]
        lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, y)
        coef.append({str(names[j]): round(float(w), 5) for j, w in enumerate(lr.coef_[0]) if abs(w) >= PRUNE})
        intercept.append(round(float(lr.intercept_[0]), 5))
    idf = {str(f): round(float(v), 6) for f, v in zip(names, vectorizer.idf_, strict=True)}
    meta = {**meta, "steps": len(data), "features": len(names), "C": C, "min_df": MIN_DF}
    return Typer(ns, [c[len(ns):] for c in classes], idf, coef, intercept, THRESHOLD, KEEP, MAX_TYPES, meta)


def batches(root: Path, split: str) -> dict[str, str]:
    """paper file → the batch (one pair of writers' papers) it belongs to."""
    path = root / split / "BATCHES.json"
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the batches of the split ({exc})") from None
    return {paper: batch for batch, papers in listed.items() for paper in papers}


def cross(root: Path, split: str) -> dict:
    """Measure-type micro scores per batch: the rules alone, and the model fitted on the other batches."""
    data = steps(root, split)
    of = batches(root, split)
    unknown = sorted({s.paper for s in data} - set(of))
    if unknown:
        raise UserError(f"{root / split / 'BATCHES.json'}: lists no batch for {', '.join(unknown)}")
    scheme = load_lexicon().measures
    gold = {p.name: g for p, g in load_split(root, split)}
    out = {}
    for batch in sorted(set(of.values())):
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
        out[batch] = {"papers": sum(1 for v in of.values() if v == batch), "rules": rules.prf(),
                      "model": learned.prf()}
    return out


def run(args: argparse.Namespace) -> int:
    if args.split == "heldout":
        raise UserError("the held-out split is for scoring only; train on dev", exit_code=2)
    if args.cross:
        result = cross(args.set, args.split)
        for batch, r in result.items():
            print(f"{batch:<24} {r['papers']:>3} papers   rules F1 {r['rules']['f1']:.3f}   "
                  f"model F1 {r['model']['f1']:.3f}")
        if args.json is not None:
            result = {"folds": result, "provenance": provenance(Path.cwd(), [args.json])}
            write_atomically(args.json, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        return 0
    if args.out is None:
        shipped = Path("kg") / "data" / MODEL_FILE
        if not shipped.parent.is_dir():  # an installed package's data is not to be overwritten
            raise UserError("not in a checkout of the project: give the model's file with -o FILE "
                            "(and build with --model FILE)", exit_code=2)
        args.out = shipped
    data = [(s.context, s.gold) for s in steps(args.set, args.split) if s.gold and s.context]
    prov = provenance(Path.cwd(), [args.out])
    meta = {"trained_on": f"{args.set}/{args.split}", "date": dt.date.today().isoformat(), **prov}
    model = fit(data, load_lexicon().measures, meta)
    write_atomically(args.out, model.to_json() + "\n")
    print(f"{args.out}: {len(model.classes)} measure types, from {len(data)} steps of {args.set}/{args.split}")
    return 0
