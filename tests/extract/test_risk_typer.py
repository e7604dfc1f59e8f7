"""The risk-type model: it drops the rules' improbable risk types, adds the sure ones, says why, and is
what `npt-kg train` makes of the dev half now."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import resources, vocab
from kg.build import build_graph
from kg.commands import main
from kg.commands.train import fit_risks, units
from kg.extract import load_lexicon, load_risk_typer, load_typer
from kg.extract.typer import RiskContext, risk_features
from kg.store import load_dataset

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval"
RT, MT = vocab.RISK_TYPE_NS, vocab.MEASURE_TYPE_NS


@pytest.fixture(scope="module")
def scheme():
    return load_lexicon().risks


def unit(own: str, rules: tuple[str, ...] = (), measure: bool = False) -> RiskContext:
    return RiskContext(own, "", "", measure, [], [RT + t for t in rules])


#: narrative on two dangers and steps that name none, in both languages
TOY = [
    (unit("某些国家继续对其核武库进行现代化改造，并研发新型核武器。"), [RT + "arsenal-growth"]),
    (unit("Several States are modernizing their arsenals and developing new types of nuclear weapons."),
     [RT + "arsenal-growth"]),
    (unit("核武库的扩充和现代化令人深感关切。"), [RT + "arsenal-growth"]),
    (unit("Non-State actors may seek to acquire nuclear material through illicit trafficking networks."),
     [RT + "illicit-trafficking"]),
    (unit("非法贩运核材料的网络仍然存在，令人担忧。"), [RT + "illicit-trafficking"]),
    (unit("Illicit trafficking in nuclear and radioactive material continues to be reported."),
     [RT + "illicit-trafficking"]),
    (unit("Non-compliance and the announced withdrawal of a State have eroded the credibility of the Treaty.",
          ("erosion-of-treaty-regime",)), [RT + "erosion-of-treaty-regime"]),
    (unit("一些国家违反义务并宣布退出条约，严重削弱了条约的权威。", ("erosion-of-treaty-regime",)),
     [RT + "erosion-of-treaty-regime"]),
    (unit("呼吁各国批准《全面禁止核试验条约》。", ("erosion-of-treaty-regime",), True), []),
    (unit("Calls upon all States to sign and ratify the Comprehensive Nuclear-Test-Ban Treaty.",
          ("erosion-of-treaty-regime",), True), []),
    (unit("Urges States parties to submit national reports to each session.", (), True), []),
    (unit("Urges the States that have not yet done so to ratify the Treaty without delay.",
          ("erosion-of-treaty-regime",), True), []),
    (unit("敦促尚未批准的国家立即批准条约。", ("erosion-of-treaty-regime",), True), []),
]


def test_a_rule_risk_type_the_model_finds_improbable_is_dropped(scheme):
    model = fit_risks(TOY, scheme, {})
    read = model.read(unit("Urges all States to ratify the Comprehensive Nuclear-Test-Ban Treaty without delay.",
                           ("erosion-of-treaty-regime",), True), scheme)
    assert RT + "erosion-of-treaty-regime" not in read.types


def test_a_sure_risk_type_is_added_with_the_words_behind_it(scheme):
    model = fit_risks(TOY, scheme, {})
    read = model.read(unit("Many States continue modernizing their nuclear arsenals and developing new types."),
                      scheme)
    assert RT + "arsenal-growth" in read.types
    assert read.scores[RT + "arsenal-growth"] >= model.threshold
    assert read.words[RT + "arsenal-growth"], "a type no phrase gave shows the words that weighed most"


def test_where_the_model_is_unsure_the_rules_risk_types_stand(scheme):
    model = fit_risks(TOY, scheme, {})
    ctx = unit("The Group notes the report of the Secretary-General.", ("lack-of-transparency",))
    read = model.read(ctx, scheme)
    keep = model.probabilities(model.vector(risk_features(ctx, scheme)))
    k = model.classes.index("lack-of-transparency") if "lack-of-transparency" in model.classes else None
    assert k is None or keep[k] >= model.keep, "a class it never saw cannot be improbable"
    assert read.types == [RT + "lack-of-transparency"]


def test_the_shipped_risk_model_is_what_train_makes_of_the_dev_half_now(scheme):
    """It reads the rules' risk types and the measure-type model's types: retrain after changing either."""
    shipped = load_risk_typer()
    assert shipped is not None and shipped.meta["trained_on"].endswith("dev")
    data = [(u.context, u.gold) for u in units(EVAL, "dev", load_typer())]
    again = fit_risks(data, scheme, {})
    assert again.classes == shipped.classes and again.idf == pytest.approx(shipped.idf, abs=1e-5)
    assert (again.threshold, again.keep) == (shipped.threshold, shipped.keep)
    worst = max(max(abs(a - b) for a, b in zip(again.probabilities(again.vector(f)),
                                                shipped.probabilities(shipped.vector(f)), strict=True))
                for f in (risk_features(c, scheme) for c, _ in data))
    assert worst < 0.02, f"the shipped risk model is stale (probabilities differ by {worst:.3f}): run `make model`"


def test_a_model_of_the_other_scheme_is_refused_naming_its_file(tmp_path: Path, capsys):
    wrong = resources.data_file("measure-types.model.json")
    assert main(["build", "-q", "--risk-model", str(wrong), "-o", str(tmp_path / "g.ttl")]) != 0
    err = capsys.readouterr().err
    assert str(wrong) in err and "risk types" in err and "Traceback" not in err
    assert not (tmp_path / "g.ttl").exists()


RISK_EVIDENCE = """
PREFIX npt: <https://w3id.org/npt-kg/ontology#>
SELECT ?thing ?type ?step ?score ?words ?phrase WHERE {
  { ?thing npt:riskType ?type BIND(false AS ?step) } UNION { ?thing npt:mitigates ?type BIND(true AS ?step) }
  ?thing npt:typedBy ?why .
  ?why npt:evidenceFor ?type ; npt:modelScore ?score .
  OPTIONAL { ?why npt:modelWords ?words }
  OPTIONAL { ?why npt:triggerPhrase ?phrase }
}
"""


def test_a_risk_type_the_model_gives_says_so_with_its_probability_and_words(model_store: Store):
    rows = list(model_store.query(RISK_EVIDENCE, use_default_graph_as_union=True))
    model = load_risk_typer()
    assert model is not None
    fresh = [r for r in rows if r["phrase"] is None]
    assert fresh, "the model adds some risk types no phrase gave"
    for r in fresh:
        assert r["words"] is not None and float(r["score"].value) >= model.threshold, r["thing"].value
    for r in rows:  # a step's type a phrase gave and the model kept: at least as probable as the model's floor
        if r["step"].value == "true":
            assert float(r["score"].value) >= model.keep, r["thing"].value
    assert any(r["step"].value == "false" and float(r["score"].value) < model.keep for r in rows), \
        "a risk of narrative keeps its phrase's type however improbable the model finds it"


def test_without_the_risk_model_risk_types_are_the_phrases_alone(tmp_path: Path):
    out = tmp_path / "rules.ttl"
    build_graph([resources.SEEDS_DIR], out, risk_model="none")
    store = load_dataset(out)
    assert not list(store.query(RISK_EVIDENCE, use_default_graph_as_union=True))
