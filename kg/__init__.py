"""Build the NPT knowledge graph: papers → read → extract → emit → store.

The public API, imported lazily so that `import kg` stays cheap:

- `build_graph(paths, output, strict=False)` builds papers into one Turtle file;
- `parse_file(path)` reads one paper (`kg.read`);
- `memory_store(graph)` / `load_dataset(graph)` load a built graph for queries (`kg.store`);
- `resources` says where the ontology, the named queries and the gazetteers are; `vocab` names the terms.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "build_graph": "kg.build",
    "BuildSummary": "kg.build",
    "parse_file": "kg.read",
    "memory_store": "kg.store",
    "load_dataset": "kg.store",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
