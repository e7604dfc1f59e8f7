"""Where the project's own files are, in a checkout and in an installed wheel alike.

The ontology (`ontology/`) and the named queries (`queries/`) stay at the top of the
repository, where people look for them; setuptools maps them into the wheel as the
packages `kg.ontology` and `kg.named_queries` (see `package-dir` in pyproject.toml), so
`importlib.resources` finds them wherever the package is installed. The gazetteers live
inside the package (`kg/data/`). Nothing else in the code builds a path to a resource.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _package_dir(name: str, checkout_dir: str) -> Path:
    """`kg/<name>` as installed (package data, found through importlib.resources), else the checkout's folder."""
    installed = Path(str(files("kg").joinpath(name)))
    return installed if installed.is_dir() else _HERE.parent / checkout_dir


ONTOLOGY_DIR = _package_dir("ontology", "ontology")
#: The three seed papers, shipped so that a fresh install has a graph to build and serve.
SEEDS_DIR = _package_dir("seeds", "seeds")
QUERIES_DIR = _package_dir("named_queries", "queries")
DATA_DIR = Path(str(files("kg").joinpath("data")))

ONTOLOGY_FILE = ONTOLOGY_DIR / "npt.ttl"
MEASURE_SCHEME_FILE = ONTOLOGY_DIR / "measure-types.ttl"
RISK_SCHEME_FILE = ONTOLOGY_DIR / "risk-types.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
#: Files that together make the ontology (TBox plus the two SKOS schemes).
ONTOLOGY_FILES: tuple[Path, ...] = (ONTOLOGY_FILE, MEASURE_SCHEME_FILE, RISK_SCHEME_FILE)

#: Defaults of the command line, relative to the working directory.
DEFAULT_SEEDS = Path("seeds")
DEFAULT_GRAPH = Path("build/npt-kg.ttl")


def seeds_dir() -> Path:
    """seeds/ of the working directory when there is one, else the seed papers shipped with the package."""
    return DEFAULT_SEEDS if DEFAULT_SEEDS.is_dir() else SEEDS_DIR


def data_file(name: str) -> Path:
    """A gazetteer or cue file of `kg/data/`."""
    return DATA_DIR / name
