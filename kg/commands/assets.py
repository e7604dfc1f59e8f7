"""Install the query page's YASGUI from npm, to be served by this server (no CDN at run time).

    npt-kg assets install [--force]   # npm install in a temp dir, copy the built files
    npt-kg assets status

The files land in `server/static/vendor/yasgui/` (not in git). Without them the query
page falls back to a plain HTML form, so npm is needed only for the nicer page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.errors import UserError
from server.config import DEFAULT_ASSETS_DIR

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
FILES = ("yasgui.min.js", "yasgui.min.css")
DEFAULT_DEST = DEFAULT_ASSETS_DIR
MANIFEST = "VERSION.json"


def installed(dest: Path = DEFAULT_DEST) -> dict[str, object] | None:
    """What is installed in `dest` (package, version, file hashes), or None."""
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((dest / f).is_file() for f in FILES):
        return None
    return data if isinstance(data, dict) else None


def install(dest: Path = DEFAULT_DEST, version: str = VERSION, *, force: bool = False,
            npm: str | None = None) -> dict[str, object]:
    """npm-install the pinned YASGUI into a temporary directory and copy its built files into `dest`."""
    current = installed(dest)
    if current and current.get("version") == version and not force:
        return current
    npm_bin = shutil.which(npm or "npm")
    if not npm_bin:
        raise UserError("npm not found: install Node.js/npm, or use the plain query form")
    with tempfile.TemporaryDirectory(prefix="npt-kg-yasgui-") as tmp:
        cmd = [npm_bin, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save",
               "--loglevel=error", "--prefix", tmp, f"{PACKAGE}@{version}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=tmp)
        except OSError as exc:
            raise UserError(f"cannot run {npm_bin}: {exc}") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise UserError(f"npm install {PACKAGE}@{version} failed: {' / '.join(tail)}")
        build = Path(tmp, "node_modules", *PACKAGE.split("/"), "build")
        package_json = json.loads(Path(build.parent, "package.json").read_text(encoding="utf-8"))
        missing = [f for f in FILES if not (build / f).is_file()]
        if missing:
            raise UserError(f"{PACKAGE}@{version} has no {', '.join(missing)} in its build/ folder")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        hashes = {}
        for name in FILES:
            shutil.copyfile(build / name, staging / name)
            hashes[name] = hashlib.sha256((staging / name).read_bytes()).hexdigest()
        manifest: dict[str, object] = {
            "package": PACKAGE,
            "version": package_json.get("version", version),
            "license": package_json.get("license"),
            "homepage": package_json.get("homepage"),
            "sha256": hashes,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if dest.exists():
            dest.rename(old)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    return manifest


def run(args: argparse.Namespace) -> int:
    """`npt-kg assets install|status`."""
    dest = args.dest or DEFAULT_DEST
    if args.action == "install":
        info = install(dest, args.version or VERSION, force=args.force)
        print(f"{info['package']} {info['version']} in {dest}")
        return 0
    info = installed(dest)
    print(f"{info['package']} {info['version']} in {dest}" if info else f"not installed in {dest}")
    return 0 if info else 1
