"""The on-disk store: loaded once into a directory, with a manifest that says what is in it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, Store

from kg import resources, vocab
from kg.errors import UserError
from kg.store.library import load_library
from kg.store.listings import LISTINGS_DIR, write_listings
from kg.store.load import load_dataset, load_into
from kg.store.textindex import INDEX_NAME, TextIndex, build_index

#: Name of the file in an on-disk store directory that records what was loaded into it.
MANIFEST_NAME = "npt-kg-store.json"
#: 2: the store holds the derived graph (kg.build.derived) and the paragraph text index;
#: 3: and the full listings of the paged named queries (kg.store.listings).
_MANIFEST_VERSION = 3


def _fingerprint(path: Path, *, with_hash: bool = True) -> dict[str, object]:
    st = path.stat()
    entry: dict[str, object] = {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if with_hash:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        entry["sha256"] = digest.hexdigest()
    return entry


def _sources_match(recorded: list[dict[str, object]], sources: Sequence[Path]) -> bool:
    """Same files with the same content: size and mtime first, the sha256 when those moved."""
    if [r.get("path") for r in recorded] != [str(p.resolve()) for p in sources]:
        return False
    for entry, path in zip(recorded, sources, strict=True):
        try:
            now = _fingerprint(path, with_hash=False)
        except OSError:
            return False
        if now["size"] == entry.get("size") and now["mtime_ns"] == entry.get("mtime_ns"):
            continue
        if _fingerprint(path)["sha256"] != entry.get("sha256"):
            return False
    return True


def read_manifest(store_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((store_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == _MANIFEST_VERSION else None


def prepare_disk_store(
    store_dir: Path,
    graph: Path,
    ontology_files: Sequence[Path] | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Make `store_dir` hold exactly `graph` and the ontology; return its manifest.

    The manifest records each loaded file's path, size, mtime and sha256, so a store
    is reused as long as the files are unchanged and reloaded (into a fresh directory
    swapped in by rename) when one changed, or when the store was prepared by an older version
    (the manifest's version). A non-empty directory without a manifest is refused rather than
    overwritten. The store holds the derived graph, the paragraph index and the full listings
    of the paged named queries.
    """
    files = tuple(resources.ONTOLOGY_FILES if ontology_files is None else ontology_files)
    sources = [*files, graph]
    if not graph.exists():
        raise UserError(f"{graph}: no built graph here; run 'npt-kg build' first")
    manifest = read_manifest(store_dir)
    if manifest is not None and _sources_match(manifest.get("sources", []), sources):  # type: ignore[arg-type]
        return manifest
    # a manifest of an older version is an npt-kg store to reload; no manifest at all is someone else's folder
    if store_dir.exists() and not (store_dir / MANIFEST_NAME).is_file() and any(store_dir.iterdir()):
        raise UserError(f"{store_dir}: not an npt-kg store and not empty; give a new or empty directory")
    if on_progress:
        on_progress(f"loading {graph} into the store at {store_dir}")
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = store_dir.with_name(f".{store_dir.name}.loading-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        store = Store(str(fresh))
        try:
            load_into(store, graph, with_ontology=bool(files), ontology_files=files, derive=False)
            # The derived graph and the text index are computed in memory, where the engine is
            # several times faster than on disk, and the derived quads then added to the disk store.
            memory = load_dataset(graph, with_ontology=bool(files), ontology_files=files)
        except SyntaxError as exc:
            raise UserError(f"cannot load into the store: {exc}") from exc
        store.bulk_extend(memory.quads_for_pattern(None, None, None, NamedNode(vocab.DERIVED_GRAPH)))
        build_index(memory, fresh / INDEX_NAME)
        del memory
        store.flush()
        store.optimize()
        # on this store, not the one in memory: the bytes the served engine writes (GROUP_CONCAT's
        # order, ties in an ORDER BY) follow the store's own iteration order
        index = TextIndex(fresh / INDEX_NAME)
        try:
            write_listings(store, fresh / LISTINGS_DIR, load_library().values(), index, on_progress=on_progress)
        finally:
            index.close()
        triples = len(store)
        del store
        manifest = {
            "version": _MANIFEST_VERSION,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": triples,
            "sources": [_fingerprint(p) for p in sources],
        }
        (fresh / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        old = store_dir.with_name(f".{store_dir.name}.old-{os.getpid()}")
        if store_dir.exists():
            store_dir.rename(old)
        fresh.rename(store_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return manifest
