"""A graph built with the shipped typing models, shared by the tests of what they give."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import resources
from kg.build import build_graph
from kg.store import load_dataset

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval"


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The seeds and some dev papers of either language, built as `npt-kg build` does."""
    graph = tmp_path_factory.mktemp("models") / "npt-kg.ttl"
    build_graph([resources.SEEDS_DIR, *sorted((EVAL / "dev").glob("zh-2*.txt")),
                 *sorted((EVAL / "dev").glob("en-2*.txt"))], graph)
    return load_dataset(graph)
