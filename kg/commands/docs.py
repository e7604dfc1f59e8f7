"""Write HTML documentation of the ontology and the two concept schemes with pyLODE.

`npt-kg docs` (and `make docs`) writes `docs/ontology/index.html` (the
ontology) plus `measure-types.html` and `risk-types.html` (the SKOS schemes), so the
published IRIs can point at pages people can read. Pages are written atomically.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import sys
import types
from pathlib import Path

from kg import resources
from kg.errors import UserError
from kg.util.atomic import write_atomically

DEFAULT_OUT = Path("docs") / "ontology"


def _pylode():
    """Import pyLODE, working around releases that read their version from a missing pyproject.toml."""
    try:
        import pylode
    except FileNotFoundError:
        # pyLODE 3.4.1 wheels look for pyproject.toml in site-packages; give it its version instead.
        for name in [m for m in sys.modules if m == "pylode" or m.startswith("pylode.")]:
            del sys.modules[name]
        stub = types.ModuleType("pylode.version")
        stub.__version__ = importlib.metadata.version("pylode")
        sys.modules["pylode.version"] = stub
        import pylode
    return pylode


def build_docs(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Render the ontology (index.html) and each concept scheme; returns the pages written."""
    pylode = _pylode()
    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs every step at INFO/DEBUG on the root logger
    pages = [(resources.ONTOLOGY_FILE, "index.html", pylode.OntPub)]
    pages += [(path, path.stem + ".html", pylode.VocPub)
              for path in (resources.MEASURE_SCHEME_FILE, resources.RISK_SCHEME_FILE)]
    written = []
    for source, name, profile in pages:
        if not source.exists():
            raise UserError(f"{source}: no such file")
        try:
            html = profile(str(source)).make_html()
        except Exception as exc:  # pyLODE raises bare exceptions for missing metadata
            raise UserError(f"{source}: pyLODE could not document it: {' '.join(str(exc).split())}") from exc
        target = out_dir / name
        write_atomically(target, html)
        written.append(target)
    return written


def run(args: argparse.Namespace) -> int:
    """`npt-kg docs`."""
    for page in build_docs(args.output):
        print(page)
    return 0
