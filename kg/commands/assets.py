"""Install the pages' JavaScript, CSS and fonts from npm, to be served by this server (no CDN at run time).

    npt-kg assets install [--force]   # one npm install in a temp dir, copy the pinned files
    npt-kg assets status

Every package is one entry of `PACKAGES`: its npm name, the exact version, and which of
its files are served. Each lands in its own folder, `server/static/vendor/<key>/` (not in
git), with a manifest of version, license and hashes, and is served at `/assets/<key>/…`.
Without them the query page falls back to a plain HTML form, so npm is needed only for
the nicer pages. To add a package, add an entry; nothing else changes.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.errors import UserError
from server.config import DEFAULT_ASSETS_DIR


@dataclass(frozen=True)
class Package:
    """An npm package the pages use, and the files of it they need."""

    key: str  #: folder under the vendor directory and under /assets/
    name: str  #: npm package name
    version: str  #: exact version (tested with the pages)
    #: glob patterns relative to the package root; matching files are copied, keeping their relative paths
    files: tuple[str, ...]
    #: a file every installation must have (what the pages check for), relative to the key's folder
    required: tuple[str, ...] = ()
    #: copy the matches without their leading folder (e.g. "build/"), so /assets/<key>/<file> works
    strip: str = ""


PACKAGES: tuple[Package, ...] = (
    Package("yasgui", "@zazuko/yasgui", "4.6.2", files=("build/yasgui.min.js", "build/yasgui.min.css"),
            required=("yasgui.min.js", "yasgui.min.css"), strip="build/"),
    # Bar charts in the query page's chart view (the pivot table needs no library).
    Package("chartjs", "chart.js", "4.4.7", files=("dist/chart.umd.js",), required=("chart.umd.js",),
            strip="dist/"),
    # Chinese on machines without a CJK font: Noto Sans SC split by unicode-range into small woff2
    # subsets, so a page downloads only the pieces holding the characters it shows.
    Package("noto-sans-sc", "@fontsource/noto-sans-sc", "5.3.0",
            files=("400.css", "700.css", "files/noto-sans-sc-*-400-normal.woff2",
                   "files/noto-sans-sc-*-700-normal.woff2", "LICENSE"),
            required=("400.css",)),
    # The /explore pictures: Vega-Lite specs drawn by Vega through vega-embed; the interpreter
    # evaluates Vega expressions without eval(), as the Content-Security-Policy requires.
    Package("vega", "vega", "5.33.1", files=("build/vega.min.js",), required=("vega.min.js",), strip="build/"),
    Package("vega-lite", "vega-lite", "5.21.0", files=("build/vega-lite.min.js",), required=("vega-lite.min.js",),
            strip="build/"),
    Package("vega-embed", "vega-embed", "6.29.0", files=("build/vega-embed.min.js",),
            required=("vega-embed.min.js",), strip="build/"),
    Package("vega-interpreter", "vega-interpreter", "1.2.1", files=("build/vega-interpreter.min.js",),
            required=("vega-interpreter.min.js",), strip="build/"),
)
DEFAULT_DEST = DEFAULT_ASSETS_DIR
MANIFEST = "VERSION.json"
#: Kept for callers that ask about the query page's editor only.
PACKAGE = PACKAGES[0].name
VERSION = PACKAGES[0].version
FILES = PACKAGES[0].required


def package(key: str) -> Package:
    for pkg in PACKAGES:
        if pkg.key == key:
            return pkg
    raise UserError(f"no asset package {key!r}; known: {', '.join(p.key for p in PACKAGES)}")


def installed_package(pkg: Package, dest: Path = DEFAULT_DEST) -> dict[str, object] | None:
    """The manifest of `pkg` in `dest/<key>`, or None when it is missing or incomplete."""
    folder = dest / pkg.key
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all((folder / f).is_file() for f in pkg.required):
        return None
    return data


def installed(dest: Path = DEFAULT_DEST) -> dict[str, object] | None:
    """The query editor's manifest (YASGUI), or None: what `status` and the page check first."""
    return installed_package(PACKAGES[0], dest)


def status(dest: Path = DEFAULT_DEST) -> dict[str, dict[str, object] | None]:
    return {pkg.key: installed_package(pkg, dest) for pkg in PACKAGES}


def _copy(pkg: Package, root: Path, dest: Path) -> dict[str, object]:
    """Copy the package's matching files from `root` (its node_modules folder) into `dest/<key>`, atomically."""
    package_json = json.loads((root / "package.json").read_text(encoding="utf-8"))
    chosen: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and any(fnmatch.fnmatchcase(rel, pattern) for pattern in pkg.files):
            chosen.append(rel)
    folder = dest / pkg.key
    staging = folder.with_name(f".{pkg.key}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    hashes: dict[str, str] = {}
    for rel in chosen:
        target = staging / rel.removeprefix(pkg.strip)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, target)
        hashes[target.relative_to(staging).as_posix()] = hashlib.sha256(target.read_bytes()).hexdigest()
    missing = [f for f in pkg.required if f not in hashes]
    if missing:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"{pkg.name}@{pkg.version} has no {', '.join(missing)}")
    manifest: dict[str, object] = {
        "package": pkg.name,
        "version": package_json.get("version", pkg.version),
        "license": package_json.get("license"),
        "homepage": package_json.get("homepage"),
        "sha256": hashes,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    old = folder.with_name(f".{pkg.key}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def install(dest: Path = DEFAULT_DEST, version: str | None = None, *, force: bool = False,
            npm: str | None = None, packages: tuple[Package, ...] = PACKAGES) -> dict[str, object]:
    """npm-install the pinned packages that are missing (one npm run) and copy their files into `dest`.

    `version` overrides the editor's (YASGUI's) pin. Returns {key: manifest}.
    """
    wanted = [p if version is None or p is not PACKAGES[0] else Package(**{**p.__dict__, "version": version})
              for p in packages]
    result: dict[str, object] = {}
    todo = []
    for pkg in wanted:
        current = installed_package(pkg, dest)
        if current and current.get("version") == pkg.version and not force:
            result[pkg.key] = current
        else:
            todo.append(pkg)
    if not todo:
        return result
    npm_bin = shutil.which(npm or "npm")
    if not npm_bin:
        raise UserError("npm not found: install Node.js/npm, or use the plain query form")
    specs = [f"{p.name}@{p.version}" for p in todo]
    with tempfile.TemporaryDirectory(prefix="npt-kg-assets-") as tmp:
        cmd = [npm_bin, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save",
               "--loglevel=error", "--prefix", tmp, *specs]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=tmp)
        except OSError as exc:
            raise UserError(f"cannot run {npm_bin}: {exc}") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise UserError(f"npm install {' '.join(specs)} failed: {' / '.join(tail)}")
        dest.mkdir(parents=True, exist_ok=True)
        for pkg in todo:
            result[pkg.key] = _copy(pkg, Path(tmp, "node_modules", *pkg.name.split("/")), dest)
    return result


def run(args: argparse.Namespace) -> int:
    """`npt-kg assets install|status`."""
    dest = args.dest or DEFAULT_DEST
    if args.action == "install":
        info = install(dest, args.version, force=args.force)
        for key, manifest in info.items():
            print(f"{manifest['package']} {manifest['version']} in {dest / key}")  # type: ignore[index]
        return 0
    ok = True
    for key, manifest in status(dest).items():
        if manifest:
            print(f"{manifest['package']} {manifest['version']} in {dest / key}")
        else:
            ok = False
            print(f"{package(key).name}: not installed in {dest / key}")
    return 0 if ok else 1
