"""The measure-type model: scored as scikit-learn scores it, sure where it overrides the rules, reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import resources, vocab
from kg.build import build_graph
from kg.commands import main
from kg.commands.train import fit, steps
from kg.extract import load_lexicon, load_typer
from kg.extract.typer import TypingContext, features

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval"
MT = vocab.MEASURE_TYPE_NS


@pytest.fixture(scope="module")
def scheme():
    return load_lexicon().measures


def ctx(own: str, rule_types: tuple[str, ...] = (), lead: str = "", typed_from: str = "") -> TypingContext:
    return TypingContext(own, lead, "", "", [MT + t for t in rule_types], typed_from)


#: a handful of steps in both languages, enough for a model to tell three types apart
TOY = [
    (ctx("敦促核武器国家降低核武器系统的战备状态。"), [MT + "de-alerting"]),
    (ctx("Calls upon the nuclear-weapon States to reduce the operational readiness of their forces."),
     [MT + "de-alerting"]),
    (ctx("将核武器撤出高度戒备状态。"), [MT + "de-alerting"]),
    (ctx("促请尚未批准《全面禁止核试验条约》的国家批准该条约。"), [MT + "test-ban"]),
    (ctx("Urges all States to sign and ratify the Comprehensive Nuclear-Test-Ban Treaty."), [MT + "test-ban"]),
    (ctx("维持暂停核试验。"), [MT + "test-ban"]),
    (ctx("Encourages the participation of women in disarmament delegations."), [MT + "gender-and-diversity"]),
    (ctx("促进妇女充分、平等和有意义地参与裁军。"), [MT + "gender-and-diversity"]),
    (ctx("Supports gender perspectives in the review process."), [MT + "gender-and-diversity"]),
]


def test_the_model_scores_a_step_exactly_as_scikit_learn_does(scheme):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    model = fit(TOY, scheme, {})
    docs = [features(c, scheme) for c, _ in TOY]
    vec = TfidfVectorizer(analyzer=lambda c: [f for f, n in sorted(c.items()) for _ in range(n)],
                          sublinear_tf=True, min_df=2)
    x = vec.fit_transform(docs)
    assert model.idf == pytest.approx(dict(zip(vec.get_feature_names_out(), vec.idf_, strict=True)), abs=1e-5)
    new = ctx("呼吁各国批准《全面禁止核试验条约》，并降低战备状态。")
    ours = model.probabilities(model.vector(features(new, scheme)))
    for k, cls in enumerate(model.classes):
        y = [MT + cls in types for _, types in TOY]
        lr = LogisticRegression(C=20.0, max_iter=5000, class_weight="balanced").fit(x, y)
        want = lr.predict_proba(vec.transform([features(new, scheme)]))[0, 1]
        # the stored weights are rounded and the smallest dropped: close, not bit-equal
        assert ours[k] == pytest.approx(want, abs=0.02), cls


def test_a_sure_type_is_given_and_an_improbable_rule_type_is_dropped(scheme):
    model = fit(TOY, scheme, {})
    read = model.read(ctx("Calls upon all States to ratify the Comprehensive Nuclear-Test-Ban Treaty without delay.",
                          rule_types=("gender-and-diversity",)), scheme)
    assert read.types == [MT + "test-ban"]
    assert read.scores[MT + "test-ban"] >= model.threshold
    assert read.words[MT + "test-ban"], "the words that weighed most are kept to show why"


def test_where_the_model_is_unsure_the_rules_types_stand(scheme):
    model = fit(TOY, scheme, {})
    unsure = ctx("Invites the Secretary-General to convene a meeting of experts.",
                 rule_types=("transparency-and-reporting",))
    probs = model.probabilities(model.vector(features(unsure, scheme)))
    model.threshold = 0.6  # the policy is under test, not the shipped threshold: nine toy steps make no one sure
    assert max(probs) < model.threshold
    read = model.read(unsure, scheme)
    assert read.types == [MT + "transparency-and-reporting"] and read.scores == {}


def test_a_step_the_rules_could_not_type_takes_the_most_probable_type(scheme):
    model = fit(TOY, scheme, {})
    read = model.read(ctx("Invites the Secretary-General to convene a meeting of experts."), scheme)
    assert len(read.types) == 1 and read.types[0] in {MT + c for c in model.classes}


def test_the_shipped_model_is_what_train_makes_of_the_dev_half_now(scheme):
    """The model reads the rules' findings, so a change of rules, cues or schemes needs `npt-kg train` again.

    Fitted again here, it must give every dev step the same probabilities as the shipped model, to within
    what another build of numpy / scikit-learn may change in the last digits.
    """
    shipped = load_typer()
    assert shipped is not None and shipped.meta["trained_on"].endswith("dev")
    data = [(s.context, s.gold) for s in steps(EVAL, "dev") if s.gold and s.context]
    again = fit(data, scheme, {})
    assert again.classes == shipped.classes and again.idf == pytest.approx(shipped.idf, abs=1e-5)
    assert (again.threshold, again.keep, again.max_types) == (shipped.threshold, shipped.keep, shipped.max_types)
    worst = max(max(abs(a - b) for a, b in zip(again.probabilities(again.vector(f)),
                                                shipped.probabilities(shipped.vector(f)), strict=True))
                for f in (features(c, scheme) for c, _ in data))
    assert worst < 0.02, f"the shipped model is stale (probabilities differ by {worst:.3f}): run `make model`"


def test_training_on_the_heldout_half_is_refused(capsys):
    assert main(["train", "--split", "heldout"]) == 2
    assert "held-out" in capsys.readouterr().err


def test_a_broken_model_file_is_one_line_naming_it(tmp_path: Path, capsys):
    bad = tmp_path / "model.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["build", "-q", "--model", str(bad), "-o", str(tmp_path / "g.ttl")]) != 0
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g.ttl").exists()


def test_without_the_model_no_type_is_given_by_it(tmp_path: Path):
    assert load_typer("none") is None
    out = tmp_path / "rules.ttl"
    build_graph([resources.SEEDS_DIR], out, model="none", risk_model="none")
    assert "modelScore" not in out.read_text(encoding="utf-8")


MODEL_EVIDENCE = """
PREFIX npt: <https://w3id.org/npt-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?measure ?type ?score ?words ?phrase WHERE {
  ?measure npt:measureType ?type ; npt:typedBy ?why .
  ?why npt:evidenceFor ?type ; npt:modelScore ?score ; rdfs:label ?label .
  OPTIONAL { ?why npt:modelWords ?words }
  OPTIONAL { ?why npt:triggerPhrase ?phrase }
  FILTER(lang(?label) = "en")
}
"""


def test_a_type_the_model_gives_says_so_with_its_probability_and_the_words_or_phrase_behind_it(model_store: Store):
    rows = list(model_store.query(MODEL_EVIDENCE, use_default_graph_as_union=True))
    assert rows, "the model types some steps"
    model = load_typer()
    assert model is not None
    types_of: dict[str, int] = {}
    for r in rows:
        types_of[r["measure"].value] = types_of.get(r["measure"].value, 0) + 1
    for r in rows:
        score = float(r["score"].value)
        # sure, or the one type of a step no phrase could type (its most probable, however unsure)
        assert model.threshold <= score <= 1.0 or (0 < score < model.threshold and r["phrase"] is None
                                                   and types_of[r["measure"].value] == 1), r["measure"].value
        # a type no trigger phrase gave shows the model's words instead of a phrase
        assert (r["words"] is None) != (r["phrase"] is None), r["measure"].value
    assert any(r["words"] is not None for r in rows), "some types only the model gave"


def test_train_outside_a_checkout_asks_where_to_write_and_writes_a_model_there(tmp_path: Path, monkeypatch,
                                                                              capsys):
    """An installed package's model is not overwritten: `-o` says where a user's own model goes."""
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--set", str(EVAL)]) == 2
    assert "-o FILE" in capsys.readouterr().err
    out = tmp_path / "mine.json"
    assert main(["train", "--set", str(EVAL), "-o", str(out)]) == 2, "-o names one model: which?"
    assert main(["train", "--set", str(EVAL), "--kind", "measure-types", "-o", str(out)]) == 0
    mine = load_typer(out)
    assert mine is not None and mine.classes == load_typer().classes


def test_what_the_model_reads_around_each_step_is_kept_for_one_paper_only():
    """Without a model nothing reads the steps' surroundings: they must not pile up over a whole build."""
    from kg.extract import Extractor, Gazetteer
    from tests.extract.test_extract import paper, para

    extractor = Extractor(Gazetteer.load(), load_lexicon())
    one = paper(paragraphs=[para(1, "呼吁核武器国家降低核武器系统的战备状态。")])
    two = paper(paragraphs=[para(1, "促请各国批准《全面禁止核试验条约》。"), para(2, "鼓励妇女参与裁军。")],
                title="另一文件")
    extractor.extract(one, doc="https://example.org/one")
    extractor.extract(two, doc="https://example.org/two")
    kept = list(extractor._read_around)
    assert kept and all(iri.startswith("https://example.org/two/") for iri in kept)


def test_a_paper_scored_at_once_gives_each_step_what_it_gets_alone(scheme):
    """`read_all` (array operations over a paper's steps) and `vector` + `probabilities` (one step) agree."""
    model = fit(TOY, scheme, {})
    model.threshold = 0.0  # every class is given, so every probability is shown
    model.max_types = len(model.classes)
    steps = [c for c, _ in TOY] + [ctx(""), ctx("呼吁各国批准《全面禁止核试验条约》，并降低战备状态。")]
    for step, read in zip(steps, model.read_all(steps, scheme), strict=True):
        alone = model.probabilities(model.vector(features(step, scheme)))
        for k, cls in enumerate(model.classes):
            assert read.scores[MT + cls] == pytest.approx(alone[k], abs=1e-4), (step.own, cls)
