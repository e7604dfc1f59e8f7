"""Measure types from a linear model trained on the annotated papers, read over the trigger phrases' findings.

Why a model and not more phrases: trigger phrases fitted to the papers at hand held on those papers
and not on the next writers' (four fresh halves of `bench/eval` scored 0.67–0.78 on measure types
while the papers tuned on scored 0.84–0.90). A logistic regression per measure type, over the words
of a step and of its list's lead and over the concepts the trigger phrases find in the step, its lead,
its section heading and the paper's title (and the types the rules chose), learns from every
annotated step at once which words and which findings to trust; across writers it held better
(bench/eval/README.md, History).

The model is trained by `npt-kg train` (scikit-learn, the `[train]` extra) on the dev half of the
evaluation set and stored as plain numbers in `kg/data/measure-types.model.json` (weights under 0.1
dropped): scoring is one numpy product per paper here, so a build needs no machine-learning library,
and the same features are computed here for training and for scoring. scikit-learn's TF-IDF
(sublinear, smoothed idf, L2 norm) is reproduced; a test compares the probabilities with its own.
It overrides the trigger phrases only where it is sure (see `Typer._choose`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from kg import resources
from kg.errors import UserError
from kg.extract.lexicon import Scheme
from kg.extract.segment import words

#: feature prefixes: a step's words, its lead's words, the concepts trigger phrases find in the step,
#: its lead, its section heading and the paper's title, the rules' types, where the rules found them
WORD, LEAD_WORD, FOUND, LEAD_FOUND, HEADING_FOUND, TITLE_FOUND, RULE, RULE_FROM = (
    "w:", "l:", "m:", "lm:", "hm:", "tm:", "r:", "f:")


@dataclass
class TypingContext:
    """What the model reads of one step, gathered while the rules read it."""

    own: str
    lead: str = ""
    heading: str = ""
    title: str = ""
    rule_types: list[str] = field(default_factory=list)  # concept IRIs (none when the rules fell back)
    typed_from: str = ""
    #: the concepts (slugs) the rules' matcher found in the step's words, so they need not be looked for
    #: again; None: look for them here
    found: list[str] | None = None


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


_found_cache: dict[tuple[int, str], tuple[str, ...]] = {}


def _found(scheme: Scheme, text: str) -> tuple[str, ...]:
    """The concepts the scheme's trigger phrases find in a text, kept: a lead, a heading and a title are
    read for every step under them."""
    key = (id(scheme), text)
    hit = _found_cache.get(key)
    if hit is None:
        if len(_found_cache) > 50_000:
            _found_cache.clear()
        hit = _found_cache[key] = tuple(_local(c) for c in scheme.match(text))
    return hit


def features(ctx: TypingContext, scheme: Scheme) -> Counter[str]:
    """The features of a step: name → count."""
    out: Counter[str] = Counter()
    for prefix, text in ((WORD, ctx.own), (LEAD_WORD, ctx.lead)):
        keys = [w.key for w in words(text)]
        out.update(prefix + k for k in keys)
        out.update(f"{prefix}{a}_{b}" for a, b in pairwise(keys))
    out.update(FOUND + c for c in (ctx.found if ctx.found is not None else _found(scheme, ctx.own)))
    for prefix, text in ((LEAD_FOUND, ctx.lead), (HEADING_FOUND, ctx.heading), (TITLE_FOUND, ctx.title)):
        for concept in _found(scheme, text) if text else ():
            out[prefix + concept] += 1
    for t in ctx.rule_types:
        out[RULE + _local(t)] += 1
    out[RULE_FROM + (ctx.typed_from or "own")] += 1
    return out


@dataclass
class RiskContext:
    """What the risk-type model reads of one paragraph or item, after the rules have read it."""

    own: str
    lead: str = ""
    heading: str = ""
    measure: bool = False
    measure_types: list[str] = field(default_factory=list)  # concept IRIs of the step's types
    rule_types: list[str] = field(default_factory=list)  # risk-type IRIs the rules gave the unit


#: feature prefixes of the risk-type model besides the measure-type model's: the unit is a step or not,
#: the step's measure types
MEASURE, MEASURE_TYPE = "s:", "t:"


def risk_features(ctx: RiskContext, scheme: Scheme) -> Counter[str]:
    """The features of a unit for its risk types: name → count."""
    out: Counter[str] = Counter()
    keys = [w.key for w in words(ctx.own)]
    out.update(WORD + k for k in keys)
    out.update(f"{WORD}{a}_{b}" for a, b in pairwise(keys))
    out.update(LEAD_WORD + w.key for w in words(ctx.lead))
    out.update(FOUND + c for c in _found(scheme, ctx.own))
    for prefix, text in ((LEAD_FOUND, ctx.lead), (HEADING_FOUND, ctx.heading)):
        for concept in _found(scheme, text) if text else ():
            out[prefix + concept] += 1
    for t in ctx.rule_types:
        out[RULE + _local(t)] += 1
    out[MEASURE + str(ctx.measure)] += 1
    for t in ctx.measure_types:
        out[MEASURE_TYPE + _local(t)] += 1
    return out


def _as_printed(ctx: TypingContext | RiskContext) -> dict[str, str]:
    """Word features → the words as printed, to show why the model chose a type."""
    shown: dict[str, str] = {}
    for prefix, text in ((WORD, ctx.own), (LEAD_WORD, ctx.lead)):
        ws = words(text)
        for w in ws:
            shown.setdefault(prefix + w.key, w.text)
        for a, b in pairwise(ws):
            shown.setdefault(f"{prefix}{a.key}_{b.key}", f"{a.text} {b.text}" if a.text.isascii() else a.text + b.text)
    return shown


@dataclass
class Scored:
    """The model's reading of one step: the types it gives, each with its probability and the words behind it."""

    types: list[str]  # concept IRIs, most probable first
    scores: dict[str, float]
    words: dict[str, list[str]]


class Typer:
    """One logistic regression per concept over TF-IDF features, as trained by `npt-kg train`."""

    def __init__(self, namespace: str, classes: list[str], idf: dict[str, float], coef: list[dict[str, float]],
                 intercept: list[float], threshold: float, keep: float, max_types: int, meta: dict) -> None:
        self.namespace, self.classes, self.idf = namespace, classes, idf
        self.coef, self.intercept = coef, intercept
        #: a type as probable as `threshold` is given; a rule's type from the step's words less probable
        #: than `keep` is dropped when the model gives another
        self.threshold, self.keep, self.max_types, self.meta = threshold, keep, max_types, meta
        #: the file it was read from ("" when made here), to name in messages
        self.source = ""
        # the weights as one matrix (feature × class): a step's fifty features times forty classes is one
        # numpy product instead of two thousand Python multiplications, which had halved the build's speed
        self._row = {f: i for i, f in enumerate(sorted({f for weights in coef for f in weights}))}
        self._weights = np.zeros((len(self._row), len(classes)))
        for k, weights in enumerate(coef):
            for f, w in weights.items():
                self._weights[self._row[f], k] = w
        self._intercept = np.array(intercept, dtype=float)
        self._index = {namespace + c: k for k, c in enumerate(classes)}
        # for scoring a paper's steps at once: every known feature's column, idf and weights (zero for the
        # pruned ones), so that TF-IDF and the product are array operations, not a Python loop per feature
        self._names = list(idf)
        self._col = {f: i for i, f in enumerate(self._names)}
        self._idf = np.array([idf[f] for f in self._names], dtype=float)
        self._dense = np.zeros((len(self._names), len(classes)))
        for f, r in self._row.items():
            if f in self._col:
                self._dense[self._col[f]] = self._weights[r]

    @classmethod
    def load(cls, path: Path) -> Typer:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            model = cls(d["namespace"], d["classes"], d["idf"], d["coef"], d["intercept"], d["threshold"],
                        d["keep"], d["max_types"], d.get("meta", {}))
            model.source = str(path)
            return model
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{path}: not a typing model ({exc}); make it again with `npt-kg train`") from None

    def to_json(self) -> str:
        return json.dumps({"namespace": self.namespace, "classes": self.classes, "threshold": self.threshold,
                           "keep": self.keep, "max_types": self.max_types, "meta": self.meta,
                           "intercept": self.intercept, "idf": self.idf, "coef": self.coef}, ensure_ascii=False)

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """scikit-learn's TfidfVectorizer(sublinear_tf=True) of the features the model knows."""
        v = {f: (1.0 + math.log(n)) * self.idf[f] for f, n in counts.items() if f in self.idf}
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {f: x / norm for f, x in v.items()} if norm else v

    def probabilities(self, vec: dict[str, float]) -> list[float]:
        return self._probabilities([vec])[0].tolist()

    def _probabilities(self, vecs: list[dict[str, float]]) -> np.ndarray:
        """Per step, the probability of each class: all steps of a paper in one product."""
        row = self._row
        used = sorted({row[f] for v in vecs for f in v if f in row})
        z = np.tile(self._intercept, (len(vecs), 1))
        if used:
            col = {r: j for j, r in enumerate(used)}
            x = np.zeros((len(vecs), len(used)))
            for i, v in enumerate(vecs):
                for f, value in v.items():
                    if f in row:
                        x[i, col[row[f]]] = value
            z += x @ self._weights[used]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))

    def read(self, ctx: TypingContext, scheme: Scheme) -> Scored:
        return self.read_all([ctx], scheme)[0]

    def features(self, ctx, scheme: Scheme) -> Counter[str]:
        return features(ctx, scheme)

    def read_all(self, contexts: list, scheme: Scheme) -> list[Scored]:
        """The model's reading of each step of a paper: what `vector` and `probabilities` give one step,
        computed for all of them with array operations (the model's share of a build's time)."""
        col, cols, counts, starts = self._col, [], [], []
        for ctx in contexts:
            starts.append(len(cols))
            for f, n in self.features(ctx, scheme).items():
                j = col.get(f)
                if j is not None:
                    cols.append(j)
                    counts.append(n)
        idx = np.array(cols, dtype=np.intp)
        x = (1.0 + np.log(np.array(counts, dtype=float))) * self._idf[idx] if cols else np.zeros(0)
        ends = [*starts[1:], len(cols)]
        z = np.tile(self._intercept, (len(contexts), 1))
        filled = [i for i, (a, b) in enumerate(zip(starts, ends, strict=True)) if b > a]
        if filled:
            at = np.array([starts[i] for i in filled], dtype=np.intp)
            norms = np.sqrt(np.add.reduceat(x * x, at))
            x = x / np.repeat(norms, [ends[i] - starts[i] for i in filled])
            z[filled] += np.add.reduceat(x[:, None] * self._dense[idx], at, axis=0)
        probs = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))

        def vec_of(i: int):
            return lambda: {self._names[j]: float(v) for j, v in zip(idx[starts[i]:ends[i]], x[starts[i]:ends[i]],
                                                                      strict=True)}
        return [self._choose(ctx, vec_of(i), probs[i]) for i, ctx in enumerate(contexts)]

    def _choose(self, ctx: TypingContext, vec_of, row: np.ndarray) -> Scored:
        order = np.argsort(-row, kind="stable")[:self.max_types].tolist()
        probs = row.tolist()
        # The model overrides the rules only where it is sure: on the seed papers (real ones, which the
        # rules were written from) its unsure guesses were worse than the rules', on the annotated papers
        # of other writers its sure ones better (bench/eval/README.md). A type a trigger phrase found in
        # the step's own words stays beside the model's unless the model finds it improbable; a step the
        # rules could not type takes the model's most probable type.
        chosen = [k for k in order[:self.max_types] if probs[k] >= self.threshold]
        if not chosen and not ctx.rule_types:
            chosen = [order[0]]
        index = self._index
        if not chosen:
            kept = list(ctx.rule_types)
        elif ctx.typed_from:  # the rules' types came from the lead, the sub-items or the theme
            kept = []
        else:
            kept = [t for t in ctx.rule_types if t not in index or probs[index[t]] >= self.keep]
        unknown = [t for t in kept if t not in index or index[t] not in chosen]
        types = [self.namespace + self.classes[k] for k in chosen]
        why: dict[str, list[str]] = {}
        # the words behind a type are shown only where no trigger phrase gave it
        fresh = [(k, iri) for k, iri in zip(chosen, types, strict=True) if iri not in ctx.rule_types]
        shown, vec = (_as_printed(ctx), vec_of()) if fresh else ({}, {})
        for k, iri in fresh:
            why[iri] = self._why(k, vec, shown)
        return Scored([*types, *unknown][:max(self.max_types, len(types))],
                      {iri: round(probs[k], 4) for k, iri in zip(chosen, types, strict=True)}, why)

    def _why(self, k: int, vec: dict[str, float], shown: dict[str, str]) -> list[str]:
        """The words that weigh most for class k: what a reader checks the model's choice against."""
        weights = self.coef[k]
        pushed = sorted(((vec[f] * weights[f], f) for f in vec if f in weights and f in shown
                         and vec[f] * weights[f] > 0), reverse=True)
        return [shown[f] for _, f in pushed[:3]]


class RiskTyper(Typer):
    """The risk types of every paragraph and item, read over the trigger phrases' findings.

    Why it may drop a step's risk type, which the measure-type model does only beside a sure type of
    its own: the risk phrases' errors on steps of new writers' papers were mostly extra types (a call
    about withdrawal "mitigating" the erosion of the treaty regime, a de-alerting step the high-alert
    risk: the step's topic, which the annotation guide says is not a risk it names). Across the dev
    half's batches of writers, dropping a step's rule types the model finds improbable (< `keep`) and
    adding the types it is sure of (≥ `threshold`) to any unit scored better on every batch the rules
    were not written from than the rules alone (bench/eval/README.md).
    """

    def features(self, ctx, scheme: Scheme) -> Counter[str]:
        return risk_features(ctx, scheme)

    def _choose(self, ctx: RiskContext, vec_of, row: np.ndarray) -> Scored:  # type: ignore[override]
        probs = row.tolist()
        index = self._index
        # Only a step's types are dropped. On the narrative of the seed papers (real ones, whose risk
        # phrases were checked by hand) the model dropped mostly right types (a paragraph on human error,
        # another on forward deployment): the writers' narrative it learned from is plainer than real
        # papers'. On steps its drops held on both.
        kept = [t for t in ctx.rule_types if not ctx.measure or t not in index or probs[index[t]] >= self.keep]
        order = np.argsort(-row, kind="stable").tolist()
        sure = [k for k in order[:self.max_types] if probs[k] >= self.threshold]
        types = list(dict.fromkeys([*kept, *(self.namespace + self.classes[k] for k in sure)]))
        fresh = [k for k in sure if self.namespace + self.classes[k] not in ctx.rule_types]
        shown, vec = (_as_printed(ctx), vec_of()) if fresh else ({}, {})
        why = {self.namespace + self.classes[k]: self._why(k, vec, shown) for k in fresh}
        scores = {t: round(probs[index[t]], 4) for t in types if t in index}
        return Scored(types, scores, why)


#: the models shipped with the package (`npt-kg train` writes them)
MODEL_FILE = "measure-types.model.json"
RISK_MODEL_FILE = "risk-types.model.json"


def load_typer(path: Path | str | None = None) -> Typer | None:
    """The measure-type model: `path`, else the one shipped in kg/data/; "none": the trigger phrases alone."""
    if path is not None and str(path) == "none":
        return None
    return Typer.load(Path(path) if path is not None else resources.data_file(MODEL_FILE))


def load_risk_typer(path: Path | str | None = None) -> RiskTyper | None:
    """The risk-type model: `path`, else the one shipped in kg/data/; "none": the trigger phrases alone."""
    if path is not None and str(path) == "none":
        return None
    return RiskTyper.load(Path(path) if path is not None else resources.data_file(RISK_MODEL_FILE))
