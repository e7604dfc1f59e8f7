"""Install the query page's YASGUI from npm, to be served by this server (no CDN at run time).

    python -m server.assets install [--force]   # npm install in a temp dir, copy the built files
    python -m server.assets status

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
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kg.errors import UserError

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
FILES = ("yasgui.min.js", "yasgui.min.css")
DEFAULT_DEST = Path(__file__).resolve().parent / "static" / "vendor" / "yasgui"
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.assets", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("install", help=f"install {PACKAGE} from npm")
    p.add_argument("--version", default=VERSION, help=f"package version (default: {VERSION})")
    p.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="where to put the files")
    p.add_argument("--force", action="store_true", help="reinstall even when this version is there")
    p = sub.add_parser("status", help="say what is installed")
    p.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            info = install(args.dest, args.version, force=args.force)
            print(f"{info['package']} {info['version']} in {args.dest}")
            return 0
        info = installed(args.dest)
        print(f"{info['package']} {info['version']} in {args.dest}" if info else f"not installed in {args.dest}")
        return 0 if info else 1
    except UserError as exc:
        print(f"server.assets: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
