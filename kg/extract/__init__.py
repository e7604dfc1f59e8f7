"""Extraction: a `ParsedPaper` → facts (who submitted it where, what it names, cites, proposes, warns of).

The second stage. It knows the world through the gazetteer (`gazetteer`) and the
vocabulary of measures and risks through the lexicon read from the SKOS schemes
(`lexicon`), and a model trained on annotated papers types the steps (`typer`); the
genre's wording is in `cues`; what it hands on is in `facts`.
"""

from kg.extract.cues import Cues
from kg.extract.extractor import Extractor, doc_iri
from kg.extract.facts import (
    HeaderFacts,
    MeasureFact,
    MeetingFact,
    PaperFacts,
    RiskFact,
    StatementFact,
    UnitFacts,
)
from kg.extract.gazetteer import Entity, Gazetteer
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.typer import RiskTyper, Typer, load_risk_typer, load_typer

__all__ = ["Cues", "Entity", "Extractor", "Gazetteer", "HeaderFacts", "Lexicon", "MeasureFact", "MeetingFact",
           "PaperFacts", "RiskFact", "RiskTyper", "StatementFact", "Typer", "UnitFacts", "doc_iri", "load_lexicon",
           "load_risk_typer", "load_typer"]
